"""The seat tables of a body's and a principal's public pages: each seat's table row built here, from the plain
values of one query, rather than by the template from seven model instances per seat (membership, person, body and
its area, principal and its area, the member a substitute stands in for).

A principal of a county holds a few hundred seats, a busy body some seventy: making the instances and resolving the
template's lookups for them was most of those pages' time (issue 11: a principal's page 26-44 ms p50 at national
scale, a body's 31-59). The rows are the same HTML the template made.
"""

from collections.abc import Iterable
from itertools import groupby
from typing import NamedTuple, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from samverkan.structure.access import visible_memberships
from samverkan.structure.models import Membership, MembershipQuerySet


class Seat(NamedTuple):
    """A current seat as its row shows it; `principal_*` are None for a seat without a principal."""

    body_name: str
    body_slug: str
    body_area_slug: str
    principal_name: str | None
    principal_slug: str | None
    principal_area_slug: str | None
    role: str
    party: str
    first_name: str
    last_name: str
    person_slug: str
    title: str
    substitute_first_name: str | None
    substitute_last_name: str | None


FIELDS = (
    "body__name",
    "body__slug",
    "body__area__slug",
    "principal__name",
    "principal__slug",
    "principal__area__slug",
    "role",
    "party",
    "person__first_name",
    "person__last_name",
    "person__slug",
    "person__title",
    "substitute_for__first_name",
    "substitute_for__last_name",
)


class Group(NamedTuple):
    """The seats of one body (a principal's page) or one principal (a body's page; `name` None: no principal):
    the group's name and page address, and its rows."""

    name: str | None
    url: str
    rows: list[SafeString]


def current_seats(user, **filters) -> list[Seat]:
    """The current seats (`Membership.objects.current`) in bodies `user` may see, narrowed by `filters` (e.g.
    `body=…`, `principal=…`). One query."""
    visible = cast(MembershipQuerySet, visible_memberships(user))
    seats = visible.current(timezone.localdate()).filter(**filters)
    return [Seat(*row) for row in seats.values_list(*FIELDS)]


ROLE_ORDER = {role: n for n, role in enumerate(Membership.Role.values)}


def _role_labels() -> dict[str, str]:
    """Each role's label in the active language: a dict lookup per row, not `get_role_display`'s work."""
    return {value: str(label) for value, label in Membership.Role.choices}


def _person_prefix() -> str:
    """A person's public page is this + slug + "/": one reverse for the page, not one per row."""
    return reverse("portal:person", args=["x"])[:-2]


def _cells(seat: Seat, roles: dict[str, str], person_prefix: str, *, title: bool) -> str:
    """The name, role and party cells of `seat` (the person's title under the name with `title`)."""
    name = escape(f"{seat.first_name} {seat.last_name}")
    muted = f'<br><span class="muted">{escape(seat.title)}</span>' if title and seat.title else ""
    role: str = escape(roles.get(seat.role, seat.role))
    if seat.substitute_first_name is not None:
        standing_in = f"{seat.substitute_first_name} {seat.substitute_last_name}"
        role += " " + escape(gettext("för %(name)s") % {"name": standing_in})
    return (
        f'<td><a href="{person_prefix}{escape(seat.person_slug)}/">{name}</a>{muted}</td>\n'
        f"    <td>{role}</td>\n    <td>{escape(seat.party or '–')}</td></tr>"
    )


def by_principal(seats: Iterable[Seat]) -> list[Group]:
    """A body's seats grouped by principal (by name; those without one last), each group by role, then last
    name: its rows as `portal/body.html` shows them (name with title, role, party)."""
    ordered = sorted(
        seats, key=lambda s: (s.principal_name or "~", ROLE_ORDER.get(s.role, len(ROLE_ORDER)), s.last_name)
    )
    roles, prefix = _role_labels(), _person_prefix()
    groups = []
    for (name, slug, area), group in groupby(
        ordered, key=lambda s: (s.principal_name, s.principal_slug, s.principal_area_slug)
    ):
        url = reverse("portal:principal", args=[area, slug]) if name is not None else ""
        rows = [mark_safe("<tr>" + _cells(s, roles, prefix, title=True)) for s in group]  # escaped in _cells
        groups.append(Group(name, url, rows))
    return groups


def by_body(seats: Iterable[Seat]) -> list[SafeString]:
    """A principal's seats grouped by body (by name), each group by role, then last name: the rows of
    `portal/principal.html`'s table, a group's first row headed by its body (a row group header spanning the
    group's rows)."""
    ordered = sorted(seats, key=lambda s: (s.body_name, ROLE_ORDER.get(s.role, len(ROLE_ORDER)), s.last_name))
    roles, prefix = _role_labels(), _person_prefix()
    rows = []
    for (name, slug, area), group in groupby(ordered, key=lambda s: (s.body_name, s.body_slug, s.body_area_slug)):
        members = list(group)
        url = escape(reverse("portal:body", args=[area, slug]))
        head = f'<th scope="rowgroup" rowspan="{len(members)}"><a href="{url}">{escape(name)}</a></th>'
        for n, seat in enumerate(members):
            cells = _cells(seat, roles, prefix, title=False)
            rows.append(mark_safe(f"<tr>{head if n == 0 else ''}\n      " + cells))  # escaped in _cells
    return rows
