"""The public side of follow-through: the decision status board and its exports, recommendations, each
principal's decisions, matters with their timeline, and assignments. Works without JavaScript."""

import time
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.followthrough.access import (
    visible_assignments,
    visible_decisions_of,
    visible_matters,
    visible_recommendations,
)
from samverkan.followthrough.board import (
    Summary,
    board_table,
    build_board,
    filter_recommendations,
    iter_board,
    with_heads,
    year_figures,
)
from samverkan.followthrough.exports import export_query
from samverkan.followthrough.filters import AssignmentFilter, BoardFilter
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.followthrough.present import (
    ASSIGNMENT_LIST_RELATED,
    matter_timeline,
    present_assignments,
    shown_report_back,
    with_assignment_rows,
)
from samverkan.lib.exports import export_name, export_response, refused
from samverkan.lib.paging import Counted, page_of, page_of_rows
from samverkan.structure.access import visible_bodies
from samverkan.structure.models import Area, Principal

LIST_PAGE = 50  # matters a page of the public list shows
# Assignments a page of the public list shows. Each row is five cells of wrapped text (a phone shows about two a
# screen), built from seven joined records: 50 rows took about 45 ms of the page's 50 ms budget on a generated county
# on PostgreSQL, 25 about 37 (the rest is the page itself: the filter form, the keys, the visibility of the names).
ASSIGNMENT_PAGE = 25


def _crumbs(area, *rest):
    return [(area.get_absolute_url(), area.name), *rest]


def _recommendation_prefix(area):
    """A recommendation's page is this + pk + "/": one reverse for a list, not one per row."""
    return reverse("followthrough_public:recommendation", args=[area.slug, 1])[:-2]


# Recommendations a page of one year's board shows: with a county's 16 principals, 800 cells (100 rows took 40 ms
# at county scale, most of it the template and building the rows).
BOARD_PAGE = 50


def _board_input(request, area):
    """(filter form, principals, filtered recommendations) of an area's board."""
    bodies = visible_bodies(request.user).filter(area=area).order_by("name")
    filters = BoardFilter(request.GET, bodies=bodies)
    recommendations = filter_recommendations(
        visible_recommendations(request.user).filter(area=area),
        body=filters.chosen_body(filters.bodies),
        state=filters.value("status"),
    )
    principals = list(Principal.objects.filter(area=area).select_related("area"))
    return filters, principals, recommendations


@require_safe
def board(request, area):
    """The decision status board of one year (`?ar=`, default the latest year with recommendations up to this
    one), `BOARD_PAGE` recommendations a page, with each year's figures for the others. The same number of
    queries for one year or twenty."""
    area = get_object_or_404(Area, slug=area)
    started = time.perf_counter()
    filters, principals, recommendations = _board_input(request, area)
    # Each year's figures from the stored counts in one grouped query; the chosen year's keys in the board's order,
    # counted and paged in the database (two queries), then its rows built for that page only.
    years = year_figures(recommendations)
    this_year = timezone.localdate().year
    year = filters.value("ar") or next((y.year for y in years if y.year <= this_year), this_year)
    filters.show_default("ar", year)
    keys = (
        filter_recommendations(recommendations, year=year).order_by("-decided_on", "-pk").values_list("pk", flat=True)
    )
    page = page_of(request, keys, BOARD_PAGE)
    rows = build_board(Recommendation.objects.filter(pk__in=list(page)), principals) if len(page) else []
    response = render(
        request,
        "followthrough/public/board.html",
        {
            "area": area,
            "filters": filters,
            "principals": principals,
            "rows": with_heads(rows, _recommendation_prefix(area)),
            "page": page,
            "year": year,
            "years": years,
            "year_query": urlencode({k: v for k, v in filters.cleaned_data.items() if v and k != "ar"}),
            "legend": PrincipalDecision.Outcome.choices,
            "recommendation_prefix": _recommendation_prefix(area),
            "crumbs": _crumbs(area, (None, _("Beslutsstatus"))),
        },
    )
    response["Server-Timing"] = f"board;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def _board_export(request, area, fmt):
    """The filtered board as `fmt`, of one year with `?ar=`, else of every year; a filter that does not fit is
    refused (400) rather than ignored as on the page."""
    area = get_object_or_404(Area, slug=area)
    filters, principals, recommendations = _board_input(request, area)
    if filters.errors:
        return refused(request, filters)
    year = filters.value("ar")
    rows = iter_board(filter_recommendations(recommendations, year=year), principals)
    return export_response(board_table(rows, principals, export_name("beslutsstatus", area.slug, year)), fmt)


@require_safe
def board_csv(request, area):
    """The board as CSV, streamed a chunk of recommendations at a time (memory flat as rows grow)."""
    return _board_export(request, area, "csv")


