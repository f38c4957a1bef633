"""The public side of follow-through: the decision status board and its exports, recommendations, each
principal's decisions, matters with their timeline, and assignments. Works without JavaScript."""

import time

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.followthrough.access import (
    visible_assignments,
    visible_matters,
    visible_recommendations,
)
from samverkan.followthrough.board import Summary, as_csv, as_xlsx, build_board, filter_recommendations
from samverkan.followthrough.filters import AssignmentFilter, BoardFilter
from samverkan.followthrough.models import PrincipalDecision
from samverkan.followthrough.present import (
    ASSIGNMENT_RELATED,
    matter_timeline,
    present_assignments,
    shown_report_back,
)
from samverkan.structure.access import visible_bodies
from samverkan.structure.models import Area, Principal

PUBLIC_LIST_LIMIT = 500


def _crumbs(area, *rest):
    return [(area.get_absolute_url(), area.name), *rest]


def _board(request, area):
    """The filtered board of an area: (filter form, principals, rows)."""
    bodies = visible_bodies(request.user).filter(area=area).order_by("name")
    filters = BoardFilter(request.GET, bodies=bodies)
    recommendations = filter_recommendations(
        visible_recommendations(request.user).filter(item__meeting__body__area=area),
        body=filters.chosen_body(filters.bodies),
        year=filters.value("ar"),
        state=filters.value("status"),
    )
    principals = list(Principal.objects.filter(area=area).select_related("area"))
    return filters, principals, build_board(recommendations, principals)


def board(request, area):
    area = get_object_or_404(Area, slug=area)
    started = time.perf_counter()
    filters, principals, rows = _board(request, area)
    query = filters.query_string()
    response = render(
        request,
        "followthrough/public/board.html",
        {
            "area": area,
            "filters": filters,
            "principals": principals,
            "rows": rows,
            "query": f"?{query}" if query else "",
            "legend": PrincipalDecision.Outcome.choices,
            "crumbs": _crumbs(area, (None, _("Beslutsstatus"))),
        },
    )
    response["Server-Timing"] = f"board;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def board_csv(request, area):
    area = get_object_or_404(Area, slug=area)
    _filters, principals, rows = _board(request, area)
    response = HttpResponse(as_csv(rows, principals), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="beslutsstatus-{area.slug}.csv"'
    return response


def board_xlsx(request, area):
    area = get_object_or_404(Area, slug=area)
    _filters, principals, rows = _board(request, area)
    response = HttpResponse(
        as_xlsx(rows, principals, _("Beslutsstatus")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="beslutsstatus-{area.slug}.xlsx"'
    return response


def _recommendation(request, area, pk):
    return get_object_or_404(
        visible_recommendations(request.user).select_related(
            "item__meeting__body__area", "reported_item__meeting__body__area", "matter__area", "matter__body"
        ),
        pk=pk,
        item__meeting__body__area__slug=area,
    )


def recommendation(request, area, pk):
    recommendation = _recommendation(request, area, pk)
    body = recommendation.item.meeting.body
    decisions = list(recommendation.decisions.select_related("principal__area"))
    summary = Summary()
    for d in decisions:
        summary.add(d.outcome)
    matter = recommendation.matter
    if matter is not None and not visible_matters(request.user).filter(pk=matter.pk).exists():
        matter = None
    return render(
        request,
        "followthrough/public/recommendation.html",
        {
            "recommendation": recommendation,
            "body": body,
            "area": body.area,
            "decisions": decisions,
            "summary": summary,
            "matter": matter,
            "reported": shown_report_back(recommendation, request.user),
            "overdue": not summary.complete and recommendation.deadline < timezone.localdate(),
            "crumbs": _crumbs(
                body.area,
                (reverse("followthrough_public:board", args=[body.area.slug]), _("Beslutsstatus")),
                (None, recommendation.title),
            ),
        },
    )


def decision_document(request, area, pk, decision):
    recommendation = _recommendation(request, area, pk)
    decision = get_object_or_404(PrincipalDecision, recommendation=recommendation, pk=decision)
    if not decision.document:
        raise Http404
    try:
        handle = decision.document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = decision.document.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


def principal(request, area, principal):
    """What a principal has been asked to decide, what it decided, and what is pending."""
    principal = get_object_or_404(Principal.objects.select_related("area"), area__slug=area, slug=principal)
    decisions = list(
        PrincipalDecision.objects.filter(principal=principal, recommendation__in=visible_recommendations(request.user))
        .select_related("recommendation__item__meeting__body__area")
        .order_by("-recommendation__decided_on", "-pk")
    )
    return render(
        request,
        "followthrough/public/principal.html",
        {
            "principal": principal,
            "area": principal.area,
            "asked": len(decisions),
            "pending": [d for d in decisions if d.is_pending],
            "decided": [d for d in decisions if not d.is_pending],
            "today": timezone.localdate(),
            "crumbs": _crumbs(
                principal.area,
                (principal.get_absolute_url(), principal.name),
                (None, _("Beslut om rekommendationer")),
            ),
        },
    )


def matters(request, area):
    area = get_object_or_404(Area, slug=area)
    rows = visible_matters(request.user).filter(area=area).select_related("area", "body")[:PUBLIC_LIST_LIMIT]
    return render(
        request,
        "followthrough/public/matters.html",
        {"area": area, "matters": rows, "crumbs": _crumbs(area, (None, _("Ärenden")))},
    )


def matter(request, area, year, serial):
    matter = get_object_or_404(
        visible_matters(request.user).select_related("area", "body"), area__slug=area, year=year, serial=serial
    )
    body = matter.body if matter.body_id and visible_bodies(request.user).filter(pk=matter.body_id).exists() else None
    return render(
        request,
        "followthrough/public/matter.html",
        {
            "matter": matter,
            "area": matter.area,
            "body": body,
            "timeline": matter_timeline(matter, request.user),
            "crumbs": _crumbs(
                matter.area,
                (reverse("followthrough_public:matters", args=[matter.area.slug]), _("Ärenden")),
                (None, matter.case_number),
            ),
        },
    )


def assignments(request, area):
    area = get_object_or_404(Area, slug=area)
    filters = AssignmentFilter(request.GET, bodies=visible_bodies(request.user).filter(area=area).order_by("name"))
    rows = (
        filters.apply(visible_assignments(request.user).filter(item__meeting__body__area=area).with_due())
        .select_related(*ASSIGNMENT_RELATED)
        .order_by("due", "pk")[:PUBLIC_LIST_LIMIT]
    )
    return render(
        request,
        "followthrough/public/assignments.html",
        {
            "area": area,
            "filters": filters,
            "assignments": present_assignments(rows, request.user),
            "limit": PUBLIC_LIST_LIMIT,
            "crumbs": _crumbs(area, (None, _("Uppdrag"))),
        },
    )
