"""The list pages' CSV/XLSX exports (meetings, attendance, decisions, assignments) and the Atom feeds of minutes and
decisions: what they hold for whom, their format, filters, bad input, size and query counts."""

import csv
import io
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samverkan.followthrough.models import Assignment
from samverkan.meetings import actions
from samverkan.meetings.models import Attendance, Meeting, MinutesVersion
from samverkan.meetings.snapshot import minutes_snapshot
from samverkan.structure.models import Person
from tests.followthrough_helpers import body_bytes
from tests.meetings_helpers import make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, seat_group

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def seats(world):
    return seat_group(world)


def published(body, day, title="Möte", items=(), people=()):
    """Minutes published and locked with a stored version 1, made directly: `items` are (title, visibility,
    decision), `people` are present."""
    meeting = make_meeting(body, day, status="held", place="Regionhuset", title=title)
    for n, (item_title, visibility, decision) in enumerate(items, 1):
        make_item(meeting, str(n), item_title, visibility=visibility, decision=decision, minutes="Redovisades.")
    for person in people:
        Attendance.objects.create(meeting=meeting, person=person, principal=None)
    now = timezone.now()
    MinutesVersion.objects.create(meeting=meeting, number=1, content=minutes_snapshot(meeting), created_at=now)
    Meeting.objects.filter(pk=meeting.pk).update(status="published", locked_at=now, published_at=now, notice_date=day)
    return meeting


def rows_of(response):
    """A CSV export's rows (checked to be UTF-8 with a BOM and semicolon-separated)."""
    body = body_bytes(response)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def sheet_of(response):
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    return load_workbook(io.BytesIO(body_bytes(response))).active


def url(name, world, query=""):
    app = "followthrough_public" if name.startswith("assignments") else "meetings_public"
    return reverse(f"{app}:{name}", args=[world.area.slug]) + query


