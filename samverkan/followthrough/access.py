"""Who may see and change matters, assignments, recommendations and principal decisions.

The public rule follows meetings/access.py: only what was decided at a public item of a public meeting of a
public body is public. Staff see more by the same rules as the items themselves.
"""

from typing import TYPE_CHECKING, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from samverkan.followthrough.models import Assignment, AssignmentQuerySet, Matter, PrincipalDecision, Recommendation
from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import can_plan_meetings, decisions_readable_rule, readable_items_rule
from samverkan.meetings.models import AgendaItem, unlisted_rule
from samverkan.structure.access import can_manage_area, get_area_for_user, readable_rule
from samverkan.structure.models import Area, Body, Principal
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer


def public_recommendations() -> QuerySet[Recommendation]:
    """Recommendations made at a public item (`public_item_rule`): their stored `public` flag, no join."""
    return Recommendation.objects.filter(public=True)


def recommendation_rule(user: "Viewer", prefix: str = "") -> Q | None:
    """Q for the recommendations `user` may see, reached through `prefix` ("" on Recommendation,
    "recommendation__" on a PrincipalDecision); None for an administrator, who sees them all. The rule of
    `visible_recommendations`; builds no query of its own."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    if user is None or not user.is_authenticated:
        # A visitor's rule, stored on each row (`StoresArea.public`).
        return Q(**{f"{prefix}public": True})
    rule = readable_items_rule(user, f"{prefix}item__") & decisions_readable_rule(user, f"{prefix}item__")
    if scope.contact_principals:
        addressed = PrincipalDecision.objects.filter(principal_id__in=scope.contact_principals).exclude(
            unlisted_rule("recommendation__item__meeting__")
        )
        rule |= Q(**{f"{prefix}pk__in": addressed.values("recommendation_id")})
    return rule


def visible_recommendations(user: "Viewer") -> QuerySet[Recommendation]:
    """Public recommendations; staff and members as they may read the item and its decisions (published minutes,
    or drafts for those who read the body's internal records); a contact those addressed to them."""
    rule = recommendation_rule(user)
    return Recommendation.objects.all() if rule is None else Recommendation.objects.filter(rule)


def visible_decisions_of(user: "Viewer", principal: Principal) -> QuerySet[PrincipalDecision]:
    """The principal's decisions on the recommendations `user` may see (`recommendation_rule`), the rule applied
    to the joined rows rather than as an IN over every visible recommendation, so the database starts from the
    principal's own rows. A queryset; no query until read."""
    # A principal is asked by its own area's bodies: narrowing the recommendations to that area lets the database
    # read them from their (area, public, decided_on, id) index instead of scanning the nation's (issue 11).
    decisions = PrincipalDecision.objects.filter(principal=principal, recommendation__area_id=principal.area_id)
    rule = recommendation_rule(user, "recommendation__")
    return decisions if rule is None else decisions.filter(rule)


Listed = TypeVar("Listed", Recommendation, Assignment)


def in_area(visible: QuerySet[Listed], user: "Viewer", area: Area) -> QuerySet[Listed]:
    """`visible` (`visible_recommendations(user)` or `visible_assignments(user)`) narrowed to those given at items
    of `area`. For those who keep the area (administrators and its coordinators, whom `READERS` gives every level
    of its records, drafts included) the same rows come without the visibility rule, whose ORs across four
    tables the database would otherwise check row by row. No query of its own beyond `scope_of`.

    The area is the rows' stored `area` (`followthrough.models.StoresArea`), not a path through item, meeting and
    body: the database reads only the area's rows, in the lists' order by their (area, …) index, and checks the
    visibility rule on each of them, instead of walking every agenda item of the nation (issue 11)."""
    if can_manage_area(user, area):
        return visible.model._default_manager.filter(area=area)
    return visible.filter(area=area)


def public_assignments() -> AssignmentQuerySet:
    """Assignments given at a public item (`public_item_rule`): their stored `public` flag, no join."""
    return Assignment.objects.filter(public=True)


def visible_assignments(user: "Viewer") -> QuerySet[Assignment]:
    """Public assignments; those of items whose decisions the user may read (`decisions_readable_rule`); a
    contact's principal's; a person's own."""
    scope = scope_of(user)
    if scope.is_admin:
        return Assignment.objects.all()
    if user is None or not user.is_authenticated:
        return public_assignments()  # a visitor's rule, stored on each row (`StoresArea.public`)
    rule = readable_items_rule(user, "item__") & decisions_readable_rule(user, "item__")
    if scope.contact_principals:
        rule |= Q(assignee_principal_id__in=scope.contact_principals)
    if scope.is_anyone:
        rule |= Q(assignee_person__user=user)
    return Assignment.objects.filter(rule)


def public_matters() -> QuerySet[Matter]:
    """Matters marked public."""
    return Matter.objects.filter(visibility=Visibility.PUBLIC)


def visible_matters(user: "Viewer") -> QuerySet[Matter]:
    """Public matters for everyone; an internal matter for those who read its responsible body's internal
    records (`structure.access.READERS`: its members and secretaries, the area's coordinators) and, when it has
    no responsible body, the area's coordinators. Internal means the body's members (DESIGN.md §4), not every
    secretary of the area. Builds no query of its own."""
    scope = scope_of(user)
    if scope.is_admin:
        return Matter.objects.all()
    rule = readable_rule(user, body="body__")
    if scope.coordinator_areas:
        rule |= Q(visibility=Visibility.INTERNAL, area_id__in=scope.coordinator_areas)
    return Matter.objects.filter(rule)


def can_follow_up(user: "Viewer", body: Body) -> bool:
    """Who gives assignments and sends recommendations from a body's decisions: its secretary and the
    area's coordinators (the same people who keep its agendas)."""
    return can_plan_meetings(user, body)


def can_keep_matters(user: "Viewer", area: Area) -> bool:
    """Coordinators, and secretaries of a body in the area, keep the area's matters."""
    if can_manage_area(user, area):
        return True
    return Body.objects.filter(area=area, pk__in=scope_of(user).secretary_bodies).exists()


def can_record_for(user: "Viewer", principal: Principal) -> bool:
    """A principal's decisions are recorded by its contact person, a coordinator of the area or an administrator."""
    scope = scope_of(user)
    return scope.is_admin or principal.pk in scope.contact_principals or principal.area_id in scope.coordinator_areas


def can_record_decision(user: "Viewer", decision: PrincipalDecision) -> bool:
    """The decision's principal's recorders (`can_record_for`) record it."""
    return can_record_for(user, decision.principal)


def recordable_decisions(user: "Viewer") -> QuerySet[PrincipalDecision]:
    """Principal decisions the user may record (for the contact's and coordinator's lists)."""
    scope = scope_of(user)
    if scope.is_admin:
        return PrincipalDecision.objects.all()
    return PrincipalDecision.objects.filter(
        Q(principal_id__in=scope.contact_principals) | Q(principal__area_id__in=scope.coordinator_areas)
    )


def _may_see_or_404(seen: bool) -> NoReturn:
    """PermissionDenied when the user may see the record (`seen`), else Http404 (never say it exists)."""
    if seen:
        raise PermissionDenied
    raise Http404


def get_kept_area_for_user(user: "Viewer", slug: str) -> Area:
    """The area `slug` for the follow-through staff pages: Http404 if unknown (areas are public), PermissionDenied
    unless the user keeps the area's matters (`can_keep_matters`). One or two queries."""
    area = get_area_for_user(user, slug)
    if not can_keep_matters(user, area):
        raise PermissionDenied
    return area


def get_followed_item_for_user(user: "Viewer", pk: object) -> AgendaItem:
    """The agenda item `pk` for its follow-through page, which its body's followers (`can_follow_up`) keep.

    Http404 when the item does not exist or the user may not read it (an internal body's or meeting's item,
    a confidential one); PermissionDenied when the user may read it but not follow it up. One query, two
    when refused.
    """
    items = AgendaItem.objects.select_related("meeting__body__area", "matter__body")
    item: AgendaItem = get_object_or_404(items, pk=pk)
    if can_follow_up(user, item.meeting.body):
        return item
    _may_see_or_404(AgendaItem.objects.filter(readable_items_rule(user), pk=item.pk).exists())


def get_matter_for_user(user: "Viewer", pk: object, *, change: bool = False) -> Matter:
    """The matter `pk` if `visible_matters(user)` holds it, else Http404; with `change=True` PermissionDenied
    unless the user keeps the area's matters. One query."""
    matter = get_object_or_404(visible_matters(user).select_related("area", "body"), pk=pk)
    if change and not can_keep_matters(user, matter.area):
        raise PermissionDenied
    return matter


def get_assignment_for_user(
    user: "Viewer", pk: object, *, change: bool = False, queryset: AssignmentQuerySet | None = None
) -> Assignment:
    """The assignment `pk` (its stored `due` with it; `queryset` to prefetch more).

    Those who follow up the deciding body or the body it reports to may change it; anyone else who may see
    it (`visible_assignments`) gets it for reading, or PermissionDenied with `change=True`; everyone else
    Http404. One query, two when the user does not follow it up.
    """
    queryset = (
        Assignment.objects.select_related("item__meeting__body__area", "report_to") if queryset is None else queryset
    )
    assignment: Assignment = get_object_or_404(queryset, pk=pk)
    if can_follow_up(user, assignment.item.meeting.body) or can_follow_up(user, assignment.report_to):
        return assignment
    seen = visible_assignments(user).filter(pk=assignment.pk).exists()
    if change or not seen:
        _may_see_or_404(seen)
    return assignment


def get_recommendation_for_user(user: "Viewer", pk: object, *, change: bool = False) -> Recommendation:
    """The recommendation `pk` if `visible_recommendations(user)` holds it, else Http404; with `change=True`
    PermissionDenied unless the user follows up the recommending body. One query."""
    recommendation = get_object_or_404(
        visible_recommendations(user).select_related(
            "item__meeting__body__area", "reported_item__meeting__body__area", "matter__body"
        ),
        pk=pk,
    )
    if change and not can_follow_up(user, recommendation.item.meeting.body):
        raise PermissionDenied
    return recommendation


def get_decision_to_follow_up(user: "Viewer", pk: object) -> PrincipalDecision:
    """A principal's decision for the recommending body's follow-through staff (`can_follow_up`: its secretary, the
    area's coordinators), e.g. to send its dispatch again. Http404 for anyone who may not see it, PermissionDenied
    for anyone who sees it but does not follow the body up (a principal's contact). Two or three queries."""
    decision = get_principal_decision_for_user(user, pk)
    if not can_follow_up(user, decision.recommendation.item.meeting.body):
        raise PermissionDenied
    return decision


def get_principal_decision_for_user(user: "Viewer", pk: object, *, change: bool = False) -> PrincipalDecision:
    """A principal's decision on a recommendation.

    The principal's recorders (`can_record_decision`) get it; others who may see the recommendation get it
    for reading, or PermissionDenied with `change=True`; everyone else Http404. One query, two when the user
    may not record it.
    """
    decision = get_object_or_404(
        PrincipalDecision.objects.select_related("principal__area", "recommendation__item__meeting__body__area"),
        pk=pk,
    )
    if can_record_decision(user, decision):
        return decision
    seen = visible_recommendations(user).filter(pk=decision.recommendation_id).exists()
    if change or not seen:
        _may_see_or_404(seen)
    return decision
