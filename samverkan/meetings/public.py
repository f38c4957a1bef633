"""The public side of meetings: calendars per area and body, a meeting page with its published minutes and their
versions, and iCal feeds."""

from collections.abc import Sequence
from typing import NamedTuple

from django.db.models import Max, Min, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import (
    can_read_internal,
    can_read_item,
    item_reader,
    listed_meetings,
    public_meetings,
    published_meetings,
)
from samverkan.meetings.ical import calendar_of
from samverkan.meetings.models import Meeting
from samverkan.meetings.snapshot import present_minutes, shown_content
from samverkan.meetings.views import render_version, with_reasons
from samverkan.structure.models import Area, Body

PAST_SHOWN = 50


class MeetingCalendar(NamedTuple):
    """Coming meetings, soonest first, and the latest `PAST_SHOWN` past ones, latest first (days prefetched)."""

    coming: Sequence[Meeting]
    past: Sequence[Meeting]


def calendar_of_meetings(meetings: QuerySet[Meeting]) -> MeetingCalendar:
    """`MeetingCalendar(coming, past)` of `meetings` that have days. Three queries (two lists, their days)."""
    today = timezone.localdate()
    meetings = (
        meetings.annotate(first_day=Min("days__date"), last_day=Max("days__date"))
        .filter(first_day__isnull=False)
        .select_related("body__area")
        .prefetch_related("days")
    )
    coming = list(meetings.filter(last_day__gte=today).order_by("first_day", "pk"))
    past = list(meetings.filter(last_day__lt=today).order_by("-first_day", "-pk")[:PAST_SHOWN])
    return MeetingCalendar(coming, past)


def feed_links(request, path):
    https = request.build_absolute_uri(path)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def area_calendar(request, area):
    area = get_object_or_404(Area, slug=area)
    coming, past = calendar_of_meetings(listed_meetings(request.user).filter(body__area=area))
    return render(
        request,
        "meetings/public/area.html",
        {
            "area": area,
            "coming": coming,
            "past": past,
            "feed": feed_links(request, f"/omrade/{area.slug}/moten.ics"),
            "crumbs": [(area.get_absolute_url(), area.name), (None, _("Möten"))],
        },
    )


def body_calendar(user, body) -> MeetingCalendar:
    """Coming and past meetings (`MeetingCalendar`) for the body's public page."""
    return calendar_of_meetings(listed_meetings(user).filter(body=body))


def _meeting_crumbs(meeting, *more):
    body = meeting.body
    return [
        (body.area.get_absolute_url(), body.area.name),
        (body.get_absolute_url(), body.name),
        *more,
    ]


def meeting(request, area, pk):
    """A meeting: its agenda until the minutes are published (once it is sent or published; a draft agenda only
    for those who read the body's internal records), then the minutes (attendance, minutes and decision per item,
    the adjustment record, earlier versions). An imported meeting is not here until its minutes are published."""
    meeting = get_object_or_404(
        listed_meetings(request.user).with_first_day().select_related("body__area"), pk=pk, body__area__slug=area
    )
    body = meeting.body
    context = {"meeting": meeting, "body": body, "area": body.area}
    if meeting.is_published:
        context["minutes"] = present_minutes(shown_content(meeting), item_reader(request.user, body))
        context["versions"] = with_reasons(request.user, meeting, meeting.versions.order_by("number"))
    elif meeting.agenda_is_public or can_read_internal(request.user, body):
        items = meeting.items.select_related(
            "continues__meeting__body__area", "deferred_to__body__area", "matter__area", "matter__body"
        )
        context["items"] = [(item, can_read_item(request.user, item, body)) for item in items]
    else:
        context["items"] = []
    context["crumbs"] = _meeting_crumbs(meeting, (None, str(meeting.first_day or _("Möte"))))
    return render(request, "meetings/public/meeting.html", context)


def version(request, area, pk, number):
    """A version of published minutes, as it was stored; hidden items show only their number."""
    meeting = get_object_or_404(
        published_meetings(request.user).with_first_day().select_related("body__area"), pk=pk, body__area__slug=area
    )
    crumbs = _meeting_crumbs(
        meeting,
        (meeting.get_absolute_url(), str(meeting.first_day or _("Möte"))),
        (None, _("Version %(n)s") % {"n": number}),
    )
    return render_version(
        request,
        meeting,
        number,
        back=meeting.get_absolute_url(),
        url_of=lambda n: reverse("meetings_public:version", args=[area, pk, n]),
        crumbs=crumbs,
    )


def _ical_response(request, meetings, name, filename):
    meetings = meetings.select_related("body__area").prefetch_related("days").order_by("pk")
    response = HttpResponse(calendar_of(meetings, name, request.build_absolute_uri), content_type="text/calendar")
    response["Content-Type"] = "text/calendar; charset=utf-8"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def area_ical(request, area):
    area = get_object_or_404(Area, slug=area)
    return _ical_response(request, public_meetings().filter(body__area=area), area.name, f"{area.slug}.ics")


def body_ical(request, area, body):
    body = get_object_or_404(Body, area__slug=area, slug=body, visibility=Visibility.PUBLIC)
    return _ical_response(request, public_meetings().filter(body=body), body.name, f"{body.slug}.ics")
