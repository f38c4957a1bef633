"""Staff pages of the agreements register under /hantera/overenskommelser/: an area's agreements with those due
for follow-up or review, an agreement's page, and the forms to register, change, send for adoption, add a version
and record a follow-up."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samverkan.agreements import actions
from samverkan.agreements.access import can_add_agreement, can_keep_agreement, get_agreement_for_user, kept_agreements
from samverkan.agreements.forms import AdoptionForm, AgreementForm, FollowUpForm, VersionForm
from samverkan.agreements.models import Agreement, Status
from samverkan.agreements.present import agreement_page
from samverkan.agreements.reminders import due_within
from samverkan.followthrough.views import DEFAULT_ANSWER_DAYS, report_dispatch
from samverkan.lib.forms import create_page, edit_page, form_page
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.structure.access import get_area_for_user

SHOWN = 50


def url(name, *args):
    return reverse(f"agreements:{name}", args=args)


@require_safe
@login_required
def area(request, area):
    """The agreements of the area the user keeps, paged, and first those due for follow-up or review within
    `SAMVERKAN_REMINDER_DAYS` or overdue (the coordinator's list). 403 for a user who keeps none of its bodies."""
    area = get_area_for_user(request.user, area)
    if not can_add_agreement(request.user, area):
        raise PermissionDenied
    today = timezone.localdate()
    kept = kept_agreements(request.user, area).with_state(today).select_related("owner", "area")
    soon = today + timedelta(days=due_within())
    due = (
        kept.filter(Q(next_follow_up__lte=soon) | Q(review_on__lte=soon))
        .exclude(pk__in=Agreement.objects.with_status(Status.REPLACED, today).values("pk"))
        .exclude(pk__in=Agreement.objects.with_status(Status.EXPIRED, today).values("pk"))
        .order_by("next_follow_up", "review_on", "pk")[:SHOWN]
    )
    page = page_of(request, kept.order_by("title", "pk"), SHOWN)
    return render(request, "agreements/area.html", {"area": area, "due": due, "page": page, "today": today})


@require_http_methods(FORM)
@login_required
def create(request, area):
    area = get_area_for_user(request.user, area)
    if not can_add_agreement(request.user, area):
        raise PermissionDenied
    return create_page(
        request,
        AgreementForm,
        area,
        _("Ny överenskommelse"),
        url("area", area.slug),
        _("Överenskommelsen är registrerad."),
        lambda a: url("agreement", a.pk),
        actions.create_agreement,
    )


@require_safe
@login_required
def agreement(request, pk):
    """An agreement as its keepers work on it: facts, status, parties' adoption, versions, follow-ups, history."""
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request,
        "agreements/agreement.html",
        {
            "agreement": agreement,
            "status": agreement.status(),
            "page": agreement_page(agreement, request.user),
            "keeps": can_keep_agreement(request.user, agreement),
            "versions": agreement.versions.all(),
            "follow_ups": agreement.follow_ups.select_related("body"),
            "history": history_rows(agreement),
        },
    )


@require_http_methods(FORM)
@login_required
def edit(request, pk):
    agreement = get_agreement_for_user(request.user, pk, change=True)
    return edit_page(
        request,
        AgreementForm,
        agreement,
        _("Ändra överenskommelsen"),
        lambda a: url("agreement", a.pk),
        actions.update_agreement,
    )


@require_http_methods(FORM)
@login_required
def send_for_adoption(request, pk):
    """ "Skicka för antagande": a recommendation to every party, through follow-through, and (the box checked)
    its dispatch by e-mail; the messages say how many parties get it and name those it cannot reach."""
    agreement = get_agreement_for_user(request.user, pk, change=True)
    today = timezone.localdate()
    form = AdoptionForm(
        request.POST or None,
        agreement=agreement,
        user=request.user,
        initial={"decided_on": today, "deadline": today + timedelta(days=DEFAULT_ANSWER_DAYS)},
    )

    def send(f, reason):
        sent = actions.send_for_adoption(agreement, f.cleaned_data["item"], request.user, **f.recommendation_fields())
        if f.cleaned_data["dispatch"]:
            report_dispatch(request, sent.adoption)
        return sent

    return form_page(
        request,
        form,
        _("Skicka för antagande"),
        url("agreement", agreement.pk),
        _("Överenskommelsen är skickad till parterna för antagande."),
        lambda a: url("agreement", a.pk),
        save=send,
    )


@require_http_methods(FORM)
@login_required
def version_create(request, pk):
    agreement = get_agreement_for_user(request.user, pk, change=True)
    form = VersionForm(request.POST or None, request.FILES or None, agreement=agreement, user=request.user)
    return form_page(
        request,
        form,
        _("Ny version"),
        url("agreement", agreement.pk),
        _("Versionen är sparad."),
        lambda v: url("agreement", agreement.pk),
        save=lambda f, reason: actions.add_version(agreement, request.user, **f.cleaned_data),
    )


@require_http_methods(FORM)
@login_required
def follow_up_create(request, pk):
    agreement = get_agreement_for_user(request.user, pk, change=True)
    form = FollowUpForm(request.POST or None, request.FILES or None, agreement=agreement, user=request.user)
    return form_page(
        request,
        form,
        _("Registrera uppföljning"),
        url("agreement", agreement.pk),
        _("Uppföljningen är registrerad. Nästa uppföljning står på överenskommelsens sida."),
        lambda v: url("agreement", agreement.pk),
        save=lambda f, reason: actions.record_follow_up(agreement, request.user, **f.cleaned_data),
    )
