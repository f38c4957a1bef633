"""Background tasks of the agreements register, run by the django-tasks database worker (`manage.py db_worker`)."""

import logging
from datetime import date
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import Signal
from django_tasks import task

from samverkan.agreements import reminders
from samverkan.agreements.models import AgreementVersion
from samverkan.meetings import extract

log = logging.getLogger(__name__)

# Sent with `agreement_id` once a version's text is stored by `read_version_text` (a QuerySet.update, which sends no
# post_save): the search index (search/signals.py) reads the agreement again.
version_text_read = Signal()


@task()
def send_agreement_reminder(agreement_id: int, kind: str, due_on: str) -> int:
    """Send one reminder of an agreement's follow-up or review (`due_on` ISO date); a second run sends nothing."""
    return reminders.send_reminder(agreement_id, kind, date.fromisoformat(due_on))


@task()
def extract_version_text(pk: int) -> bool:
    """Read the text of AgreementVersion `pk` for search in the upload sandbox (`meetings.extract`); see
    `read_version_text`."""
    return read_version_text(pk)


def read_version_text(pk: int) -> bool:
    """Store the text of version `pk`'s document, read in a child process under the upload sandbox's memory, CPU
    and time limits; True when read. A file that cannot be read (or is gone) keeps an empty text and is logged:
    the version stays, only its words are not searchable. Only a version without text is read, so a second run
    does nothing."""
    version = AgreementVersion.objects.filter(pk=pk, text="").only("file", "original_name", "agreement_id").first()
    if version is None:
        return False
    try:
        with default_storage.open(version.file.name, "rb") as handle:
            data = handle.read()
        kind = extract.examine(data, version.original_name or version.file.name)
        text = extract.extract_text(data, kind.name)
    except (OSError, extract.UnreadableFile, extract.Refused) as error:
        log.info("Text of agreement version #%s not read: %s", pk, error)
        return False
    AgreementVersion.objects.filter(pk=pk).update(text=text)
    version_text_read.send(sender=AgreementVersion, agreement_id=version.agreement_id)
    return True


def queue_version_text(version: AgreementVersion) -> None:
    """Queue `extract_version_text` for a new version once the current transaction commits."""
    transaction.on_commit(partial(extract_version_text.enqueue, version.pk))
