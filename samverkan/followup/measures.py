"""Process measures computed from the work itself, per year and per principal or body, for one area.

Each measure is one SQL aggregate (two for the median), grouped by year and by principal or body, so a page that
shows every measure for a window of years makes a constant number of queries whatever the data's size. Figures
are shares in per cent (one decimal), a median in days, or a count. The "public" scope counts only what the
public pages show (public bodies, meetings, items and agreements; published minutes), so a public page never
reveals a figure built from internal records; the full scope is for those who keep the area.

Each measure counts a record in the year of its own date, as of `today` (nothing dated after it):

- attendance: rows of the attendance lists of held meetings (the voting members and substitutes, not "others
  present") with a principal, by the meeting's first day; share present.
- assignments_on_time: assignments due (due date, else the report-back meeting's first day) on or before today,
  not cancelled, by the body that gave them; share reported back at an item of a meeting whose first day is on or
  before the due day.
- decision_days: recommendations every addressed principal has answered (none pending, at least one decision
  date), by their own decision date and body; the median of the days from the recommendation to the last
  principal's decision.
- charters: bodies active at the end of the year (or today), share with charter, mandate and reporting route
  written and rules of procedure whose next review is not passed at that day. Charter texts have no dated history,
  so earlier years use today's texts with that year's dates.
- adjusted_in_time: minutes (not notes) of held meetings not imported, whose 14 days (KL 8:12's custom) have run
  out or that are adjusted, by first day; share adjusted (signed, or on paper) within 14 days.
- agreements_overdue: agreements whose next follow-up date has passed and that have neither expired nor been
  replaced, by owner body; only for the current year (what was overdue on an earlier day is not stored).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear, Length, RowNumber, Trim, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.access import public_agreements
from samverkan.agreements.models import Agreement, Status
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation, first_day_of
from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import public_meetings
from samverkan.meetings.models import Attendance, Meeting
from samverkan.structure.models import Area, Body

ADJUSTMENT_DAYS = 14
By = Literal["principal", "body", ""]


@dataclass(frozen=True)
class Figure:
    """One figure: `hits` of `counted` (a share in per cent), or a median of `counted` values, or a count."""

    counted: int
    hits: int = 0
    value: Decimal | None = None


@dataclass
class Result:
    """A measure's figures for the years asked: `total[year]` for the area, `groups` one row per principal or
    body (name, {year: Figure}) sorted by name."""

    measure: "Measure"
    years: list[int]
    total: dict[int, Figure] = field(default_factory=dict)
    groups: list[tuple[str, int, dict[int, Figure]]] = field(default_factory=list)

    @property
    def total_cells(self) -> list[tuple[int, Figure | None]]:
        """(year, figure or None) for each year, for the area: a table row."""
        return [(year, self.total.get(year)) for year in self.years]

    @property
    def group_cells(self) -> list[tuple[str, int, list[tuple[int, Figure | None]]]]:
        """(name, id, cells) for each principal or body: the table's other rows."""
        return [(name, pk, [(year, figures.get(year)) for year in self.years]) for name, pk, figures in self.groups]

    def value(self, year: int, group: int | None = None) -> Decimal | None:
        """The figure's value for `year`, for the area or for one principal/body (its id)."""
        if group is None:
            return self.total.get(year, Figure(0)).value
        for _name, pk, figures in self.groups:
            if pk == group:
                return figures.get(year, Figure(0)).value
        return None


@dataclass(frozen=True)
class Measure:
    """A computed measure: its key (stored on goals), label, unit, what it is broken down by, and the function
    `compute(area, years, public, today) -> Result`."""

    key: str
    label: Any
    unit: Any  # a str or a lazy translation
    by: By
    compute: Callable[["Measure", Area, list[int], bool, date], Result]
    # A template reads a measure's label, unit and key; without this it would call the measure (which needs its
    # arguments) and print nothing.
    do_not_call_in_templates = True

    def __call__(self, area: Area, years: list[int], *, public: bool, today: date | None = None) -> Result:
        return self.compute(self, area, sorted(set(years)), public, today or timezone.localdate())


