"""Every change to uploads: keep a pending import, discard one, import a whole ZIP file by file."""

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.importer.plan import KINDS, future_day, read_date, read_time
from samverkan.importer.save import Choices, ImportRefused, save_import, stored_files
from samverkan.importer.upload import Upload, parse_upload, read_upload, shown_name
from samverkan.meetings.models import Meeting
from samverkan.minutes import MinutesError
from samverkan.minutes.shapes import Minutes
from samverkan.structure.models import Body

if TYPE_CHECKING:  # only for mypy: the auth models need the app registry
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)
KEEP_PENDING = timedelta(days=7)


def upload(body: Body, user: "User", uploaded: "UploadedFile") -> ImportBatch | ImportRecord:
    """Keep an uploaded document as a pending import, or a ZIP as a batch of them.

    One document that cannot be read raises MinutesError or UploadError and nothing is kept. In a ZIP, each
    file gets its own record, failed or pending, so the batch page can show a result per file. Parsing
    happens before the transaction, which then only writes the records.
    """
    is_zip, uploads = read_upload(uploaded)
    results: list[tuple[Upload, Minutes | None, str]] = []
    for document in uploads:
        if document.error:
            results.append((document, None, document.error))
            continue
        try:
            results.append((document, parse_upload(document), ""))
        except MinutesError as error:
            if not is_zip:
                raise
            results.append((document, None, str(error)))
    discard_stale()
    with stored_files() as files, transaction.atomic():
        batch = None
        if is_zip:
            batch = ImportBatch.objects.create(body=body, user=user, original_name=shown_name(uploaded.name))
        for document, parsed, problem in results:
            record = ImportRecord(
                body=body,
                user=user,
                batch=batch,
                original_name=document.name,
                content_type=document.content_type,
                size=len(document.data),
                sha256=document.sha256,
                parsed=parsed,
                error=problem,
                status=ImportRecord.Status.FAILED if problem else ImportRecord.Status.PENDING,
            )
            if not problem:
                record.file.save(document.name, ContentFile(document.data), save=False)
                files.append(record.file.name)
            record.save()
    return batch or record


def discard(record: ImportRecord) -> None:
    """Forget a pending or failed import and its file; a finished import stays as the record of it."""
    if record.is_done:
        return
    if record.file:
        record.file.delete(save=False)
    record.delete()


def discard_batch(batch: ImportBatch) -> None:
    """Forget a ZIP upload's pending and failed files (`discard`), and the batch once none is left."""
    for record in batch.records.all():
        discard(record)
    if not batch.records.exists():
        batch.delete()


def discard_stale(now: datetime | None = None) -> None:
    """Uploads nobody confirmed within a week are removed, file and all."""
    cutoff = (now or timezone.now()) - KEEP_PENDING
    stale = ImportRecord.objects.filter(
        created_at__lt=cutoff, status__in=[ImportRecord.Status.PENDING, ImportRecord.Status.FAILED]
    )
    for record in stale:
        discard(record)
    ImportBatch.objects.filter(created_at__lt=cutoff, records__isnull=True).delete()


def batch_choices(parsed: dict[str, Any], start: time | None, visibility: str) -> Choices:
    """What importing a ZIP decides for one of its files: the parse's own date, time and kind."""
    dates = sorted({d for d in map(read_date, parsed.get("dates") or []) if d})
    if not dates:
        raise ImportRefused(_("Mötesdatum framgår inte. Öppna förhandsgranskningen och ange datum."))
    future = future_day(dates, timezone.localdate())
    if future:
        raise ImportRefused(future)
    start_time = read_time(parsed.get("start_time")) or start
    if start_time is None:
        raise ImportRefused(_("Starttiden framgår inte. Ange en starttid för hela ZIP-filen eller öppna filen."))
    return Choices(
        dates=dates,
        start=start_time,
        end=read_time(parsed.get("end_time")),
        kind=KINDS.get(str(parsed.get("document_kind")), Meeting.Kind.MINUTES),
        visibility=visibility,
    )


def import_batch(batch: ImportBatch, user: "User", *, start: time | None = None, visibility: str) -> int:
    """Import every pending file of a ZIP, each in its own transaction: one bad file stops only itself.

    The batch records when the import started, a sign of life after each file and when it finished, each
    committed at once, so a process killed half-way leaves a batch that `clean_interrupted` can recognise."""
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=now, alive_at=now, finished_at=None, interrupted_at=None)
    done = 0
    for record in batch.records.filter(status=ImportRecord.Status.PENDING).order_by("pk"):
        ImportBatch.objects.filter(pk=batch.pk).update(alive_at=timezone.now())
        try:
            save_import(record, user, batch_choices(record.parsed or {}, start, visibility))
        except ImportRefused as error:
            problem = str(error)
        except (ValidationError, MinutesError) as error:
            why = " ".join(getattr(error, "messages", [str(error)]))
            problem = _("Filen kunde inte sparas: %(why)s") % {"why": why}
        except Exception:
            logger.exception("import of %s failed", record.pk)
            problem = _("Filen kunde inte sparas. Inget från den har sparats.")
        else:
            done += 1
            continue
        ImportRecord.objects.filter(pk=record.pk).update(error=problem)
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now())
    return done


# No file takes this long: the parse is done at upload, and saving one file is one transaction of a few seconds.
SILENT_FOR = timedelta(minutes=10)


def clean_interrupted(now: datetime | None = None) -> int:
    """Batches whose import started but neither finished nor showed life for SILENT_FOR (the process was killed)
    are marked interrupted, and their files still pending are discarded with their stored files (what was
    imported stays, failed files stay to show why). Run at the worker's start (`samverkan worker`) and by
    `manage.py recover_interrupted`. Returns how many batches."""
    cutoff = (now or timezone.now()) - SILENT_FOR
    stalled = ImportBatch.objects.filter(
        started_at__isnull=False, finished_at=None, interrupted_at=None, alive_at__lt=cutoff
    )
    count = 0
    for batch in stalled:
        pending = list(batch.records.filter(status=ImportRecord.Status.PENDING))
        for record in pending:
            discard(record)
        ImportBatch.objects.filter(pk=batch.pk).update(interrupted_at=timezone.now(), discarded=len(pending))
        count += 1
    return count
