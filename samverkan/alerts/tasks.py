"""Background tasks of alerts, run by the django-tasks database worker (`manage.py db_worker`)."""

from datetime import datetime

from django_tasks import task

from samverkan.alerts import actions, digest


@task()
def send_confirmation(email: str, key: str, frequency: str, language: str) -> bool:
    """Make or renew the unconfirmed subscription and send its confirmation mail (or the note that it exists);
    True when a mail went out."""
    message = actions.subscribe(email, key, frequency, language)
    if message is None:
        return False
    message.send()
    return True


@task()
def send_digests(pks: list[int], now: str) -> int:
    """Make and send the digests of one batch of subscriptions, for the periods complete at `now` (ISO time);
    returns how many were sent. A period already gathered sends nothing."""
    return digest.send_batch(pks, datetime.fromisoformat(now))


@task()
def send_digest_again(pk: int) -> bool:
    """Try a refused digest again."""
    return digest.send_again(pk)
