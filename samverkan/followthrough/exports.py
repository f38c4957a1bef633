"""CSV/XLSX export of an area's public assignment list, with the page's filters, through `lib.exports` (the
decision status board's exports, which are the recommendations', are in public.py)."""

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.followthrough.access import visible_assignments
from samverkan.followthrough.filters import AssignmentFilter
from samverkan.followthrough.models import Assignment, first_day_of
from samverkan.followthrough.present import ASSIGNMENT_LIST_RELATED, present_assignments
from samverkan.lib.exports import Table, export_name, export_response, in_chunks, refused
from samverkan.structure.access import visible_bodies
from samverkan.structure.models import Area


def assignment_headings() -> list[str]:
    return [
        _("Beslutat"),
        _("Organ"),
        _("Uppdraget"),
        _("Uppdragstagare"),
        _("Klart senast"),
        _("Återrapporteras till"),
        _("Status"),
        _("Återrapporterat"),
    ]


def assignment_rows(user: object, ids: Sequence[int]) -> Iterator[list[object]]:
    """One row per assignment (`assignment_headings`), in `ids`' order; assignee and report-to named only as far
    as `user` may see them (`present.present_assignments`). Three queries per chunk of `ids`."""
    states = dict(Assignment.Status.choices)

    def fetch(part: Sequence[int]) -> list[Assignment]:
        found = (
            Assignment.objects.filter(pk__in=part)
            .select_related(*ASSIGNMENT_LIST_RELATED)
            .annotate(given_day=first_day_of("item__meeting"), reported_day=first_day_of("reported_item__meeting"))
        )
        by_pk = {a.pk: a for a in found}
        return present_assignments([by_pk[pk] for pk in part if pk in by_pk], user)

    for a in in_chunks(ids, fetch):
        yield [
            a.given_day,
            a.item.meeting.body.name,
            a.description,
            a.shown_assignee.label,
            a.due,
            a.shown_report_to.label,
            str(states.get(a.status, a.status)),
            a.reported_day if a.shown_reported else None,
        ]


def assignment_export(request: HttpRequest, assignments: Any, bodies: Any, area: Area, fmt: str) -> HttpResponseBase:
    """`assignments` (an AssignmentQuerySet the asker may read) as `fmt`, narrowed by the list's filters
    (`AssignmentFilter` over `bodies`), every page in the list's order; 400 naming a filter that does not fit.
    Queries: the bodies, the ids, three per chunk."""
    filters = AssignmentFilter(request.GET, bodies=bodies)
    if filters.errors:
        return refused(request, filters)
    ids = list(filters.apply(assignments).order_by("due", "pk").values_list("pk", flat=True))
    name = export_name("uppdrag", area.slug, filters.value("organ"), filters.value("status"), filters.value("ar"))
    return export_response(Table(name, _("Uppdrag"), assignment_headings(), assignment_rows(request.user, ids)), fmt)


@require_safe
def assignments_export(request: HttpRequest, area: str, fmt: str) -> HttpResponseBase:
    """`/omrade/<area>/uppdrag.csv|.xlsx`: the public assignment list (`public.assignments`) as a spreadsheet,
    with what the asker may read (`visible_assignments`)."""
    found = get_object_or_404(Area, slug=area)
    assignments = visible_assignments(request.user).filter(area=found)
    bodies = visible_bodies(request.user).filter(area=found).order_by("name")
    return assignment_export(request, assignments, bodies, found, fmt)


def export_query(filters: AssignmentFilter) -> str:
    """The list's chosen filters as the export links' query string."""
    data = filters.cleaned_data if hasattr(filters, "cleaned_data") else {}
    return urlencode({k: v for k, v in data.items() if v not in (None, "")})
