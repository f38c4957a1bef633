"""The preview is a form: corrections, names matched or proposed, suggestions unticked, flagged dates confirmed,
paper adjustment; and nothing of an import is public, on a board or reminded of until it is published."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough import reminders
from samverkan.followthrough.models import Assignment, Recommendation
from samverkan.importer.matching import loose_key
from samverkan.meetings import actions as meeting_actions
from samverkan.meetings.models import AgendaItem, Meeting, MinutesVersion, PaperAdjustment
from samverkan.meetings.tasks import read_document_text
from samverkan.structure.models import Membership, Person
from tests.followthrough_helpers import body_bytes
from tests.importer_helpers import MADE_UP, confirm, last_record, review_data, upload
from tests.meetings_helpers import make_meeting

TEXT = MADE_UP.read_text(encoding="utf-8")
DAY = date(2025, 3, 12)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def registered(world):
    """Anna Berg (the chair, seated), and Håkan Ericsson, whom the minutes spell "Hakan Eriksson"."""
    anna = Person.objects.create(first_name="Anna", last_name="Berg", slug="anna-berg", employer=world.region)
    Membership.objects.create(person=anna, body=world.group, role="chair", principal=world.region, party="S")
    hakan = Person.objects.create(first_name="Håkan", last_name="Ericsson", slug="hakan", employer=world.town)
    return {"anna": anna, "hakan": hakan}


def _upload(client, world, text=TEXT):
    client.force_login(world.secretary)
    response = upload(client, world.group, "chefsgruppen.txt", text.replace("Karin Ek", "Hakan Eriksson").encode())
    assert response.status_code == 302
    return last_record()


def _names(data):
    return data["_names"]


def _data(client, record):
    data = review_data(client, record)
    page = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    # Each person row's heading names the person; their order is the rows' order.
    data["_names"] = [
        n for n in ["Anna Berg", "Hakan Eriksson", "Nils Nykomling", "Sara Skrivare", "Per Lund"] if n in page
    ]
    return data


def _post(client, record, data):
    data = {k: v for k, v in data.items() if not k.startswith("_")}
    return client.post(reverse("importer:confirm", args=[record.pk]), data)


@pytest.mark.parametrize(
    ("written", "registered"),
    [("Hakan Eriksson", "Håkan Eriksson"), ("Asa Wikstrom", "Åsa Wikström"), ("Lena Hellstrom", "Lena Hellström")],
)
def test_spellings_fold_to_one_key(written, registered):
    assert loose_key(written) == loose_key(registered)
    assert loose_key("Anna Berg") != loose_key("Anna Borg")


def test_a_name_spelt_differently_is_proposed_and_not_duplicated(client, world, registered):
    record = _upload(client, world)
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert "föreslagen" in html and "Håkan Ericsson" in html
    people_before = Person.objects.count()
    assert confirm(client, record).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.attendance.filter(person=registered["hakan"]).exists()
    assert not Person.objects.filter(first_name="Hakan").exists()
    # Nils, Sara and Per are new (left as "skapa ny"); Håkan is not created a second time.
    assert Person.objects.count() == people_before + 3


def test_the_preview_form_corrections_end_up_in_the_saved_meeting(client, world, registered):
    record = _upload(client, world)
    data = _data(client, record)
    names = _names(data)
    hakan, nils, per = names.index("Hakan Eriksson"), names.index("Nils Nykomling"), names.index("Per Lund")
    data[f"person-{hakan}-action"] = "new"  # not the proposed Håkan Ericsson: a new person
    data[f"person-{nils}-action"] = "drop"
    data[f"person-{per}-action"] = "match"
    data[f"person-{per}-person"] = str(registered["anna"].pk)
    data[f"person-{names.index('Anna Berg')}-action"] = "drop"
    data["chair"] = str(hakan)
    data["adjusters"] = []
    data["item-0-title"] = "Val av en justerare"
    data["item-0-number"] = "§ 11"
    data["item-2-drop"] = "on"
    data["item-3-outcome"] = "handled"
    data["item-3-decision"] = "att godkänna avtalet"
    people_before = Person.objects.count()
    response = _post(client, record, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    items = list(meeting.items.order_by("position").values_list("number", "title", "outcome", "decision"))
    assert [i[0] for i in items] == ["11", "2", "4"]
    assert items[0][1] == "Val av en justerare"
    assert items[2][2:] == ("handled", "att godkänna avtalet")
    assert meeting.items.get(number="4").kind == AgendaItem.Kind.DECISION
    attending = set(meeting.attendance.values_list("person__first_name", "person__last_name"))
    assert ("Nils", "Nykomling") not in attending and ("Anna", "Berg") in attending  # Per Lund is Anna here
    assert ("Hakan", "Eriksson") in attending and ("Håkan", "Ericsson") not in attending
    assert meeting.chair.name == "Hakan Eriksson"
    assert list(meeting.signatories.values_list("role", flat=True)) == ["chair"]
    assert Person.objects.count() == people_before + 2  # Hakan Eriksson and Sara Skrivare; not Nils
    assert not Person.objects.filter(last_name="Nykomling").exists()


def test_suggestions_are_unticked_and_only_ticked_ones_are_created(client, world, registered):
    record = _upload(client, world)
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert 'name="assignments"' in html and 'name="assignments" value="0" id="assignment-0" checked' not in html
    assert "datumet har passerat" in html  # the report-back day 2025-05-14 is in the past
    assert confirm(client, record).status_code == 302
    assert not Assignment.objects.exists() and not Recommendation.objects.exists()

    second = _upload(client, world, TEXT.replace("12 mars 2025", "19 mars 2024"))
    response = confirm(client, second, recommendations=["0"])
    assert response.status_code == 302, response.content.decode().split('role="alert"')[1][:1500]
    assert not Assignment.objects.exists() and Recommendation.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"person-1-action": "match", "person-1-person": ""}, "Välj vilken registrerad person det är"),
        ({"person-1-action": "fly"}, "Välj ett giltigt alternativ"),
        ({"person-1-action": "match", "person-1-person": "hidden"}, "Välj ett giltigt alternativ"),
        ({"person-1-action": "match", "person-1-person": "99999999999999999999999"}, "Välj ett giltigt alternativ"),
        ({"item-0-number": ""}, "Ange ärendets nummer"),
        ({"item-0-title": "  "}, "Ange ärendets rubrik"),
        ({"item-1-number": "1"}, "Numret 1 finns redan"),
        ({"item-0-outcome": "exploded"}, "Välj ett giltigt alternativ"),
        ({"person-0-action": "drop", "chair": "0"}, "Den personen tas inte med"),
        ({"chair": "77"}, "Välj ett giltigt alternativ"),
        ({"paper": "on", "paper_date": ""}, "Ange vilken dag protokollet justerades"),
        ({"paper": "on", "paper_date": "2025-03-01"}, "kan inte ha justerats före mötet"),
        ({"paper": "on", "paper_date": "2025-03-14", "paper_signed_by": " "}, "Ange vem eller vilka"),
        ({"date": "2001-03-12", "dates_confirmed": ""}, "Datumen ser ovanliga ut"),
        # A day to come is no flag to confirm: minutes record a meeting that was held.
        (
            {"date": "2099-03-12"},
            "Ett protokoll kan bara gälla ett möte som har hållits: 2099-03-12 har inte inträffat",
        ),
    ],
)
def test_bad_review_input_gives_swedish_messages_and_saves_nothing(client, world, registered, change, message):
    record = _upload(client, world)
    data = _data(client, record)
    data["dates_confirmed"] = "on"
    if change.get("person-1-person") == "hidden":
        change = {**change, "person-1-person": str(world.insider.pk)}
    data.update(change)
    people_before = Person.objects.count()
    response = _post(client, record, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Inget har sparats" in page and message in page
    assert "Hedda Hemlig" not in page
    assert not Meeting.objects.exists() and Person.objects.count() == people_before


def test_flagged_dates_are_saved_once_confirmed(client, world, registered):
    record = _upload(client, world, TEXT.replace("den 12 mars 2025", "den 12 mars 2021"))
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert "ligger långt från dokumentets övriga datum" in html
    assert confirm(client, record, dates_confirmed="").status_code == 400
    assert confirm(client, record).status_code == 302


def test_a_zip_or_the_command_never_takes_a_proposed_match(client, world, registered):
    from samverkan.importer import actions
    from samverkan.importer.save import ImportRefused, save_import

    record = _upload(client, world)
    with pytest.raises(ImportRefused, match="Hakan Eriksson"):
        save_import(record, world.secretary, actions.batch_choices(record.parsed, None, "public"))
    assert not Meeting.objects.exists()


def _read_source(meeting):
    """The worker reads the source document's text (publishing waits for it, to look for personal numbers)."""
    for document in meeting.documents.all():
        read_document_text(document.pk)


