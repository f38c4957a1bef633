"""Importing minutes through the web: upload, preview, confirm; re-imports, ZIP files and bad input."""

from datetime import date, time

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.meetings.models import AgendaItem, Attendance, Document, Meeting, Signatory
from samverkan.meetings.tasks import read_document_text
from samverkan.minutes import parse_file
from samverkan.structure.models import Membership, Person
from tests.conftest import shared_fixture
from tests.importer_helpers import CORPUS, MADE_UP, SAMPLES, confirm, last_record, upload, upload_path, zip_of
from tests.meetings_helpers import make_item, make_meeting

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@shared_fixture
def people(world):
    """Two registered people the made-up minutes name: the group's chair and a town official."""
    anna = Person.objects.create(first_name="Anna", last_name="Berg", slug="anna-berg", employer=world.region)
    Membership.objects.create(person=anna, body=world.group, role="chair", principal=world.region, party="S")
    karin = Person.objects.create(first_name="Karin", last_name="Ek", slug="karin-ek", employer=world.town)
    return {"anna": anna, "karin": karin}


def _nothing_saved():
    return not Meeting.objects.exists() and not AgendaItem.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize(
    "path",
    CORPUS_FILES + [SAMPLES / "ks-ostervik-2025-02-03.txt", SAMPLES / "regionforbund-sydasen-2024-03-14.txt"],
    ids=lambda p: p.stem,
)
def test_each_document_imports_through_the_web(client, world, path):
    client.force_login(world.secretary)
    people_before = Person.objects.count()
    response = upload_path(client, world.group, path)
    record = last_record()
    assert response.status_code == 302 and response["Location"] == reverse("importer:preview", args=[record.pk])
    assert record.status == "pending" and record.user == world.secretary and _nothing_saved()
    expected = parse_file(path)

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Inget är sparat ännu" in html and "Det här kunde inte läsas" in html
    for item in expected["items"]:
        assert escape((item["title"] or "")[:20]) in html
    assert _nothing_saved()

    response = confirm(client, record)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.all().get()
    assert response["Location"] == reverse("meetings:meeting", args=[meeting.pk])
    assert meeting.status == "drafted" and meeting.published_at is None and meeting.locked_at is None
    assert meeting.body == world.group
    assert meeting.kind == ("notes" if expected["document_kind"] == "anteckningar" else "minutes")
    real_dates = [d for d in expected["dates"] if not d.startswith("XXXX")]
    days = [d.isoformat() for d in meeting.days.values_list("date", flat=True)]
    assert days == (real_dates or ["2020-01-15"])
    assert (meeting.first_day.isoformat(), meeting.last_day.isoformat()) == (days[0], days[-1])  # stored, issue 11
    items = list(meeting.items.order_by("position"))
    assert len(items) == len(expected["items"])
    for item, parsed in zip(items, expected["items"], strict=True):
        if parsed["number"]:
            assert item.number == parsed["number"]
        assert item.outcome == parsed["outcome"]
        for decision in parsed["decisions"]:
            assert decision.split(",")[0][:40] in item.decision.replace("\n", " ")
    assert meeting.attendance.count() == len({a["name"] for a in expected["attendance"] if len(a["name"].split()) > 1})
    absent = {a["name"] for a in expected["attendance"] if a["status"] == "absent" and len(a["name"].split()) > 1}
    assert meeting.attendance.filter(status="absent").count() == len(absent)
    if expected["chair"]:
        assert meeting.chair.name == expected["chair"]
        assert meeting.signatories.filter(role="chair", person=meeting.chair, signed_at__isnull=True).exists()
    assert meeting.signatories.filter(role="adjuster").count() == len(
        [a for a in expected["adjusters"] if a != expected["chair"]]
    )
    source = meeting.documents.get()
    assert source.kind == "source" and source.visibility == "internal"
    assert source.sha256 == record.sha256 and source.file.read() == path.read_bytes()
    assert source.original_name == path.name and source.text_state == "waiting"
    assert read_document_text(source.pk) == "read"  # the worker reads its text in a limited child process
    source.refresh_from_db()
    assert source.text.strip()
    record.refresh_from_db()
    assert record.status == "imported" and record.meeting == meeting and not record.file
    assert record.parsed["assignments"] == expected["assignments"]
    # New people are registered without a seat in the body.
    assert Person.objects.count() >= people_before
    assert not Membership.objects.filter(body=world.group).exists()


