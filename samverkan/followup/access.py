"""Who may see and keep goals. A goal is as closed as the stricter of its own visibility and its owner's (an owner
body's, or an agreement's and that agreement's owner body's); internal goals are read by those who keep the area
(administrators, its coordinators) and the owner body's secretaries and members. Coordinators keep the goals."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from samverkan.followup.models import Goal, Measurement
from samverkan.lib.visibility import Visibility
from samverkan.structure.access import can_manage_area
from samverkan.structure.models import Area
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer

PUBLIC = Visibility.PUBLIC


def public_goal_rule() -> Q:
    """Q for goals anyone may read: public, and any owner body or agreement (and its owner) public too."""
    return (
        Q(visibility=PUBLIC)
        & (Q(owner_body__isnull=True) | Q(owner_body__visibility=PUBLIC))
        & (
            Q(owner_agreement__isnull=True)
            | Q(owner_agreement__visibility=PUBLIC, owner_agreement__owner__visibility=PUBLIC)
        )
    )


def public_goals() -> QuerySet[Goal]:
    """Goals anyone may read (`public_goal_rule`)."""
    return Goal.objects.filter(public_goal_rule())


def visible_goals(user: "Viewer") -> QuerySet[Goal]:
    """Public goals; every goal of the areas the user keeps; the goals owned by a body the user is secretary or
    member of, or by an agreement such a body keeps. No query beyond the user's scope."""
    scope = scope_of(user)
    if scope.is_admin:
        return Goal.objects.all()
    bodies = scope.secretary_bodies | scope.member_bodies
    rule = (
        public_goal_rule()
        | Q(area_id__in=scope.coordinator_areas)
        | Q(owner_body_id__in=bodies)
        | Q(owner_agreement__owner_id__in=bodies)
    )
    return Goal.objects.filter(rule)


def can_keep_goals(user: "Viewer", area: Area) -> bool:
    """Coordinators of the area and administrators create and change goals and enter measurements."""
    return can_manage_area(user, area)


def sees_all_figures(user: "Viewer", area: Area) -> bool:
    """Whether the computed measures are shown to `user` from every record of `area` (those who keep the area),
    rather than from the public records only."""
    return can_manage_area(user, area)


def get_goal_for_user(user: "Viewer", pk: object, *, change: bool = False) -> Goal:
    """The goal `pk` with its area and owners. Http404 when it does not exist or the user may not read it;
    PermissionDenied when `change=True` and the user may read it but not keep it. One query, plus the scope."""
    goal = get_object_or_404(
        visible_goals(user).select_related(
            "area", "owner_body", "owner_agreement", "measure_principal", "measure_body"
        ),
        pk=pk,
    )
    if change and not can_keep_goals(user, goal.area):
        raise PermissionDenied
    return goal


def get_measurement_for_user(user: "Viewer", goal_pk: object, pk: object, *, change: bool = False) -> Measurement:
    """A measurement of a goal the user may read (else Http404); PermissionDenied for `change=True` when the user
    may not keep the goal. One query, plus the scope."""
    found = get_object_or_404(
        Measurement.objects.filter(goal__in=visible_goals(user)).select_related("goal", "goal__area"),
        goal_id=goal_pk,
        pk=pk,
    )
    if change and not can_keep_goals(user, found.goal.area):
        raise PermissionDenied
    return found
