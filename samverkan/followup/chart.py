"""A goal's measurements as an accessible SVG chart drawn on the server: no JavaScript, `role="img"` with a title
and a description, each value written beside its point, the target as a dashed line with its label (so nothing is
said by colour alone), and the same numbers in a table beside it (the template `followup/_chart.html`)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from samverkan.followup.models import Goal, Measurement, format_value

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 40  # margins in SVG units, room for the axis labels


@dataclass(frozen=True)
class Point:
    """One plotted measurement: position in SVG units, its day and value, its label, and whether it meets the
    target."""

    x: float
    y: float
    day: date
    value: Decimal
    label: str
    meets: bool


@dataclass
class Chart:
    """What the template draws. `points` in date order; `target_y` the target line's height; `ticks` the y axis's
    (height, label) pairs; `path` the polyline's points."""

    title: str
    description: str
    points: list[Point] = field(default_factory=list)
    target_y: float = 0.0
    target_label: str = ""
    ticks: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_y: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _scale(goal: Goal, values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The y axis's range: from 0 (or the lowest value below it) to the highest of values and target, with room
    above; 0–100 for a share in per cent when everything fits."""
    low = min([Decimal(0), *values, goal.target_value])
    high = max([*values, goal.target_value, Decimal(1)])
    if goal.unit.strip() == "%" and high <= 100 and low >= 0:
        return Decimal(0), Decimal(100)
    return low, high * Decimal("1.1")


def chart_of(goal: Goal, measurements: list[Measurement]) -> Chart:
    """The chart of `measurements` (any order; drawn by date) against `goal`'s target. No query."""
    rows = sorted(measurements, key=lambda m: (m.measured_on, m.pk or 0))
    unit = goal.unit.strip()
    chart = Chart(
        title=_("%(code)s: mätningar mot målet %(target)s") % {"code": goal.code, "target": goal.target_label()},
        description="",
    )
    values = [m.value for m in rows]
    low, high = _scale(goal, values)
    span = (high - low) or Decimal(1)
    inner_h = HEIGHT - TOP - BOTTOM
    inner_w = WIDTH - LEFT - RIGHT

    def y_of(value: Decimal) -> float:
        return float(TOP + inner_h - (value - low) / span * inner_h)

    first = rows[0].measured_on if rows else None
    days = (rows[-1].measured_on - first).days if rows and first else 0
    for m in rows:
        offset = (m.measured_on - first).days if first else 0
        x = LEFT + inner_w / 2 if days == 0 else LEFT + inner_w * offset / days
        label = f"{format_value(m.value)} {unit}".strip()
        chart.points.append(Point(x, y_of(m.value), m.measured_on, m.value, label, bool(goal.meets(m.value))))
    chart.target_y = y_of(goal.target_value)
    chart.target_label = _("Mål %(target)s") % {"target": goal.target_label()}
    chart.ticks = [(y_of(low + span * k / 4), format_value(low + span * k / 4)) for k in range(5)]
    if rows:
        chart.description = _(
            "%(n)s mätningar från %(first)s till %(last)s. Senaste värdet %(value)s, målet %(target)s."
        ) % {
            "n": len(rows),
            "first": rows[0].measured_on.isoformat(),
            "last": rows[-1].measured_on.isoformat(),
            "value": chart.points[-1].label,
            "target": goal.target_label(),
        }
    else:
        chart.description = _("Inga mätningar ännu.")
    return chart