def test_people_and_principals_are_matched_and_newcomers_created(client, world, people):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    record = last_record()
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert html.count(">finns<") == 2 and html.count(">ny person skapas<") == 3  # Nils, Sara, Per are new
    assert "Stadby kommun" in html and "Byn kommun" in html
    assert "Uppdrag (förslag)" in html and "ta fram en plan till mötet" in html
    assert "rekommendera länets kommuner" in html
    assert confirm(client, record).status_code == 302
    meeting = Meeting.objects.get()
    anna = meeting.attendance.get(person=people["anna"])
    assert (anna.principal, anna.party, anna.group, anna.role) == (world.region, "S", "voting", "ordförande")
    karin = meeting.attendance.get(person=people["karin"])
    assert (karin.principal, karin.party, karin.role) == (world.town, "M", "justerare")
    nils = Person.objects.get(first_name="Nils", last_name="Nykomling")
    assert nils.slug == "nils-nykomling" and nils.employer == world.village
    assert meeting.attendance.get(person=nils).principal == world.village
    per = meeting.attendance.get(person__first_name="Per")
    assert per.status == Attendance.Status.ABSENT and per.principal == world.region
    assert not Membership.objects.filter(person=nils).exists()
    assert meeting.chair == people["anna"] and meeting.secretary.name == "Sara Skrivare"
    assert set(meeting.signatories.values_list("person__last_name", "role")) == {("Berg", "chair"), ("Ek", "adjuster")}
    item = meeting.items.get(number="2")
    assert item.kind == "decision" and item.presenters == "Anna Berg"
    assert item.decision.splitlines() == [
        "Chefsgruppen beslutar att lägga informationen till handlingarna,",
        "att ge Nils Nykomling i uppdrag att ta fram en plan till mötet den 14 maj 2025.",
    ]
    assert "informerade om läget" in item.minutes and "beslutar" not in item.minutes
    assert meeting.items.get(number="4").outcome == "deferred"
    assert meeting.days.get().start == time(9) and meeting.days.get().end == time(12)
    assert meeting.place == "Regionhuset, sal 3"
    history = meeting.history.first()
    assert history.history_user == world.secretary and "chefsgruppen-2025-03-12.txt" in history.history_change_reason
    assert nils.history.first().history_user == world.secretary


def test_a_slug_taken_by_someone_else_gets_a_number(client, world, people):
    Person.objects.create(first_name="Nils", last_name="Nykomling", slug="nils-nykomling", employer=None)
    Person.objects.filter(slug="nils-nykomling").update(first_name="Annan")
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    assert confirm(client, last_record()).status_code == 302
    assert Person.objects.get(first_name="Nils").slug == "nils-nykomling-2"


def test_missing_date_and_time_are_asked_for(client, world):
    client.force_login(world.secretary)
    path = CORPUS / "halsingeradet-612-626.txt"
    if not path.exists():
        pytest.skip("corpus not available")
    upload_path(client, world.group, path)
    record = last_record()
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert "Mötesdatum framgår inte" in html
    response = confirm(client, record, date="", start="")
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert _nothing_saved()
    assert confirm(client, record, date="2016-12-08").status_code == 302
    assert Meeting.objects.all().get().first_day == date(2016, 12, 8)


# Re-imports


def test_the_same_file_twice_is_offered_as_an_update(client, world, people):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    confirm(client, last_record())
    meeting = Meeting.objects.get()
    item_ids = dict(meeting.items.values_list("number", "pk"))
    upload_path(client, world.group, MADE_UP)
    second = last_record()
    html = client.get(reverse("importer:preview", args=[second.pk])).content.decode()
    assert "Detta protokoll har redan importerats (möte 2025-03-12)" in html
    assert "Uppdatera det befintliga mötet" in html and "Importera som utkast" not in html
    # Creating a duplicate is refused; the update replaces the content of the same meeting.
    response = confirm(client, second, action="create")
    assert response.status_code == 400 and "redan importerats" in response.content.decode()
    assert Meeting.objects.count() == 1
    meeting.items.filter(number="3").update(title="Ändrad för hand")
    assert confirm(client, second, action="update").status_code == 302
    assert Meeting.objects.count() == 1 and Document.objects.count() == 1
    assert dict(meeting.items.values_list("number", "pk")) == item_ids
    assert meeting.items.get(number="3").title == "Rekommendation om gemensam rutin"
    assert meeting.attendance.count() == 5 and meeting.signatories.count() == 2
    second.refresh_from_db()
    assert second.status == "updated" and second.meeting == meeting
    assert Person.objects.filter(first_name="Nils").count() == 1


