"""The public agreements register of an area, an agreement's page and its documents. Works without JavaScript."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.agreements.access import (
    get_agreement_for_user,
    get_follow_up_for_user,
    get_version_for_user,
    visible_agreements,
)
from samverkan.agreements.forms import AgreementFilter
from samverkan.agreements.present import agreement_page
from samverkan.lib.paging import page_of
from samverkan.structure.models import Area, Principal

REGISTER_PAGE = 25  # agreements a page of the register shows


def _crumbs(area, *rest):
    return [(area.get_absolute_url(), area.name), *rest]


@require_safe
def register(request, area):
    """The area's agreements the reader may see, filtered by kind, party, status and field of work, `REGISTER_PAGE`
    a page. A constant number of queries (area, filter choices 2, count, page, parties)."""
    area = get_object_or_404(Area, slug=area)
    agreements = visible_agreements(request.user).filter(area=area)
    fields_of_work = (
        agreements.exclude(field_of_work="").order_by("field_of_work").values_list("field_of_work", flat=True)
    )
    filters = AgreementFilter(
        request.GET, principals=Principal.objects.filter(area=area), fields_of_work=fields_of_work.distinct()
    )
    shown = filters.apply(agreements.with_state()).select_related("owner", "area").prefetch_related("parties")
    page = page_of(request, shown.order_by("title", "pk"), REGISTER_PAGE)
    return render(
        request,
        "agreements/public/register.html",
        {"area": area, "filters": filters, "page": page, "crumbs": _crumbs(area, (None, _("Överenskommelser")))},
    )


def _public_agreement(request, area, pk):
    agreement = get_agreement_for_user(request.user, pk)
    if agreement.area.slug != area:
        raise Http404
    return agreement


@require_safe
def agreement(request, area, pk):
    """One agreement: its facts, status, each party's adoption, the chain it belongs to, versions, follow-ups."""
    agreement = _public_agreement(request, area, pk)
    return render(
        request,
        "agreements/public/agreement.html",
        {
            "agreement": agreement,
            "area": agreement.area,
            "status": agreement.status(),
            "page": agreement_page(agreement, request.user),
            "versions": agreement.versions.all(),
            "follow_ups": agreement.follow_ups.select_related("body"),
            "crumbs": _crumbs(
                agreement.area,
                (reverse("agreements_public:register", args=[agreement.area.slug]), _("Överenskommelser")),
                (None, agreement.title),
            ),
        },
    )


def _attachment(field, name):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=name or field.name.rsplit("/", 1)[-1])


@require_safe
def version_file(request, area, pk, version):
    """A version's document, to those who may read the agreement (else 404)."""
    found = get_version_for_user(request.user, pk, version)
    return _attachment(found.file, found.original_name)


@require_safe
def follow_up_file(request, area, pk, follow_up):
    """A follow-up's document, to those who may read the agreement (else 404)."""
    found = get_follow_up_for_user(request.user, pk, follow_up)
    return _attachment(found.document, found.original_name)
