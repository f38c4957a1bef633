"""The signed-in user's workspace: the start page (what needs attention) and the roles of an area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.meetings.access import meetings_to_sign
from samverkan.meetings.models import Meeting
from samverkan.meetings.notices import late_notices_for
from samverkan.structure.access import can_manage_area, editable_bodies, managed_areas
from samverkan.structure.health import charter_problems
from samverkan.structure.models import Area, Principal, Role
from samverkan.structure.roles import grant_role, revoke_role, scope_of
from samverkan.workspace.forms import RoleForm

OVERDUE_SHOWN = 50
BODIES_PAGE = 50  # bodies the start page lists at a time (`?organ=N`): an administrator keeps every body of the nation


@login_required
@require_safe
def dashboard(request):
    """The start page after login: the areas and bodies the user keeps, charter problems, seats, principals they
    are contact for, minutes to sign, minutes overdue for adjustment and adjusted minutes whose notice is late
    (not published within two days, KL 8:12) (the first 50 of each). The bodies are paged, `BODIES_PAGE` at a time
    (`?organ=N`), so the page's size and queries stay the same for one area or the whole nation."""
    scope = scope_of(request.user)
    areas = list(managed_areas(request.user))
    bodies = page_of(
        request,
        editable_bodies(request.user).select_related("area").order_by("area__name", "name", "pk"),
        BODIES_PAGE,
        "organ",
    )
    problems = charter_problems(areas, timezone.localdate(), OVERDUE_SHOWN) if areas else None
    member_of = (
        request.user.person.memberships.current().select_related("body__area")
        if hasattr(request.user, "person")
        else []
    )
    contact_for = Principal.objects.filter(pk__in=scope.contact_principals).select_related("area")
    to_sign = meetings_to_sign(request.user).select_related("body__area").order_by("first_day", "pk")
    overdue = (
        Meeting.objects.adjustment_overdue()
        .filter(body__in=editable_bodies(request.user))
        .select_related("body__area")
        .order_by("first_day", "pk")[:OVERDUE_SHOWN]
    )
    late_notices = late_notices_for(editable_bodies(request.user))[:OVERDUE_SHOWN]
    return render(
        request,
        "workspace/dashboard.html",
        {
            "scope": scope,
            "areas": areas,
            "bodies": bodies,
            "problems": problems,
            "member_of": member_of,
            "contact_for": contact_for,
            "to_sign": to_sign,
            "overdue": overdue,
            "late_notices": late_notices,
        },
    )


def _roles_in(area):
    return (
        Role.objects.filter(Q(area=area) | Q(body__area=area) | Q(principal__area=area))
        .select_related("user", "area", "body", "principal")
        .order_by("kind", "user__last_name", "user__username")
    )


def _may_change(user, role):
    """Coordinators keep secretaries and contacts of their area; only administrators keep coordinators."""
    if role.kind == Role.Kind.COORDINATOR:
        return scope_of(user).is_admin
    return True


@login_required
@require_http_methods(FORM)
def roles(request, area):
    """An area's roles, and the form that grants one (POST). 404 for an unknown area, 403 for anyone who does
    not manage it; a wrong form answers 400 and grants nothing."""
    area = get_object_or_404(Area, slug=area)
    if not can_manage_area(request.user, area):
        raise PermissionDenied
    is_admin = scope_of(request.user).is_admin
    form = RoleForm(request.POST or None, area=area, may_grant_coordinator=is_admin, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        role = grant_role(user, form.cleaned_data["kind"], form.scope(), request.user)
        messages.success(request, _("%(user)s har fått rollen %(role)s.") % {"user": user, "role": role})
        return redirect("roles", area.slug)
    rows = [(role, _may_change(request.user, role)) for role in _roles_in(area)]
    status = 400 if request.method == "POST" else 200
    return render(request, "workspace/roles.html", {"area": area, "rows": rows, "form": form}, status=status)


@login_required
@require_http_methods(FORM)
def role_revoke(request, pk):
    """Revoke a role (POST) and go back to the area's roles. 404 for an unknown role, 403 for anyone who may
    not change it (only administrators revoke coordinators)."""
    role = get_object_or_404(Role.objects.select_related("area", "body__area", "principal__area", "user"), pk=pk)
    area = role.area or (role.body.area if role.body else role.principal.area)
    if not can_manage_area(request.user, area):
        raise Http404  # roles are listed to the area's keepers only: to anyone else the role does not exist
    if not _may_change(request.user, role):
        raise PermissionDenied
    if request.method == "POST":
        revoke_role(role, request.user)
        messages.success(request, _("Rollen är borttagen: %(role)s.") % {"role": role})
    return redirect("roles", area.slug)
