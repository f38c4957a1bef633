"""Who may see and keep surveys. A survey is a staff record: only its keepers (administrators, the area's
coordinators, the owner body's secretaries) see it, and everyone else gets 404. Its results reach the public only
when it is marked public, closed, and its owner body is public (`public_surveys`)."""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from samverkan.lib.visibility import Visibility
from samverkan.structure.access import editable_bodies, principals_of, visible_bodies
from samverkan.structure.models import Area, Body, Principal
from samverkan.structure.roles import scope_of
from samverkan.surveys.models import Question, Survey

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer


def kept_surveys(user: "Viewer") -> QuerySet[Survey]:
    """The surveys `user` keeps: all for an administrator; the area's for its coordinators; the owner body's for
    its secretaries. No query until read (beyond the user's scope)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Survey.objects.all()
    return Survey.objects.filter(Q(area_id__in=scope.coordinator_areas) | Q(owner_id__in=scope.secretary_bodies))


def public_surveys() -> QuerySet[Survey]:
    """Surveys whose results anyone may read: marked public, closed, of a public owner body."""
    return Survey.objects.filter(public_results=True, state=Survey.State.CLOSED, owner__visibility=Visibility.PUBLIC)


def owner_bodies(user: "Viewer", area: Area) -> QuerySet[Body]:
    """The bodies of `area` that `user` may make a survey for (and so choose as its owner)."""
    return editable_bodies(user).filter(area=area, pk__in=visible_bodies(user).values("pk")).order_by("name")


def can_add_survey(user: "Viewer", area: Area) -> bool:
    """Whether `user` keeps any body of `area`. One query."""
    return owner_bodies(user, area).exists()


def audience_bodies(user: "Viewer", survey: Survey) -> QuerySet[Body]:
    """The bodies whose members `user` may send `survey` to: the area's bodies the user sees."""
    return visible_bodies(user).filter(area_id=survey.area_id).order_by("name")


def audience_principals(survey: Survey) -> QuerySet[Principal]:
    """The principals whose contact persons a survey may be sent to: the area's (public)."""
    return principals_of(survey.area).order_by("name")


def get_survey_for_user(user: "Viewer", pk: object) -> Survey:
    """The survey `pk` with its area and owner, if `user` keeps it; Http404 otherwise (a survey is no business of
    anyone else, so there is no seen-but-not-changed case). One query."""
    return get_object_or_404(kept_surveys(user).select_related("area", "owner"), pk=pk)


def get_question_for_user(user: "Viewer", survey: Survey, pk: object) -> Question:
    """A question of `survey` (already fetched through `get_survey_for_user`); Http404 for another survey's."""
    return get_object_or_404(Question.objects.filter(survey=survey), pk=pk)


def get_public_survey(area: str, pk: object) -> Survey:
    """A survey with public results in the area with this slug; Http404 otherwise. One query."""
    return get_object_or_404(public_surveys().select_related("area", "owner"), area__slug=area, pk=pk)