def test_an_edited_document_for_the_same_day_updates_that_meeting(client, world, people):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    confirm(client, last_record())
    meeting = Meeting.objects.get()
    document = meeting.items.get(number="4")
    attachment = Document.objects.create(
        meeting=meeting,
        item=document,
        title="Avtalsutkast",
        file="documents/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    edited = MADE_UP.read_text().replace("§ 4 Samverkansavtal\nÄrendet bordläggs till nästa sammanträde.\n", "")
    upload(client, world.group, "reviderat.txt", edited.encode())
    second = last_record()
    html = client.get(reverse("importer:preview", args=[second.pk])).content.decode()
    assert "Detta protokoll har redan importerats (möte 2025-03-12)" in html
    assert confirm(client, second, action="update").status_code == 302
    assert list(meeting.items.values_list("number", flat=True)) == ["1", "2", "3"]
    attachment.refresh_from_db()
    assert attachment.item is None and attachment.meeting == meeting  # kept on the meeting
    assert meeting.documents.filter(kind="source").get().original_name == "reviderat.txt"


def test_a_planned_meeting_on_the_same_day_is_filled_in(client, world, people):
    planned = make_meeting(world.group, date(2025, 3, 12), start=time(13), end=time(15))
    make_item(planned, "1", "Val av justerare", background="Skrivet före mötet.")
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    html = client.get(reverse("importer:preview", args=[last_record().pk])).content.decode()
    assert "Organet har redan ett möte 2025-03-12." in html
    assert confirm(client, last_record(), action="update").status_code == 302
    planned.refresh_from_db()
    assert Meeting.objects.get() == planned and planned.status == "drafted"
    assert planned.items.get(number="1").background == "Skrivet före mötet."
    assert planned.days.get().start == time(9)


@pytest.mark.parametrize("how", ["locked", "signed", "adjusted"])
def test_a_locked_meeting_is_never_overwritten(client, world, people, how):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    confirm(client, last_record())
    meeting = Meeting.objects.get()
    if how == "locked":
        Meeting.objects.filter(pk=meeting.pk).update(locked_at=timezone.now(), status="adjusted")
    elif how == "signed":
        Signatory.objects.filter(meeting=meeting, role="chair").update(signed_at=timezone.now())
    else:
        Meeting.objects.filter(pk=meeting.pk).update(status="published")
    before = list(meeting.items.values_list("pk", "title", "minutes"))
    upload(client, world.group, "igen.txt", MADE_UP.read_text().replace("Lägesbild", "Nytt namn").encode())
    second = last_record()
    html = client.get(reverse("importer:preview", args=[second.pk])).content.decode()
    assert "är justerat och låst och kan inte skrivas över" in html
    assert "Uppdatera det befintliga mötet</button>" not in html
    response = confirm(client, second, action="update")
    assert response.status_code == 400 and "kan inte skrivas över" in response.content.decode()
    assert list(meeting.items.values_list("pk", "title", "minutes")) == before
    second.refresh_from_db()
    assert second.status == "pending"


def test_a_confirmed_import_cannot_be_confirmed_again(client, world, people):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    record = last_record()
    confirm(client, record)
    assert confirm(client, record).status_code == 404
    assert client.get(reverse("importer:preview", args=[record.pk])).status_code == 200
    assert Meeting.objects.count() == 1


def test_update_without_an_earlier_meeting_is_refused(client, world, people):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    response = confirm(client, last_record(), action="update")
    assert response.status_code == 400 and "inget tidigare möte" in response.content.decode()
    assert _nothing_saved()


# ZIP files


def test_a_zip_imports_each_file_and_one_bad_file_stops_nothing(
    client, world, people, django_capture_on_commit_callbacks
):
    client.force_login(world.secretary)
    files = [
        ("protokoll/chefsgruppen.txt", MADE_UP.read_bytes()),
        ("../../etc/passwd.txt", b"root:x:0:0"),
        ("ks.txt", (SAMPLES / "ks-ostervik-2025-02-03.txt").read_bytes()),
        ("bild.png", b"\x89PNG"),
        ("tom.txt", b""),
        ("__MACOSX/._ks.txt", b"junk"),
    ]
    response = upload(client, world.group, "arkiv.zip", zip_of(files))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("importer:batch", args=[batch.pk])
    assert _nothing_saved()
    records = {r.original_name: r for r in batch.records.all()}
    assert set(records) == {"chefsgruppen.txt", "passwd.txt", "ks.txt", "bild.png", "tom.txt"}
    assert records["passwd.txt"].status == "failed" and "protokoll" in records["passwd.txt"].error
    assert records["bild.png"].status == "failed" and "Filtypen .png stöds inte" in records["bild.png"].error
    assert records["tom.txt"].status == "failed" and "tom" in records["tom.txt"].error
    page = client.get(response["Location"]).content.decode()
    assert "0 av 5 filer importerade. 2 väntar, 3 kunde inte läsas." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"start": "", "visibility": "public"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 av 5 filer importerade." in page
    assert Meeting.objects.count() == 2 and Document.objects.filter(kind="source").count() == 2
    assert not list(default_storage.listdir("imports")[1])  # pending files are gone once imported


def test_one_file_that_fails_to_save_leaves_nothing_half_imported(client, world, people, monkeypatch):
    from samverkan.importer import save

    client.force_login(world.secretary)
    upload(
        client,
        world.group,
        "två.zip",
        zip_of([("a.txt", MADE_UP.read_bytes()), ("b.txt", (SAMPLES / "ks-ostervik-2025-02-03.txt").read_bytes())]),
    )
    batch = ImportBatch.objects.get()
    real = save._source_document

    def fail_for_ks(meeting, source, *args):
        real(meeting, source, *args)
        if source.name == "b.txt":
            raise RuntimeError("disk full")

    monkeypatch.setattr(save, "_source_document", fail_for_ks)
    client.post(reverse("importer:batch", args=[batch.pk]), {"visibility": "public"})
    assert Meeting.objects.count() == 1 and Meeting.objects.get().items.count() == 4
    failed = batch.records.get(original_name="b.txt")
    assert failed.status == "pending" and "kunde inte sparas" in failed.error
    assert Document.objects.count() == 1
    folders = default_storage.listdir("documents")[0]
    stored = [name for folder in folders for name in default_storage.listdir(f"documents/{folder}")[1]]
    assert stored == ["a.txt"]  # the failed file's copy was removed


def test_a_zip_file_of_a_meeting_yet_to_come_is_refused(client, world, people):
    """Minutes record a meeting that was held: a file dated after today is not imported from a ZIP (a meeting so
    saved was listed among the held ones, with draft minutes, before it met)."""
    client.force_login(world.secretary)
    future = MADE_UP.read_text().replace("den 12 mars 2025", "den 12 mars 2099")
    upload(client, world.group, "z.zip", zip_of([("a.txt", future.encode())]))
    batch = ImportBatch.objects.get()
    client.post(reverse("importer:batch", args=[batch.pk]), {"visibility": "internal"})
    assert not Meeting.objects.exists()
    assert "2099-03-12 har inte inträffat än" in batch.records.get().error


def test_a_zip_file_without_times_asks_for_one(client, world, people):
    client.force_login(world.secretary)
    no_time = MADE_UP.read_text().replace(", kl. 09.00–12.00", "")
    upload(client, world.group, "z.zip", zip_of([("a.txt", no_time.encode())]))
    batch = ImportBatch.objects.get()
    client.post(reverse("importer:batch", args=[batch.pk]), {"visibility": "internal"})
    assert not Meeting.objects.exists() and "Starttiden framgår inte" in batch.records.get().error
    client.post(reverse("importer:batch", args=[batch.pk]), {"visibility": "internal", "start": "10:00"})
    meeting = Meeting.objects.get()
    assert meeting.visibility == "internal" and meeting.days.get().start == time(10)


def test_the_same_document_twice_in_one_zip_is_imported_once(client, world, people):
    client.force_login(world.secretary)
    upload(client, world.group, "z.zip", zip_of([("a.txt", MADE_UP.read_bytes()), ("b.txt", MADE_UP.read_bytes())]))
    batch = ImportBatch.objects.get()
    client.post(reverse("importer:batch", args=[batch.pk]), {"visibility": "public"})
    assert Meeting.objects.count() == 1
    assert "redan importerats" in batch.records.get(original_name="b.txt").error


@pytest.mark.parametrize(
    "files,message",
    [
        ([], "inga filer"),
        ([(f"f{n}.txt", b"x") for n in range(51)], "fler än 50 filer"),
    ],
)
def test_unusable_zip_files_are_refused_whole(client, world, files, message):
    client.force_login(world.secretary)
    response = upload(client, world.group, "z.zip", zip_of(files))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportRecord.objects.exists() and not ImportBatch.objects.exists()


def test_a_zip_bomb_is_refused(client, world):
    client.force_login(world.secretary)
    bomb = zip_of([("stor.txt", b"0" * (101 * 1024 * 1024))])
    assert len(bomb) < 1024 * 1024
    response = upload(client, world.group, "bomb.zip", bomb)
    assert response.status_code == 400 and "uppackad" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_a_zip_member_that_lies_about_its_size_is_cut_off(client, world, monkeypatch):
    from samverkan.importer import upload as reading

    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    client.force_login(world.secretary)
    data = bytearray(zip_of([("ljuger.txt", b"protokoll " * 500)]))
    # Patch the sizes in the local and central headers to claim 10 bytes.
    big = (5000).to_bytes(4, "little")
    data = bytes(data).replace(big, (10).to_bytes(4, "little"))
    upload(client, world.group, "l.zip", data)
    record = ImportRecord.objects.get()
    assert record.status == "failed" and ("för stor" in record.error or "packas upp" in record.error)


# Bad input


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("tom.txt", b"", "filen är tom"),
        ("blank.txt", b"   \n\n  ", "Dokumentet är tomt"),
        ("recept.txt", "Pannkakor: mjöl, mjölk och ägg. Stek i smör.".encode(), "ser inte ut att vara ett protokoll"),
        ("bild.png", b"\x89PNG\r\n", "Filtypen .png stöds inte"),
        ("utan-typ", b"Protokoll", "Filtypen (ingen) stöds inte"),
        ("gammal.doc", b"\xd0\xcf\x11\xe0", "Filtypen .doc stöds inte"),
        ("trasig.docx", b"PK\x03\x04 inte en docx", "DOCX-filen kunde inte läsas"),
        ("trasig.pdf", b"%PDF-1.4 trasig", "PDF-filen"),
        ("binär.txt", b"\x00\x01\x02" * 100, "inte vara en textfil"),
        ("trasig.zip", b"PK\x05\x06 inte en zip", "ZIP-filen kunde inte läsas"),
        ("n\x00amn.txt", b"\x00", "inte vara en textfil"),
    ],
)
def test_bad_files_get_the_parsers_message_and_save_nothing(client, world, name, data, message):
    client.force_login(world.secretary)
    response = upload(client, world.group, name, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Inget har sparats" in html
    assert not ImportRecord.objects.exists() and _nothing_saved()


def test_a_scanned_pdf_without_text_is_explained(client, world):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    client.force_login(world.secretary)
    response = upload(client, world.group, "skannad.pdf", buffer.getvalue())
    assert response.status_code == 400 and "saknar text (troligen inskannad)" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_a_docx_imports(client, world, people):
    import io

    import docx

    document = docx.Document()
    for line in MADE_UP.read_text().splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    client.force_login(world.secretary)
    assert upload(client, world.group, "chefsgruppen.docx", buffer.getvalue()).status_code == 302
    assert confirm(client, last_record()).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.items.count() == 4 and meeting.documents.get().content_type.endswith("document")


def test_too_large_a_file_is_refused(client, world, monkeypatch):
    from samverkan.importer import upload as reading

    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    client.force_login(world.secretary)
    response = upload(client, world.group, "stor.txt", b"protokoll " * 20)
    assert response.status_code == 400 and "för stor" in response.content.decode()


def test_no_file_at_all(client, world):
    client.force_login(world.secretary)
    response = client.post(reverse("importer:body", args=[world.group.pk]), {"file": "inte en fil"})
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"date": "2025-02-30"},
        {"date": "x" * 5000},
        {"start": "25:61"},
        {"kind": "<script>"},
        {"visibility": "secret"},
        {"start": "12:00", "end": "11:00"},
        {"date": "\x00"},
    ],
)
def test_garbage_in_the_confirm_form_saves_nothing(client, world, people, fields):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    response = confirm(client, last_record(), **fields)
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert _nothing_saved() and last_record().status == "pending"


