"""iCal feeds of meetings: one VEVENT per meeting day, with a UID that survives every change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

# SEQUENCE must grow with every change; seconds since this moment do, and fit in an integer.
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def new_calendar(name=None):
    cal = Calendar()
    cal.add("prodid", "-//Samverkan//Möten//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def calendar_of(meetings, name, absolute):
    """An iCalendar document for `meetings` (days prefetched, body and area selected).

    `absolute(path)` turns a path into a full address for the events' URL."""
    cal = new_calendar(name)
    now = datetime.now(UTC).replace(microsecond=0)
    for meeting in meetings:
        for event in day_events(meeting, absolute, now):
            cal.add_component(event)
    return cal.to_ical()


def day_events(meeting, absolute, now):
    """One VEVENT per day of the meeting; the UID is the day's, so feeds and invitations update the same event."""
    zone = ZoneInfo(settings.TIME_ZONE)
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
        yield event


def invitation_calendar(meeting, absolute, organizer, attendee, method="REQUEST"):
    """The .ics of an invitation: METHOD:REQUEST (or CANCEL for a cancelled meeting, RFC 5546 3.2.5), the
    meeting's days with the feed's UIDs, so a calendar updates or removes the same events, and SEQUENCE from the
    last change, so a later mail outranks an earlier one; the sender as organizer."""
    cal = new_calendar()
    cal.add("method", method)
    now = datetime.now(UTC).replace(microsecond=0)
    for event in day_events(meeting, absolute, now):
        if method == "CANCEL":
            event["status"] = "CANCELLED"
        event.add("organizer", vCalAddress(f"mailto:{organizer}"))
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["role"] = vText("REQ-PARTICIPANT")
        guest.params["rsvp"] = vText("FALSE")
        event.add("attendee", guest, encode=0)
        cal.add_component(event)
    return cal.to_ical()