def share(hits: int, counted: int) -> Decimal | None:
    """`hits` of `counted` in per cent with one decimal (half up); None when nothing was counted."""
    if not counted:
        return None
    return (Decimal(hits) * 100 / Decimal(counted)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _shares(measure: Measure, years: list[int], rows: QuerySet[Any], group: str, name: str) -> Result:
    """A Result from aggregate rows of (year, group id, group name, counted, hits); area totals are the sums."""
    result = Result(measure, years)
    groups: dict[int, tuple[str, dict[int, Figure]]] = {}
    sums: dict[int, list[int]] = {year: [0, 0] for year in years}
    for row in rows:
        year, pk = row["year"], row[group]
        groups.setdefault(pk, (row[name], {}))[1][year] = Figure(
            row["counted"], row["hits"], share(row["hits"], row["counted"])
        )
        sums[year][0] += row["counted"]
        sums[year][1] += row["hits"]
    result.total = {year: Figure(c, h, share(h, c)) for year, (c, h) in sums.items()}
    result.groups = sorted(((n, pk, f) for pk, (n, f) in groups.items()), key=lambda g: (g[0], g[1]))
    return result


def _attendance(measure: Measure, area: Area, years: list[int], public: bool, today: date) -> Result:
    meetings = public_meetings() if public else Meeting.objects.all()
    if public:
        meetings = meetings.filter(status=Meeting.Status.PUBLISHED)  # attendance is public with the minutes
    rows = (
        Attendance.objects.filter(
            meeting__in=meetings.filter(body__area=area, status__in=Meeting.HELD_STATUSES), principal__isnull=False
        )
        .exclude(group=Attendance.Group.OTHER)
        .annotate(day=first_day_of("meeting_id"))
        .annotate(year=ExtractYear("day"))
        .filter(year__in=years, day__lte=today)
        .values("year", "principal_id", "principal__name")
        .annotate(counted=Count("pk"), hits=Count("pk", filter=Q(status=Attendance.Status.PRESENT)))
        .order_by()
    )
    return _shares(measure, years, rows, "principal_id", "principal__name")


def _assignments_on_time(measure: Measure, area: Area, years: list[int], public: bool, today: date) -> Result:
    assignments = Assignment.objects.filter(public=True) if public else Assignment.objects.all()
    rows = (
        assignments.filter(area=area)
        .exclude(status=Assignment.Status.CANCELLED)
        .annotate(year=ExtractYear("due"), reported_on=first_day_of("reported_item__meeting_id"))
        .filter(year__in=years, due__lte=today)
        .values("year", "item__meeting__body_id", "item__meeting__body__name")
        .annotate(
            counted=Count("pk"),
            hits=Count("pk", filter=Q(reported_item__isnull=False, reported_on__lte=F("due"))),
        )
        .order_by()
    )
    return _shares(measure, years, rows, "item__meeting__body_id", "item__meeting__body__name")


def _median(rows: QuerySet[Any], keys: list[str]) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    """{key values: (count, median days)} from rows annotated with `days` (a duration) and partitioned by `keys`:
    the database numbers each partition's rows in order and returns only the one or two middle rows."""
    partition = [F(key) for key in keys]
    middle = (
        rows.annotate(
            place=Window(RowNumber(), partition_by=partition, order_by=[F("days").asc(), F("pk").asc()]),
            size=Window(Count("pk"), partition_by=partition),
        )
        .annotate(twice=F("place") * 2)
        .filter(twice__gte=F("size"), twice__lte=F("size") + 2)
        .values(*keys, "size", "days")
    )
    found: dict[tuple[Any, ...], list[Any]] = {}
    for row in middle:
        entry = found.setdefault(tuple(row[key] for key in keys), [row["size"], []])
        entry[1].append(row["days"].days if isinstance(row["days"], timedelta) else int(row["days"]))
    return {
        key: (size, (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        for key, (size, days) in found.items()
    }


def _decision_days(measure: Measure, area: Area, years: list[int], public: bool, today: date) -> Result:
    recommendations = Recommendation.objects.filter(public=True) if public else Recommendation.objects.all()
    answers = PrincipalDecision.objects.filter(recommendation_id=OuterRef("pk"))
    last = answers.filter(decided_on__isnull=False).order_by("-decided_on").values("decided_on")[:1]
    rows = (
        recommendations.filter(area=area, decided_on__lte=today)
        .annotate(
            last=Subquery(last, output_field=DateField()),
            pending=Exists(answers.filter(outcome=PrincipalDecision.Outcome.PENDING)),
        )
        .filter(pending=False, last__isnull=False, last__lte=today)
        .annotate(
            year=ExtractYear("decided_on"),
            body_id=F("item__meeting__body_id"),
            body_name=F("item__meeting__body__name"),
            days=ExpressionWrapper(F("last") - F("decided_on"), output_field=DurationField()),
        )
        .filter(year__in=years)
    )
    result = Result(measure, years)
    for (year,), (size, days) in _median(rows, ["year"]).items():
        result.total[year] = Figure(size, value=days)
    groups: dict[int, tuple[str, dict[int, Figure]]] = {}
    for (year, pk, name), (size, days) in _median(rows, ["year", "body_id", "body_name"]).items():
        groups.setdefault(pk, (name, {}))[1][year] = Figure(size, value=days)
    result.groups = sorted(((n, pk, f) for pk, (n, f) in groups.items()), key=lambda g: (g[0], g[1]))
    return result


def _as_of(year: int, today: date) -> date:
    return min(date(year, 12, 31), today)


def _charters(measure: Measure, area: Area, years: list[int], public: bool, today: date) -> Result:
    bodies = Body.objects.filter(area=area)
    if public:
        bodies = bodies.filter(visibility=Visibility.PUBLIC)
    bodies = bodies.annotate(
        charter_length=Length(Trim("charter")),
        mandate_length=Length(Trim("mandate")),
        route_length=Length(Trim("reporting_route")),
    )
    written = Q(charter_length__gt=0, mandate_length__gt=0, route_length__gt=0)
    sums: dict[str, Any] = {}
    for year in years:
        if year > today.year:
            continue
        day = _as_of(year, today)
        active = (Q(established__isnull=True) | Q(established__lte=day)) & (
            Q(dissolved__isnull=True) | Q(dissolved__gt=day)
        )
        current = Q(rules_next_review__gte=day) & (Q(rules_adopted__isnull=True) | Q(rules_adopted__lte=day))
        sums[f"c{year}"] = Count("pk", filter=active)
        sums[f"h{year}"] = Count("pk", filter=active & written & current)
    counts = bodies.aggregate(**sums) if sums else {}
    result = Result(measure, years)
    for year in years:
        if f"c{year}" in counts:
            c, h = counts[f"c{year}"], counts[f"h{year}"]
            result.total[year] = Figure(c, h, share(h, c))
    return result


def _adjusted_in_time(measure: Measure, area: Area, years: list[int], public: bool, today: date) -> Result:
    meetings = public_meetings() if public else Meeting.objects.exclude(imported=True)
    rows = (
        meetings.filter(body__area=area, kind=Meeting.Kind.MINUTES, status__in=Meeting.HELD_STATUSES, imported=False)
        .annotate(day=first_day_of("pk"))
        .annotate(
            year=ExtractYear("day"),
            adjusted_on=Coalesce("paper_adjustment__adjusted_on", TruncDate("locked_at")),
        )
        .annotate(took=ExpressionWrapper(F("adjusted_on") - F("day"), output_field=DurationField()))
        .filter(year__in=years)
        .filter(Q(day__lt=today - timedelta(days=ADJUSTMENT_DAYS)) | Q(adjusted_on__lte=today))
        .values("year", "body_id", "body__name")
        .annotate(
            counted=Count("pk"),
            hits=Count("pk", filter=Q(adjusted_on__lte=today, took__lte=timedelta(days=ADJUSTMENT_DAYS))),
        )
        .order_by()
    )
    return _shares(measure, years, rows, "body_id", "body__name")


def _agreements_overdue(measure: Measure, area: Area, years: list[int], public: bool, today: date) -> Result:
    agreements = public_agreements() if public else Agreement.objects.all()
    result = Result(measure, years)
    if today.year not in years:
        return result
    rows = (
        agreements.filter(area=area, next_follow_up__isnull=False)
        .exclude(pk__in=Agreement.objects.with_status(Status.EXPIRED, today).values("pk"))
        .exclude(pk__in=Agreement.objects.with_status(Status.REPLACED, today).values("pk"))
        .values("owner_id", "owner__name")
        .annotate(counted=Count("pk"), hits=Count("pk", filter=Q(next_follow_up__lt=today)))
        .order_by()
    )
    counted = hits = 0
    for row in rows:
        counted += row["counted"]
        hits += row["hits"]
        figure = Figure(row["counted"], row["hits"], Decimal(row["hits"]))
        result.groups.append((row["owner__name"], row["owner_id"], {today.year: figure}))
    result.groups.sort(key=lambda g: (g[0], g[1]))
    result.total[today.year] = Figure(counted, hits, Decimal(hits))
    return result


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure("attendance", _("Närvaro per huvudman"), "%", "principal", _attendance),
        Measure("assignments_on_time", _("Uppdrag återrapporterade i tid"), "%", "body", _assignments_on_time),
        Measure(
            "decision_days",
            _("Dagar från rekommendation till sista huvudmannens beslut (median)"),
            _("dagar"),
            "body",
            _decision_days,
        ),
        Measure("charters", _("Organ med fullständigt uppdrag och aktuell arbetsordning"), "%", "", _charters),
        Measure("adjusted_in_time", _("Protokoll justerade inom 14 dagar"), "%", "body", _adjusted_in_time),
        Measure(
            "agreements_overdue", _("Överenskommelser med försenad uppföljning"), _("st"), "body", _agreements_overdue
        ),
    ]
}


def all_measures(area: Area, years: list[int], *, public: bool, today: date | None = None) -> list[Result]:
    """Every measure for `area` and `years`, in MEASURES' order. Seven queries whatever the data's size."""
    return [measure(area, years, public=public, today=today) for measure in MEASURES.values()]
