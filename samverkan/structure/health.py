"""Charter health: bodies whose charter, mandate or reporting route is missing, or whose rules are overdue."""

from dataclasses import dataclass

from samverkan.structure.models import Body


@dataclass
class CharterProblem:
    body: Body
    gaps: list
    rules_missing: bool
    rules_overdue: bool


def charter_problems(areas, today):
    """One row per active body with something to fix, in one query."""
    bodies = Body.objects.filter(area__in=areas).select_related("area").order_by("area__name", "name")
    rows = []
    for body in bodies:
        if not body.is_active:
            continue
        gaps = body.charter_gaps()
        missing = body.rules_next_review is None
        overdue = body.rules_overdue(today)
        if gaps or missing or overdue:
            rows.append(CharterProblem(body, gaps, missing, overdue))
    return rows
