"""CSV/XLSX exports of an area's meeting list: the meetings, the attendance of their published minutes and the
decisions recorded in them, with the list page's filters (`?organ=`, `?ar=`). Built on `lib.exports`.

Who sees what: the meetings the list shows to the asker (`listed_meetings`); attendance and decisions only from
published minutes the asker may read (`published_meetings`), as the meeting page shows them: from the stored
version (`MinutesVersion`, "locked minutes are what was stored"), each item only if the asker may read it
(`item_reader`), so an internal or confidential item is left out of the file altogether.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django import forms
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from samverkan.lib.exports import Table, export_name, export_response, in_chunks, refused
from samverkan.lib.forms import CleanForm
from samverkan.lib.years import FIRST_YEAR, LAST_YEAR
from samverkan.meetings.access import item_reader, listed_meetings, published_meetings
from samverkan.meetings.models import AgendaItem, Attendance, Meeting, MeetingDay, MinutesVersion
from samverkan.meetings.numbering import paragraph_label
from samverkan.meetings.snapshot import shown_content
from samverkan.structure.access import visible_bodies
from samverkan.structure.models import Area, Body


class MeetingListFilter(CleanForm):
    """The meeting list's filters as an export reads them: `organ` a body's slug among those the asker sees in
    the area, `ar` a year. Unlike the page, which shows its default for an odd value, an export refuses it."""

    organ = forms.ChoiceField(label=gettext_lazy("Organ"), required=False)
    ar = forms.IntegerField(label=gettext_lazy("År"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, data: Any, *, bodies: Sequence[Body]) -> None:
        super().__init__(data)
        self.bodies = list(bodies)
        organ: Any = self.fields["organ"]  # a ChoiceField
        organ.choices = [("", _("Alla organ"))] + [(b.slug, b.name) for b in self.bodies]

    def narrow(self, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
        """`meetings` of the chosen body and with a day in the chosen year (call after `is_valid`). No query."""
        body = next((b for b in self.bodies if b.slug == self.cleaned_data.get("organ")), None)
        if body is not None:
            meetings = meetings.filter(body=body)
        year = self.cleaned_data.get("ar")
        if year is not None:
            days = MeetingDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
            meetings = meetings.filter(pk__in=days.values("meeting"))
        return meetings

    def name_parts(self) -> list[object]:
        return [self.cleaned_data.get("organ"), self.cleaned_data.get("ar")]


def _ordered_ids(meetings: QuerySet[Meeting]) -> list[int]:
    """The meetings' ids, earliest first day first. One query."""
    return list(meetings.order_by("first_day", "pk").values_list("pk", flat=True))


