"""What the follow-up pages show: the year asked for, the window of years for the trend, goals with their latest
measurement, and a goal's measurements of one year with its chart."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils import timezone

from samverkan.followup.chart import Chart, chart_of
from samverkan.followup.models import Goal, Measurement
from samverkan.lib.text import is_digits

TREND_YEARS = 5  # the years a measure's trend shows: the year asked for and the four before it
FIRST_YEAR = 2000


@dataclass(frozen=True)
class YearWindow:
    """The year a page shows (from `?ar=`, else `default`), the trend's years ending with it, and the years to
    link to before and after (None at the ends)."""

    year: int
    years: list[int]
    previous: int | None
    next: int | None


def year_window(request: HttpRequest, default: int | None = None, last: int | None = None) -> YearWindow:
    """The year asked for by `?ar=`; anything that is not a year from FIRST_YEAR to `last` (this year) gives
    `default` (this year), never an error."""
    last = last or timezone.localdate().year
    year = default or last
    asked = request.GET.get("ar", "")
    if is_digits(asked) and FIRST_YEAR <= int(asked) <= last:
        year = int(asked)
    years = [y for y in range(year - TREND_YEARS + 1, year + 1) if y >= FIRST_YEAR]
    return YearWindow(year, years, year - 1 if year > FIRST_YEAR else None, year + 1 if year < last else None)


def with_latest(goals: QuerySet[Goal], year: int) -> QuerySet[Goal]:
    """Annotate each goal's latest measurement of `year`: `latest_value`, `latest_on`. Subqueries, no query."""
    latest = Measurement.objects.filter(goal_id=OuterRef("pk"), measured_on__year=year).order_by("-measured_on", "-pk")
    return goals.annotate(
        latest_value=Subquery(latest.values("value")[:1], output_field=DecimalField(max_digits=12, decimal_places=2)),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    )


def measured_years(goal: Goal) -> list[int]:
    """The years in which `goal` has measurements, newest first. One query."""
    return list(
        goal.measurements.annotate(year=ExtractYear("measured_on"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


@dataclass
class GoalYear:
    """A goal's measurements of one year (oldest first), its chart, and the years to choose from."""

    year: int
    years: list[int]
    measurements: list[Measurement]
    chart: Chart
    latest: Any

    @property
    def rows(self) -> list[tuple[Measurement, Any]]:
        """(measurement, its plotted point) pairs: the table and the chart from the same list, in the same order."""
        return list(zip(self.measurements, self.chart.points, strict=True))


def goal_year(request: HttpRequest, goal: Goal) -> GoalYear:
    """The year `?ar=` asks for among the goal's measured years (else the newest, else this year), its
    measurements and chart. Two queries. A year's measurements are bounded by its days."""
    years = measured_years(goal)
    today: date = timezone.localdate()
    year = years[0] if years else today.year
    asked = request.GET.get("ar", "")
    if is_digits(asked) and int(asked) in years:
        year = int(asked)
    rows = list(goal.measurements.filter(measured_on__year=year).order_by("measured_on", "pk"))
    return GoalYear(year, years, rows, chart_of(goal, rows), rows[-1] if rows else None)
