"""The public side of meetings: calendars per area and body, a meeting page with its published minutes and their
versions, and iCal feeds."""

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet, Subquery, Value
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.lib.caching import conditional_answer, with_validators
from samverkan.lib.paging import page_of
from samverkan.lib.text import is_digits
from samverkan.lib.visibility import Visibility
from samverkan.lib.years import FIRST_YEAR, LAST_YEAR, YearOf
from samverkan.meetings.access import (
    can_read_internal,
    can_read_item,
    item_reader,
    listed_meetings,
    public_meetings,
    published_meetings,
)
from samverkan.meetings.ical import calendar_of
from samverkan.meetings.models import Meeting, MeetingDay
from samverkan.meetings.snapshot import present_minutes, shown_content
from samverkan.meetings.views import render_version, with_reasons
from samverkan.structure.access import visible_bodies
from samverkan.structure.models import Area, Body

PAST_PAGE = 50  # past meetings a page of the archive shows
COMING_PAGE = 40  # coming meetings a page of an area's calendar shows (`?kommande=`); a county plans ~300 ahead
BODY_PAST_SHOWN = 10  # past meetings a body's page shows before its archive links
ICAL_CACHE_SECONDS = 6 * 3600  # a built feed is kept under its ETag this long at most (a new version has a new key)
FEED_MONTHS_DAYS = 366  # the area and body feeds: meetings of the last 12 months and all coming ones


class ShownMeeting(NamedTuple):
    """A calendar's row of one meeting (`with_rows`): its id and the row's HTML."""

    pk: int
    row: str


class MeetingCalendar(NamedTuple):
    """Coming meetings, soonest first, and past ones, latest first (their rows, `ShownMeeting`s), and `years`: the
    years (ints, latest first) that have meetings, for the archive's links."""

    coming: Sequence[ShownMeeting]
    past: Sequence[ShownMeeting]
    years: Sequence[int]


# What a calendar's row shows (`with_rows`) of a meeting and its body, read as plain values (named tuples): the rest
# of their columns is not read, and no model instance is made (a meeting, its body and their post_init receivers
# per row were a fifth of a nation's area calendar).
ROW_COLUMNS = ("pk", "title", "status", "place", "visibility", "first_day", "body__name", "body__slug")


def _dated(meetings):
    """`meetings` that have a day, as named tuples of the columns of their rows (`ROW_COLUMNS`: a calendar's rows
    only); `with_rows` reads their days."""
    return meetings.filter(first_day__isnull=False).values_list(*ROW_COLUMNS, named=True)


def upcoming(meetings: QuerySet[Meeting]) -> QuerySet[Any]:
    """Meetings of `meetings` with a day today or later, soonest first, as `_dated`'s rows. A queryset to page.

    None of them starts before the earliest first day of any meeting with a day ahead (a subquery through the
    `meeting_last_day` index): with that bound the soonest-first read of `meeting_first_day` starts near today.
    Without it PostgreSQL read that index from the oldest meeting of every area, past ones included (17,600 rows,
    10 ms for three areas' calendar, growing with history)."""
    today = timezone.localdate()
    ahead = Q(last_day__gte=today)
    # One row (no GROUP BY: a constant is no grouping). The aggregate's FILTER keeps PostgreSQL from answering MIN
    # by reading `meeting_first_day` from the oldest meeting up, the very read this bound avoids.
    one = Meeting.objects.filter(ahead).order_by().annotate(every=Value(1)).values("every")
    earliest = Subquery(one.annotate(earliest=Min("first_day", filter=ahead)).values("earliest"))
    return _dated(meetings).filter(ahead, first_day__gte=earliest).order_by("first_day", "pk")


def coming_meetings(meetings: QuerySet[Meeting]) -> list[Any]:
    """`upcoming(meetings)` as a list (`_dated`'s rows). One query."""
    return list(upcoming(meetings))


