"""Proposes the next agenda item number in the body's scheme: continuous § per year, or 1, 2, 3 per meeting."""

import re

from django.utils import timezone

from samverkan.structure.models import Body

LEADING_NUMBER = re.compile(r"\d+")


def _leading(number):
    match = LEADING_NUMBER.search(number or "")
    return int(match.group()) if match else 0


def meeting_year(meeting):
    """The calendar year a meeting belongs to: its first day's, else its plan's, else this year."""
    first = getattr(meeting, "first_day", None)
    if first is None and meeting.pk:
        day = meeting.days.order_by("date").first()
        first = day.date if day else None
    if first is not None:
        return first.year
    return meeting.plan_year or timezone.localdate().year


def propose_number(meeting):
    """The number the next item of `meeting` should get, as text ("15", or "3" per meeting)."""
    from samverkan.meetings.models import AgendaItem, Meeting

    if meeting.body.numbering == Body.Numbering.CONTINUOUS:
        year = meeting_year(meeting)
        meetings = Meeting.objects.with_first_day().filter(body_id=meeting.body_id, first_day__year=year)
        numbers = AgendaItem.objects.filter(meeting__in=meetings.values("pk")).values_list("number", flat=True)
        if meeting.pk:
            # A meeting without days yet still counts its own items.
            numbers = list(numbers) + list(meeting.items.values_list("number", flat=True))
    else:
        numbers = meeting.items.values_list("number", flat=True) if meeting.pk else []
    return str(max((_leading(n) for n in numbers), default=0) + 1)
