"""Every change to meetings and agendas goes through here, so history and invariants live in one place."""

from django.db import transaction
from django.db.models import Max

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay


@transaction.atomic
def create_year_plan(body, year, dates, *, start, end, place, kind, visibility, user):
    """Create one planned meeting per date, all or none."""
    meetings = []
    for day in sorted(dates):
        meeting = Meeting(body=body, kind=kind, place=place, visibility=visibility, plan_year=year)
        meeting.full_clean()
        meeting._history_user = user
        meeting.save()
        meeting_day = MeetingDay(meeting=meeting, date=day, start=start, end=end)
        meeting_day.full_clean()
        meeting_day._history_user = user
        meeting_day.save()
        meetings.append(meeting)
    return meetings


@transaction.atomic
def add_item(meeting, user, **fields):
    """Put an item last on the agenda."""
    last = meeting.items.aggregate(last=Max("position"))["last"]
    item = AgendaItem(meeting=meeting, position=(last or 0) + 1, **fields)
    item.full_clean()
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def take_up_deferred_item(deferred, meeting, number, user):
    """Put an item deferred at an earlier meeting on this meeting's agenda, linked back to it."""
    return add_item(
        meeting,
        user,
        number=number,
        title=deferred.title,
        kind=deferred.kind,
        background=deferred.background,
        presenters=deferred.presenters,
        visibility=deferred.visibility,
        continues=deferred,
    )


class LastDay(Exception):
    """A meeting must keep at least one day; cancel it instead."""


@transaction.atomic
def remove_day(day, user):
    meeting = Meeting.objects.select_for_update().get(pk=day.meeting_id)
    if meeting.days.count() < 2:
        raise LastDay
    day._history_user = user
    day.delete()