def past_meetings(meetings: QuerySet[Meeting], year: int | None = None) -> QuerySet[Any]:
    """Meetings of `meetings` whose last day is past, latest first (`_dated`'s rows); with `year`, only those with a
    day in that year. The stored span (`Meeting.first_day`/`last_day`) overlapping the year narrows the meetings
    first, so the check of their days (`MeetingDay`'s date index) runs for that year's few instead of every meeting
    of the area (issue 11). A queryset to page."""
    if year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
        days = MeetingDay.objects.filter(date__gte=start, date__lte=end)
        meetings = meetings.filter(first_day__lte=end, last_day__gte=start, pk__in=days.values("meeting_id"))
    today = timezone.localdate()
    return _dated(meetings).filter(last_day__lt=today).order_by("-first_day", "-pk")


def meeting_years(meetings: QuerySet[Meeting]) -> list[int]:
    """The archive's years (latest first): those in which a meeting of `meetings` that has ended had a day, from
    its stored first and last days (`Meeting.first_day`/`last_day`; a meeting's days never leave a whole year
    between them). A year of coming meetings only is not listed: its archive would be empty. One query."""
    dated = meetings.filter(first_day__isnull=False, last_day__lt=timezone.localdate()).order_by()
    spans = dated.annotate(first=YearOf("first_day"), last=YearOf("last_day")).values_list("first", "last")
    return sorted({year for span in spans.distinct() for year in span}, reverse=True)


def chosen_year(value: str | None, years: Sequence[int]) -> int:
    """The year `?ar=` asks for, if it is one of `years`; else the latest of `years` not after this year (the
    archive's default), else this year. Never an error for a bad value."""
    this_year = timezone.localdate().year
    if value and is_digits(value) and int(value) in years:
        return int(value)
    return next((y for y in years if y <= this_year), this_year)


def feed_links(request, path):
    https = request.build_absolute_uri(path)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def atom_links(area: Area, body: Body | None = None) -> list[tuple[str, str]]:
    """(title, address) of the Atom feeds to link from an area's meeting list or a public body's page. No query."""
    if body is not None:
        args = [area.slug, body.slug]
        names = ("meetings_public:body_minutes_feed", "meetings_public:body_decisions_feed")
    else:
        args = [area.slug]
        names = ("meetings_public:minutes_feed", "meetings_public:decisions_feed")
    name = body.name if body else area.name
    return [
        (_("Protokoll – %(name)s") % {"name": name}, reverse(names[0], args=args)),
        (_("Beslut – %(name)s") % {"name": name}, reverse(names[1], args=args)),
    ]


def export_links(area: Area) -> list[tuple[str, str, str]]:
    """(label, CSV address, XLSX address) of the meeting list's exports (meetings/exports.py). No query."""
    names = [("meetings", _("Möten")), ("attendance", _("Närvaro")), ("decisions", _("Beslut"))]
    return [
        (
            label,
            reverse(f"meetings_public:{n}_csv", args=[area.slug]),
            reverse(f"meetings_public:{n}_xlsx", args=[area.slug]),
        )
        for n, label in names
    ]


def list_prefixes(area: Area) -> dict[str, str]:
    """Address prefixes for a meeting list's rows, so a row builds its links without a `reverse` each:
    `meeting_prefix` + pk + "/" is a meeting's page, `body_prefix` + slug + "/" a body's."""
    return {
        "meeting_prefix": reverse("meetings_public:area", args=[area.slug]),
        "body_prefix": reverse("portal:area", args=[area.slug]) + "organ/",
    }


