"""Background tasks of the agreements register, run by the django-tasks database worker (`manage.py db_worker`)."""

from datetime import date

from django_tasks import task

from samverkan.agreements import reminders


@task()
def send_agreement_reminder(agreement_id: int, kind: str, due_on: str) -> int:
    """Send one reminder of an agreement's follow-up or review (`due_on` ISO date); a second run sends nothing."""
    return reminders.send_reminder(agreement_id, kind, date.fromisoformat(due_on))