def test_discarding_an_upload_removes_it_and_its_file(client, world):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    record = last_record()
    name = record.file.name
    assert default_storage.exists(name)
    response = client.post(reverse("importer:discard", args=[record.pk]))
    assert response.status_code == 302 and not ImportRecord.objects.exists()
    assert not default_storage.exists(name)


def test_uploads_left_for_a_week_are_removed(client, world):
    client.force_login(world.secretary)
    upload_path(client, world.group, MADE_UP)
    old = last_record()
    ImportRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))
    upload_path(client, world.group, MADE_UP)
    assert list(ImportRecord.objects.values_list("pk", flat=True)) == [last_record().pk]
    assert not default_storage.exists(old.file.name)


# The command line


def test_import_minutes_with_a_body_goes_to_the_django_command(monkeypatch):
    from samverkan import cli

    calls = []
    monkeypatch.setattr(cli, "_django", lambda argv: calls.append(argv) or 0)
    assert cli.main(["import-minutes", "f.txt", "--body=3", "--user", "u"]) == 0
    assert calls == [["import_minutes", "f.txt", "--body=3", "--user", "u"]]


def test_the_command_imports_a_file_and_a_zip(world, people, capsys):
    call_command("import_minutes", str(MADE_UP), body=world.group.pk, user="secretary")
    assert "Importerat som utkast" in capsys.readouterr().out
    meeting = Meeting.objects.get()
    assert meeting.status == "drafted" and meeting.items.count() == 4
    assert meeting.history.first().history_user == world.secretary
    archive = zip_of([("ks.txt", (SAMPLES / "ks-ostervik-2025-02-03.txt").read_bytes()), ("x.png", b"x")])
    path = MADE_UP.parent.parent / "importer_tmp.zip"
    try:
        path.write_bytes(archive)
        call_command("import_minutes", str(path), body=world.group.pk, user="secretary", internal=True)
    finally:
        path.unlink()
    out = capsys.readouterr().out
    assert "ks.txt: Importerat" in out and "x.png: Kunde inte läsas" in out
    assert Meeting.objects.filter(visibility="internal").count() == 1