def with_rows(meetings, *, show_body: bool, meeting_prefix: str, body_prefix: str) -> list[ShownMeeting]:
    """The table rows of `meetings` (`_dated`'s rows, a list or a page's) in `meetings/public/_meetings.html`, as
    `ShownMeeting`s in their order, built here rather than by the template's per-row lookups and filters (a
    county's calendar lists a few hundred meetings). One query for their days (none for no meetings)."""
    meetings = list(meetings)
    days: dict[int, list[str]] = {m.pk: [] for m in meetings}
    if days:
        # In `MeetingDay.Meta.ordering` (date, start).
        for meeting_id, day, start, end in MeetingDay.objects.filter(meeting_id__in=list(days)).values_list(
            "meeting_id", "date", "start", "end"
        ):
            days[meeting_id].append(
                f'<time datetime="{day.isoformat()}">{day.isoformat()}</time> {start:%H:%M}'
                + (f"–{end:%H:%M}" if end else "")
            )
    untitled, cancelled, internal = _("Möte"), _("Inställt"), _("Internt")
    statuses = {value: escape(label) for value, label in Meeting.Status.choices}
    shown = []
    for m in meetings:
        name = escape(m.body__name)
        body = f'<td><a href="{body_prefix}{escape(m.body__slug)}/">{name}</a></td>' if show_body else ""
        hidden = f" {name}" if show_body else ""
        badge = "" if m.visibility == Visibility.PUBLIC else f' <span class="badge">{internal}</span>'
        if m.status == Meeting.Status.CANCELLED:
            status = f'<span class="badge warn">{cancelled}</span>'
        else:
            status = statuses.get(m.status) or escape(m.status)
        row = (
            f"<tr><td>{', '.join(days[m.pk])}</td>\n    {body}\n"
            f'    <td><a href="{meeting_prefix}{m.pk}/">{escape(m.title or untitled)}<span class="visually-hidden">'
            f"{hidden} {m.first_day.isoformat() if m.first_day else ''}</span></a>{badge}</td>\n"
            f"    <td>{escape(m.place or '–')}</td><td>{status}</td></tr>"
        )
        shown.append(ShownMeeting(m.pk, mark_safe(row)))  # every value above is escaped or our own markup
    return shown


@require_safe
def area_calendar(request, area):
    """The area's meetings: the coming ones, `COMING_PAGE` a page (`?kommande=`), and the archive of past ones by
    year (`?ar=`, default the latest year), `PAST_PAGE` a page (`?sida=`), optionally of one body
    (`?organ=<slug>`). Every public meeting is reachable: no list is cut at a fixed number. The same number of
    queries whatever the history's size."""
    area = get_object_or_404(Area, slug=area)
    bodies = list(visible_bodies(request.user).filter(area=area).order_by("name").only("pk", "name", "slug"))
    meetings = listed_meetings(request.user).filter(body__area=area)
    body = next((b for b in bodies if b.slug == request.GET.get("organ")), None)
    if body is not None:
        meetings = meetings.filter(body=body)
    years = meeting_years(meetings)
    year = chosen_year(request.GET.get("ar"), years)
    keep = f"&organ={body.slug}" if body else ""
    prefixes = list_prefixes(area)
    page = page_of(request, past_meetings(meetings, year), PAST_PAGE)
    page.object_list = with_rows(page.object_list, show_body=True, **prefixes)
    # Coming meetings are paged too: an area plans months ahead for every body (about 300 meetings in a county).
    coming = page_of(request, upcoming(meetings), COMING_PAGE, param="kommande")
    coming.object_list = with_rows(coming.object_list, show_body=True, **prefixes)
    return render(
        request,
        "meetings/public/area.html",
        {
            "area": area,
            "bodies": bodies,
            "body": body,
            "coming": coming,
            "years": years,
            "year": year,
            "year_keep": keep,
            "page": page,
            "feed": feed_links(request, f"/omrade/{area.slug}/moten.ics"),
            "year_feed": reverse("meetings_public:area_ical_year", args=[area.slug, year]),
            "atom": atom_links(area),
            "exports": export_links(area),
            "export_query": urlencode({"ar": year, **({"organ": body.slug} if body else {})}),
            "crumbs": [(area.get_absolute_url(), area.name), (None, _("Möten"))],
            **prefixes,
        },
    )


def body_calendar(user, body) -> MeetingCalendar:
    """Coming meetings, the latest `BODY_PAST_SHOWN` past ones and the years of the body's archive
    (`MeetingCalendar`) for the body's public page. Four queries."""
    meetings = listed_meetings(user).filter(body=body)
    prefixes = list_prefixes(body.area)
    return MeetingCalendar(
        with_rows(coming_meetings(meetings), show_body=False, **prefixes),
        with_rows(list(past_meetings(meetings)[:BODY_PAST_SHOWN]), show_body=False, **prefixes),
        meeting_years(meetings),
    )


def _meeting_crumbs(meeting, *more):
    body = meeting.body
    return [
        (body.area.get_absolute_url(), body.area.name),
        (body.get_absolute_url(), body.name),
        *more,
    ]