def _public_pages(client, world):
    pages = [
        reverse("meetings_public:area", args=[world.area.slug]),
        reverse("meetings_public:area_ical", args=[world.area.slug]),
        reverse("meetings_public:body_ical", args=[world.area.slug, world.group.slug]),
        reverse("meetings_public:notice_board", args=[world.area.slug]),
        reverse("meetings_public:notice_archive", args=[world.area.slug]),
        reverse("meetings_public:notice_feed", args=[world.area.slug]),
        reverse("followthrough_public:board", args=[world.area.slug]),
        reverse("followthrough_public:board_csv", args=[world.area.slug]),
        reverse("followthrough_public:assignments", args=[world.area.slug]),
        reverse("followthrough_public:matters", args=[world.area.slug]),
        reverse("followthrough_public:principal", args=[world.area.slug, world.town.slug]),
        reverse("portal:body", args=[world.area.slug, world.group.slug]),
    ]
    return "\n".join(body_bytes(client.get(url)).decode() for url in pages)  # the board's CSV is streamed


def test_an_imported_draft_is_nowhere_public_until_published(client, world, registered):
    record = _upload(client, world)
    assert (
        confirm(
            client,
            record,
            tick_all=True,
            paper="on",
            paper_date="2025-03-14",
            paper_signed_by="Anna Berg, Hakan Eriksson",
        ).status_code
        == 302
    )
    meeting = Meeting.objects.get()
    assert Assignment.objects.count() == 1 and Recommendation.objects.count() == 1
    client.logout()
    for text in (_public_pages(client, world),):
        assert "Rekommendation om gemensam rutin" not in text and "gemensamma rutinen" not in text
        assert "ta fram en plan" not in text and "2025-03-12" not in text and "20250312" not in text
    public_page = reverse("meetings_public:meeting", args=[world.area.slug, meeting.pk])
    assert client.get(public_page).status_code == 404
    far = timezone.localdate() + timedelta(days=400)
    assert reminders.due_reminders(far) == []
    assert not Meeting.objects.notice_overdue(far).exists() and not Meeting.objects.adjustment_overdue(far).exists()

    _read_source(meeting)
    meeting_actions.take_step(meeting, meeting_actions.PUBLISH, world.secretary)
    text = _public_pages(client, world)
    assert "2025-03-12" in text or "20250312" in text
    assert "gemensamma rutinen" in text or "Rekommendation om gemensam rutin" in text
    assert client.get(public_page).status_code == 200
    assert reminders.due_reminders(far) != []


