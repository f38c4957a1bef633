"""Charter health: bodies whose charter, mandate or reporting route is missing, or whose rules are overdue."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q

from samverkan.structure.models import Body


@dataclass
class CharterProblem:
    body: Body
    gaps: list
    rules_missing: bool
    rules_overdue: bool


class CharterProblems(NamedTuple):
    """The first `rows` (CharterProblem, by area and name) of the bodies with something to fix, and `total`: how
    many there are in all."""

    rows: list[CharterProblem]
    total: int


# Blank as `str.strip()` sees it: only whitespace (Python's `re` on SQLite, PostgreSQL's ARE for `\s`).
BLANK = r"^\s*$"


def charter_problems(areas, today, limit: int = 50) -> CharterProblems:
    """The active bodies of `areas` whose charter, mandate or reporting route is blank, or whose rules have no
    review date or are overdue at `today` (a date): the first `limit` and the count. Found by the database, so
    the page reads `limit` bodies whatever the number kept (an administrator keeps every body of the nation). Two
    queries."""
    fields = [name for name, _label in Body.CHARTER_FIELDS]
    needs = Q(rules_next_review__isnull=True) | Q(rules_next_review__lt=today)
    for name in fields:
        needs |= Q(**{f"{name}__regex": BLANK})
    active = Q(dissolved__isnull=True) | Q(dissolved__gt=today)
    found = Body.objects.filter(active, needs, area__in=areas)
    rows = [
        CharterProblem(body, body.charter_gaps(), body.rules_next_review is None, body.rules_overdue(today))
        for body in found.select_related("area").order_by("area__name", "name", "pk")[:limit]
    ]
    return CharterProblems(rows, found.count())
