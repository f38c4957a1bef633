"""The public follow-up page of an area (computed measures with their trend, and the goals) and a goal's page
with its chart. Works without JavaScript; internal goals answer 404 to those who may not read them."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.followup.access import can_keep_goals, get_goal_for_user, sees_all_figures, visible_goals
from samverkan.followup.measures import all_measures
from samverkan.followup.present import goal_year, with_latest, year_window
from samverkan.lib.paging import page_of
from samverkan.structure.models import Area

GOALS_PAGE = 25  # goals a page of the follow-up page lists


def _crumbs(area, *rest):
    return [(area.get_absolute_url(), area.name), *rest]


@require_safe
def area_followup(request, area):
    """The area's measures for the year `?ar=` with the four years before (the trend), from public records for
    the public and from all records for those who keep the area; and the goals the reader may see with their
    latest measurement that year, `GOALS_PAGE` a page. A constant number of queries (area, seven for the measures,
    count and page of goals)."""
    area = get_object_or_404(Area, slug=area)
    window = year_window(request)
    all_figures = sees_all_figures(request.user, area)
    goals = with_latest(
        visible_goals(request.user).filter(area=area).select_related("owner_body", "owner_agreement"), window.year
    )
    return render(
        request,
        "followup/public/area.html",
        {
            "area": area,
            "window": window,
            "results": all_measures(area, window.years, public=not all_figures),
            "all_figures": all_figures,
            "page": page_of(request, goals.order_by("code", "pk"), GOALS_PAGE),
            "keeps": can_keep_goals(request.user, area),
            "crumbs": _crumbs(area, (None, _("Uppföljning"))),
        },
    )


@require_safe
def goal(request, area, pk):
    """One goal: its target, owner, the goals it traces to and from (those the reader may see), and its
    measurements of one year as a chart with the same numbers as a table. 404 for a goal the reader may not see."""
    goal = get_goal_for_user(request.user, pk)
    if goal.area.slug != area:
        raise Http404
    seen = visible_goals(request.user)
    return render(
        request,
        "followup/public/goal.html",
        {
            "goal": goal,
            "area": goal.area,
            "shown": goal_year(request, goal),
            "traces_to": seen.filter(Q(traced_from=goal)).order_by("code", "pk"),
            "traced_from": seen.filter(Q(traces_to=goal)).order_by("code", "pk"),
            "keeps": can_keep_goals(request.user, goal.area),
            "crumbs": _crumbs(
                goal.area,
                (reverse("followup_public:area", args=[goal.area.slug]), _("Uppföljning")),
                (None, goal.code),
            ),
        },
    )
