"""Background tasks of follow-through, run by the django-tasks database worker (`manage.py db_worker`)."""

from django_tasks import task

from samverkan.followthrough import reminders


@task()
def send_reminder(kind: str, pk: int) -> int:
    """Send one reminder e-mail; a second run for the same (kind, pk) sends nothing."""
    return reminders.send_reminder(kind, pk, worker="db_worker")


@task()
def send_dispatch(pk: int) -> bool:
    """Send one dispatch of a recommendation to a principal (followthrough/dispatch.py); a second run sends
    nothing."""
    from samverkan.followthrough import dispatch

    return dispatch.send_queued(pk)