def consumed_queries(client, address):
    """The queries of a request with its streamed body read to the end (a streamed export queries while sent)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
        body_bytes(response)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


@pytest.fixture
def minutes(world, seats):
    """The group's published minutes of yesterday (a public, an internal and a confidential item) and a draft
    meeting of the secret body."""
    meeting = adjusted_meeting(world, seats)
    meeting = actions.take_step(meeting, actions.PUBLISH, world.secretary)
    secret = make_meeting(world.secret, timezone.localdate() - timedelta(days=3), title="Hemligt möte")
    make_item(secret, "1", "Hemlig punkt", decision="att göra hemligt")
    return meeting


# The meeting list's exports ------------------------------------------------------------------------------------


def test_the_meetings_export_is_swedish_excel_csv_of_what_the_list_shows(client, world, minutes):
    make_meeting(world.forum, date(2019, 3, 1), title='=HYPERLINK("http://x")', place="+46 plats")
    rows = rows_of(client.get(url("meetings_csv", world)))
    assert rows[0] == [
        "Datum",
        "Sista dag",
        "Organ",
        "Rubrik",
        "Plats",
        "Status",
        "Dokumentation",
        "Protokollet publicerat",
        "Adress",
    ]
    by_title = {r[3]: r for r in rows[1:]}
    assert "Hemligt möte" not in by_title  # the internal body's meeting
    assert by_title['\'=HYPERLINK("http://x")'][:5] == [
        "2019-03-01",
        "2019-03-01",
        "Ledningsforum",
        '\'=HYPERLINK("http://x")',
        "'+46 plats",
    ]
    group_row = next(r for r in rows[1:] if r[2] == world.group.name)
    assert group_row[5] == "Publicerat" and group_row[8] == f"http://testserver{minutes.get_absolute_url()}"
    assert group_row[7].startswith(str(timezone.localdate().year))
    # The secret body's members see it in their own export.
    member = world.client_for(client, "coordinator")
    assert "Hemligt möte" in {r[3] for r in rows_of(member.get(url("meetings_csv", world)))[1:]}


def test_the_xlsx_exports_have_real_dates_and_bold_swedish_headings(client, world, minutes):
    sheet = sheet_of(client.get(url("meetings_xlsx", world)))
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "Datum" and rows[0][0].font.b
    first = rows[1][0]
    assert first.is_date and first.number_format == "yyyy-mm-dd"
    assert first.value.date() == timezone.localdate() - timedelta(days=1)
    published_at = rows[1][7]
    assert published_at.is_date and published_at.number_format == "yyyy-mm-dd hh:mm"
    assert sheet.title == "Möten"


def test_attendance_and_decisions_come_from_the_stored_minutes_as_the_reader_may_read_them(client, world, minutes):
    decisions = rows_of(client.get(url("decisions_csv", world)))
    assert decisions[0] == [
        "Mötesdatum",
        "Organ",
        "Paragraf",
        "Rubrik",
        "Utfall",
        "Beslut",
        "Ärendenummer",
        "Adress",
    ]
    assert [r[3] for r in decisions[1:]] == ["Lägesbild äldreomsorg"]
    assert decisions[1][5] == "att notera lägesbilden"
    item = minutes.items.get(number="1")
    assert decisions[1][7].endswith(f"{minutes.get_absolute_url()}#punkt-{item.pk}")
    attendance = rows_of(client.get(url("attendance_csv", world)))
    assert attendance[0][:5] == ["Mötesdatum", "Organ", "Namn", "Grupp", "Närvaro"]
    names = {r[2] for r in attendance[1:]}
    assert "Cecilia Chef" in names and "Adam Justerare" in names
    # Locked minutes are what was stored: renaming a person later does not rewrite them.
    Person.objects.filter(first_name="Cecilia").update(first_name="Omdöpt")
    assert "Cecilia Chef" in {r[2] for r in rows_of(client.get(url("attendance_csv", world)))[1:]}
    # Items without an outcome or a decision are no decisions, for anyone.
    titles = {r[3] for r in rows_of(world.client_for(client, "coordinator").get(url("decisions_csv", world)))[1:]}
    assert titles == {"Lägesbild äldreomsorg"}


def test_internal_and_confidential_decisions_reach_only_their_readers(client, world):
    meeting = published(
        world.forum,
        timezone.localdate() - timedelta(days=5),
        items=[
            ("Öppen punkt", "public", "att anta planen"),
            ("Intern punkt", "internal", "att göra internt"),
            ("Sekretesspunkt", "confidential", "att göra i sekretess"),
        ],
    )
    assert meeting.body == world.forum

    def decided(actor):
        world.client_for(client, actor)
        return {r[3] for r in rows_of(client.get(url("decisions_csv", world)))[1:]} | {
            c for row in sheet_of(client.get(url("decisions_xlsx", world))).iter_rows(values_only=True) for c in row
        }

    for actor in ("anonymous", "outsider", "secretary", "contact"):
        seen = decided(actor)
        assert "Öppen punkt" in seen and not {"Intern punkt", "Sekretesspunkt", "att göra internt"} & seen, actor
    seen = decided("coordinator")
    assert {"Öppen punkt", "Intern punkt", "Sekretesspunkt"} <= seen


def test_the_exports_follow_the_lists_filters(client, world):
    published(world.forum, date(2019, 5, 2), title="Forum 2019", items=[("Gammalt beslut", "public", "att x")])
    published(world.group, date(2019, 6, 3), title="Grupp 2019", items=[("Gruppens beslut", "public", "att y")])
    published(world.forum, date(2021, 5, 2), title="Forum 2021", items=[("Nytt beslut", "public", "att z")])

    def titles(name, query, column):
        return {r[column] for r in rows_of(client.get(url(name, world, query)))[1:]}

    assert titles("meetings_csv", "?ar=2019", 3) == {"Forum 2019", "Grupp 2019"}
    assert titles("meetings_csv", "?ar=2019&organ=chefsgruppen", 3) == {"Grupp 2019"}
    assert titles("decisions_csv", "?organ=ledningsforum", 3) == {"Gammalt beslut", "Nytt beslut"}
    assert titles("decisions_csv", "?organ=ledningsforum&ar=2021", 3) == {"Nytt beslut"}
    response = client.get(url("meetings_xlsx", world, "?ar=2019&organ=chefsgruppen"))
    assert response["Content-Disposition"] == 'attachment; filename="moten-testlan-chefsgruppen-2019.xlsx"'


@pytest.mark.parametrize("name", ["meetings_csv", "attendance_xlsx", "decisions_csv", "assignments_xlsx"])
@pytest.mark.parametrize(
    "query,message",
    [
        ("?ar=abc", "År: Fyll i ett heltal."),
        ("?ar=99999999999999999999", "År: "),
        ("?organ=finns-inte", "Organ: Välj ett giltigt alternativ."),
        ("?organ=hemliga-gruppen", "Organ: Välj ett giltigt alternativ."),  # hidden: the same as unknown
    ],
)
def test_a_bad_filter_is_refused_in_swedish_and_writes_nothing(client, world, name, query, message):
    response = client.get(url(name, world, query))
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Exporten kunde inte göras" in html and message in html
    assert "Hemliga gruppen" not in html


def test_the_board_export_refuses_a_bad_filter_too(client, world):
    response = client.get(reverse("followthrough_public:board_csv", args=[world.area.slug]) + "?status=nej")
    assert response.status_code == 400 and "Läge: Välj ett giltigt alternativ." in response.content.decode()


def test_the_csv_is_streamed_and_starts_at_once(client, world, minutes):
    response = client.get(url("attendance_csv", world))
    assert response.streaming
    first = next(iter(response.streaming_content))
    assert first.startswith(b"\xef\xbb\xbfM\xc3\xb6tesdatum;Organ;Namn")


def test_the_exports_are_read_a_chunk_at_a_time(client, world, monkeypatch):
    """Three meetings a chunk: the whole list still comes, in date order."""
    monkeypatch.setattr("samverkan.lib.exports.CHUNK", 3)
    for n in range(8):
        published(world.forum, date(2020, 1, 1) + timedelta(days=n), title=f"Möte {n}", items=[("P", "public", "att")])
    rows = rows_of(client.get(url("meetings_csv", world)))
    assert [r[3] for r in rows[1:]] == [f"Möte {n}" for n in range(8)]
    assert len(rows_of(client.get(url("decisions_csv", world)))) == 9


@pytest.mark.parametrize(
    "name,at_most",
    [
        ("meetings_csv", 5),
        ("meetings_xlsx", 5),
        ("attendance_csv", 6),
        ("decisions_xlsx", 6),
        ("assignments_csv", 7),
    ],
)
def test_each_export_makes_the_same_queries_at_any_size(client, world, seats, name, at_most):
    """Area, bodies, the ids, then one (meetings), two (stored minutes) or three (assignments) per chunk: the same
    for 1 meeting or 6, read to the last byte."""
    people = [seats.chair, seats.adjuster]

    def one(n):
        day = timezone.localdate() - timedelta(days=10 + n)
        meeting = published(world.forum, day, title=f"Möte {n}", items=[(f"P {n}", "public", "att")], people=people)
        item = meeting.items.get()
        Assignment.objects.create(item=item, assignee_body=world.group, report_to=world.forum, description=f"U {n}")

    one(0)
    before = consumed_queries(client, url(name, world))
    assert before <= at_most, before
    for n in range(1, 6):
        one(n)
    assert consumed_queries(client, url(name, world)) == before


def test_the_assignment_export_holds_the_lists_rows(client, world):
    meeting = published(world.forum, date(2024, 2, 1), items=[("Öppen", "public", "att"), ("Intern", "internal", "")])
    public, internal = meeting.items.order_by("number")
    Assignment.objects.create(
        item=public, assignee_body=world.secret, report_to=world.forum, description="@Utred", due_date=date(2024, 6, 1)
    )
    Assignment.objects.create(item=internal, assignee_body=world.group, report_to=world.forum, description="Hemligt")
    rows = rows_of(client.get(url("assignments_csv", world)))
    assert rows[0][:5] == ["Beslutat", "Organ", "Uppdraget", "Uppdragstagare", "Klart senast"]
    assert [r[2] for r in rows[1:]] == ["'@Utred"]
    assert rows[1][0] == "2024-02-01" and rows[1][4] == "2024-06-01"
    assert "Hemliga gruppen" not in rows[1]  # an internal body is not named to the public
    assert sheet_of(client.get(url("assignments_xlsx", world, "?ar=2024"))).cell(row=2, column=5).is_date


def test_the_list_pages_link_their_exports_with_their_filters(client, world, minutes):
    html = client.get(reverse("meetings_public:area", args=[world.area.slug]) + "?organ=chefsgruppen").content
    year = timezone.localdate().year
    for name in ("meetings_csv", "attendance_xlsx", "decisions_csv"):
        assert f'href="{url(name, world)}?ar={year}&amp;organ=chefsgruppen"' in html.decode()
    html = client.get(reverse("followthrough_public:assignments", args=[world.area.slug]) + "?status=done").content
    assert f'href="{url("assignments_csv", world)}?status=done"' in html.decode()


# The Atom feeds ----------------------------------------------------------------------------------------------


def feed_of(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def test_the_minutes_and_decisions_feeds_carry_only_public_published_content(client, world, minutes):
    draft = make_meeting(world.forum, timezone.localdate(), title="Utkast")
    make_item(draft, "1", "Utkastpunkt", decision="att utkasta")
    area = world.area.slug
    feed = feed_of(client.get(reverse("meetings_public:minutes_feed", args=[area])))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    text = ElementTree.tostring(feed, encoding="unicode")
    assert "Lägesbild äldreomsorg" in text and "Protokoll från Chefsgruppen" in text
    for hidden in ("Personalärende", "Patientärende", "Utkast", "Hemlig"):
        assert hidden not in text
    assert entries[0].find(f"{ATOM}id").text == f"tag:127.0.0.1,2025:protokoll/{minutes.pk}"
    decisions = feed_of(client.get(reverse("meetings_public:decisions_feed", args=[area])))
    text = ElementTree.tostring(decisions, encoding="unicode")
    assert "att notera lägesbilden" in text and "Utkastpunkt" not in text and "Personalärende" not in text
    body = feed_of(client.get(reverse("meetings_public:body_decisions_feed", args=[area, world.group.slug])))
    assert len(body.findall(f"{ATOM}entry")) == 1
    assert not feed_of(client.get(reverse("meetings_public:body_minutes_feed", args=[area, world.forum.slug]))).findall(
        f"{ATOM}entry"
    )
    for name in ("body_minutes_feed", "body_decisions_feed"):
        hidden = reverse(f"meetings_public:{name}", args=[area, world.secret.slug])
        assert client.get(hidden).status_code == 404
    assert client.get(reverse("meetings_public:minutes_feed", args=["finns-inte"])).status_code == 404


def test_the_feeds_answer_304_until_the_minutes_change(client, world, minutes, seats):
    address = reverse("meetings_public:decisions_feed", args=[world.area.slug])
    response = client.get(address)
    etag = response["ETag"]
    assert response["Last-Modified"]
    assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 304
    item = minutes.items.get(number="1")
    actions.correct_minutes(item, world.secretary, minutes=item.minutes, decision="att rätta", reason="Fel beslut")
    changed = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "att rätta" in changed.content.decode()


def test_the_feeds_are_bounded_and_keep_their_queries(client, world, queries, monkeypatch):
    monkeypatch.setattr("samverkan.meetings.feeds.FEED_SIZE", 3)

    def grow():
        for n in range(5):
            day = timezone.localdate() - timedelta(days=20 + n)
            published(world.forum, day, items=[(f"Punkt {n}", "public", "att a"), (f"Q {n}", "public", "att b")])

    published(world.forum, timezone.localdate() - timedelta(days=2), items=[("Första", "public", "att c")])
    for name in ("minutes_feed", "decisions_feed"):
        address = reverse(f"meetings_public:{name}", args=[world.area.slug])
        queries.assert_constant(client, address, lambda: None, at_most=7)
    area = world.area.slug
    counts = {name: queries(client, reverse(f"meetings_public:{name}", args=[area]))[0] for name in ("minutes_feed",)}
    grow()
    for name in ("minutes_feed", "decisions_feed"):
        address = reverse(f"meetings_public:{name}", args=[area])
        assert len(feed_of(client.get(address)).findall(f"{ATOM}entry")) == 3
    assert queries(client, reverse("meetings_public:minutes_feed", args=[area]))[0] == counts["minutes_feed"]


def test_the_feeds_are_linked_beside_the_ical_feeds(client, world):
    area = world.area.slug
    html = client.get(reverse("meetings_public:area", args=[area])).content.decode()
    minutes_url = reverse("meetings_public:minutes_feed", args=[area])
    assert f'<link rel="alternate" type="application/atom+xml" href="{minutes_url}"' in html
    assert f'<a href="{minutes_url}" type="application/atom+xml">' in html
    body_page = client.get(world.group.get_absolute_url()).content.decode()
    decisions_url = reverse("meetings_public:body_decisions_feed", args=[area, world.group.slug])
    assert f'<link rel="alternate" type="application/atom+xml" href="{decisions_url}"' in body_page
    assert f'<a href="{decisions_url}"' in body_page


def test_the_staff_assignment_export_holds_what_the_user_may_read(client, world):
    meeting = published(world.forum, date(2024, 2, 1), items=[("Öppen", "public", "att"), ("Intern", "internal", "")])
    public, internal = meeting.items.order_by("number")
    Assignment.objects.create(item=public, assignee_body=world.group, report_to=world.forum, description="Öppet")
    Assignment.objects.create(item=internal, assignee_body=world.group, report_to=world.forum, description="Internt")
    address = reverse("followthrough:assignments_csv", args=[world.area.slug])
    world.client_for(client, "coordinator")
    assert {r[2] for r in rows_of(client.get(address))[1:]} == {"Öppet", "Internt"}
    assert {r[2] for r in rows_of(client.get(address + "?organ=chefsgruppen"))[1:]} == {"Öppet", "Internt"}
    page = client.get(reverse("followthrough:assignments", args=[world.area.slug]) + "?ar=2024").content.decode()
    assert f'href="{address}?ar=2024"' in page
    assert client.get(address + "?ar=x").status_code == 400
    world.client_for(client, "outsider")
    assert client.get(address).status_code == 403  # areas are public: the staff pages' gate answers 403
    client.logout()
    assert client.get(address).status_code == 302  # to the login page
