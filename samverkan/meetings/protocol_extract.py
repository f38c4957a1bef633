"""Protokollsutdrag: a PDF extract of one § of adjusted minutes — the header, the attendance summed up by group,
the item and the adjustment record — rendered from the stored version (`snapshot.shown_content`) through the
minutes' own PDF machinery (`pdf.render_pdf(..., extract=True)`). Anyone who may read the item gets it once the
minutes are adjusted; the public for a public item of published minutes of a public body; anything else is 404.
The dispatch of recommendations attaches it (followthrough/dispatch.py)."""

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from samverkan.meetings.access import get_item_for_user, public_meetings
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.meetings.numbering import paragraph_label
from samverkan.meetings.pdf import _pdf_response, stored_pdf
from samverkan.meetings.snapshot import redacted, shown_content

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer

ADJUSTED = (Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)


def has_extract(meeting: Meeting) -> bool:
    """Whether the meeting's minutes are adjusted, so an extract of them can be made (notes have none)."""
    return meeting.kind == Meeting.Kind.MINUTES and meeting.status in ADJUSTED and meeting.is_locked


def extract_snapshot(item: AgendaItem, reader: "Viewer") -> dict | None:
    """The snapshot of `item`'s § alone, from the latest stored version of its adjusted minutes, as `reader`
    (a login, an anonymous visitor or None for the public) may read it; None when the minutes are not adjusted,
    the item is not in the stored minutes or the reader may not read it. Two or three queries."""
    meeting = item.meeting
    if not has_extract(meeting):
        return None
    content = shown_content(meeting)
    live = {item.pk: item.visibility}
    mine = [i for i in content["items"] if i["id"] == item.pk]
    if not mine:
        return None
    shown = redacted({**content, "items": mine}, reader or AnonymousUser(), meeting.body, live)
    if shown["items"][0].get("hidden"):
        return None
    return shown


def extract_pdf(snapshot: dict, *, public: bool = False) -> bytes:
    """The PDF/A of an extract snapshot (`extract_snapshot`), rendered once and then read from the PDF store
    (`pdf.stored_pdf`: the key is the snapshot as shown, so a public and a staff extract never share one)."""
    return stored_pdf(snapshot, public=public, extract=True)


def extract_filename(snapshot: dict) -> str:
    """ "protokollsutdrag-krf-2026-11-10-p-40.pdf": body, first day and the item's number."""
    header = snapshot["meeting"]
    body = slugify(header["body"]["abbreviation"] or header["body"]["name"]) or "organ"
    day = header["days"][0]["date"] if header["days"] else ""
    continuous = header["body"]["numbering"] == "continuous"
    number = slugify(paragraph_label(snapshot["items"][0]["number"], continuous)) or "punkt"
    return f"protokollsutdrag-{body}-{day}-{number}.pdf"


@require_safe
@login_required
def staff_extract(request, pk):
    """The extract of item `pk` for a logged-in reader of the item (404 otherwise, or before adjustment)."""
    item = get_item_for_user(request.user, pk)
    snapshot = extract_snapshot(item, request.user)
    if snapshot is None:
        raise Http404
    return _pdf_response(extract_pdf(snapshot), extract_filename(snapshot), private=True)


@require_safe
def public_extract(request, area, pk, item):
    """The public extract of a public item of published minutes of a public body; 404 for anything else."""
    meeting = get_object_or_404(
        public_meetings().filter(status=Meeting.Status.PUBLISHED, body__area__slug=area).select_related("body__area"),
        pk=pk,
    )
    found = get_object_or_404(AgendaItem.objects.select_related("meeting__body__area"), pk=item, meeting=meeting)
    snapshot = extract_snapshot(found, None)
    if snapshot is None:
        raise Http404
    return _pdf_response(extract_pdf(snapshot, public=True), extract_filename(snapshot), private=False)
