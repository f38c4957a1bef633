"""Notices of adjusted minutes (anslag, KL 8:12) and the appeal period (KL 13): publishing puts up the notice, the
notice board and its archive and feed, the warning when publishing is late, and the appeal period only where a
body's decisions can be appealed. The dates are those of the issue: CGH's minutes of 2026-11-24."""

import re
from datetime import date, datetime, time, timedelta
from io import BytesIO
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samverkan.meetings import actions, invitation_mail, lock, notices
from samverkan.meetings.models import Meeting, MeetingMail
from samverkan.meetings.pdf import pdf_context, render_pdf
from samverkan.meetings.snapshot import minutes_snapshot, with_notice
from samverkan.structure.models import Body
from tests.meetings_helpers import make_meeting
from tests.minutes_helpers import adjusted_meeting, seat_group

ATOM = "{http://www.w3.org/2005/Atom}"
# How pages, the feed and the PDF name the end of an appeal period.
APPEAL_LABELS = ("Tid för överklagande till och med", "Överklagandetiden går ut", "Tiden för överklagande går ut")


@pytest.fixture
def seats(world):
    return seat_group(world)


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _dated(meeting, *, adjusted, notice=None, status=None):
    """Set a locked meeting's adjustment moment (and notice date, status) as if it happened on those days."""
    fields = {"locked_at": _aware(adjusted)}
    if notice is not None:
        fields.update(notice_date=notice, published_at=_aware(notice, 8), status=status or "published")
    with lock.correcting_minutes():
        Meeting.objects.filter(pk=meeting.pk).update(**fields)
    meeting.refresh_from_db()
    return meeting


def _pdf_text(pdf):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


# Publishing sets the notice date ---------------------------------------------------------------------------


def test_the_last_signature_locks_but_puts_up_no_notice(world, seats):
    meeting = adjusted_meeting(world, seats)
    assert meeting.status == "adjusted" and meeting.is_locked
    assert meeting.notice_date is None and meeting.appeal_end is None
    assert meeting.versions.get().content["meeting"]["notice_date"] is None
    # The PDF of adjusted, unpublished minutes does not claim a notice that has not gone up.
    text = _pdf_text(render_pdf(with_notice(minutes_snapshot(meeting), meeting)))
    assert "tillkännagivits genom anslag" not in text and "Anslaget publicerat" not in text
    assert "sätts upp på samverkansportalens anslagstavla när protokollet publiceras" in text


def test_publishing_puts_up_the_notice_today_and_the_pdf_says_so(client, world, seats):
    Body.objects.filter(pk=world.group.pk).update(kind="joint_committee", authority="decides", appealable=True)
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    today = timezone.localdate()
    assert meeting.notice_date == today and meeting.appeal_end == today + timedelta(days=21)
    assert meeting.notice_taken_down == today + timedelta(days=22)
    # Version 1 was stored at adjustment; the public PDF carries the notice as it stands now.
    response = client.get(reverse("meetings_public:pdf", args=[world.area.slug, meeting.pk]))
    text = _pdf_text(response.content)
    assert "Justeringen har tillkännagivits genom anslag på samverkansportalen" in text
    assert f"Anslaget publicerat {today.isoformat()}" in text
    assert f"Tid för överklagande till och med {(today + timedelta(days=21)).isoformat()}" in text
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Överklagandetiden går ut" in html and (today + timedelta(days=21)).isoformat() in html


def test_the_notice_date_is_frozen_once_set(world, seats):
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    meeting.notice_date = date(2026, 11, 30)
    with pytest.raises(ValidationError):
        meeting.save()
    notes = make_meeting(world.group, date(2026, 11, 24), status="drafted", kind="notes")
    actions.take_step(notes, actions.PUBLISH, world.secretary)
    notes.refresh_from_db()
    assert notes.notice_date is None  # notes are not adjusted: no notice, no appeal


# The appeal period only where decisions can be appealed ------------------------------------------------------


def test_a_body_that_only_recommends_cannot_be_marked_appealable(world):
    body = Body(area=world.area, name="Samverkansråd", slug="rad", authority="recommends", appealable=True)
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "bara rekommenderar" in str(error.value)
    body.authority, body.kind = "decides", "joint_committee"
    body.full_clean()


