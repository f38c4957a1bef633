"""Who may see and plan meetings, and which agenda items they may read. Pages and feeds use these."""

from django.db.models import Q

from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.access import can_edit_memberships, visible_bodies
from samverkan.structure.models import Visibility
from samverkan.structure.roles import scope_of


def visible_meetings(user):
    """Public meetings of bodies the user may see; internal meetings for the body's members and staff."""
    scope = scope_of(user)
    meetings = Meeting.objects.filter(body__in=visible_bodies(user))
    if scope.is_admin:
        return meetings
    rule = Q(visibility=Visibility.PUBLIC)
    if scope.is_anyone:
        rule |= Q(body__area_id__in=scope.coordinator_areas)
        rule |= Q(body_id__in=scope.secretary_bodies | scope.member_bodies)
    return meetings.filter(rule)


def public_meetings():
    """What a feed may carry: public meetings of public bodies, whoever asks."""
    return Meeting.objects.filter(visibility=Visibility.PUBLIC, body__visibility=Visibility.PUBLIC)


def can_plan_meetings(user, body) -> bool:
    """The body's secretary, the area's coordinators and administrators plan meetings and agendas."""
    return can_edit_memberships(user, body)


def can_read_internal(user, body) -> bool:
    scope = scope_of(user)
    return (
        scope.is_admin
        or body.area_id in scope.coordinator_areas
        or body.pk in scope.secretary_bodies
        or body.pk in scope.member_bodies
    )


def can_read_confidential(user, body) -> bool:
    # There are no named readers yet, so only the people who keep the body's records (the stricter choice).
    scope = scope_of(user)
    return scope.is_admin or body.area_id in scope.coordinator_areas or body.pk in scope.secretary_bodies


def can_read_visibility(user, visibility, body) -> bool:
    """Whether the user may read an item (or a stored version's item) marked with `visibility`."""
    if visibility == AgendaItem.Visibility.PUBLIC:
        return True
    if visibility == AgendaItem.Visibility.INTERNAL:
        return can_read_internal(user, body)
    return can_read_confidential(user, body)


def can_read_item(user, item, body) -> bool:
    return can_read_visibility(user, item.visibility, body)


def published_meetings(user):
    """Meetings whose minutes the user may read in the portal: visible to them and published."""
    return visible_meetings(user).filter(status=Meeting.Status.PUBLISHED)


def meetings_to_sign(user):
    """Minutes waiting for the user's own signature: they are the chair or an adjuster and have not signed."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        kind=Meeting.Kind.MINUTES,
        status=Meeting.Status.DRAFTED,
        signatories__person__user=user,
        signatories__signed_at__isnull=True,
    ).distinct()
