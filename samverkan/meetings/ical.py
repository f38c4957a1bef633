"""iCal feeds of meetings: one VEVENT per meeting day, with a UID that survives every change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

# SEQUENCE must grow with every change; seconds since this moment do, and fit in an integer.
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def calendar_of(meetings, name, absolute):
    """An iCalendar document for `meetings` (days prefetched, body and area selected).

    `absolute(path)` turns a path into a full address for the events' URL."""
    zone = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Samverkan//Möten//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = datetime.now(UTC).replace(microsecond=0)
    for meeting in meetings:
        days = list(meeting.days.all())
        for n, day in enumerate(days, start=1):
            event = Event()
            event.add("uid", f"meetingday-{day.pk}@samverkan")
            summary = meeting.title or meeting.body.name
            if meeting.title:
                summary = f"{meeting.body.name}: {meeting.title}"
            if len(days) > 1:
                summary = f"{summary} ({n}/{len(days)})"
            if meeting.is_cancelled:
                summary = f"INSTÄLLT: {summary}"
            event.add("summary", summary)
            # Times in UTC: every client converts them, and no VTIMEZONE with an end date is needed.
            event.add("dtstart", datetime.combine(day.date, day.start, tzinfo=zone).astimezone(UTC))
            if day.end:
                event.add("dtend", datetime.combine(day.date, day.end, tzinfo=zone).astimezone(UTC))
            if meeting.place:
                event.add("location", meeting.place)
            changed = max(meeting.modified, day.modified).astimezone(UTC).replace(microsecond=0)
            event.add("dtstamp", now)
            event.add("last-modified", changed)
            event.add("sequence", int((changed - EPOCH).total_seconds()))
            event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
            event.add("url", absolute(meeting.get_absolute_url()))
            cal.add_component(event)
    return cal.to_ical()
