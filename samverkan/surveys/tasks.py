"""Background tasks of surveys, run by the django-tasks database worker (`manage.py db_worker`)."""

from django_tasks import task


@task()
def send_survey_mail(recipient_id: int, kind: str) -> bool:
    """Send one survey invitation or reminder (`kind`) with a fresh personal link; a second run sends nothing."""
    from samverkan.surveys import mail

    return mail.send_queued(recipient_id, kind)
