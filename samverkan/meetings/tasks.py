"""Background tasks of meetings, run by the django-tasks database worker (`manage.py db_worker`)."""

import logging
from collections.abc import Iterable
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import Signal
from django_tasks import task

from samverkan.meetings import extract, invitation_mail
from samverkan.meetings.models import Document, MeetingMail

log = logging.getLogger(__name__)

# Sent with `document_id` once a document's text is stored by `read_document_text` (a QuerySet.update, which sends
# no post_save): the search index (search/signals.py) reads it again.
text_read = Signal()


@task()
def send_meeting_mail(pk: int) -> bool:
    """Send one queued MeetingMail (an invitation or the word to a substitute); a second run sends nothing."""
    return invitation_mail.send_queued(pk)


def queue_after_commit(mails: Iterable[MeetingMail]) -> None:
    """Queue one task per MeetingMail once the current transaction commits, so no e-mail goes out inside a
    transaction or under a row lock, and none goes out for a change that was rolled back."""
    for mail in mails:
        transaction.on_commit(partial(send_meeting_mail.enqueue, mail.pk))


@task()
def extract_text(pk: int) -> str:
    """Read the text of Document `pk` for search, in a child process under the upload sandbox's memory, CPU and
    time limits (extract.sandbox_limits), and store it; a file that cannot be read is kept and marked FAILED with
    the reason. Only a document WAITING is read, so a second run does nothing. Returns the new state."""
    return read_document_text(pk)


def read_document_text(pk: int) -> str:
    """What `extract_text` does, callable without the queue (the worker's recovery, `manage.py` shells)."""
    document = Document.objects.filter(pk=pk, text_state=Document.TextState.WAITING).only("file", "content_type")
    found = document.first()
    if found is None:
        return ""
    kind = next((k for k in (*extract.KINDS, extract.TXT) if k.content_type == found.content_type), None)
    try:
        if kind is None:
            raise extract.Refused(extract.CRASHED)
        with default_storage.open(found.file.name, "rb") as handle:
            data = handle.read()
        text = extract.extract_text(data, kind.name)
    except extract.Refused as error:
        problem = extract.message(error)[:300]
        log.info("Text of document #%s not read: %s", pk, problem)
        document.update(text_state=Document.TextState.FAILED, text_problem=problem)
        return Document.TextState.FAILED
    except OSError:
        problem = extract.message(extract.Refused(extract.MISSING))
        document.update(text_state=Document.TextState.FAILED, text_problem=problem)
        return Document.TextState.FAILED
    document.update(text=text, text_state=Document.TextState.READ, text_problem="")
    text_read.send(sender=Document, document_id=pk)
    return Document.TextState.READ


def queue_text_extraction(document: Document) -> None:
    """Queue `extract_text` for a WAITING document once the current transaction commits."""
    transaction.on_commit(partial(extract_text.enqueue, document.pk))
