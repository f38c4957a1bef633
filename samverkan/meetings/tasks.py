"""Background tasks of meetings, run by the django-tasks database worker (`manage.py db_worker`)."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django_tasks import task

from samverkan.meetings import invitation_mail
from samverkan.meetings.models import MeetingMail


@task()
def send_meeting_mail(pk: int) -> bool:
    """Send one queued MeetingMail (an invitation or the word to a substitute); a second run sends nothing."""
    return invitation_mail.send_queued(pk)


def queue_after_commit(mails: Iterable[MeetingMail]) -> None:
    """Queue one task per MeetingMail once the current transaction commits, so no e-mail goes out inside a
    transaction or under a row lock, and none goes out for a change that was rolled back."""
    for mail in mails:
        transaction.on_commit(partial(send_meeting_mail.enqueue, mail.pk))
