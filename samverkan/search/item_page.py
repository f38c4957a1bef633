"""The public page of one agenda item, `/omrade/<area>/moten/<meeting>/punkt/<id>/`: the item in full as the meeting
page shows it (the stored minutes once published, else the agenda), its matter, its documents, and related items.
Search results for items and assignments link here.

Whoever may not read the item in full (`meetings.access.can_read_item`, and for published minutes the stricter of
then and now, `snapshot.present_minutes`) gets 404, as for the meeting itself (`listed_meetings`)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.followthrough.access import visible_matters
from samverkan.meetings.access import can_read_item, item_reader, listed_meetings, readable_documents
from samverkan.meetings.models import AgendaItem
from samverkan.meetings.protocol_extract import has_extract
from samverkan.meetings.snapshot import present_minutes, shown_content
from samverkan.search.related import related_items
from samverkan.structure.models import Body


@require_safe
def item_page(request: HttpRequest, area: str, meeting: int, pk: int) -> HttpResponse:
    """One item, its documents and related items; 404 for what the visitor may not read."""
    meetings = listed_meetings(request.user).select_related("body__area")
    shown_meeting = get_object_or_404(meetings, pk=meeting, body__area__slug=area)
    body = shown_meeting.body
    item = get_object_or_404(AgendaItem, pk=pk, meeting=shown_meeting)
    item.meeting = shown_meeting
    if not can_read_item(request.user, item, body):
        raise Http404
    context: dict[str, object] = {"meeting": shown_meeting, "body": body, "area": body.area, "item": item}
    if shown_meeting.is_published:
        minutes = present_minutes(shown_content(shown_meeting), item_reader(request.user, body))
        stored = next((i for i in minutes.items if i.id == item.pk), None)
        if stored is None or not stored.readable:
            raise Http404
        context["stored"] = stored
        # Minnesanteckningar have no protokollsutdrag (`has_extract`): no link that would answer 404.
        context["extract"] = has_extract(shown_meeting)
    context["continuous"] = body.numbering == Body.Numbering.CONTINUOUS
    if item.matter_id is not None:
        context["matter"] = visible_matters(request.user).filter(pk=item.matter_id).select_related("area").first()
    context["documents"] = [d for d in readable_documents(request.user, shown_meeting) if d.item_id == item.pk]
    context["related"] = related_items(request.user, item.pk)
    day = str(getattr(shown_meeting, "first_day", None) or _("Möte"))
    context["crumbs"] = [
        (body.area.get_absolute_url(), body.area.name),
        (body.get_absolute_url(), body.name),
        (shown_meeting.get_absolute_url(), day),
        (None, _("Ärende")),
    ]
    return render(request, "search/item.html", context)
