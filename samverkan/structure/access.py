"""Who may see and change the structure. Every page, feed and export goes through these."""

import operator
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from samverkan.lib.queries import ExistsPerRow
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import Area, Body, Membership, Person, Principal
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer


# Who reads a body's records beyond what is public: the one definition of visibility's rule. The Python check
# (`may_read`) and the queryset rule (`readable_rule`) are both built from this table, so they cannot drift.
# Internal means the body's members (DESIGN.md §4) and the people who keep its records; confidential means the
# people who keep its records and the readers named on the record (OSL 2009:400 secrecy: no member by seat).
ADMIN, COORDINATOR, SECRETARY, MEMBER, NAMED = "admin", "coordinator", "secretary", "member", "named"
READERS: dict[Visibility, tuple[str, ...]] = {
    Visibility.INTERNAL: (ADMIN, COORDINATOR, SECRETARY, MEMBER),
    Visibility.CONFIDENTIAL: (ADMIN, COORDINATOR, SECRETARY, NAMED),
}


def not_named() -> bool:
    """The `named` of a record without named readers."""
    return False


def may_read(user: "Viewer", level: "str | Visibility", body: Body, *, named: Callable[[], bool] = not_named) -> bool:
    """Whether `user` may read a record marked `level` (a Visibility or its stored value) kept by `body`.

    `named()` answers whether the user is a named reader of the record; it is called only when nothing else
    grants a confidential record, so its query (if any) is paid only then. No query after the user's scope.
    """
    level = Visibility.stricter(level)
    if level == Visibility.PUBLIC:
        return True
    scope = scope_of(user)
    holds = {
        ADMIN: lambda: scope.is_admin,
        COORDINATOR: lambda: body.area_id in scope.coordinator_areas,
        SECRETARY: lambda: body.pk in scope.secretary_bodies,
        MEMBER: lambda: body.pk in scope.member_bodies,
        NAMED: named,
    }
    return any(holds[who]() for who in READERS[level])


def readable_rule(user: "Viewer", *, field: str = "visibility", body: str = "body__", named: Q | None = None) -> Q:
    """Q for the records `user` may read, in the same terms as `may_read`.

    `field` is the path to the record's visibility, `body` the path prefix of the body that keeps it ("" for a
    Body itself, "body__" for a meeting, "meeting__body__" for an item), `named` a Q for the records the user is
    a named reader of (None where records have no named readers). Builds no query of its own.
    """
    rule = Q(**{field: Visibility.PUBLIC})
    for level in READERS:
        grant = level_rule(user, level, body=body, named=named)
        if grant is not None:
            rule |= Q(**{field: level}) & grant
    return rule


def level_rule(user: "Viewer", level: Visibility, *, body: str = "body__", named: Q | None = None) -> Q | None:
    """Q for the records of the bodies (reached through the path prefix `body`) whose `level` records `user`
    reads, whatever a record's own visibility; None when the user reads no such record anywhere. Used where
    something other than a field makes a record closed (a draft agenda counts as internal). No query of its own."""
    scope = scope_of(user)
    holds = {
        ADMIN: Q(pk__isnull=False) if scope.is_admin else None,
        COORDINATOR: Q(**{f"{body}area_id__in": scope.coordinator_areas}) if scope.coordinator_areas else None,
        SECRETARY: Q(**{f"{body}pk__in": scope.secretary_bodies}) if scope.secretary_bodies else None,
        MEMBER: Q(**{f"{body}pk__in": scope.member_bodies}) if scope.member_bodies else None,
        NAMED: named,
    }
    grants = [grant for who in READERS[level] if (grant := holds[who]) is not None]
    return reduce(operator.or_, grants) if grants else None


def visible_bodies(user: "Viewer") -> QuerySet[Body]:
    """Public bodies for everyone; internal ones for their members, secretaries and coordinators."""
    if scope_of(user).is_admin:
        return Body.objects.all()
    return Body.objects.filter(readable_rule(user, body=""))


