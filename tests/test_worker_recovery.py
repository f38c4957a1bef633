"""What a killed process leaves half done is put right when the worker starts (`manage.py recover_interrupted`,
run by `samverkan worker`): a ZIP import that stopped half-way is marked interrupted and its pending files
removed, and a document whose text was never read is read. Mails and reminders: test_meetings_invitations.py and
test_followthrough_reminders.py."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.importer import actions
from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.meetings.models import Document
from tests import sample_files
from tests.importer_helpers import upload, zip_of
from tests.meetings_helpers import make_meeting

MINUTES = (
    "Protokoll fört vid sammanträde med Samverkansgruppen {day}\n\n§ 1 Mötets öppnande\nOrdföranden öppnade mötet.\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _zip_upload(client, world):
    client.force_login(world.secretary)
    files = [(f"{n}.txt", MINUTES.format(day=f"2026-03-0{n}").encode()) for n in (1, 2, 3)]
    response = upload(client, world.group, "tre.zip", zip_of(files))
    assert response.status_code == 302
    return ImportBatch.objects.get()


def _stored(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_a_zip_import_killed_half_way_is_marked_interrupted_and_its_pending_files_removed(client, world, media):
    batch = _zip_upload(client, world)
    assert ImportRecord.objects.filter(status="pending").count() == 3 and len(_stored(media)) == 3
    # What a kill after the first file leaves: started, one file imported, no sign of life since.
    first = batch.records.order_by("pk").first()
    ImportRecord.objects.filter(pk=first.pk).update(status="imported")
    silent = timezone.now() - actions.SILENT_FOR - timedelta(minutes=1)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=silent, alive_at=silent)

    call_command("recover_interrupted", verbosity=0)

    batch.refresh_from_db()
    assert batch.interrupted_at is not None and batch.discarded == 2
    assert list(batch.records.values_list("status", flat=True)) == ["imported"]
    assert len(_stored(media)) == 1  # only the imported file's (its record keeps it until confirmed)
    page = client.get(reverse("importer:batch", args=[batch.pk])).content.decode()
    assert "Importen avbröts." in page and "De 2 filer som inte hann importeras togs bort" in page
    assert "Importen avbröts" in client.get(reverse("importer:body", args=[world.group.pk])).content.decode()


def test_a_running_or_finished_zip_import_is_left_alone(client, world, media):
    batch = _zip_upload(client, world)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now(), alive_at=timezone.now())
    call_command("recover_interrupted", verbosity=0)
    batch.refresh_from_db()
    assert batch.interrupted_at is None and batch.records.filter(status="pending").count() == 3
    assert "Importen pågår" in client.get(reverse("importer:batch", args=[batch.pk])).content.decode()

    long_ago = timezone.now() - timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=long_ago, alive_at=long_ago, finished_at=long_ago)
    call_command("recover_interrupted", verbosity=0)
    assert ImportBatch.objects.get(pk=batch.pk).interrupted_at is None and batch.records.count() == 3


def test_a_finished_import_records_its_progress(client, world, media):
    batch = _zip_upload(client, world)
    response = client.post(reverse("importer:batch", args=[batch.pk]), {"start": "09:00", "visibility": "public"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.started_at <= batch.alive_at <= batch.finished_at and batch.interrupted_at is None


@pytest.mark.django_db(transaction=True)
def test_a_document_whose_text_was_never_read_is_read_when_the_worker_starts(world, media, settings):
    from samverkan.cli import main

    meeting = make_meeting(world.group, date(2026, 3, 1))
    document = Document(
        meeting=meeting,
        title="Plan",
        original_name="plan.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=1,
        sha256="0" * 64,
        uploaded_at=timezone.now() - timedelta(minutes=settings.WORKER_RECLAIM_MINUTES + 1),
        text_state=Document.TextState.WAITING,  # its task was lost with a killed worker
    )
    document.file.save("plan.docx", ContentFile(sample_files.docx()), save=True)
    assert main(["worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload"]) == 0
    document.refresh_from_db()
    assert document.text_state == "read" and "Handlingsplan för äldreomsorgen" in document.text