def test_a_paper_adjusted_import_publishes_with_its_original_dates_and_is_never_late(client, world, registered):
    record = _upload(client, world)
    response = confirm(client, record, paper="on", paper_date="2025-03-14", paper_signed_by="Anna Berg, Hakan Eriksson")
    assert response.status_code == 302
    meeting = Meeting.objects.all().get()
    assert meeting.status == "adjusted" and meeting.is_locked
    assert PaperAdjustment.objects.get(meeting=meeting).adjusted_on == date(2025, 3, 14)
    assert MinutesVersion.objects.filter(meeting=meeting, number=1).exists()
    assert not meeting.signatories.filter(signed_at__isnull=False).exists()  # nobody signs today
    staff = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "försenad" not in staff.lower() and "Justerat på papper 2025-03-14" in staff
    far = timezone.localdate() + timedelta(days=30)
    assert not meeting.is_notice_overdue(far) and not Meeting.objects.notice_overdue(far).exists()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "försenad" not in dashboard.lower()

    _read_source(meeting)
    meeting_actions.take_step(meeting, meeting_actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    assert meeting.status == "published" and meeting.notice_date is None
    assert list(meeting.days.values_list("date", flat=True)) == [DAY]
    public = client.get(reverse("meetings_public:meeting", args=[world.area.slug, meeting.pk])).content.decode()
    assert "Justerat på papper 2025-03-14 av Anna Berg, Hakan Eriksson" in public


def test_ordinary_minutes_can_be_adjusted_on_paper(world):
    day = timezone.localdate() - timedelta(days=3)
    meeting = make_meeting(world.group, day, status="held")
    meeting_actions.record_paper_adjustment(meeting, world.secretary, adjusted_on=day, signed_by="Anna Berg")
    meeting.refresh_from_db()
    assert meeting.status == "adjusted" and meeting.is_locked and meeting.versions.count() == 1
    assert meeting.versions.get().content["meeting"]["paper_adjustment"] == {
        "date": day.isoformat(),
        "signed_by": "Anna Berg",
    }
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        meeting_actions.record_paper_adjustment(meeting, world.secretary, adjusted_on=day, signed_by="Anna Berg")


def test_import_minutes_help_lists_every_option_the_readme_documents(capsys):
    import re
    from pathlib import Path

    from samverkan import cli

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    documented = set()
    for line in readme.splitlines():
        if "samverkan import-minutes" in line:
            documented |= set(re.findall(r"--[a-z][a-z-]*", line))
    assert {"--json", "--body", "--user", "--update", "--internal"} <= documented
    assert cli.main(["import-minutes", "--help"]) == 0
    shown = capsys.readouterr().out
    for option in documented:
        assert option in shown, option


def test_a_date_far_from_the_dates_in_the_items_text_is_flagged(client, world, registered):
    """No next meeting and no report-back day: the items' own dates tell which year the meeting was."""
    text = TEXT.replace(
        "att ge Nils Nykomling i uppdrag att ta fram en plan till mötet den 14 maj 2025.",
        "att notera länsstyrelsens rapport av den 20 februari 2025.",
    )
    assert "14 maj" not in text
    record = _upload(client, world, text.replace("den 12 mars 2025", "den 12 mars 2015"))
    assert not record.parsed.get("next_meeting") and not record.parsed.get("assignments")
    html = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert "ligger långt från dokumentets övriga datum (2025-02-20)" in html
    assert confirm(client, record, dates_confirmed="").status_code == 400
    assert not Meeting.objects.exists()
    right = _upload(client, world, text)
    html = client.get(reverse("importer:preview", args=[right.pk])).content.decode()
    assert "Kontrollera datumen" not in html
    assert confirm(client, right, dates_confirmed="").status_code == 302


HIDDEN = TEXT.replace("Nils Nykomling, Byn", "Hedda Hemlig, Byn").replace(
    "Justerare: Karin Ek", "Justerare: Hedda Hemlig"
)


@pytest.mark.parametrize("actor", ["secretary", "coordinator"])
def test_a_name_matching_only_someone_the_user_may_not_choose_is_unmatched(client, world, registered, actor):
    """Hedda Hemlig sits only in an internal body the secretary may not see: the preview neither matches her nor
    says anything about her; the name is new unless the secretary picks someone. The coordinator sees her."""
    client.force_login(getattr(world, actor))
    assert upload(client, world.group, "chefsgruppen.txt", HIDDEN.encode()).status_code == 302
    record = last_record()
    response = client.get(reverse("importer:preview", args=[record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    if actor == "coordinator":
        assert f'value="{world.insider.pk}" selected' in html
        return
    # Not even that someone has the name is told: the row reads as any new name.
    assert "kan inte kopplas" not in html
    person_selects = re.findall(r'<select name="person-\d+-person".*?</select>', html, re.DOTALL)
    assert person_selects and not any(f'value="{world.insider.pk}"' in select for select in person_selects)
    assert "hedda-hemlig" not in html and "hedda.hemlig" not in html
    row = html[html.index('<th scope="row">Hedda Hemlig') :].split("</tr>")[0]
    assert "ny person skapas" in row and "finns" not in row and "Region Test" not in row
    people_before = Person.objects.count()
    response = confirm(client, record)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    hedda = meeting.attendance.get(person__last_name="Hemlig").person
    assert hedda != world.insider and not hedda.memberships.exists()
    assert meeting.signatories.filter(role="adjuster", person=hedda).exists()
    assert Person.objects.count() == people_before + 4  # Hedda (new), Karin Ek, Sara Skrivare and Per Lund


def test_a_zip_never_matches_someone_the_user_may_not_choose(client, world, registered):
    from samverkan.importer import actions
    from samverkan.importer.save import ImportRefused, save_import

    client.force_login(world.secretary)
    upload(client, world.group, "chefsgruppen.txt", HIDDEN.encode())
    try:
        save_import(last_record(), world.secretary, actions.batch_choices(last_record().parsed, None, "public"))
    except ImportRefused as refused:
        assert "Hedda" not in str(refused)  # refused for another reason, never naming the hidden person
    assert not Meeting.objects.filter(attendance__person=world.insider).exists()


# The scan of the signed copy ------------------------------------------------------------------------------


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_signed_copy_is_stored_internal_and_linked_from_the_paper_adjustment_page(client, world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.meetings.models import Document
    from tests import sample_files

    day = timezone.localdate() - timedelta(days=3)
    meeting = make_meeting(world.group, day, status="drafted")
    client.force_login(world.secretary)
    page = reverse("meetings:paper_adjustment", args=[meeting.pk])
    form = client.get(page).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'value="internal" selected' in form
    fields = {"adjusted_on": day.isoformat(), "signed_by": "Anna Berg", "confirm": "on"}

    # Not what its name says, and an empty file: Swedish messages, nothing saved, nothing locked, no file kept.
    for name, data, message in [
        ("justerat.pdf", b"Inte en PDF alls", "Ladda upp en fil av något av dessa slag"),
        ("justerat.pdf", b"%PDF-1.4 trasig", "är skadad och kunde inte läsas"),
        ("justerat.exe", sample_files.exe(), "Filtypen stöds inte"),
    ]:
        response = client.post(page, {**fields, "scan": SimpleUploadedFile(name, data)})
        assert response.status_code == 400, name
        assert message in response.content.decode(), name
        meeting.refresh_from_db()
        assert not meeting.is_locked and not PaperAdjustment.objects.exists() and not Document.objects.exists()
        assert _stored_files(settings) == []

    response = client.post(page, {**fields, "scan": SimpleUploadedFile("justerat.pdf", sample_files.pdf("Justerat"))})
    assert response.status_code == 302
    paper = PaperAdjustment.objects.get(meeting=meeting)
    scan = paper.document
    assert scan.kind == Document.Kind.SIGNED_COPY and scan.visibility == "internal" and scan.item is None
    assert scan.meeting == meeting and scan.original_name == "justerat.pdf"
    staff = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    link = reverse("meetings:document_file", args=[scan.pk])
    assert f'href="{link}">Underskrivet exemplar</a>' in staff and f"Justerat på papper {day.isoformat()}" in staff
    assert client.get(link).status_code == 200
    client.logout()
    public = reverse("meetings_public:document", args=[world.area.slug, meeting.pk, scan.pk])
    assert client.get(public).status_code == 404


def test_the_import_stores_the_signed_copy_with_the_visibility_chosen(client, world, registered, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.meetings.models import Document
    from tests import sample_files

    record = _upload(client, world)
    paper = {"paper": "on", "paper_date": "2025-03-14", "paper_signed_by": "Anna Berg, Hakan Eriksson"}
    files_before = _stored_files(settings)
    bad = SimpleUploadedFile("justerat.png", b"\x89PNG\r\n\x1a\n trasig")
    response = confirm(client, record, **paper, scan=bad)
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert not Meeting.objects.exists() and not Document.objects.exists() and _stored_files(settings) == files_before
    alone = confirm(client, record, scan=SimpleUploadedFile("justerat.png", sample_files.png()))
    assert alone.status_code == 400 and "hör till en justering på papper" in alone.content.decode()

    scan = SimpleUploadedFile("justerat.png", sample_files.png())
    response = confirm(client, record, **paper, scan=scan, scan_visibility="public")
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    document = PaperAdjustment.objects.get(meeting=meeting).document
    assert document.kind == Document.Kind.SIGNED_COPY and document.visibility == "public"
    assert document.content_type == "image/png" and meeting.is_locked
    _read_source(meeting)
    meeting_actions.take_step(meeting, meeting_actions.PUBLISH, world.secretary)
    client.logout()
    public = client.get(reverse("meetings_public:meeting", args=[world.area.slug, meeting.pk])).content.decode()
    assert "Justerat på papper 2025-03-14" in public and "Underskrivet exemplar, justerat 2025-03-14" in public


def test_the_preview_s_own_form_keeps_the_start_and_end_time(client, world, registered):
    """What the preview offers, sent back as it is, imports the meeting's times as the minutes give them (the end
    time field was never shown, so every meeting imported through the page lost its end)."""
    from datetime import time

    record = _upload(client, world)
    page = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert 'name="start"' in page and 'name="end"' in page
    data = _data(client, record)
    assert data["end"] == ["12:00"]
    data["dates_confirmed"] = "on"
    assert _post(client, record, data).status_code == 302
    day = Meeting.objects.get().days.get()
    assert (day.start, day.end) == (time(9), time(12))