def visible_memberships(user: "Viewer") -> QuerySet[Membership]:
    """Seats in the bodies the user may see (`visible_bodies`)."""
    return Membership.objects.filter(body__in=visible_bodies(user))


def visible_people(user: "Viewer") -> QuerySet[Person]:
    """People who hold a seat in a body the user may see; staff also see people of their areas."""
    rule = visible_people_rule(user)
    return Person.objects.all() if rule is None else Person.objects.filter(rule)


def visible_people_rule(user: "Viewer") -> Q | None:
    """Q on Person rows for `visible_people` (None for an administrator, who sees everyone): checked on each row,
    so a list narrowed to an area's people never builds the list of every person the user may see (a nation's
    101,000 as an IN: 0.19 s). Builds no query of its own."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    # A correlated EXISTS on the membership's person index: a list narrowed to some people (`pk__in=…`) looks up
    # only theirs, where an IN over every seated person made SQLite build that whole list first.
    seated = ExistsPerRow(Membership.objects.filter(person=OuterRef("pk"), body__in=visible_bodies(user)))
    rule = Q(seated)
    if scope.coordinator_areas:
        rule |= Q(employer__area_id__in=scope.coordinator_areas)
    return rule


def choosable_people(user: "Viewer", area: Area) -> QuerySet[Person]:
    """The people of `area` (employed by its principals or seated in its bodies) that `user` may pick in a staff
    form: those `visible_people` shows them, and those with no seat anywhere (a newcomer a secretary has just
    added, an official); never someone whose only seats are in bodies the user may not see. No query until read."""
    # The area's people found through the two indexes (employer, seats), not an OR across a join of every person
    # and seat of the nation; the rules then checked on each of them, not as lists of the nation's seated and
    # visible people (an IN of each). On the nation 0.4 s for every staff form that offers people.
    employed = Person.objects.filter(employer__area=area).order_by().values("pk")
    seated_here = Membership.objects.filter(body__area=area).order_by().values("person_id")
    seatless = ~ExistsPerRow(Membership.objects.filter(person=OuterRef("pk")))
    visible = visible_people_rule(user)
    people = Person.objects.filter(pk__in=employed.union(seated_here))
    return people if visible is None else people.filter(visible | Q(seatless))


def managed_areas(user: "Viewer") -> QuerySet[Area]:
    """Areas the user keeps: all for an administrator, a coordinator's own areas."""
    scope = scope_of(user)
    if scope.is_admin:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.coordinator_areas)


def can_manage_area(user: "Viewer", area: Area) -> bool:
    """Coordinators and administrators keep an area's principals, bodies and people."""
    scope = scope_of(user)
    return scope.is_admin or area.pk in scope.coordinator_areas


def can_edit_memberships(user: "Viewer", body: Body) -> bool:
    """A body's secretary keeps its list of members, besides the area's coordinators."""
    return can_manage_area(user, body.area) or body.pk in scope_of(user).secretary_bodies


def can_add_people(user: "Viewer", area: Area) -> bool:
    """Coordinators, and secretaries of a body in the area (so they can seat a newcomer)."""
    if can_manage_area(user, area):
        return True
    return Body.objects.filter(area=area, pk__in=scope_of(user).secretary_bodies).exists()


def can_see_staff_pages(user: "Viewer") -> bool:
    """Any staff role (`Scope.is_staff`) opens the staff pages."""
    return scope_of(user).is_staff


def can_see_contact_details(user: "Viewer", person: Person) -> bool:
    """E-mail and phone are for the coordinators of the person's areas, never the public."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if not scope.coordinator_areas:
        return False
    if person.employer and person.employer.area_id in scope.coordinator_areas:
        return True
    return person.memberships.filter(body__area_id__in=scope.coordinator_areas).exists()


def editable_bodies(user: "Viewer") -> QuerySet[Body]:
    """Bodies whose staff page the user may open to edit something."""
    scope = scope_of(user)
    if scope.is_admin:
        return Body.objects.all()
    return Body.objects.filter(Q(area_id__in=scope.coordinator_areas) | Q(pk__in=scope.secretary_bodies))


def principals_of(area: Area) -> QuerySet[Principal]:
    """The area's principals (public)."""
    return Principal.objects.filter(area=area)


