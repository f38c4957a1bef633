"""Public pages as history grows: cacheable without cookies, feeds with validators and year windows, the meeting
archive by year and body, paging without JavaScript, the language in the address."""

from datetime import date, timedelta

from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from samverkan.meetings.public import COMING_PAGE, PAST_PAGE
from tests.meetings_helpers import make_meeting


def _uids(response):
    return {str(e["uid"]) for e in Calendar.from_ical(response.content).walk("vevent")}


def _day_uid(meeting):
    return f"meetingday-{meeting.days.get().pk}@samverkan"


def test_feeds_answer_304_until_something_changes(client, world):
    meeting = make_meeting(world.forum, timezone.localdate() + timedelta(days=5))
    for url in (
        reverse("meetings_public:area_ical", args=[world.area.slug]),
        reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug]),
        reverse("meetings_public:area_ical_year", args=[world.area.slug, timezone.localdate().year]),
        reverse("meetings_public:notice_feed", args=[world.area.slug]),
    ):
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"], url
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304, url
        meeting.place = f"Nytt rum för {url}"
        meeting.save()
        changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200 and changed["ETag"] != first["ETag"], url


def test_a_meeting_made_internal_leaves_the_feed_at_once(client, world):
    meeting = make_meeting(world.forum, timezone.localdate() + timedelta(days=5))
    uid = _day_uid(meeting)
    url = reverse("meetings_public:area_ical", args=[world.area.slug])
    first = client.get(url)
    assert uid in _uids(first)
    meeting.visibility = "internal"
    meeting.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and uid not in _uids(changed)


def test_the_feed_covers_twelve_months_and_the_future_and_each_year_has_its_own(client, world):
    today = timezone.localdate()
    old = make_meeting(world.forum, today - timedelta(days=400))
    recent = make_meeting(world.forum, today - timedelta(days=300))
    coming = make_meeting(world.forum, today + timedelta(days=800))
    area_feed = _uids(client.get(reverse("meetings_public:area_ical", args=[world.area.slug])))
    body_feed = _uids(client.get(reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug])))
    for feed in (area_feed, body_feed):
        assert _day_uid(recent) in feed and _day_uid(coming) in feed and _day_uid(old) not in feed
    year = old.days.get().date.year
    by_year = client.get(reverse("meetings_public:area_ical_year", args=[world.area.slug, year]))
    assert by_year["Content-Disposition"] == f'inline; filename="{world.area.slug}-{year}.ics"'
    assert _day_uid(old) in _uids(by_year) and _day_uid(coming) not in _uids(by_year)
    body_year = reverse("meetings_public:body_ical_year", args=[world.area.slug, world.forum.slug, year])
    assert _day_uid(old) in _uids(client.get(body_year))
    assert client.get(f"/omrade/{world.area.slug}/moten-99999.ics").status_code == 404
    # The calendar page links its year's feed.
    html = client.get(reverse("meetings_public:area", args=[world.area.slug]) + f"?ar={year}").content.decode()
    assert f"/omrade/{world.area.slug}/moten-{year}.ics" in html


def test_the_archive_reaches_a_meeting_eleven_years_old_by_year_and_body(client, world):
    today = timezone.localdate()
    old = make_meeting(world.forum, date(today.year - 11, 3, 14), title="Elva år gammalt möte")
    other = make_meeting(world.group, date(today.year - 11, 4, 2), title="Annat organs möte")
    make_meeting(world.forum, date(today.year, 1, 1))  # so this year is the default
    calendar = reverse("meetings_public:area", args=[world.area.slug])
    html = client.get(calendar).content.decode()
    assert "Elva år gammalt möte" not in html  # not in this year's page
    assert f'href="?ar={today.year - 11}#arkiv"' in html
    html = client.get(calendar, {"ar": today.year - 11}).content.decode()
    assert old.get_absolute_url() in html and other.get_absolute_url() in html
    # The body's page links its archive by year; that archive shows only the body's meetings.
    body_html = client.get(reverse("portal:body", args=[world.area.slug, world.forum.slug])).content.decode()
    link = f"{calendar}?ar={today.year - 11}&amp;organ={world.forum.slug}#arkiv"
    assert link in body_html
    html = client.get(calendar, {"ar": today.year - 11, "organ": world.forum.slug}).content.decode()
    assert old.get_absolute_url() in html and other.get_absolute_url() not in html
    # A year of coming meetings only is not in the archive's years (its archive would be empty).
    make_meeting(world.forum, date(today.year + 2, 5, 5), title="Möte om två år")
    html = client.get(calendar).content.decode()
    assert "Möte om två år" in html and f'href="?ar={today.year + 2}#arkiv"' not in html
    # A bad year or body falls back to the defaults, never an error.
    assert client.get(calendar, {"ar": "x", "organ": "finns-inte", "sida": "999"}).status_code == 200


