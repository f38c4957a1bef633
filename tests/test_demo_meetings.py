"""The demo county's year of meetings: minutes, decisions, attendance, adjustment and publishing look real."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from samverkan.meetings import numbering
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    InvitationAnswer,
    Meeting,
    MeetingDay,
    MinutesVersion,
    Signatory,
    correcting_minutes,
)
from samverkan.meetings.snapshot import minutes_snapshot

TODAY = date(2026, 3, 15)  # the day of the `demo_2026_03_15` fixture


@pytest.fixture
def area(demo_2026_03_15):
    """The demo county built as if today were TODAY (once for all the tests that ask for it)."""
    return demo_2026_03_15


def test_past_minutes_are_adjusted_locked_and_published(area):
    published = Meeting.objects.filter(status="published")
    assert published.filter(kind="minutes").count() >= 5 and published.filter(kind="notes").count() >= 20
    for meeting in published.filter(kind="minutes").prefetch_related("signatories", "days"):
        signatories = list(meeting.signatories.all())
        assert {s.role for s in signatories} == {"chair", "adjuster"}, meeting
        assert all(s.signed_at for s in signatories), meeting
        assert meeting.locked_at == max(s.signed_at for s in signatories)
        assert meeting.chair == next(s.person for s in signatories if s.role == "chair")
        assert meeting.notice_date == meeting.locked_at.date() + timedelta(days=1)
        assert (meeting.notice_date - max(d.date for d in meeting.days.all())).days <= 14
        assert meeting.published_at.date() == meeting.notice_date
    for meeting in published.filter(kind="notes"):
        assert meeting.locked_at and meeting.published_at and not meeting.signatories.exists()
    # Version 1 of every locked meeting is the snapshot the PDF is rendered from.
    locked = Meeting.objects.filter(locked_at__isnull=False)
    assert MinutesVersion.objects.count() == locked.count() == MinutesVersion.objects.filter(number=1).count()

    def without_case_numbers(content):
        # Items are filed on follow-through matters after the meeting; the stored version keeps the minutes
        # as adjusted, without the case numbers given later.
        items = [{k: v for k, v in item.items() if not k.startswith("case_")} for item in content["items"]]
        return {**content, "items": items}

    for version in MinutesVersion.objects.select_related("meeting")[:10]:
        assert without_case_numbers(version.content) == without_case_numbers(minutes_snapshot(version.meeting))
        assert version.created_at == version.meeting.locked_at


def test_recent_minutes_are_drafts_and_one_is_late(area):
    drafts = Meeting.objects.all().filter(status="drafted")
    assert drafts.count() >= 2
    late = [m for m in drafts if (TODAY - m.first_day).days > 14]
    assert [m.body.abbreviation for m in late] == ["KRF"]
    assert late[0].kind == "minutes" and late[0].locked_at is None and late[0].notice_date is None
    assert late[0].signatories.count() == 2 and not late[0].signatories.filter(signed_at__isnull=False).exists()
    adjusted = Meeting.objects.get(status="adjusted")
    assert adjusted.locked_at and adjusted.published_at is None and adjusted.versions.count() == 1
    # Coming meetings are planned or invited, with nothing recorded yet.
    coming = Meeting.objects.all().filter(first_day__gte=TODAY)
    assert set(coming.values_list("status", flat=True)) == {"planned", "invited", "cancelled"}
    assert not Attendance.objects.filter(meeting__in=coming).exists()
    assert not AgendaItem.objects.filter(meeting__in=coming).exclude(minutes="", decision="", outcome="").exists()
    assert InvitationAnswer.objects.filter(meeting__status="invited", answer="absent").exists()


def test_minutes_have_decisions_deferrals_and_struck_items(area):
    handled = AgendaItem.objects.filter(meeting__status="published", outcome="handled")
    assert handled.exclude(minutes="").count() == handled.count()
    clauses = [line for text in handled.values_list("decision", flat=True) for line in text.splitlines()]
    assert sum(line.startswith("att ") for line in clauses) >= 200
    assert any(line.endswith("beslutar") for line in clauses)
    struck = AgendaItem.objects.filter(outcome="struck")
    assert 3 <= struck.count() <= 20 and not struck.exclude(meeting__status__in=["drafted", "published"]).exists()
    deferred = AgendaItem.objects.filter(outcome="deferred").select_related("meeting__body", "deferred_to")
    assert deferred.count() >= 3
    for item in deferred:
        assert item.deferred_to.body == item.meeting.body
        if item.deferred_to.status in ("drafted", "adjusted", "published"):
            assert item.deferred_to.items.filter(continues=item, title=item.title).exists(), item
    # The forum deferred at its latest meeting; the next one offers it to be taken up.
    assert deferred.filter(meeting__body__abbreviation="KRF", meeting__status="drafted").exists()


def test_attendance_with_absences_substitutes_and_partial_presence(area):
    rows = Attendance.objects.select_related("meeting", "substitute_for")
    assert rows.filter(status="absent_notice").count() >= 20
    serving = rows.filter(substitute_for__isnull=False)
    assert serving.exists()
    for row in serving:
        assert row.group == "voting"
        assert rows.filter(meeting=row.meeting, person=row.substitute_for, status="absent_notice").exists()
    assert rows.filter(group="substitute").exists() and rows.filter(group="other").exists()
    assert rows.exclude(note="").exists()
    assert Attendance.not_during.through.objects.exists() and Attendance.days.through.objects.exists()
    # Every chair and adjuster who signed was there.
    for signatory in Signatory.objects.filter(signed_at__isnull=False):
        assert rows.filter(meeting=signatory.meeting_id, person=signatory.person, status="present").exists()


def test_every_meeting_row_passes_full_clean(area):
    # The lock's own check (no change to locked minutes) is not what is tested here.
    with correcting_minutes():
        for model in (Meeting, MeetingDay, AgendaItem, Attendance, Signatory, InvitationAnswer):
            for obj in model.objects.all():
                obj.full_clean()
    for model in (Meeting, AgendaItem, Attendance, Signatory):
        assert model.history.count() >= model.objects.count(), model
    users = set(get_user_model().objects.values_list("pk", flat=True))
    assert set(Signatory.objects.exclude(signed_by=None).values_list("signed_by", flat=True)) <= users


def test_fixed_paragraph_numbers_follow_the_dates_and_are_unique(area):
    """Issue 10: every item of minutes sent for adjustment in a continuous body is fixed in its body's series,
    and within a body and year the numbers rise with the meetings' dates."""
    sent = AgendaItem.objects.filter(meeting__body__numbering="continuous", meeting__status__in=SENT)
    assert sent.exists() and not sent.filter(series_year=None).exists()
    series = {}
    for meeting in Meeting.objects.all().filter(body__numbering="continuous").order_by("first_day", "pk"):
        numbers = [int(n) for n in meeting.items.values_list("number", flat=True)]
        if meeting.is_cancelled or not numbers:
            continue
        key = (meeting.body_id, meeting.first_day.year)
        assert min(numbers) > series.get(key, 0), meeting
        series[key] = max(numbers)


SENT = ("drafted", "adjusted", "published")


def test_each_year_after_the_first_starts_at_paragraph_1_and_a_cancelled_meeting_holds_no_numbers(area):
    """Issue 10: a series is per body and calendar year. Only the demo's first year starts mid-year (Samverkan
    taken into use then); the next year starts at § 1 even when its first planned meeting was cancelled, and
    the demo's numbers are what the app itself would settle on (settling the series changes nothing)."""
    meetings = Meeting.objects.all().filter(body__numbering="continuous").order_by("first_day", "pk")
    years, cancelled = {}, 0
    for meeting in meetings:
        years.setdefault(meeting.body_id, {}).setdefault(meeting.first_day.year, []).append(meeting)
    for per_year in years.values():
        first_year = min(per_year)
        for year, held in per_year.items():
            holding = [m for m in held if not m.is_cancelled and m.items.exists()]
            cancelled += len(held) - len(holding)
            if year != first_year:
                assert numbering.series_start(holding[0].body_id, year) == 1
                assert min(int(n) for n in holding[0].items.values_list("number", flat=True)) == 1, holding[0]
            assert numbering.settle_series(holding[0], None, own=True) == [], holding[0]
    assert cancelled  # the chief officers' group has a cancelled meeting in the second year