def get_area_for_user(user: "Viewer", slug: str, *, manage: bool = False) -> Area:
    """The area with this slug, if it exists (areas are public).

    With `manage=True` the user must also keep the area (coordinator or administrator), else
    PermissionDenied. Raises Http404 for an unknown slug. One query.
    """
    area = get_object_or_404(Area, slug=slug)
    if manage and not can_manage_area(user, area):
        raise PermissionDenied
    return area


def get_body_for_user(
    user: "Viewer",
    pk: object,
    *,
    change: bool = False,
    manage: bool = False,
    queryset: QuerySet[Body] | None = None,
) -> Body:
    """The body `pk` as `user` may reach it, the gate every body page goes through.

    Raises Http404 when the body does not exist *or* the user may not see it (an internal body is as
    absent to an outsider as a missing one), and PermissionDenied when `change=True` and the user may
    see the body but not keep it (secretary of the body, coordinator of its area, administrator), or
    when `manage=True` and the user does not keep its area (its charter is the coordinators' alone).
    `queryset` narrows or prefetches (default `Body.objects.select_related("area")`). One query, plus the
    user's scope once per request.
    """
    queryset = Body.objects.select_related("area") if queryset is None else queryset
    body = get_object_or_404(queryset.filter(pk__in=visible_bodies(user).values("pk")), pk=pk)
    if change and not can_edit_memberships(user, body):
        raise PermissionDenied
    if manage and not can_manage_area(user, body.area):
        raise PermissionDenied
    return body


def get_principal_for_user(user: "Viewer", pk: object, *, change: bool = False) -> Principal:
    """The principal `pk` (principals are public, so only a missing one is 404).

    With `change=True` the user must keep the principal's area (coordinator, administrator), else
    PermissionDenied. One query, with the area.
    """
    principal = get_object_or_404(Principal.objects.select_related("area"), pk=pk)
    if change and not can_manage_area(user, principal.area):
        raise PermissionDenied
    return principal


class AreaPerson(NamedTuple):
    """A person as seen from an area's staff pages (`get_person_for_user`)."""

    area: Area
    person: Person


def get_person_for_user(user: "Viewer", area_slug: str, pk: object, *, change: bool = False) -> AreaPerson:
    """`AreaPerson(area, person)`: the person `pk` as seen from the area `area_slug` on the staff pages.

    Http404 when the area or person does not exist, the person has no tie to the area (organisation or
    a seat in one of its bodies), or the user may not see the person (`visible_people`: someone seated
    only in internal bodies is absent to outsiders). PermissionDenied when `change=True` and the user may
    see the person but does not keep the area. Two queries, plus the user's scope.
    """
    area = get_object_or_404(Area, slug=area_slug)
    tied = Person.objects.filter(Q(employer__area=area) | Q(memberships__body__area=area)).values("pk")
    person = get_object_or_404(
        visible_people(user).select_related("employer").filter(pk__in=tied),
        pk=pk,
    )
    if change and not can_manage_area(user, area):
        raise PermissionDenied
    return AreaPerson(area, person)


def get_membership_for_user(user: "Viewer", pk: object, *, change: bool = False) -> Membership:
    """The membership `pk` with its body, area and person, if the user may see its body (else Http404).

    With `change=True` the user must keep the body's members (secretary, coordinator, administrator),
    else PermissionDenied. One query, plus the user's scope.
    """
    membership: Membership = get_object_or_404(
        Membership.objects.select_related("body__area", "person").filter(body__in=visible_bodies(user).values("pk")),
        pk=pk,
    )
    if change and not can_edit_memberships(user, membership.body):
        raise PermissionDenied
    return membership
