"""Staff pages of the structure registry: keep an area's principals, bodies, people and memberships."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samverkan.lib.forms import form_page
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.lib.paging import asked_page
from samverkan.lib.text import search_term
from samverkan.structure import actions, logins
from samverkan.structure.access import (
    can_add_people,
    can_manage_area,
    can_see_contact_details,
    get_area_for_user,
    get_body_for_user,
    get_membership_for_user,
    get_person_for_user,
    get_principal_for_user,
)
from samverkan.structure.forms import BodyForm, EndMembershipForm, MembershipForm, PersonForm, PrincipalForm
from samverkan.structure.models import Body, Person


def url(name, *args):
    return reverse(f"structure:{name}", args=args)


def area_url(area):
    return url("area", area.slug)


@login_required
@require_safe
def area(request, area):
    area = get_area_for_user(request.user, area, manage=True)
    query = search_term(request.GET.get("q"))
    people = Person.objects.filter(
        pk__in=Person.objects.filter(Q(employer__area=area) | Q(memberships__body__area=area)).values("pk")
    ).select_related("employer", "user")
    if query:
        people = people.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
    page = Paginator(people.order_by("last_name", "first_name", "pk"), 50).get_page(asked_page(request.GET.get("sida")))
    return render(
        request,
        "structure/area.html",
        {
            "area": area,
            "principals": area.principals.all(),
            "bodies": area.bodies.select_related("reports_to").order_by("name"),
            "people": page,
            "query": query,
            "login_states": logins.login_states(page),
            "invitable": logins.invitable_ids(request.user, page),
        },
    )


@login_required
@require_http_methods(FORM)
def body_create(request, area):
    area = get_area_for_user(request.user, area, manage=True)
    form = BodyForm(request.POST or None, area=area, user=request.user)
    return form_page(
        request,
        form,
        _("Nytt samverkansorgan i %(area)s") % {"area": area},
        area_url(area),
        _("Organet är sparat."),
        lambda b: url("body", b.pk),
        save=lambda f, reason: actions.create_body(area, f, request.user),
    )


@login_required
@require_safe
def body(request, pk):
    related = Body.objects.select_related("area", "reports_to", "prepared_by", "host_principal")
    body = get_body_for_user(request.user, pk, change=True, queryset=related)
    memberships = list(
        body.memberships.select_related("person__user", "principal", "substitute_for").order_by(
            "-end", "role", "person__last_name"
        )
    )
    people = [m.person for m in memberships]
    return render(
        request,
        "structure/body.html",
        {
            "body": body,
            "memberships": memberships,
            "can_manage": can_manage_area(request.user, body.area),
            "history": history_rows(body),
            "end_form": EndMembershipForm(),
            "login_states": logins.login_states(people),
            "invitable": logins.invitable_ids(request.user, people),
        },
    )


@login_required
@require_http_methods(FORM)
def body_edit(request, pk):
    body = get_body_for_user(request.user, pk, manage=True)
    form = BodyForm(request.POST or None, instance=body, area=body.area, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra %(name)s") % {"name": body.name},
        url("body", body.pk),
        _("Ändringarna är sparade."),
        lambda b: url("body", b.pk),
        save=lambda f, reason: actions.update_body(body, f, request.user, reason),
    )


@login_required
@require_http_methods(FORM)
def principal_create(request, area):
    area = get_area_for_user(request.user, area, manage=True)
    form = PrincipalForm(request.POST or None, area=area, user=request.user)
    return form_page(
        request,
        form,
        _("Ny huvudman i %(area)s") % {"area": area},
        area_url(area),
        _("Huvudmannen är sparad."),
        lambda p: url("principal", p.pk),
        save=lambda f, reason: actions.create_principal(area, f, request.user),
    )


@login_required
@require_safe
def principal(request, pk):
    principal = get_principal_for_user(request.user, pk, change=True)
    return render(request, "structure/principal.html", {"principal": principal, "history": history_rows(principal)})


@login_required
@require_http_methods(FORM)
def principal_edit(request, pk):
    principal = get_principal_for_user(request.user, pk, change=True)
    form = PrincipalForm(request.POST or None, instance=principal, area=principal.area, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra %(name)s") % {"name": principal.name},
        url("principal", principal.pk),
        _("Ändringarna är sparade."),
        lambda p: url("principal", p.pk),
        save=lambda f, reason: actions.update_principal(principal, f, request.user, reason),
    )


@login_required
@require_http_methods(FORM)
def person_create(request, area):
    area = get_area_for_user(request.user, area)
    if not can_add_people(request.user, area):
        raise PermissionDenied
    form = PersonForm(request.POST or None, area=area, user=request.user)
    manager = can_manage_area(request.user, area)
    return form_page(
        request,
        form,
        _("Ny person i %(area)s") % {"area": area},
        area_url(area) if manager else reverse("dashboard"),
        _("Personen är sparad."),
        lambda p: url("person", area.slug, p.pk) if manager else reverse("dashboard"),
        save=lambda f, reason: actions.create_person(area, f, request.user),
    )


@login_required
@require_safe
def person(request, area, pk):
    area, person = get_person_for_user(request.user, area, pk, change=True)
    memberships = person.memberships.select_related("body", "principal").order_by("-end", "body__name")
    return render(
        request,
        "structure/person.html",
        {
            "area": area,
            "person": person,
            "memberships": memberships,
            "show_contact": can_see_contact_details(request.user, person),
            "history": history_rows(person),
            "login_states": logins.login_states([person]),
            "invitable": logins.invitable_ids(request.user, [person]),
            "may_switch": logins.may_switch(request.user, person),
        },
    )


@login_required
@require_http_methods(FORM)
def person_edit(request, area, pk):
    area, person = get_person_for_user(request.user, area, pk, change=True)
    form = PersonForm(request.POST or None, instance=person, area=area, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra %(name)s") % {"name": person.name},
        url("person", area.slug, person.pk),
        _("Ändringarna är sparade."),
        lambda p: url("person", area.slug, p.pk),
        save=lambda f, reason: actions.update_person(person, f, request.user, reason),
    )


@login_required
@require_http_methods(FORM)
def membership_create(request, pk):
    body = get_body_for_user(request.user, pk, change=True)
    form = MembershipForm(request.POST or None, body=body, user=request.user)
    return form_page(
        request,
        form,
        _("Nytt uppdrag i %(body)s") % {"body": body.name},
        url("body", body.pk),
        _("Uppdraget är sparat."),
        lambda m: url("body", body.pk),
        save=lambda f, reason: actions.create_membership(body, f, request.user),
    )


@login_required
@require_http_methods(FORM)
def membership_edit(request, pk):
    membership = get_membership_for_user(request.user, pk, change=True)
    body = membership.body
    form = MembershipForm(request.POST or None, instance=membership, body=body, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra uppdrag: %(name)s") % {"name": membership.person.name},
        url("body", body.pk),
        _("Uppdraget är sparat."),
        lambda m: url("body", body.pk),
        save=lambda f, reason: actions.update_membership(membership, f, request.user, reason),
        history=history_rows(membership),
    )


@login_required
@require_http_methods(FORM)
def membership_end(request, pk):
    membership = get_membership_for_user(request.user, pk, change=True)
    body = membership.body
    if request.method != "POST":
        return redirect(url("body", body.pk))
    form = EndMembershipForm(request.POST)
    if form.is_valid():
        try:
            actions.end_membership(membership, form.cleaned_data["end"], request.user)
            messages.success(request, _("Uppdraget för %(name)s är avslutat.") % {"name": membership.person.name})
            return redirect(url("body", body.pk))
        except ValidationError as error:
            problems = " ".join(m for msgs in error.message_dict.values() for m in msgs)
    else:
        problems = " ".join(m for msgs in form.errors.values() for m in msgs)
    membership.refresh_from_db()
    messages.error(
        request, _("Uppdraget kunde inte avslutas: %(problems)s Inget har ändrats.") % {"problems": problems}
    )
    return redirect(url("body", body.pk))
