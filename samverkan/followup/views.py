"""Staff pages for goals under /hantera/mal/: an area's goals, a goal with its measurements, and the forms to
create and change a goal, enter a measurement, and read a computed value now. Coordinators of the area keep
goals; anyone else gets 403 for an area and 404 for a goal they may not read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverkan.followup import actions
from samverkan.followup.access import get_goal_for_user
from samverkan.followup.forms import GoalForm, MeasurementForm
from samverkan.followup.present import goal_year
from samverkan.followup.sources import READERS
from samverkan.lib.forms import create_page, edit_page, form_page, nothing_changed
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.structure.access import get_area_for_user

SHOWN = 50


def url(name, *args):
    return reverse(f"followup:{name}", args=args)


@require_safe
@login_required
def area(request, area):
    """The area's goals, `SHOWN` a page (403 for a user who does not keep the area). Three queries and the scope."""
    area = get_area_for_user(request.user, area, manage=True)
    goals = area.goals.select_related("owner_body", "owner_agreement").order_by("code", "pk")
    return render(request, "followup/area.html", {"area": area, "page": page_of(request, goals, SHOWN)})


@require_http_methods(FORM)
@login_required
def create(request, area):
    area = get_area_for_user(request.user, area, manage=True)
    return create_page(
        request,
        GoalForm,
        area,
        _("Nytt mål"),
        url("area", area.slug),
        _("Målet är sparat."),
        lambda g: url("goal", g.pk),
        actions.create_goal,
    )


@require_safe
@login_required
def goal(request, pk):
    """A goal as its keepers work on it: facts, one year's chart and table, every measurement paged, history."""
    goal = get_goal_for_user(request.user, pk, change=True)
    return render(
        request,
        "followup/goal.html",
        {
            "goal": goal,
            "area": goal.area,
            "shown": goal_year(request, goal),
            "readable": goal.source in READERS,
            "page": page_of(request, goal.measurements.order_by("-measured_on", "-pk"), SHOWN),
            "history": history_rows(goal),
        },
    )


@require_http_methods(FORM)
@login_required
def edit(request, pk):
    goal = get_goal_for_user(request.user, pk, change=True)
    return edit_page(request, GoalForm, goal, _("Ändra målet"), lambda g: url("goal", g.pk), actions.update_goal)


@require_http_methods(FORM)
@login_required
def measurement_create(request, pk):
    goal = get_goal_for_user(request.user, pk, change=True)
    form = MeasurementForm(
        request.POST or None, goal=goal, user=request.user, initial={"measured_on": timezone.localdate()}
    )
    return form_page(
        request,
        form,
        _("Ny mätning för %(code)s") % {"code": goal.code},
        url("goal", goal.pk),
        _("Mätningen är sparad."),
        lambda m: url("goal", goal.pk),
        save=lambda f, reason: actions.add_measurement(goal, request.user, **f.cleaned_data),
    )


@require_POST
@login_required
def record(request, pk):
    """ "Hämta värdet nu": read today's value from the goal's source and store it (replacing today's reading)."""
    goal = get_goal_for_user(request.user, pk, change=True)
    try:
        actions.record_reading(goal, request.user)
    except ValidationError as error:
        messages.error(request, nothing_changed(error.messages))
    else:
        messages.success(request, _("Dagens värde är hämtat och sparat."))
    return redirect(url("goal", goal.pk))
