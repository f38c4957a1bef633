"""The minutes as PDF: what the full and the public PDF hold, who gets which, versions, notes and speed."""

import json
import time as clock
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify
from pypdf import PdfReader

from samverkan.meetings.models import Attendance, Meeting, MinutesVersion, Signatory, correcting_minutes
from samverkan.meetings.pdf import decision_blocks
from samverkan.meetings.snapshot import minutes_snapshot
from samverkan.structure.models import Body, Membership, Person
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting

STOCKHOLM = ZoneInfo("Europe/Stockholm")
INTERNAL_TEXT = ["Hemlig rubrik", "Intern protokollstext", "att godkänna den interna planen"]
CONFIDENTIAL_TEXT = [
    "Sekretessbelagd rubrik",
    "Känslig protokollstext",
    "att bevilja den enskilda ansökan",
    "Intern föredragande",
]


def pdf_text(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(b"".join(response) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def flat(text):
    """Extracted PDF text with line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def person(world, first, last, principal):
    return Person.objects.create(first_name=first, last_name=last, slug=slugify(f"{first} {last}"), employer=principal)


@shared_fixture
def minutes(world):
    """Adjusted and published minutes of the forum, with every kind of item and attendance."""
    chair = Person.objects.get(slug="olle-ordforande")
    maja = world.member_person
    sven = person(world, "Sven", "Ersättare", world.town)
    Membership.objects.create(
        person=sven, body=world.forum, role="substitute", principal=world.town, substitute_for=maja
    )
    greta = person(world, "Greta", "Sekreterare", world.region)
    meeting = make_meeting(
        world.forum,
        date(2026, 3, 10),
        place="Regionhuset, sal Älven",
        status=Meeting.Status.PUBLISHED,
        chair=chair,
        secretary=greta,
    )
    make_item(
        meeting,
        "12",
        "Mötets öppnande och val av justerare",
        kind="formal",
        outcome="handled",
        minutes="Ordföranden hälsar välkommen och förklarar mötet öppnat.",
        decision="att utse Sven Ersättare att jämte ordföranden justera protokollet",
    )
    make_item(
        meeting,
        "13",
        "Regional handlingsplan för psykisk hälsa",
        kind="decision",
        outcome="handled",
        presenters="Olle Ordförande",
        minutes="Handlingsplanen har beretts i chefsgruppen.\n\nForumet diskuterar uppföljningen.",
        decision="Ledningsforum beslutar\natt anta handlingsplanen\natt uppdra åt chefsgruppen att följa upp den",
    )
    hidden = make_item(
        meeting,
        "14",
        "Hemlig rubrik",
        kind="decision",
        visibility="internal",
        outcome="handled",
        minutes="Intern protokollstext",
        decision="att godkänna den interna planen",
    )
    make_item(
        meeting,
        "15",
        "Sekretessbelagd rubrik",
        kind="decision",
        visibility="confidential",
        outcome="handled",
        presenters="Intern föredragande",
        minutes="Känslig protokollstext",
        decision="att bevilja den enskilda ansökan",
    )
    make_item(meeting, "16", "Fördelning av utvecklingsmedel", outcome="deferred", minutes="Ärendet bordläggs.")
    make_item(meeting, "17", "Information om länsstrategin", outcome="struck")
    Attendance.objects.create(meeting=meeting, person=chair, principal=world.region, party="S", role="ordförande")
    Attendance.objects.create(meeting=meeting, person=maja, principal=world.town, party="M", status="absent_notice")
    substitute = Attendance.objects.create(
        meeting=meeting, person=sven, principal=world.town, party="M", substitute_for=maja, note="från kl. 10.30"
    )
    substitute.not_during.add(hidden)
    Attendance.objects.create(meeting=meeting, person=greta, group="other", principal=world.region, role="sekreterare")
    signed = datetime(2026, 3, 12, 14, 5, tzinfo=STOCKHOLM)
    Signatory.objects.create(meeting=meeting, person=chair, role="chair", signed_at=signed)
    Signatory.objects.create(meeting=meeting, person=sven, role="adjuster", signed_at=signed.replace(minute=40))
    # Locked last, as the workflow does: nothing may be added to locked minutes.
    Meeting.objects.filter(pk=meeting.pk).update(
        locked_at=datetime(2026, 3, 12, 14, 5, tzinfo=STOCKHOLM),
        notice_date=date(2026, 3, 13),
        published_at=datetime(2026, 3, 13, 8, 0, tzinfo=STOCKHOLM),
    )
    meeting.refresh_from_db()
    return meeting


def store(meeting, number=1, content=None, **fields):
    """A stored minutes version, from the live minutes unless `content` is given."""
    content = content if content is not None else minutes_snapshot(meeting)
    return MinutesVersion.objects.create(
        meeting=meeting, number=number, content=content, created_at=meeting.locked_at, **fields
    )


def staff_url(meeting):
    return reverse("meetings:pdf", args=[meeting.pk])


def public_url(meeting):
    return reverse("meetings_public:pdf", args=[meeting.body.area.slug, meeting.pk])


def test_the_full_pdf_holds_the_whole_protocol(client, world, minutes):
    # A joint committee's decisions can be appealed: its PDF names the end of the appeal period.
    Body.objects.filter(pk=minutes.body_id).update(kind="joint_committee", authority="decides", appealable=True)
    response = world.client_for(client, "coordinator").get(staff_url(minutes))
    assert response["Content-Disposition"] == 'inline; filename="protokoll-lf-2026-03-10.pdf"'
    text, pages = pdf_text(response)
    text = flat(text)
    assert "Protokoll" in text and "Ledningsforum (LF)" in text and "Regionhuset, sal Älven" in text
    assert "2026-03-10 kl. 09.00–12.00" in text
    for number in ("§ 12", "§ 13", "§ 14", "§ 15", "§ 16", "§ 17"):
        assert number in text, number
    assert "– att anta handlingsplanen" in text and "– att uppdra åt chefsgruppen att följa upp den" in text
    assert "Ledningsforum beslutar" in text and "Forumet diskuterar uppföljningen." in text
    assert "Bordlagt" in text and "Utgår" in text
    # Attendance by group, with principal, party, substitution and partial presence.
    for heading in ("Beslutande", "Övriga närvarande", "Anmält förhinder"):
        assert heading in text, heading
    assert "Olle Ordförande Region Test S ordförande" in text
    assert "ersättare för Maja Ledamot" in text and "ej närvarande under § 14" in text and "från kl. 10.30" in text
    # The adjustment record, the notice and the appeal period of three weeks.
    assert "Justerat digitalt 2026-03-12 kl. 14.05 av Olle Ordförande" in text
    assert "Justerat digitalt 2026-03-12 kl. 14.40 av Sven Ersättare" in text
    assert "Anslaget publicerat 2026-03-13" in text and "2026-04-03" in text
    assert f"Sida 1 av {pages}" in text and f"Sida {pages} av {pages}" in text
    assert "UTKAST" not in text
    for secret in INTERNAL_TEXT + CONFIDENTIAL_TEXT:
        assert secret in text, secret


def test_the_pdf_is_tagged_swedish_text_with_a_title(client, world, minutes):
    """Minutes must be readable by screen readers: a tagged PDF with language and title, never images of text."""
    reader = PdfReader(BytesIO(client.get(public_url(minutes)).content))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert reader.metadata.title == "Protokoll Ledningsforum 2026-03-10"


def test_meeting_pages_link_to_the_pdfs(client, world, minutes):
    public_page = client.get(reverse("meetings_public:meeting", args=[world.area.slug, minutes.pk])).content.decode()
    assert public_url(minutes) in public_page and "Protokollet som PDF" in public_page
    draft = make_meeting(world.forum, date(2026, 4, 1), status="drafted")
    assert (
        public_url(draft)
        not in client.get(reverse("meetings_public:meeting", args=[world.area.slug, draft.pk])).content.decode()
    )
    store(minutes)
    world.client_for(client, "coordinator")
    staff_page = client.get(reverse("meetings:meeting", args=[minutes.pk])).content.decode()
    assert staff_url(minutes) in staff_page and reverse("meetings:pdf_version", args=[minutes.pk, 1]) in staff_page


@pytest.mark.parametrize("actor", ["anonymous", "member", "coordinator"])
def test_the_public_pdf_leaves_out_internal_and_confidential_items(client, world, minutes, actor):
    text, pages = pdf_text(world.client_for(client, actor).get(public_url(minutes)))
    text = flat(text)
    assert "Regional handlingsplan för psykisk hälsa" in text and "– att anta handlingsplanen" in text
    assert "§ 14 Internt" in text and "§ 15 Sekretess" in text
    assert "offentliga versionen" in text
    assert "Justerat digitalt 2026-03-12 kl. 14.05 av Olle Ordförande" in text
    assert f"Sida 1 av {pages}" in text
    for secret in INTERNAL_TEXT + CONFIDENTIAL_TEXT:
        assert secret not in text, secret
    assert "@" not in text


@pytest.mark.parametrize("status", ["planned", "held", "drafted", "adjusted", "cancelled"])
def test_no_public_pdf_before_publishing(client, world, minutes, status):
    with correcting_minutes():  # the test changes locked minutes behind the workflow's back
        Meeting.objects.filter(pk=minutes.pk).update(status=status)
    assert client.get(public_url(minutes)).status_code == 404
    world.client_for(client, "coordinator")
    assert client.get(public_url(minutes)).status_code == 404


def test_no_public_pdf_of_internal_meetings_or_bodies_or_in_another_area(client, world, minutes):
    internal = make_meeting(world.forum, date(2026, 3, 1), status="published", visibility="internal")
    of_secret_body = make_meeting(world.secret, date(2026, 3, 1), status="published")
    for meeting in (internal, of_secret_body):
        assert client.get(public_url(meeting)).status_code == 404
    assert client.get(reverse("meetings_public:pdf", args=[world.other_area.slug, minutes.pk])).status_code == 404
    assert client.get(reverse("meetings_public:pdf", args=[world.area.slug, 999999])).status_code == 404
    assert "Internt" not in client.get(reverse("meetings_public:pdf", args=["finns-inte", minutes.pk])).content.decode()


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 302), ("outsider", 403), ("member", 403), ("contact", 403), ("secretary", 403)],
)
def test_only_those_who_may_read_everything_get_the_full_pdf(client, world, minutes, actor, status):
    response = world.client_for(client, actor).get(staff_url(minutes))
    assert response.status_code == status
    assert response["Content-Type"] != "application/pdf"


def test_meetings_a_user_may_not_see_are_404_not_403(client, world):
    hidden = make_meeting(world.secret, date(2026, 3, 1), title="Hemliga gruppens möte")
    world.client_for(client, "outsider")
    assert client.get(staff_url(hidden)).status_code == 404
    assert client.get(reverse("meetings:pdf", args=[999999])).status_code == 404
    assert client.get(reverse("meetings:pdf_version", args=[999999, 1])).status_code == 404


@pytest.mark.parametrize("actor", ["coordinator", "admin"])
def test_staff_who_may_read_everything(client, world, minutes, actor):
    text, _pages = pdf_text(world.client_for(client, actor).get(staff_url(minutes)))
    assert "Känslig protokollstext" in text


def test_the_bodys_secretary_gets_the_full_pdf_of_its_meetings(client, world):
    meeting = make_meeting(world.group, date(2026, 3, 1), status="drafted")
    make_item(meeting, "1", "Sekretessärende i gruppen", visibility="confidential", minutes="Skyddad text")
    response = world.client_for(client, "secretary").get(staff_url(meeting))
    assert response["Cache-Control"] == "private, no-store"
    text, _pages = pdf_text(response)
    assert "Skyddad text" in flat(text)


def test_a_draft_is_marked_and_has_empty_signature_lines(client, world, minutes):
    with correcting_minutes():  # back to an unlocked draft, behind the workflow's back
        Meeting.objects.filter(pk=minutes.pk).update(
            status="drafted", locked_at=None, notice_date=None, published_at=None
        )
        Signatory.objects.filter(meeting=minutes).update(signed_at=None)
    text, _pages = pdf_text(world.client_for(client, "coordinator").get(staff_url(minutes)))
    text = flat(text)
    assert "UTKAST" in text and "Protokollet är inte justerat." in text
    assert "Justerat digitalt" not in text and "Anslag" not in text and "2026-04-03" not in text
    assert "Ordförande" in text and "Justerare" in text and "Sven Ersättare" in text


def test_notes_get_a_pdf_without_signatures(client, world):
    notes = make_meeting(world.forum, date(2026, 2, 3), kind="notes", status="published", place="Rum 2")
    make_item(notes, "1", "Lägesbild", minutes="Alla rapporterar läget.", decision="att notera lägesbilden")
    Attendance.objects.create(meeting=notes, person=world.member_person, principal=world.town)
    text, pages = pdf_text(client.get(public_url(notes)))
    text = flat(text)
    assert text.startswith("Minnesanteckningar") or "Minnesanteckningar" in text
    assert "Protokoll" not in text
    assert "Lägesbild" in text and "– att notera lägesbilden" in text and "Maja Ledamot" in text
    assert "Underskrifter" not in text and "Justerare" not in text and "Beslutande" not in text
    assert f"Sida 1 av {pages}" in text


def test_a_stored_version_renders_from_its_snapshot(client, world, minutes):
    snapshot = minutes_snapshot(minutes)
    assert json.loads(json.dumps(snapshot)) == snapshot
    store(minutes, content=snapshot, created_by=world.secretary)
    with correcting_minutes():  # the test changes locked minutes behind the workflow's back
        minutes.items.filter(number="13").update(title="Ändrad rubrik efter justering")
    world.client_for(client, "coordinator")
    stored, _pages = pdf_text(client.get(reverse("meetings:pdf_version", args=[minutes.pk, 1])))
    latest, _pages = pdf_text(client.get(staff_url(minutes)))
    assert "Regional handlingsplan för psykisk hälsa" in flat(stored) and "Version 1" in flat(stored)
    # Locked minutes are what was stored, also in the staff PDF; live data never rewrites them.
    assert "Regional handlingsplan för psykisk hälsa" in flat(latest)
    assert "Ändrad rubrik efter justering" not in flat(latest)
    assert client.get(reverse("meetings:pdf_version", args=[minutes.pk, 2])).status_code == 404
    # The public PDF is the latest stored version.
    public, _pages = pdf_text(client.get(public_url(minutes)))
    assert "Regional handlingsplan för psykisk hälsa" in flat(public)
    assert "Ändrad rubrik efter justering" not in flat(public)


def test_an_item_hidden_after_storing_stays_hidden_in_the_public_version(client, world, minutes):
    store(minutes)
    with correcting_minutes():  # the test changes locked minutes behind the workflow's back
        minutes.items.filter(number="13").update(visibility="confidential")
    text, _pages = pdf_text(client.get(public_url(minutes)))
    text = flat(text)
    assert "§ 13 Sekretess" in text and "Regional handlingsplan" not in text and "anta handlingsplanen" not in text


def test_a_correction_is_announced_without_its_reason_to_the_public(client, world, minutes):
    snapshot = minutes_snapshot(minutes)
    store(minutes, content=snapshot)
    snapshot["items"][1]["decision"] = "att anta den rättade handlingsplanen"
    store(minutes, 2, content=snapshot, reason="Fel i § 15 om den enskilde")
    public = flat(pdf_text(client.get(public_url(minutes)))[0])
    assert "att anta den rättade handlingsplanen" in public and "Version 2" in public
    assert "Fel i § 15" not in public
    world.client_for(client, "coordinator")
    staff = flat(pdf_text(client.get(reverse("meetings:pdf_version", args=[minutes.pk, 2])))[0])
    assert "Rättelse: Fel i § 15 om den enskilde" in staff


def test_the_snapshot_takes_a_fixed_number_of_queries(world, minutes):
    with CaptureQueriesContext(connection) as before:
        minutes_snapshot(minutes)
    with correcting_minutes():  # more rows in the locked test minutes
        for n in range(20, 30):
            item = make_item(minutes, str(n), f"Ärende {n}", minutes="Text.", decision="att notera")
            sub = Attendance.objects.create(
                meeting=minutes, person=person(world, "Extra", f"Person{n}", world.village), principal=world.village
            )
            sub.not_during.add(item)
            Signatory.objects.create(meeting=minutes, person=sub.person, role="adjuster")
    with CaptureQueriesContext(connection) as after:
        minutes_snapshot(minutes)
    assert len(before) == len(after), [q["sql"] for q in after.captured_queries]


def test_decision_clauses_are_read_line_by_line():
    text = "KRF beslutar\n\natt anta planen,\n- att ge CGH i uppdrag\n  Att återrapportera i maj\nSärskilt yttrande."
    assert decision_blocks(text) == [
        {"text": "KRF beslutar"},
        {"clauses": ["att anta planen,", "att ge CGH i uppdrag", "Att återrapportera i maj"]},
        {"text": "Särskilt yttrande."},
    ]
    assert decision_blocks("") == [] and decision_blocks("attityder är viktiga") == [{"text": "attityder är viktiga"}]


def test_a_forty_item_meeting_renders_in_reasonable_time(client, world):
    meeting = make_meeting(world.forum, date(2026, 5, 5), status="published", place="Regionhuset")
    paragraph = (
        "Ärendet har beretts av chefsgruppen. Föredraganden redogör för bakgrunden, ekonomin och de "
        "synpunkter som kommit in från huvudmännen. Forumet diskuterar förslaget och hur det ska följas upp. "
    ) * 3
    for n in range(1, 41):
        make_item(
            meeting,
            str(n),
            f"Ärende nummer {n} om samverkan",
            kind="decision",
            outcome="handled",
            minutes=paragraph,
            decision="Forumet beslutar\natt anta förslaget\natt uppdra åt chefsgruppen att återrapportera",
        )
    started = clock.perf_counter()
    text, pages = pdf_text(client.get(public_url(meeting)))
    elapsed = clock.perf_counter() - started
    print(f"\n40-item minutes: {pages} pages rendered in {elapsed:.2f} s")
    text = flat(text)
    assert "§ 40 Ärende nummer 40 om samverkan" in text and f"Sida {pages} av {pages}" in text
    assert elapsed < 30


@pytest.mark.parametrize("actor", ["anonymous", "coordinator"])
def test_bad_addresses_and_methods_never_fail(client, world, minutes, actor):
    world.client_for(client, actor)
    slug = world.area.slug
    for url in (
        f"/hantera/moten/{'9' * 30}/protokoll.pdf",
        f"/hantera/moten/{minutes.pk}/protokoll/version/{'9' * 30}.pdf",
        f"/hantera/moten/{minutes.pk}/protokoll/version/-1.pdf",
        "/hantera/moten/x/protokoll.pdf",
        f"/omrade/{slug}/moten/{'9' * 30}/protokoll.pdf",
        f"/omrade/{slug}/moten/abc/protokoll.pdf",
        f"/omrade/%00/moten/{minutes.pk}/protokoll.pdf",
    ):
        assert client.get(url).status_code in (302, 404), url
    assert client.post(public_url(minutes)).status_code == 405
    assert client.post(staff_url(minutes)).status_code == 405
    assert client.head(public_url(minutes)).status_code == 200


def _fonts(resources, seen):
    """Every font dictionary reachable from a page's resources (also through form XObjects and Type0 fonts)."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
            for descendant in font.get("/DescendantFonts") or []:
                yield descendant.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), seen)


def test_adjusted_minutes_are_pdf_a_3b_with_every_font_embedded_and_still_tagged(client, world, minutes):
    """Issue 10, archive-grade output: the PDF identifies itself as PDF/A-3b in its XMP metadata, carries an
    output intent, embeds every font it uses, and is still tagged. (A full validator, veraPDF, checks more.)"""
    store(minutes)
    client.force_login(world.coordinator)
    for url in (public_url(minutes), reverse("meetings:pdf_version", args=[minutes.pk, 1])):
        reader = PdfReader(BytesIO(client.get(url).content))
        root = reader.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp, xmp
        intent = root["/OutputIntents"][0].get_object()
        assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "sv"
        fonts, seen = [], set()
        for page in reader.pages:
            fonts += list(_fonts(page.get("/Resources"), seen))
        assert fonts
        for font in fonts:
            if font["/Subtype"] in ("/Type0", "/Type3"):
                continue  # Type0 embeds through its descendant; Type3 glyphs are drawn in the PDF itself
            descriptor = font["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
