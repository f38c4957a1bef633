"""Who may see and change matters, assignments, recommendations and principal decisions.

The public rule follows meetings/access.py: only what was decided at a public item of a public meeting of a
public body is public. Staff see more by the same rules as the items themselves.
"""

from django.db.models import Q

from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation
from samverkan.meetings.access import can_plan_meetings
from samverkan.meetings.models import AgendaItem
from samverkan.structure.access import can_manage_area
from samverkan.structure.models import Body, Visibility
from samverkan.structure.roles import scope_of


def public_item_rule(prefix="item__"):
    """Q for a public item of a public meeting of a public body, reached through `prefix`."""
    return Q(
        **{
            f"{prefix}visibility": AgendaItem.Visibility.PUBLIC,
            f"{prefix}meeting__visibility": Visibility.PUBLIC,
            f"{prefix}meeting__body__visibility": Visibility.PUBLIC,
        }
    )


def readable_item_rule(user, prefix="item__"):
    """Q for items the user may read, in the same terms as meetings.access.can_read_item."""
    scope = scope_of(user)
    rule = public_item_rule(prefix)
    if scope.is_anyone:
        body = f"{prefix}meeting__body"
        rule |= Q(**{f"{body}__area_id__in": scope.coordinator_areas})
        rule |= Q(**{f"{body}_id__in": scope.secretary_bodies})
        # Members read the internal items of their bodies (and those of internal meetings), not confidential ones.
        rule |= Q(**{f"{body}_id__in": scope.member_bodies}) & ~Q(
            **{f"{prefix}visibility": AgendaItem.Visibility.CONFIDENTIAL}
        )
    return rule


def public_recommendations():
    return Recommendation.objects.filter(public_item_rule())


def visible_recommendations(user):
    """Public recommendations; staff and members as they may read the item; a contact those addressed to them."""
    scope = scope_of(user)
    if scope.is_admin:
        return Recommendation.objects.all()
    rule = readable_item_rule(user)
    if scope.contact_principals:
        addressed = PrincipalDecision.objects.filter(principal_id__in=scope.contact_principals)
        rule |= Q(pk__in=addressed.values("recommendation_id"))
    return Recommendation.objects.filter(rule)


def public_assignments():
    return Assignment.objects.filter(public_item_rule())


def visible_assignments(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Assignment.objects.all()
    rule = readable_item_rule(user)
    if scope.contact_principals:
        rule |= Q(assignee_principal_id__in=scope.contact_principals)
    if scope.is_anyone:
        rule |= Q(assignee_person__user=user)
    return Assignment.objects.filter(rule)


def public_matters():
    return Matter.objects.filter(visibility=Visibility.PUBLIC)


def visible_matters(user):
    """Public matters for everyone; internal ones for the area's coordinators and secretaries."""
    scope = scope_of(user)
    if scope.is_admin:
        return Matter.objects.all()
    rule = Q(visibility=Visibility.PUBLIC)
    if scope.is_anyone:
        rule |= Q(area_id__in=scope.coordinator_areas)
        rule |= Q(area_id__in=Body.objects.filter(pk__in=scope.secretary_bodies).values("area_id"))
    return Matter.objects.filter(rule)


def can_follow_up(user, body) -> bool:
    """Who gives assignments and sends recommendations from a body's decisions: its secretary and the
    area's coordinators (the same people who keep its agendas)."""
    return can_plan_meetings(user, body)


def can_keep_matters(user, area) -> bool:
    """Coordinators, and secretaries of a body in the area, keep the area's matters."""
    if can_manage_area(user, area):
        return True
    return Body.objects.filter(area=area, pk__in=scope_of(user).secretary_bodies).exists()


def can_record_for(user, principal) -> bool:
    """A principal's decisions are recorded by its contact person, a coordinator of the area or an administrator."""
    scope = scope_of(user)
    return scope.is_admin or principal.pk in scope.contact_principals or principal.area_id in scope.coordinator_areas


def can_record_decision(user, decision) -> bool:
    return can_record_for(user, decision.principal)


def recordable_decisions(user):
    """Principal decisions the user may record (for the contact's and coordinator's lists)."""
    scope = scope_of(user)
    if scope.is_admin:
        return PrincipalDecision.objects.all()
    return PrincipalDecision.objects.filter(
        Q(principal_id__in=scope.contact_principals) | Q(principal__area_id__in=scope.coordinator_areas)
    )
