"""The signed-in user's start page: what they may keep, and what needs attention."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from samverkan.accounts.access import scope_of
from samverkan.structure.access import editable_bodies, managed_areas
from samverkan.structure.health import charter_problems
from samverkan.structure.models import Principal


@login_required
def dashboard(request):
    scope = scope_of(request.user)
    areas = list(managed_areas(request.user))
    bodies = editable_bodies(request.user).select_related("area").order_by("area__name", "name")
    problems = charter_problems(areas, timezone.localdate()) if areas else []
    member_of = (
        request.user.person.memberships.current().select_related("body__area")
        if hasattr(request.user, "person")
        else []
    )
    contact_for = Principal.objects.filter(pk__in=scope.contact_principals).select_related("area")
    return render(
        request,
        "accounts/dashboard.html",
        {
            "scope": scope,
            "areas": areas,
            "bodies": bodies,
            "problems": problems,
            "member_of": member_of,
            "contact_for": contact_for,
        },
    )
