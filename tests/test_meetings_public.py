"""The public calendar, meeting page and iCal feeds: what visitors see, what they never see, fixed queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting, sent

SECRET_TEXT = ["Hemlig rubrik", "Intern bakgrund", "Sekretessbelagd rubrik", "Känslig bakgrund", "Intern föredragande"]


@shared_fixture
def agenda(world):
    today = timezone.localdate()
    meeting = make_meeting(
        world.forum, today + timedelta(days=10), today + timedelta(days=11), place="Regionhuset", **sent()
    )
    make_item(meeting, "1", "Öppen rubrik", background="Öppen bakgrund", presenters="Olle Ordförande")
    make_item(meeting, "2", "Hemlig rubrik", background="Intern bakgrund", visibility="internal")
    make_item(
        meeting,
        "3",
        "Sekretessbelagd rubrik",
        background="Känslig bakgrund",
        presenters="Intern föredragande",
        visibility="confidential",
    )
    return meeting


def _meeting_url(meeting):
    return reverse("meetings_public:meeting", args=[meeting.body.area.slug, meeting.pk])


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact", "secretary"])
def test_visitors_see_only_number_and_word_for_hidden_items(client, world, agenda, actor):
    html = world.client_for(client, actor).get(_meeting_url(agenda)).content.decode()
    assert "Öppen rubrik" in html and "Öppen bakgrund" in html and "Regionhuset" in html
    assert "Internt" in html and "Sekretess" in html
    for text in SECRET_TEXT:
        assert text not in html, text


def test_members_read_internal_items_but_not_confidential_ones(client, world, agenda):
    html = world.client_for(client, "member").get(_meeting_url(agenda)).content.decode()
    assert "Hemlig rubrik" in html and "Intern bakgrund" in html
    assert "Sekretessbelagd rubrik" not in html and "Känslig bakgrund" not in html


@pytest.mark.parametrize("actor", ["coordinator", "admin"])
def test_coordinators_read_every_item(client, world, agenda, actor):
    html = world.client_for(client, actor).get(_meeting_url(agenda)).content.decode()
    assert all(text in html for text in SECRET_TEXT)


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact", "secretary"])
def test_internal_meetings_and_meetings_of_internal_bodies_are_404(client, world, actor):
    today = timezone.localdate()
    internal = make_meeting(world.forum, today, title="Internt seminarium", visibility="internal")
    of_secret_body = make_meeting(world.secret, today, title="Hemliga gruppens möte")
    world.client_for(client, actor)
    assert client.get(_meeting_url(internal)).status_code == 404
    assert client.get(_meeting_url(of_secret_body)).status_code == 404
    for url in (
        reverse("meetings_public:area", args=[world.area.slug]),
        reverse("portal:body", args=[world.area.slug, world.forum.slug]),
    ):
        html = client.get(url).content.decode()
        assert "Internt seminarium" not in html and "Hemliga gruppens möte" not in html


def test_members_see_their_bodies_internal_meetings(client, world):
    internal = make_meeting(world.forum, timezone.localdate(), title="Internt seminarium", visibility="internal")
    world.client_for(client, "member")
    assert client.get(_meeting_url(internal)).status_code == 200
    assert "Internt seminarium" in client.get(reverse("meetings_public:area", args=[world.area.slug])).content.decode()


def test_calendars_list_coming_and_past_meetings_and_cancelled_ones(client, world):
    today = timezone.localdate()
    make_meeting(world.forum, today + timedelta(days=5), title="Vårmötet")
    make_meeting(world.forum, today - timedelta(days=40), title="Förra mötet")
    make_meeting(world.group, today + timedelta(days=20), title="Strukna mötet", status="cancelled")
    make_meeting(world.other_body, today + timedelta(days=5), title="Grannens möte")
    area = client.get(reverse("meetings_public:area", args=[world.area.slug])).content.decode()
    coming, past = area.split("Tidigare möten", 1)
    assert "Vårmötet" in coming and "Strukna mötet" in coming and "Förra mötet" in past
    assert "Inställt" in coming
    assert "Grannens möte" not in area
    assert "webcal://testserver/omrade/testlan/moten.ics" in area
    assert "http://testserver/omrade/testlan/moten.ics" in area
    body = client.get(reverse("portal:body", args=[world.area.slug, world.forum.slug])).content.decode()
    assert "Vårmötet" in body and "Förra mötet" in body and "Strukna mötet" not in body
    assert "webcal://testserver/omrade/testlan/organ/ledningsforum/moten.ics" in body


def _ical(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content.decode(), Calendar.from_ical(response.content)


def test_ical_has_every_public_meeting_day_and_nothing_else(client, world, agenda):
    today = timezone.localdate()
    cancelled = make_meeting(world.group, today + timedelta(days=3), title="Strukna mötet", status="cancelled")
    make_meeting(world.forum, today, title="Internt seminarium", visibility="internal")
    make_meeting(world.secret, today, title="Hemliga gruppens möte")
    make_meeting(world.other_body, today, title="Grannens möte")
    text, cal = _ical(client, reverse("meetings_public:area_ical", args=[world.area.slug]))
    events = cal.walk("VEVENT")
    expected = {f"meetingday-{d.pk}@samverkan" for m in (agenda, cancelled) for d in m.days.all()}
    assert {str(e["UID"]) for e in events} == expected
    for forbidden in SECRET_TEXT + ["Internt seminarium", "Hemliga gruppens möte", "Grannens möte", "Hemliga"]:
        assert forbidden not in text
    by_uid = {str(e["UID"]): e for e in events}
    struck = by_uid[f"meetingday-{cancelled.days.get().pk}@samverkan"]
    assert str(struck["STATUS"]) == "CANCELLED"
    first = by_uid[f"meetingday-{agenda.days.first().pk}@samverkan"]
    assert str(first["LOCATION"]) == "Regionhuset"
    assert first.decoded("DTSTART").date() == agenda.days.first().date
    assert str(first["URL"]).endswith(_meeting_url(agenda))
    assert "(1/2)" in str(first["SUMMARY"])

    _text, forum_cal = _ical(client, reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug]))
    assert len(forum_cal.walk("VEVENT")) == 2


def test_ical_sequence_is_the_meetings_counter_and_last_modified_follows_changes(client, world, agenda):
    """SEQUENCE is `Meeting.ical_sequence` (raised by each mailed change, tests/test_participation.py), not a
    clock: a change that mails nobody moves LAST-MODIFIED only."""
    url = reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug])
    uid = f"meetingday-{agenda.days.first().pk}@samverkan"

    def event():
        return next(e for e in _ical(client, url)[1].walk("VEVENT") if str(e["UID"]) == uid)

    before = event()
    from samverkan.meetings.models import Meeting

    Meeting.objects.filter(pk=agenda.pk).update(modified=timezone.now() + timedelta(seconds=5))
    after = event()
    assert int(before["SEQUENCE"]) == int(after["SEQUENCE"]) == 0
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    Meeting.objects.filter(pk=agenda.pk).update(ical_sequence=7, modified=timezone.now() + timedelta(seconds=9))
    assert int(event()["SEQUENCE"]) == 7
    assert str(after["UID"]) == str(before["UID"])


def _grow(world, n):
    def grow():
        today = timezone.localdate()
        for i in range(n):
            for body in (world.forum, world.group):
                meeting = make_meeting(body, today + timedelta(days=i + 1), today + timedelta(days=i + 40))
                make_meeting(body, today - timedelta(days=i + 1), status="cancelled")
                make_item(meeting, "1", "Öppen")
                make_item(meeting, "2", "Intern", visibility="internal")

    return grow


# The most queries each page may make, per actor (its count when the bound was set).
CALENDAR_QUERIES = {
    # the calendar: + its bodies, years and both lists' counts (coming and archive); the body: + its archive's years
    "area": {"anonymous": 9, "member": 13, "coordinator": 13},
    "body": {"anonymous": 10, "member": 14, "coordinator": 14},
    "meeting": {"anonymous": 4, "member": 8, "coordinator": 8},
    # + the feed's version (ETag): the meetings' and the bodies' latest changes
    "area_ical": {"anonymous": 5, "member": 5, "coordinator": 5},
    "body_ical": {"anonymous": 5, "member": 5, "coordinator": 5},
}


@pytest.mark.parametrize("actor", ["anonymous", "member", "coordinator"])
@pytest.mark.parametrize("page", ["area", "body", "meeting", "area_ical", "body_ical"])
def test_calendar_pages_have_a_constant_number_of_queries(client, world, queries, page, actor):
    meeting = make_meeting(world.forum, timezone.localdate() - timedelta(days=30))
    make_item(meeting, "1", "Öppen")
    make_meeting(world.forum, timezone.localdate() + timedelta(days=3))  # both lists start non-empty
    urls = {
        "area": reverse("meetings_public:area", args=[world.area.slug]),
        "body": reverse("portal:body", args=[world.area.slug, world.forum.slug]),
        "meeting": _meeting_url(meeting),
        "area_ical": reverse("meetings_public:area_ical", args=[world.area.slug]),
        "body_ical": reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug]),
    }

    def grow():
        _grow(world, 6)()
        for n in range(2, 12):
            make_item(meeting, str(n), f"Punkt {n}", visibility="internal" if n % 2 else "public")

    world.client_for(client, actor)
    queries.assert_constant(client, urls[page], grow, at_most=CALENDAR_QUERIES[page][actor])


def test_a_years_archive_lists_each_meeting_with_a_day_in_it_narrowed_by_the_stored_span(client, world):
    """A meeting over the new year is in the archive of both years and of no other; the year's list narrows the
    meetings by their stored first and last day before it checks their days (issue 11)."""
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    this_year = timezone.localdate().year
    over = make_meeting(world.forum, date(this_year - 3, 12, 31), date(this_year - 2, 1, 1), title="Över nyår")
    before = make_meeting(world.forum, date(this_year - 4, 6, 1), title="Fyra år sedan")
    url = reverse("meetings_public:area", args=[world.area.slug])
    for year, shown, hidden in (
        (this_year - 3, [over], [before]),
        (this_year - 2, [over], [before]),
        (this_year - 4, [before], [over]),
    ):
        with CaptureQueriesContext(connection) as captured:
            html = client.get(f"{url}?ar={year}").content.decode()
        for m in shown:
            assert m.title in html, (year, m.title)
        for m in hidden:
            assert m.title not in html, (year, m.title)
        archive = [
            q["sql"] for q in captured.captured_queries if "meetings_meetingday" in q["sql"] and "COUNT" in q["sql"]
        ]
        assert any('"first_day" <=' in sql and '"last_day" >=' in sql for sql in archive), archive