def test_a_large_year_pages_with_plain_links(client, world):
    year = timezone.localdate().year - 2
    meetings = [make_meeting(world.forum, date(year, 1, 1) + timedelta(days=n)) for n in range(PAST_PAGE + 3)]
    calendar = reverse("meetings_public:area", args=[world.area.slug])
    first = client.get(calendar, {"ar": year}).content.decode()
    assert first.count('href="/omrade/testlan/moten/') == PAST_PAGE
    assert f'href="?sida=2&amp;ar={year}" rel="next"' in first and 'aria-current="page"' in first
    second = client.get(calendar, {"ar": year, "sida": 2}).content.decode()
    for meeting in meetings[:3]:  # the oldest are last
        assert meeting.get_absolute_url() in second and meeting.get_absolute_url() not in first
    assert 'rel="prev"' in second


def test_coming_meetings_page_too_and_every_one_is_reachable(client, world, queries):
    today = timezone.localdate()
    coming = [make_meeting(world.forum, today + timedelta(days=1 + n)) for n in range(COMING_PAGE + 2)]
    calendar = reverse("meetings_public:area", args=[world.area.slug])
    first = client.get(calendar).content.decode()
    shown = [m for m in coming if f'href="{m.get_absolute_url()}"' in first]
    assert shown == coming[:COMING_PAGE]  # soonest first
    assert 'href="?kommande=2" rel="next"' in first and 'aria-label="Sidor med kommande möten"' in first
    second = client.get(calendar, {"kommande": 2}).content.decode()
    assert all(f'href="{m.get_absolute_url()}"' in second for m in coming[COMING_PAGE:])
    assert coming[0].get_absolute_url() not in second and 'rel="prev"' in second
    queries.assert_constant(client, calendar, lambda: make_meeting(world.group, today + timedelta(days=3)), at_most=9)


def test_a_calendar_s_rows_are_plain_values_not_model_instances(client, world):
    """An area's and a body's calendar build their rows from plain values: no Meeting or MeetingDay instance at all
    (each cost its constructor and post_init receivers per row; the body page still loads its own Body, and the
    area's calendar the bodies of its filter)."""
    today = timezone.localdate()
    for n in range(5):
        make_meeting(world.forum, today + timedelta(days=1 + n))
        make_meeting(world.forum, today - timedelta(days=30 + n))
    made = []

    def note(sender, **kwargs):
        made.append(sender.__name__)

    post_init.connect(note, dispatch_uid="calendar_rows_test")
    try:
        area = client.get(reverse("meetings_public:area", args=[world.area.slug])).content.decode()
        per_area = [name for name in made if name in ("Meeting", "MeetingDay")]
        made.clear()
        body = client.get(world.forum.get_absolute_url()).content.decode()
    finally:
        post_init.disconnect(dispatch_uid="calendar_rows_test")
    assert area.count('href="/omrade/testlan/moten/') >= 10 and "<time datetime=" in body
    assert per_area == [] and [name for name in made if name in ("Meeting", "MeetingDay")] == []


def test_english_is_at_its_own_address_and_public_pages_set_no_cookie(client, world):
    area = reverse("portal:area", args=[world.area.slug])
    calendar = reverse("meetings_public:area", args=[world.area.slug])
    switch = client.get(reverse("choose_language"), {"language": "en", "next": area + "?x=1"})
    assert switch.status_code == 302 and switch["Location"] == f"/en{area}?x=1"
    english = client.get(switch["Location"])
    assert english["Content-Language"] == "en" and "Principals" in english.content.decode()
    assert f'href="/en{calendar}"' in english.content.decode()
    # The Swedish address stays Swedish even with the English cookie: the page depends on its address alone.
    swedish = client.get(area)
    assert swedish["Content-Language"] == "sv" and "Huvudmän" in swedish.content.decode()
    assert not swedish.cookies and "Cookie" not in swedish.headers.get("Vary", "")
    # Kept by caches but asked again every time, so a change is visible on the next request.
    assert swedish["Cache-Control"] == "public, max-age=0, must-revalidate"
    back = client.get(reverse("choose_language"), {"language": "sv", "next": f"/en{area}"})
    assert back["Location"] == area
    elsewhere = client.get(reverse("choose_language"), {"language": "xx", "next": "https://example.org/"})
    assert elsewhere["Location"] == "/"


def test_a_signed_in_user_gets_private_pages(client, world):
    world.client_for(client, "member")
    response = client.get(reverse("portal:area", args=[world.area.slug]))
    assert response["Cache-Control"] == "private"
    feed = client.get(reverse("meetings_public:area_ical", args=[world.area.slug]))
    assert feed["Cache-Control"] == "private"


def test_a_feed_is_built_once_per_version(client, world):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    meeting = make_meeting(world.forum, timezone.localdate() + timedelta(days=5), place="Första rummet")
    url = reverse("meetings_public:area_ical", args=[world.area.slug])
    with CaptureQueriesContext(connection) as built:
        first = client.get(url)
    with CaptureQueriesContext(connection) as kept:
        second = client.get(url)
    assert second.content == first.content and "Första rummet" in first.content.decode()
    assert len(kept) < len(built), "the second request built the feed again"
    meeting.place = "Andra rummet"
    meeting.save()
    changed = client.get(url).content.decode()
    assert "Andra rummet" in changed and "Första rummet" not in changed
    english = client.get("/en" + url)
    assert english.status_code == 200
