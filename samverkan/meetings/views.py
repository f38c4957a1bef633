"""Staff pages for meetings: a body's meetings, the year plan, a meeting with its days and agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.lib.forms import form_page
from samverkan.lib.history import history_rows
from samverkan.meetings import actions
from samverkan.meetings.access import can_plan_meetings
from samverkan.meetings.forms import AgendaItemForm, MeetingDayForm, MeetingForm, YearPlanForm
from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from samverkan.meetings.numbering import propose_number
from samverkan.structure.models import Body


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def _planned_body(request, pk):
    body = get_object_or_404(Body.objects.select_related("area"), pk=pk)
    if not can_plan_meetings(request.user, body):
        raise PermissionDenied
    return body


def _planned_meeting(request, pk):
    meeting = get_object_or_404(Meeting.objects.with_first_day().select_related("body__area"), pk=pk)
    if not can_plan_meetings(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def body_meetings(meetings):
    """A body's meetings with their first day and item count, ordered by date; days are prefetched."""
    return (
        meetings.with_first_day()
        .annotate(item_count=Count("items", distinct=True))
        .prefetch_related("days")
        .order_by("first_day", "pk")
    )


@login_required
def meeting_list(request, pk):
    body = _planned_body(request, pk)
    return render(
        request,
        "meetings/list.html",
        {"body": body, "meetings": body_meetings(Meeting.objects.filter(body=body).select_related("body__area"))},
    )


@login_required
def year_plan(request, pk):
    body = _planned_body(request, pk)
    form = YearPlanForm(request.POST or None, body=body, initial={"kind": Meeting.Kind.MINUTES})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = actions.create_year_plan(
            body,
            data["year"],
            data["dates"],
            start=data["start"],
            end=data["end"],
            place=data["place"],
            kind=data["kind"],
            visibility=data["visibility"],
            user=request.user,
        )
        messages.success(request, _("%(n)s möten är planerade.") % {"n": len(created)})
        return redirect(url("list", body.pk))
    return render(
        request,
        "meetings/year_plan.html",
        {"body": body, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def deferred_candidates(meeting):
    """Items deferred at the body's previous meeting (or deferred to this one) not yet taken up again."""
    if meeting.first_day is None:
        earlier = Meeting.objects.none()
    else:
        earlier = (
            Meeting.objects.with_first_day()
            .filter(body_id=meeting.body_id, first_day__lt=meeting.first_day)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-first_day")
            .values("pk")[:1]
        )
    taken_up = AgendaItem.objects.filter(meeting__body_id=meeting.body_id, continues__isnull=False).values(
        "continues_id"
    )
    return (
        (
            AgendaItem.objects.filter(outcome=AgendaItem.Outcome.DEFERRED, meeting__body_id=meeting.body_id).filter(
                meeting_id__in=earlier
            )
            | AgendaItem.objects.filter(deferred_to=meeting)
        )
        .exclude(pk__in=taken_up)
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("position", "pk")
    )


@login_required
def meeting(request, pk):
    meeting = _planned_meeting(request, pk)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "days": meeting.days.all(),
            "items": meeting.items.select_related("continues__meeting", "deferred_to"),
            "deferred": deferred_candidates(meeting),
            "history": history_rows(meeting),
        },
    )


@login_required
def meeting_edit(request, pk):
    meeting = _planned_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    return form_page(
        request,
        form,
        _("Ändra mötet"),
        url("meeting", meeting.pk),
        _("Ändringarna är sparade."),
        lambda m: url("meeting", m.pk),
    )


@login_required
def day_create(request, pk):
    meeting = _planned_meeting(request, pk)
    form = MeetingDayForm(request.POST or None, meeting=meeting)
    return form_page(
        request,
        form,
        _("Ny mötesdag"),
        url("meeting", meeting.pk),
        _("Mötesdagen är sparad."),
        lambda d: url("meeting", meeting.pk),
    )


@login_required
def day_edit(request, pk):
    day = get_object_or_404(MeetingDay, pk=pk)
    meeting = _planned_meeting(request, day.meeting_id)
    form = MeetingDayForm(request.POST or None, instance=day, meeting=meeting)
    return form_page(
        request,
        form,
        _("Ändra mötesdag"),
        url("meeting", meeting.pk),
        _("Mötesdagen är sparad."),
        lambda d: url("meeting", meeting.pk),
        history=history_rows(day),
    )


@login_required
@require_POST
def day_remove(request, pk):
    day = get_object_or_404(MeetingDay, pk=pk)
    meeting = _planned_meeting(request, day.meeting_id)
    try:
        actions.remove_day(day, request.user)
        messages.success(request, _("Mötesdagen %(date)s är borttagen.") % {"date": day.date.isoformat()})
    except actions.LastDay:
        messages.error(request, _("Ett möte måste ha minst en dag. Ställ in mötet i stället. Inget har ändrats."))
    return redirect(url("meeting", meeting.pk))


def _later_meetings(meeting):
    later = Meeting.objects.with_first_day().filter(body_id=meeting.body_id).exclude(pk=meeting.pk)
    if meeting.first_day is not None:
        later = later.filter(first_day__gt=meeting.first_day)
    return later.order_by("first_day", "pk")


@login_required
def item_create(request, pk):
    meeting = _planned_meeting(request, pk)
    last = meeting.items.order_by("-position").values_list("position", flat=True).first()
    form = AgendaItemForm(
        request.POST or None,
        meeting=meeting,
        later_meetings=_later_meetings(meeting),
        initial={"number": propose_number(meeting), "position": (last or 0) + 1},
    )
    return form_page(
        request,
        form,
        _("Nytt ärende"),
        url("meeting", meeting.pk),
        _("Ärendet är sparat."),
        lambda i: url("meeting", meeting.pk),
    )


@login_required
def item_edit(request, pk):
    item = get_object_or_404(AgendaItem, pk=pk)
    meeting = _planned_meeting(request, item.meeting_id)
    form = AgendaItemForm(request.POST or None, instance=item, meeting=meeting, later_meetings=_later_meetings(meeting))
    return form_page(
        request,
        form,
        _("Ändra ärende %(number)s") % {"number": item.number},
        url("meeting", meeting.pk),
        _("Ärendet är sparat."),
        lambda i: url("meeting", meeting.pk),
        history=history_rows(item),
    )


@login_required
@require_POST
def take_up(request, pk, item):
    meeting = _planned_meeting(request, pk)
    deferred = deferred_candidates(meeting).filter(pk=item).first()
    if deferred is None:
        raise Http404
    added = actions.take_up_deferred_item(deferred, meeting, propose_number(meeting), request.user)
    messages.success(request, _("Ärendet ”%(title)s” är lagt på dagordningen.") % {"title": added.title})
    return redirect(url("meeting", meeting.pk))
