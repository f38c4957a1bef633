"""Small helpers to make meetings directly in tests."""

from datetime import time

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay


def make_meeting(body, *dates, start=time(9), end=time(12), **fields):
    meeting = Meeting.objects.create(body=body, **fields)
    for day in dates:
        MeetingDay.objects.create(meeting=meeting, date=day, start=start, end=end)
    return meeting


def make_item(meeting, number, title, **fields):
    position = fields.pop("position", meeting.items.count() + 1)
    return AgendaItem.objects.create(meeting=meeting, number=number, title=title, position=position, **fields)