def _fetch_meetings(ids: Sequence[int]) -> list[Meeting]:
    """One chunk of meetings with body and area, first and last day, in `ids`' order. One query."""
    found = Meeting.objects.filter(pk__in=ids).select_related("body__area")
    by_pk = {m.pk: m for m in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def meeting_rows(ids: Sequence[int], link: Callable[[Meeting], str]) -> Iterator[list[object]]:
    """One row per meeting (`MEETING_HEADINGS`), one query per chunk of `ids`."""
    kinds, states = dict(Meeting.Kind.choices), dict(Meeting.Status.choices)
    for m in in_chunks(ids, _fetch_meetings):
        yield [
            m.first_day,
            m.last_day,
            m.body.name,
            m.title,
            m.place,
            str(states.get(m.status, m.status)),
            str(kinds.get(m.kind, m.kind)),
            m.published_at,
            link(m),
        ]


def _with_minutes(ids: Sequence[int]) -> list[tuple[Meeting, dict]]:
    """(meeting, the minutes as its page shows them) for a chunk of published meetings: the latest stored
    version of each in one query (two with the meetings); minutes published without a stored version (old
    data) are read live, as `snapshot.shown_content` does."""
    meetings = _fetch_meetings(ids)
    latest = MinutesVersion.objects.filter(meeting=OuterRef("meeting")).order_by("-number").values("number")[:1]
    versions = MinutesVersion.objects.filter(meeting_id__in=ids, number=Subquery(latest)).only("meeting", "content")
    content = {v.meeting_id: v.content for v in versions}
    return [(m, content[m.pk] if m.pk in content else shown_content(m)) for m in meetings]


def _readers(user: Any) -> Callable[[Body], Callable[[str, int | None], bool]]:
    """`item_reader(user, body)`, made once per body."""
    made: dict[int, Callable[[str, int | None], bool]] = {}

    def reader(body: Body) -> Callable[[str, int | None], bool]:
        if body.pk not in made:
            made[body.pk] = item_reader(user, body)
        return made[body.pk]

    return reader


def attendance_rows(ids: Sequence[int], link: Callable[[Meeting], str]) -> Iterator[list[object]]:
    """One row per person in the attendance of each published meeting (`ATTENDANCE_HEADINGS`), as stored in
    the minutes; two queries per chunk of `ids`."""
    groups, states = dict(Attendance.Group.choices), dict(Attendance.Status.choices)
    for meeting, content in in_chunks(ids, _with_minutes):
        for row in content["attendance"]:
            yield [
                meeting.first_day,
                meeting.body.name,
                row["name"],
                str(groups.get(row["group"], row["group"])),
                str(states.get(row["status"], row["status"])),
                row["principal"],
                row["party"],
                row["role"],
                row["substitute_for"],
                row["note"],
                link(meeting),
            ]


def decision_rows(user: Any, ids: Sequence[int], link: Callable[[Meeting], str]) -> Iterator[list[object]]:
    """One row per item with an outcome or a decision in each published meeting's minutes
    (`DECISION_HEADINGS`), only items `user` may read (`item_reader`); a case number only when its matter is
    public or the user reads internal records. Two queries per chunk of `ids`, none per item."""
    outcomes = dict(AgendaItem.Outcome.choices)
    reader = _readers(user)
    for meeting, content in in_chunks(ids, _with_minutes):
        may_read = reader(meeting.body)
        continuous = content["meeting"]["body"]["numbering"] == "continuous"
        for item in content["items"]:
            if not (item.get("outcome") or item.get("decision")) or not may_read(item["visibility"], item.get("id")):
                continue
            case = item.get("case_number", "") if may_read(item.get("case_visibility") or "public", None) else ""
            anchor = f"#punkt-{item['id']}" if item.get("id") else ""
            yield [
                meeting.first_day,
                meeting.body.name,
                paragraph_label(item["number"], continuous),
                item["title"],
                str(outcomes.get(item["outcome"], item["outcome"])) if item["outcome"] else "",
                item["decision"],
                case,
                link(meeting) + anchor,
            ]


def meeting_headings() -> list[str]:
    return [
        _("Datum"),
        _("Sista dag"),
        _("Organ"),
        _("Rubrik"),
        _("Plats"),
        _("Status"),
        _("Dokumentation"),
        _("Protokollet publicerat"),
        _("Adress"),
    ]


def attendance_headings() -> list[str]:
    return [
        _("Mötesdatum"),
        _("Organ"),
        _("Namn"),
        _("Grupp"),
        _("Närvaro"),
        _("Huvudman"),
        _("Parti"),
        _("Roll"),
        _("Ersättare för"),
        _("Anteckning"),
        _("Adress"),
    ]


def decision_headings() -> list[str]:
    return [
        _("Mötesdatum"),
        _("Organ"),
        _("Paragraf"),
        _("Rubrik"),
        _("Utfall"),
        _("Beslut"),
        _("Ärendenummer"),
        _("Adress"),
    ]


KINDS = ("moten", "narvaro", "beslut")  # the exports of the meeting list, by their file names' first word


def _export(request: HttpRequest, area_slug: str, kind: str, fmt: str) -> HttpResponseBase:
    """The area's meeting list as the export `kind` in `fmt`, or 400 naming the filter that did not fit.
    Queries: area, bodies, the meetings' ids, then one or two per chunk of meetings (`lib.exports.CHUNK`)."""
    area = get_object_or_404(Area, slug=area_slug)
    bodies = list(visible_bodies(request.user).filter(area=area).order_by("name").only("pk", "name", "slug"))
    filters = MeetingListFilter(request.GET, bodies=bodies)
    if not filters.is_valid():
        return refused(request, filters)
    prefix = request.build_absolute_uri(reverse("meetings_public:area", args=[area.slug]))

    def link(meeting: Meeting) -> str:
        return f"{prefix}{meeting.pk}/"

    rows: Iterable[Sequence[object]]
    if kind == "moten":
        ids = _ordered_ids(filters.narrow(listed_meetings(request.user).filter(body__area=area)))
        title, headings, rows = _("Möten"), meeting_headings(), meeting_rows(ids, link)
    else:
        ids = _ordered_ids(filters.narrow(published_meetings(request.user).filter(body__area=area)))
        if kind == "narvaro":
            title, headings, rows = _("Närvaro"), attendance_headings(), attendance_rows(ids, link)
        else:
            title, headings, rows = _("Beslut"), decision_headings(), decision_rows(request.user, ids, link)
    name = export_name(kind, area.slug, *filters.name_parts())
    return export_response(Table(name, title, headings, rows), fmt)


@require_safe
def meetings_export(request: HttpRequest, area: str, fmt: str) -> HttpResponseBase:
    """The meetings of the area's list (`/omrade/<area>/moten.csv|.xlsx`), earliest first: every year, or with
    `?ar=` one year, with `?organ=` one body."""
    return _export(request, area, "moten", fmt)


@require_safe
def attendance_export(request: HttpRequest, area: str, fmt: str) -> HttpResponseBase:
    """The attendance of the list's published minutes (`/omrade/<area>/narvaro.csv|.xlsx`), one row a person."""
    return _export(request, area, "narvaro", fmt)


@require_safe
def decisions_export(request: HttpRequest, area: str, fmt: str) -> HttpResponseBase:
    """The decisions of the list's published minutes (`/omrade/<area>/beslut.csv|.xlsx`), one row an item."""
    return _export(request, area, "beslut", fmt)