@pytest.mark.parametrize(
    "args,message",
    [
        ({"body": 999999, "user": "secretary"}, "Organet finns inte"),
        ({"user": "ingen"}, "Inloggningen finns inte"),
        ({"file": "/finns/inte.txt"}, "finns inte"),
        ({"file": str(SAMPLES.parent / "test_parts.py")}, "Filtypen .py stöds inte"),
    ],
)
def test_the_command_explains_bad_input(world, args, message):
    options = {"file": str(MADE_UP), "body": world.group.pk, "user": "secretary"} | args
    with pytest.raises(CommandError, match=message):
        call_command("import_minutes", options.pop("file"), **options)
    assert _nothing_saved() and not ImportRecord.objects.exists()


def test_the_command_refuses_a_second_import_unless_told_to_update(world, people):
    call_command("import_minutes", str(MADE_UP), body=world.group.pk, user="secretary")
    with pytest.raises(CommandError, match="redan importerats"):
        call_command("import_minutes", str(MADE_UP), body=world.group.pk, user="secretary")
    assert ImportRecord.objects.count() == 1
    call_command("import_minutes", str(MADE_UP), body=world.group.pk, user="secretary", update=True)
    assert Meeting.objects.count() == 1 and ImportRecord.objects.filter(status="updated").count() == 1


def test_the_preview_says_what_could_not_be_read(client, world):
    client.force_login(world.coordinator)
    text = (
        MADE_UP.read_text()
        .replace("Stadby kommun", "Okända kommun")
        .replace("\nPlats och tid: Regionhuset, sal 3, kl. 09.00–12.00\n", "\n")
    )
    upload(client, world.forum, "fel-organ.txt", text.encode())
    html = client.get(reverse("importer:preview", args=[last_record().pk])).content.decode()
    assert "Dokumentet nämner organet ”Chefsgruppen”, inte Ledningsforum." in html
    assert "Huvudmannen ”Okända kommun” finns inte i området" in html
    assert "Starttiden framgår inte" in html and "Mötesplatsen framgår inte" in html
    assert 'id="id_start"' in html and 'name="start" value=' not in html
