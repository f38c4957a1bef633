"""The public portal: the structure of each area as anyone may read it, without JavaScript."""

from itertools import groupby

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from samverkan.meetings.public import atom_links, body_calendar, feed_links, list_prefixes
from samverkan.opendata.api import not_found as api_not_found
from samverkan.portal.seats import by_body as seats_by_body
from samverkan.portal.seats import by_principal as seats_by_principal
from samverkan.portal.seats import current_seats
from samverkan.portal.structure_map import BOX_H, BOX_W, layout_map
from samverkan.structure.access import (
    can_edit_memberships,
    can_manage_area,
    visible_bodies,
    visible_memberships,
    visible_people,
)
from samverkan.structure.models import Area, Body, Membership, Principal


@require_safe
def home(request):
    areas = Area.objects.annotate(principal_count=Count("principals", distinct=True)).order_by("name")
    return render(request, "portal/home.html", {"areas": areas})


@require_safe
def accessibility(request):
    return render(request, "portal/accessibility.html")


@require_safe
def area(request, area):
    area = get_object_or_404(Area, slug=area)
    bodies = list(
        visible_bodies(request.user).filter(area=area).select_related("area").order_by("tier", "level", "name")
    )
    tiers = []
    for tier, in_tier in groupby(bodies, key=lambda b: b.tier):
        levels = [(level, list(group)) for level, group in groupby(in_tier, key=lambda b: b.level)]
        tiers.append((Body.Tier(tier).label, [(Body.Level(lv).label, group) for lv, group in levels]))
    return render(
        request,
        "portal/area.html",
        {
            "area": area,
            "principals": area.principals.select_related("area"),
            "tiers": tiers,
            "body_count": len(bodies),
            "can_manage": can_manage_area(request.user, area),
            "crumbs": [(None, area.name)],
        },
    )


@require_safe
def body(request, area, body):
    seen = visible_bodies(request.user)
    body = get_object_or_404(
        seen.select_related("area", "reports_to__area", "prepared_by__area", "host_principal__area"),
        area__slug=area,
        slug=body,
    )
    seats = current_seats(request.user, body=body)
    visible_ids = set(seen.filter(area=body.area).values_list("pk", flat=True))
    coming, past, years = body_calendar(request.user, body)
    return render(
        request,
        "portal/body.html",
        {
            "body": body,
            "area": body.area,
            "by_principal": seats_by_principal(seats),
            "member_count": len(seats),
            "reports_to": body.reports_to if body.reports_to_id in visible_ids else None,
            "prepared_by": body.prepared_by if body.prepared_by_id in visible_ids else None,
            "reporting_bodies": seen.filter(reports_to=body).select_related("area").order_by("name"),
            "prepares_for": seen.filter(prepared_by=body).select_related("area").order_by("name"),
            "rules_overdue": body.rules_overdue(),
            "can_edit": can_edit_memberships(request.user, body),
            "coming": coming,
            "past": past,
            "years": years,
            **list_prefixes(body.area),
            "feed": feed_links(request, reverse("meetings_public:body_ical", args=[body.area.slug, body.slug])),
            "atom": atom_links(body.area, body) if body.is_public else [],
            "crumbs": [(body.area.get_absolute_url(), body.area.name), (None, body.name)],
        },
    )


@require_safe
def principal(request, area, principal):
    principal = get_object_or_404(Principal.objects.select_related("area"), area__slug=area, slug=principal)
    rows = seats_by_body(current_seats(request.user, principal=principal))
    return render(
        request,
        "portal/principal.html",
        {
            "principal": principal,
            "area": principal.area,
            "seat_rows": rows,
            "crumbs": [(principal.area.get_absolute_url(), principal.area.name), (None, principal.name)],
        },
    )


@require_safe
def person(request, person):
    person = get_object_or_404(visible_people(request.user).select_related("employer__area"), slug=person)
    seats = (
        visible_memberships(request.user)
        .filter(person=person)
        .select_related("body__area", "principal", "substitute_for")
        .order_by("-end", "body__name")
    )
    today = timezone.localdate()
    roles, urls = dict(Membership.Role.choices), {}
    seats = list(seats)
    for m in seats:  # a long-serving person has a few hundred seats: no get_role_display or reverse per row
        m.role_label = roles.get(m.role, m.role)
        m.body_url = urls.get(m.body_id) or urls.setdefault(m.body_id, m.body.get_absolute_url())
    current = [m for m in seats if m.is_current(today)]
    earlier = [m for m in seats if not m.is_current(today)]
    return render(request, "portal/person.html", {"person": person, "current": current, "earlier": earlier})


@require_safe
def structure_map(request, area):
    area = get_object_or_404(Area, slug=area)
    bodies = list(
        visible_bodies(request.user)
        .filter(area=area)
        .select_related("area", "reports_to__area", "prepared_by__area")
        .order_by("tier", "name")
    )
    return render(
        request,
        "portal/map.html",
        {
            "area": area,
            "map": layout_map(bodies),
            "box_w": BOX_W,
            "box_h": BOX_H,
            "bodies": bodies,
            "crumbs": [(area.get_absolute_url(), area.name), (None, _("Strukturkarta"))],
        },
    )


def _error(request, status, template="portal/error.html", **context):
    return render(request, template, {"status": status, **context}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400)


def csrf_failure(request, reason=""):
    return _error(request, 403, csrf=True)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    """The 404 page; under the open data API's address (/api/…) the API's JSON error instead."""
    if request.path.startswith(reverse("api:system")):
        return api_not_found(request)
    return _error(request, 404)


def server_error(request):
    # No context processors that touch the database: the error may be the database itself.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