@pytest.mark.parametrize("kind", sorted(set(Body.Kind.values) - set(Body.APPEALABLE_KINDS)))
def test_only_a_joint_committee_or_municipal_association_can_be_marked_appealable(world, kind):
    body = Body(area=world.area, name="Beredning", slug="beredning", kind=kind, authority="decides", appealable=True)
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "Bara en gemensam nämnd eller ett kommunalförbund" in str(error.value)


def test_the_migration_marks_joint_committees_and_municipal_associations(world):
    from importlib import import_module

    migration = import_module("samverkan.structure.migrations.0004_body_appealable")
    Body.objects.filter(pk=world.forum.pk).update(kind="joint_committee", authority="decides")
    Body.objects.filter(pk=world.group.pk).update(kind="municipal_association", authority="decides")
    migration.appealable_from_kind(apps, None)
    assert set(Body.objects.filter(appealable=True).values_list("pk", flat=True)) == {world.forum.pk, world.group.pk}


def test_the_body_form_sets_the_flag_through_the_structure_action(client, world):
    client.force_login(world.coordinator)
    url = reverse("structure:body_edit", args=[world.group.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "appealable"}
    data.update(kind="joint_committee", authority="decides", appealable="on", change_reason="Gemensam nämnd")
    response = client.post(url, {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()})
    assert response.status_code == 302, response.content.decode()[:2000]
    world.group.refresh_from_db()
    assert world.group.appealable and world.group.history.first().history_change_reason == "Gemensam nämnd"
    data.update(authority="recommends")
    response = client.post(url, {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()})
    assert response.status_code == 400 and "bara rekommenderar" in response.content.decode()


def test_a_body_that_cannot_be_appealed_shows_no_appeal_period_anywhere(client, world, seats):
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    assert not world.group.appealable and meeting.notice_date and meeting.appeal_end is None
    pages = [
        meeting.get_absolute_url(),
        reverse("meetings_public:version", args=[world.area.slug, meeting.pk, 1]),
        reverse("meetings_public:notice_board", args=[world.area.slug]),
        reverse("meetings_public:notice_feed", args=[world.area.slug]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert "Anslag" in text or "anslag" in text, url
        assert not any(label in text for label in APPEAL_LABELS), url
    pdf = _pdf_text(client.get(reverse("meetings_public:pdf", args=[world.area.slug, meeting.pk])).content)
    assert "Anslaget publicerat" in pdf and "överklagande" not in pdf
    assert pdf_context(with_notice(minutes_snapshot(meeting), meeting))["appeal_end"] == ""


# The notice board --------------------------------------------------------------------------------------------


def test_a_notice_is_up_three_weeks_from_the_day_it_is_published(world, seats):
    # CGH's minutes of 2026-11-24, adjusted 2026-11-26, published (the notice put up) 2026-11-27.
    meeting = _dated(adjusted_meeting(world, seats), adjusted=date(2026, 11, 26), notice=date(2026, 11, 27))
    board = notices.current_notices
    public = Meeting.objects.all()
    assert meeting.notice_taken_down == date(2026, 12, 19)
    assert list(board(public, date(2026, 11, 26))) == []  # not yet put up
    assert list(board(public, date(2026, 11, 27))) == [meeting]
    assert list(board(public, date(2026, 12, 18))) == [meeting]  # the last day of the appeal period
    assert list(board(public, date(2026, 12, 19))) == []  # taken down
    assert list(notices.archived_notices(public, date(2026, 12, 18))) == []
    assert list(notices.archived_notices(public, date(2026, 12, 19))) == [meeting]


def test_the_board_shows_each_fact_of_a_notice_and_links_the_minutes(client, world, seats):
    Body.objects.filter(pk=world.group.pk).update(host_principal=world.region)
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    area_page = client.get(world.area.get_absolute_url()).content.decode()
    board_url = reverse("meetings_public:notice_board", args=[world.area.slug])
    assert board_url in area_page
    html = client.get(board_url).content.decode()
    first = meeting.days.first().date
    for text in (
        world.group.name,
        f"<dd>{first:%Y-%m-%d}</dd>",
        f"<dd>{timezone.localdate(meeting.locked_at):%Y-%m-%d}</dd>",
        f"<dd>{meeting.notice_date:%Y-%m-%d}</dd>",
        f"<dd>{meeting.notice_taken_down:%Y-%m-%d}</dd>",
        f"{world.region.name} (värdhuvudman) och samverkansportalen",
        f'href="{meeting.get_absolute_url()}"',
    ):
        assert text in html, text
    # Unpublished minutes, notes and internal bodies' minutes are not on the board.
    assert html.count('class="notice"') == 1


def test_the_archive_pages_taken_down_notices_with_constant_queries(client, world, seats, queries):
    day = date(2026, 1, 13)
    first = _dated(adjusted_meeting(world, seats, days_ago=400), adjusted=day, notice=day)
    url = reverse("meetings_public:notice_archive", args=[world.area.slug])
    assert first.get_absolute_url() in client.get(url).content.decode()

    def grow():
        for n in range(notices_per_page := 26):
            m = make_meeting(world.group, day - timedelta(days=n + 1), status="published", kind="minutes")
            with lock.correcting_minutes():
                Meeting.objects.filter(pk=m.pk).update(
                    locked_at=_aware(day - timedelta(days=n)), notice_date=day - timedelta(days=n)
                )
        assert notices_per_page > notices_board_page_size()

    queries.assert_constant(client, url, grow, at_most=4)
    html = client.get(url).content.decode()
    assert "Sida 1 av 2" in html and "?sida=2" in html
    assert "Sida 2 av 2" in client.get(url + "?sida=2").content.decode()
    assert client.get(url + "?sida=abc").status_code == 200  # not a number: the first page, no error
    board = reverse("meetings_public:notice_board", args=[world.area.slug])
    queries.assert_constant(client, board, lambda: None, at_most=3)


def notices_board_page_size():
    from samverkan.meetings.notice_board import ARCHIVE_PAGE

    return ARCHIVE_PAGE


def test_the_board_has_its_own_atom_feed(client, world, seats):
    meeting = adjusted_meeting(world, seats)
    meeting = actions.take_step(meeting, actions.PUBLISH, world.secretary)
    response = client.get(reverse("meetings_public:notice_feed", args=[world.area.slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}id").text == f"tag:127.0.0.1,{meeting.notice_date.isoformat()}:anslag/{meeting.pk}"
    assert entries[0].find(f"{ATOM}link").get("href").endswith(meeting.get_absolute_url())
    assert "Anslaget sattes upp" in entries[0].find(f"{ATOM}summary").text
    assert client.get(reverse("meetings_public:notice_feed", args=["finns-inte"])).status_code == 404


# RFC 3986 3.1 scheme ":" and no white space; a tag URI (RFC 4151) names an authority and a date.
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
TAG = re.compile(r"tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:\S+")


def atom_ids(client, url, **headers):
    """The feed's own id and its entries' ids, each checked to be a URI (RFC 4287 4.2.6: atom:id is an IRI)."""
    response = client.get(url, **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    ids = [feed.find(f"{ATOM}id").text] + [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]
    bad = [value for value in ids if not value or not (URI.fullmatch(value) or TAG.fullmatch(value))]
    assert not bad, f"Atom ids that are not URIs in {url}: {bad}"
    return ids


# Every Atom feed of the site: per area, or per body ("body" feeds take the area's and the body's slugs).
ATOM_FEEDS = (
    "meetings_public:notice_feed",
    "meetings_public:minutes_feed",
    "meetings_public:decisions_feed",
    "meetings_public:body_minutes_feed",
    "meetings_public:body_decisions_feed",
)


def feed_args(name, meeting):
    area = meeting.body.area.slug
    return [area, meeting.body.slug] if name.startswith("meetings_public:body_") else [area]


def test_every_atom_feed_is_listed():
    """A new Atom feed joins ATOM_FEEDS, so the id test below covers it."""
    from tests.test_outsider_walk import _patterns

    feeds = {name for name, route, _ in _patterns() if route.endswith(".atom") and not route.startswith("en/")}
    assert feeds == set(ATOM_FEEDS)


@pytest.mark.parametrize("name", ATOM_FEEDS)
def test_atom_ids_are_uris_that_stay_when_the_entry_changes(client, world, seats, name):
    meeting = adjusted_meeting(world, seats)
    meeting = actions.take_step(meeting, actions.PUBLISH, world.secretary)
    url = reverse(name, args=feed_args(name, meeting))
    before = atom_ids(client, url)
    assert len(before) == 2 and all(TAG.fullmatch(value) for value in before)
    # The entry's content changes: the body is renamed and the minutes corrected (a new version).
    Body.objects.filter(pk=meeting.body_id).update(name="Omdöpt organ")
    item = meeting.items.first()
    kept = item.decision  # the decision stays, so the decisions feeds keep the entry
    actions.correct_minutes(item, world.secretary, minutes=item.minutes + " Rättat.", decision=kept, reason="Stavfel")
    changed = client.get(url).content.decode()
    assert "Omdöpt organ" in changed
    assert atom_ids(client, url) == before
    # Asked under another host name, the ids are still the same.
    assert atom_ids(client, url, HTTP_HOST="localhost") == before


# The warning when publishing is late ----------------------------------------------------------------------------


def test_minutes_not_published_within_two_days_are_flagged(client, world, seats):
    meeting = _dated(adjusted_meeting(world, seats), adjusted=date(2026, 11, 26))
    assert meeting.notice_deadline == date(2026, 11, 28)
    late = Meeting.objects.notice_overdue
    assert not late(date(2026, 11, 28)).exists() and not meeting.is_notice_overdue(date(2026, 11, 28))
    assert list(late(date(2026, 11, 29))) == [meeting] and meeting.is_notice_overdue(date(2026, 11, 29))
    # Today is long after 2026-11-26: the secretary and the coordinator see it on their dashboards.
    for actor, shown in ((world.secretary, True), (world.coordinator, True), (world.member, False)):
        client.force_login(actor)
        html = client.get(reverse("dashboard")).content.decode()
        assert ("Skulle ha publicerats senast 2026-11-28" in html) == shown, actor
    client.force_login(world.secretary)
    assert "Anslaget är försenat" in client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    assert not late().exists()


def test_the_late_notice_warning_is_mailed_once_to_secretary_and_coordinator(world, seats):
    meeting = _dated(adjusted_meeting(world, seats), adjusted=date(2026, 11, 26))
    assert notices.queue_notice_warnings(date(2026, 11, 28)) == []
    queued = notices.queue_notice_warnings(date(2026, 11, 29))
    addresses = set(MeetingMail.objects.filter(pk__in=queued).values_list("address", flat=True))
    assert addresses == {world.secretary.email, world.coordinator.email}
    assert notices.queue_notice_warnings(date(2026, 11, 30)) == []  # once
    for pk in queued:
        assert invitation_mail.send_queued(pk)  # what the worker's task does
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)
    message = mail.outbox[0]
    assert "Anslaget är försenat" in message.subject and "senast 2026-11-28" in message.body
    assert reverse("meetings:meeting", args=[meeting.pk]) in message.body


# The demo ------------------------------------------------------------------------------------------------------


def test_the_demo_shows_current_and_archived_notices_and_obeys_the_rules(client, demo):
    from samverkan.meetings.access import public_meetings
    from samverkan.meetings.models import AgendaItem

    assert notices.current_notices(public_meetings()).exists()
    assert notices.archived_notices(public_meetings()).exists()
    # CGH's latest minutes are adjusted but not published: no notice yet, and flagged as late.
    cgh = Meeting.objects.all().filter(body__abbreviation="CGH", status="adjusted").get()
    assert cgh.notice_date is None and cgh.appeal_end is None
    assert cgh.is_notice_overdue() == (cgh.notice_deadline < timezone.localdate())
    # Every published minutes has its notice, put up after its adjustment.
    for m in Meeting.objects.filter(kind="minutes", status="published"):
        assert m.notice_date and m.notice_date >= timezone.localdate(m.locked_at), m.pk
    # No decision, outcome or deferral on an item of a meeting that has not been held.
    unheld = AgendaItem.objects.exclude(meeting__status__in=Meeting.HELD_STATUSES)
    assert unheld.exists()
    assert not unheld.exclude(decision="", outcome="", deferred_to=None).exists()
    area = cgh.body.area.slug
    html = client.get(reverse("meetings_public:notice_board", args=[area])).content.decode()
    assert html.count('class="notice"') == notices.current_notices(public_meetings()).count()
