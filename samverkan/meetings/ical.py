"""iCal feeds of meetings: one VEVENT per meeting day, with a UID that survives every change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from samverkan.lib.years import FIRST_YEAR, LAST_YEAR


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


def _uid(day):
    return f"meetingday-{day.pk}@samverkan"


def _summary(meeting, n, total):
    summary = meeting.title or meeting.body.name
    if meeting.title:
        summary = f"{meeting.body.name}: {meeting.title}"
    if total > 1:
        summary = f"{summary} ({n}/{total})"
    if meeting.is_cancelled:
        summary = f"INSTÄLLT: {summary}"
    return summary


def _span(day):
    """The day's start and end (or None) in UTC: every client converts them, and no VTIMEZONE is needed."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day.date, day.start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day.date, day.end, tzinfo=zone).astimezone(UTC) if day.end else None
    return start, end


def day_events(meeting, absolute, now):
    """One VEVENT per day of the meeting; the UID is the day's, so feeds and invitations update the same event,
    and SEQUENCE is the meeting's `ical_sequence`, one more for each change mailed to the invitees."""
    # A day outside the years Samverkan takes (forms refuse one; the admin or an old row might hold one) has no
    # instant a calendar could show: year 1 at 00:10 in Stockholm is before the first UTC instant Python has.
    days = [day for day in meeting.days.all() if FIRST_YEAR <= day.date.year <= LAST_YEAR]
    for n, day in enumerate(days, start=1):
        event = Event()
        event.add("uid", _uid(day))
        event.add("summary", _summary(meeting, n, len(days)))
        start, end = _span(day)
        event.add("dtstart", start)
        if end:
            event.add("dtend", end)
        if meeting.place:
            event.add("location", meeting.place)
        changed = max(meeting.modified, day.modified).astimezone(UTC).replace(microsecond=0)
        event.add("dtstamp", now)
        event.add("last-modified", changed)
        event.add("sequence", meeting.ical_sequence)
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        event.add("url", absolute(meeting.get_absolute_url()))
        yield event


def removed_day(meeting, day, sequence):
    """What the METHOD:CANCEL of a day struck from `meeting` needs once the day's row is gone (stored in
    `MeetingMail.removed_day`): its UID, summary, start and end (ISO 8601, UTC) and the SEQUENCE to send."""
    days = list(meeting.days.all())
    n = next((i for i, other in enumerate(days, start=1) if other.pk == day.pk), 1)
    start, end = _span(day)
    return {
        "uid": _uid(day),
        "summary": _summary(meeting, n, len(days)),
        "start": start.isoformat(),
        "end": end.isoformat() if end else None,
        "sequence": sequence,
    }


def removed_day_calendar(data, organizer, attendee):
    """The .ics that takes one struck day (`removed_day`'s dict) out of a calendar: METHOD:CANCEL with that day's
    UID alone and STATUS:CANCELLED (RFC 5546 3.2.5, cancelling one event of several); the meeting's other days
    stay as they were."""
    cal = new_calendar()
    cal.add("method", "CANCEL")
    event = Event()
    event.add("uid", data["uid"])
    event.add("summary", f"INSTÄLLT: {data['summary']}")
    event.add("dtstart", datetime.fromisoformat(data["start"]))
    if data.get("end"):
        event.add("dtend", datetime.fromisoformat(data["end"]))
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("sequence", data["sequence"])
    event.add("status", "CANCELLED")
    _address(event, organizer, attendee)
    cal.add_component(event)
    return cal.to_ical()


def _address(event, organizer, attendee):
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["rsvp"] = vText("FALSE")
    event.add("attendee", guest, encode=0)


def invitation_calendar(meeting, absolute, organizer, attendee, method="REQUEST"):
    """The .ics of an invitation: METHOD:REQUEST (or CANCEL for a cancelled meeting, RFC 5546 3.2.5), the
    meeting's days with the feed's UIDs, so a calendar updates or removes the same events, and the meeting's
    SEQUENCE counter, so a later mail outranks an earlier one; the sender as organizer."""
    cal = new_calendar()
    cal.add("method", method)
    now = datetime.now(UTC).replace(microsecond=0)
    for event in day_events(meeting, absolute, now):
        if method == "CANCEL":
            event["status"] = "CANCELLED"
        _address(event, organizer, attendee)
        cal.add_component(event)
    return cal.to_ical()