@require_safe
def board_xlsx(request, area):
    """The board as XLSX (`lib.exports.export_response`)."""
    return _board_export(request, area, "xlsx")


def _recommendation(request, area, pk):
    return get_object_or_404(
        visible_recommendations(request.user).select_related(
            "item__meeting__body__area", "reported_item__meeting__body__area", "matter__area", "matter__body"
        ),
        pk=pk,
        item__meeting__body__area__slug=area,
    )


@require_safe
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


@require_safe
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


PRINCIPAL_PAGE = 50  # decisions a page of a principal's lists shows
# Only what a principal's decisions page shows, as plain values (no model instances: five per row with the
# recommendation, item, meeting and body): not the recommendation's text or the decision's comment.
PRINCIPAL_COLUMNS = ("pk", "recommendation_id", "outcome", "deciding_body", "decided_on", "reference")
PRINCIPAL_JOINED = {
    "title": F("recommendation__title"),
    "deadline": F("recommendation__deadline"),
    "body_name": F("recommendation__item__meeting__body__name"),
}


@require_safe
def principal(request, area, principal):
    """What a principal has been asked to decide: the pending decisions (`?vantar=N`) and the decided ones
    (`?sida=N`), latest recommendation first, each list paged by `PRINCIPAL_PAGE`, only the columns shown as plain
    values. Four queries whatever the history's size: the principal, both lists' counts (one aggregate over the
    narrow rows), and each page's rows (reading every decision's key and outcome to count and page them in Python
    took 24 ms for a county principal's 5,655; a count of each list's rows repeated the joins of its columns)."""
    principal = get_object_or_404(Principal.objects.select_related("area"), area__slug=area, slug=principal)
    decisions = visible_decisions_of(request.user, principal).order_by("-recommendation__decided_on", "-pk")
    is_pending = Q(outcome=PrincipalDecision.Outcome.PENDING)
    counts = decisions.aggregate(pending=Count("pk", filter=is_pending), asked=Count("pk"))
    rows = decisions.values(*PRINCIPAL_COLUMNS, **PRINCIPAL_JOINED)
    pending = page_of(request, Counted(rows.filter(is_pending), counts["pending"]), PRINCIPAL_PAGE, "vantar")
    decided = page_of(request, Counted(rows.exclude(is_pending), counts["asked"] - counts["pending"]), PRINCIPAL_PAGE)
    outcomes = {value: str(label) for value, label in PrincipalDecision.Outcome.choices}
    for page in (pending, decided):
        page.object_list = [{**d, "outcome_label": outcomes.get(d["outcome"], d["outcome"])} for d in page]
    return render(
        request,
        "followthrough/public/principal.html",
        {
            "principal": principal,
            "area": principal.area,
            "asked": counts["asked"],
            "pending": pending,
            "decided": decided,
            "today": timezone.localdate(),
            "recommendation_prefix": _recommendation_prefix(principal.area),
            "crumbs": _crumbs(
                principal.area,
                (principal.get_absolute_url(), principal.name),
                (None, _("Beslut om rekommendationer")),
            ),
        },
    )


@require_safe
def matters(request, area):
    area = get_object_or_404(Area, slug=area)
    # Newest case number first, in the area's (area, year, serial) index order: the model's order would sort every
    # matter of the area by its area's name first (a county's 8,784 on PostgreSQL: 22 ms for a page of 50).
    matters = visible_matters(request.user).filter(area=area).order_by("-year", "-serial")
    page = page_of(request, matters.select_related("area", "body"), LIST_PAGE)
    return render(
        request,
        "followthrough/public/matters.html",
        {"area": area, "matters": page, "page": page, "crumbs": _crumbs(area, (None, _("Ärenden")))},
    )


@require_safe
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


@require_safe
def assignments(request, area):
    area = get_object_or_404(Area, slug=area)
    filters = AssignmentFilter(request.GET, bodies=visible_bodies(request.user).filter(area=area).order_by("name"))
    listed = filters.apply(visible_assignments(request.user).filter(area=area))
    # The keys alone, in the order of the stored due date (`Assignment.due`, no join to the report-back meeting),
    # in one query (one visit of the visibility rule), counted and paged here; only the page's rows are fetched
    # with their joins.
    page = page_of_rows(
        request,
        listed.order_by("due", "pk"),
        ASSIGNMENT_PAGE,
        lambda pks: Assignment.objects.filter(pk__in=pks).select_related(*ASSIGNMENT_LIST_RELATED),
        keys_once=True,
    )
    return render(
        request,
        "followthrough/public/assignments.html",
        {
            "area": area,
            "filters": filters,
            "assignments": with_assignment_rows(present_assignments(page, request.user), staff=False),
            "export_query": export_query(filters),
            "page": page,
            "crumbs": _crumbs(area, (None, _("Uppdrag"))),
        },
    )