@require_safe
def meeting(request, area, pk):
    """A meeting: its agenda until the minutes are published (once it is sent or published; a draft agenda only
    for those who read the body's internal records), then the minutes (attendance, minutes and decision per item,
    the adjustment record, earlier versions). An imported meeting is not here until its minutes are published."""
    meeting = get_object_or_404(
        listed_meetings(request.user).select_related("body__area"), pk=pk, body__area__slug=area
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


@require_safe
def version(request, area, pk, number):
    """A version of published minutes, as it was stored; hidden items show only their number."""
    meeting = get_object_or_404(
        published_meetings(request.user).select_related("body__area"), pk=pk, body__area__slug=area
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


def feed_version(meetings: QuerySet[Meeting], bodies: QuerySet[Body]) -> tuple[str, datetime | None]:
    """(ETag, Last-Modified) of a feed built from `meetings` (all of them, public or not, so that making one
    internal or deleting one changes the tag too) of `bodies`: their counts and latest change times (meetings,
    their days, the bodies' history), and today's date (the 12-month window moves). Two small queries."""
    found = meetings.aggregate(
        n=Count("pk", distinct=True), at=Max("modified"), day_n=Count("days"), day_at=Max("days__modified")
    )
    bodies_at = Body.history.filter(id__in=bodies.values("pk")).aggregate(at=Max("history_date"))["at"]
    times = [t for t in (found["at"], found["day_at"], bodies_at) if t is not None]
    parts = [timezone.localdate(), found["n"], found["day_n"], *times]
    tag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f'"{tag}"', max(times) if times else None


def _ical_response(request, meetings, name, filename, version):
    etag, modified = version
    if not_modified := conditional_answer(request, etag, modified):
        return not_modified
    # The built feed is kept under its ETag (which changes with every meeting, day or body change and each day),
    # its name, the site's address and the language: built once per version, not once per subscriber's poll.
    made_from = (etag, name, request.build_absolute_uri("/"), request.path, get_language())
    key = "ical:" + hashlib.sha256(repr(made_from).encode()).hexdigest()
    feed = cache.get(key)
    if feed is None:
        meetings = meetings.select_related("body__area").prefetch_related("days").order_by("pk")
        feed = calendar_of(meetings, name, request.build_absolute_uri)
        cache.set(key, feed, ICAL_CACHE_SECONDS)
    response = HttpResponse(feed, content_type="text/calendar")
    response["Content-Type"] = "text/calendar; charset=utf-8"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return with_validators(response, etag, modified)


def _window(meetings: QuerySet[Meeting], year: int | None) -> QuerySet[Meeting]:
    if year is None:
        since = timezone.localdate() - timedelta(days=FEED_MONTHS_DAYS)
        return meetings.filter(pk__in=MeetingDay.objects.filter(date__gte=since).values("meeting"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    days = MeetingDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    return meetings.filter(pk__in=days.values("meeting"))


@require_safe
def area_ical(request, area, year=None):
    """The area's public meetings as iCal: the last 12 months and all coming ones, or with `year` that year's
    (`moten-2024.ics`). ETag and Last-Modified from the data; a matching conditional GET answers 304 without
    building the feed."""
    area = get_object_or_404(Area, slug=area)
    version = feed_version(Meeting.objects.filter(body__area=area), Body.objects.filter(area=area))
    meetings = _window(public_meetings().filter(body__area=area), year)
    suffix = f"-{year}" if year else ""
    return _ical_response(request, meetings, area.name, f"{area.slug}{suffix}.ics", version)


@require_safe
def body_ical(request, area, body, year=None):
    """A public body's meetings as iCal, windowed and validated like `area_ical`."""
    body = get_object_or_404(Body, area__slug=area, slug=body, visibility=Visibility.PUBLIC)
    version = feed_version(Meeting.objects.filter(body=body), Body.objects.filter(pk=body.pk))
    suffix = f"-{year}" if year else ""
    meetings = _window(public_meetings().filter(body=body), year)
    return _ical_response(request, meetings, body.name, f"{body.slug}{suffix}.ics", version)
