"""Staff pages for meetings: a body's meetings, the year plan, a meeting with its days, agenda, attendance and
minutes, the workflow steps, adjustment (signing), versions and corrections."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverkan.lib.forms import form_page, form_status, nothing_changed
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of_rows
from samverkan.lib.text import is_digits
from samverkan.meetings import actions, numbering
from samverkan.meetings.access import (
    get_attendance_for_user,
    get_day_for_user,
    get_item_for_user,
    get_meeting_for_user,
    get_meeting_to_sign,
    item_reader,
    meetings_to_sign,
    reason_reader,
    then_and_now_reader,
    visible_meetings,
)
from samverkan.meetings.forms import (
    AgendaItemForm,
    AttendanceCreateForm,
    AttendanceForm,
    CorrectionForm,
    ItemMinutesForm,
    MeetingDayForm,
    MeetingForm,
    PaperAdjustmentForm,
    SignatoriesForm,
    YearPlanForm,
)
from samverkan.meetings.models import AgendaItem, Attendance, Meeting, MeetingDay, PaperAdjustment, Signatory
from samverkan.meetings.numbering import propose_number
from samverkan.meetings.snapshot import present_minutes, shown_content, with_notice
from samverkan.structure import logins
from samverkan.structure.access import get_body_for_user


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def _planned_body(request, pk):
    """The body whose meetings the user plans (404 when they may not see it, 403 when they may not plan)."""
    return get_body_for_user(request.user, pk, change=True)


def _planned_meeting(request, pk):
    """The meeting the user plans, with its first day, body, chair and secretary (404 / 403 as the gate says)."""
    queryset = Meeting.objects.all().select_related("body__area", "chair", "secretary")
    return get_meeting_for_user(request.user, pk, change=True, queryset=queryset)


def body_meetings(meetings):
    """A body's meetings with their first day and item count, ordered by date; days are prefetched."""
    return (
        meetings.annotate(item_count=Count("items", distinct=True)).prefetch_related("days").order_by("first_day", "pk")
    )


STAFF_LIST_PAGE = 50  # meetings a page in the staff meeting list


@login_required
@require_safe
def meeting_list(request, pk):
    """A body's meetings of one year (`?ar=`, default this year; links to every year it met or plans to, and
    meetings without a day yet under this year), in date order, `STAFF_LIST_PAGE` a page. The same queries however
    many years the body has met: the gate's, the years, the page's count, keys and rows, and their days."""
    body = _planned_body(request, pk)
    this_year = timezone.localdate().year
    days = MeetingDay.objects.filter(meeting__body=body)
    years = sorted({d.year for d in days.dates("date", "year")} | {this_year})
    asked = request.GET.get("ar", "")
    year = int(asked) if is_digits(asked) and int(asked) in years else this_year
    of_year = Q(pk__in=days.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)).values("meeting_id"))
    if year == this_year:
        of_year |= ~Exists(MeetingDay.objects.filter(meeting=OuterRef("pk")))
    page = page_of_rows(
        request,
        Meeting.objects.filter(body=body).filter(of_year).order_by("first_day", "pk"),
        STAFF_LIST_PAGE,
        lambda pks: body_meetings(Meeting.objects.filter(pk__in=pks)),
    )
    return render(
        request,
        "meetings/list.html",
        {
            "body": body,
            "meetings": page,
            "page": page,
            "year": year,
            "years": years,
            "meeting_prefix": reverse("meetings:meeting", args=[0]).removesuffix("0/"),
        },
    )


@login_required
@require_http_methods(FORM)
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
        n = len(created)
        messages.success(request, ngettext("%(n)s möte är planerat.", "%(n)s möten är planerade.", n) % {"n": n})
        return redirect(url("list", body.pk) + f"?ar={data['year']}")  # the list shows one year: the planned one
    return render(
        request,
        "meetings/year_plan.html",
        {"body": body, "form": form},
        status=form_status(request, form),
    )


def deferred_candidates(meeting):
    """Items deferred at the body's previous meeting (or deferred to this one) not yet taken up again.

    Both branches are conditions on the item's own indexed columns: the previous meeting is one scalar subquery
    (`meeting_id = (SELECT … LIMIT 1)`), so the database ORs two index lookups. An IN over that subquery, or a
    condition on the joined meeting's body, made PostgreSQL scan every agenda item of the nation (issue 11)."""
    candidates = Q(deferred_to=meeting)
    if meeting.first_day is not None:
        earlier = (
            Meeting.objects.all()
            .filter(body_id=meeting.body_id, first_day__lt=meeting.first_day)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-first_day")
            .values("pk")[:1]
        )
        candidates |= Q(outcome=AgendaItem.Outcome.DEFERRED, meeting_id=Subquery(earlier))
    # Per candidate through the `continues` index, not a list of every continued item of the body's history.
    taken_up = Exists(AgendaItem.objects.filter(continues=OuterRef("pk"), meeting__body_id=meeting.body_id))
    return (
        AgendaItem.objects.filter(candidates)
        .exclude(taken_up)
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("position", "pk")
    )


def attendance_groups(meeting):
    """The meeting's attendance list as (group label, rows), in the order minutes list them."""
    rows = list(
        meeting.attendance.select_related("person", "principal", "substitute_for")
        .prefetch_related("days", "not_during")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    return [(label, [r for r in rows if r.group == value]) for value, label in Attendance.Group.choices]


@login_required
@require_safe
def meeting(request, pk):
    meeting = _planned_meeting(request, pk)
    groups = attendance_groups(meeting)
    items = list(meeting.items.select_related("continues__meeting", "deferred_to"))
    versions = with_reasons(request.user, meeting, meeting.versions.select_related("created_by"))
    signatories = list(meeting.signatories.select_related("person__user").order_by(*Signatory.SIGNING_ORDER))
    signers = [s.person for s in signatories]
    invitable = logins.invitable_ids(request.user, signers)
    login_states = logins.login_states(signers)
    # Locked minutes show attendance and signatures as stored, whatever happened to the people since.
    stored = (
        present_minutes(shown_content(meeting), item_reader(request.user, meeting.body)) if meeting.is_locked else None
    )
    paper = PaperAdjustment.objects.filter(meeting=meeting).select_related("document").first() if stored else None
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "days": meeting.days.all(),
            "items": items,
            "deferred": deferred_candidates(meeting),
            "attendance_groups": groups,
            "attendance_count": sum(len(rows) for _label, rows in groups),
            "signatories": signatories,
            "login_states": login_states,
            "invitable": invitable,
            "uninvited_signers": len(logins.to_invite(signers, login_states, invitable)),
            "versions": versions,
            "stored": stored,
            "paper": paper,
            "steps": actions.next_steps(meeting),
            "closed": actions.minutes_open_error(meeting),
            "overdue": meeting.is_adjustment_overdue(),
            "renumbered": numbering.describe(numbering.renumbered_since_sent(meeting, items)),
            "history": history_rows(meeting),
        },
    )


@login_required
@require_http_methods(FORM)
def meeting_edit(request, pk):
    meeting = _planned_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra mötet"),
        url("meeting", meeting.pk),
        _("Ändringarna är sparade."),
        lambda m: url("meeting", m.pk),
        save=lambda f, reason: actions.update_meeting(meeting, f, request.user, reason),
    )


@login_required
@require_http_methods(FORM)
def day_create(request, pk):
    meeting = _planned_meeting(request, pk)
    form = MeetingDayForm(request.POST or None, meeting=meeting, user=request.user)
    return form_page(
        request,
        form,
        _("Ny mötesdag"),
        url("meeting", meeting.pk),
        _("Mötesdagen är sparad."),
        lambda d: url("meeting", meeting.pk),
        save=lambda f, reason: actions.save_day(meeting, f, request.user, reason),
    )


@login_required
@require_http_methods(FORM)
def day_edit(request, pk):
    day = get_day_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, day.meeting_id)
    form = MeetingDayForm(request.POST or None, instance=day, meeting=meeting, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra mötesdag"),
        url("meeting", meeting.pk),
        _("Mötesdagen är sparad."),
        lambda d: url("meeting", meeting.pk),
        save=lambda f, reason: actions.save_day(meeting, f, request.user, reason),
        history=history_rows(day),
    )


def _act(request, meeting, action, done):
    """Run a one-button action and go back to the meeting with `done` (a text, or a function of the action's
    result), or with why nothing changed."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, nothing_changed(error.messages))
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(url("meeting", meeting.pk))


@login_required
@require_POST
def day_remove(request, pk):
    day = get_day_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, day.meeting_id)

    def remove():
        try:
            actions.remove_day(day, request.user)
        except actions.LastDay:
            raise ValidationError(_("Ett möte måste ha minst en dag. Ställ in mötet i stället.")) from None

    return _act(request, meeting, remove, _("Mötesdagen %(date)s är borttagen.") % {"date": day.date.isoformat()})


def _item_saver(request, meeting, renumbered):
    """The `save` of an item form page: saves through actions.save_item and collects what it renumbered."""

    def save(form, reason):
        saved = actions.save_item(meeting, form, request.user, reason)
        renumbered.extend(saved.renumbered)
        return saved.item

    return save


def tell_renumbered(request, renumbered):
    """Say which provisional § numbers a change moved, per meeting (one query); where that meeting's agenda had
    already gone out with the invitation or been published, warn that members hold the old numbers."""
    if not renumbered:
        return
    per_meeting = {}
    for change in renumbered:
        per_meeting.setdefault(change.item.meeting_id, []).append((change.old, change.new))
    meetings = Meeting.objects.all().filter(pk__in=per_meeting).order_by("first_day", "pk")
    for other in meetings:
        text = {"date": other.first_day.isoformat(), "changes": numbering.describe(per_meeting[other.pk])}
        if other.invited_at or other.agenda_published_at:
            messages.warning(
                request,
                _(
                    "Dagordningen för mötet %(date)s har omnumrerats efter utskicket: %(changes)s. Ledamöterna har "
                    "kallelsen med de gamla numren; skicka en ny kallelse från mötets sida."
                )
                % text,
            )
        else:
            messages.info(request, _("Omnumrerat på dagordningen för mötet %(date)s: %(changes)s.") % text)


@login_required
@require_http_methods(FORM)
def item_create(request, pk):
    meeting = _planned_meeting(request, pk)
    last = meeting.items.order_by("-position").values_list("position", flat=True).first()
    form = AgendaItemForm(
        request.POST or None,
        meeting=meeting,
        initial={"number": propose_number(meeting), "position": (last or 0) + 1},
        user=request.user,
    )
    renumbered: list[numbering.Renumbered] = []
    response = form_page(
        request,
        form,
        _("Nytt ärende"),
        url("meeting", meeting.pk),
        _("Ärendet är sparat."),
        lambda i: url("meeting", meeting.pk),
        save=_item_saver(request, meeting, renumbered),
    )
    tell_renumbered(request, renumbered)
    return response


@login_required
@require_http_methods(FORM)
def item_edit(request, pk):
    item = get_item_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, item.meeting_id)
    form = AgendaItemForm(
        request.POST or None,
        instance=item,
        meeting=meeting,
        user=request.user,
    )
    renumbered: list[numbering.Renumbered] = []
    response = form_page(
        request,
        form,
        _("Ändra ärende %(number)s") % {"number": item.number},
        url("meeting", meeting.pk),
        _("Ärendet är sparat."),
        lambda i: url("meeting", meeting.pk),
        save=_item_saver(request, meeting, renumbered),
        history=history_rows(item),
    )
    tell_renumbered(request, renumbered)
    return response


@login_required
@require_http_methods(FORM)
def item_remove(request, pk):
    """Ask, then delete an agenda item (actions.remove_item): a page that names the item and a POST button."""
    item = get_item_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, item.meeting_id)
    if request.method == "POST":
        renumbered: list[numbering.Renumbered] = []
        response = _act(
            request,
            meeting,
            lambda: renumbered.extend(actions.remove_item(item, request.user)),
            _("Ärendet ”%(title)s” är borttaget; dess nummer är frigjort.") % {"title": item.title},
        )
        tell_renumbered(request, renumbered)
        return response
    closed = actions.minutes_open_error(meeting)
    return render(request, "meetings/item_remove.html", {"item": item, "meeting": meeting, "closed": closed})


@login_required
@require_POST
def take_up(request, pk, item):
    meeting = _planned_meeting(request, pk)
    deferred = deferred_candidates(meeting).filter(pk=item).first()
    if deferred is None:
        raise Http404
    return _act(
        request,
        meeting,
        lambda: actions.take_up_deferred_item(deferred, meeting, propose_number(meeting), request.user),
        _("Ärendet ”%(title)s” är lagt på dagordningen.") % {"title": deferred.title},
    )


# The workflow --------------------------------------------------------------------------------------------

STEP_DONE = {
    actions.HELD: gettext_lazy("Mötet är markerat som genomfört."),
    actions.DRAFTED: gettext_lazy("Protokollet är klart och väntar på justering."),
    actions.REOPEN: gettext_lazy(
        "Protokollet är tillbaka för ändring. Justeringar som redan gjorts gäller inte längre, så protokollet "
        "justeras på nytt när det är klart."
    ),
    actions.PUBLISH: gettext_lazy("Protokollet är publicerat i portalen."),
    actions.CANCEL: gettext_lazy("Mötet är inställt."),
    actions.PLAN: gettext_lazy("Mötet är planerat igen."),
    actions.AGENDA: gettext_lazy("Dagordningen är publicerad i portalen, med bakgrund och handlingar."),
}


@login_required
@require_POST
def meeting_step(request, pk):
    meeting = _planned_meeting(request, pk)
    step = request.POST.get("step", "")
    if step not in STEP_DONE:
        messages.error(request, _("Okänt steg. Inget har ändrats."))
        return redirect(url("meeting", meeting.pk))
    done = STEP_DONE[step]
    if step == actions.DRAFTED and meeting.kind == Meeting.Kind.NOTES:
        done = _("Anteckningarna är klara att publicera.")
    if step in (actions.AGENDA, actions.PUBLISH):
        actions.read_unread_documents(meeting)  # what is published is checked for personal identity numbers
    renumbered: list[numbering.Renumbered] = []
    response = _act(request, meeting, lambda: actions.take_step(meeting, step, request.user, renumbered), done)
    tell_renumbered(request, renumbered)  # cancelling, planning again and fixing the numbers may move later ones
    return response


# Attendance ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def attendance_fetch(request, pk):
    meeting = _planned_meeting(request, pk)
    return _act(request, meeting, lambda: actions.fetch_members(meeting, request.user), _fetched)


def _fetched(created):
    n = len(created)
    if not n:
        return _("Alla ledamöter och ersättare finns redan i närvarolistan.")
    return ngettext(
        "%(n)s person har lagts till i närvarolistan.", "%(n)s personer har lagts till i närvarolistan.", n
    ) % {"n": n}


@login_required
@require_http_methods(FORM)
def attendance_create(request, pk):
    meeting = _planned_meeting(request, pk)
    form = AttendanceCreateForm(
        request.POST or None, meeting=meeting, initial={"group": Attendance.Group.OTHER}, user=request.user
    )
    return form_page(
        request,
        form,
        _("Lägg till person i närvarolistan"),
        url("meeting", meeting.pk) + "#attendance",
        _("Personen är tillagd i närvarolistan."),
        lambda row: url("meeting", meeting.pk) + "#attendance",
        save=lambda f, reason: actions.save_attendance(meeting, f, request.user, reason),
    )


@login_required
@require_http_methods(FORM)
def attendance_edit(request, pk):
    row = get_attendance_for_user(request.user, pk, change=True, queryset=Attendance.objects.select_related("person"))
    meeting = _planned_meeting(request, row.meeting_id)
    form = AttendanceForm(request.POST or None, instance=row, meeting=meeting, user=request.user)
    return form_page(
        request,
        form,
        _("Närvaro för %(name)s") % {"name": row.person},
        url("meeting", meeting.pk) + "#attendance",
        _("Närvaron är sparad."),
        lambda row: url("meeting", meeting.pk) + "#attendance",
        save=lambda f, reason: actions.save_attendance(meeting, f, request.user, reason),
        history=history_rows(row),
    )


@login_required
@require_POST
def attendance_remove(request, pk):
    row = get_attendance_for_user(request.user, pk, change=True, queryset=Attendance.objects.select_related("person"))
    meeting = _planned_meeting(request, row.meeting_id)
    return _act(
        request,
        meeting,
        lambda: actions.remove_attendance(row, request.user),
        _("%(name)s är borttagen ur närvarolistan.") % {"name": row.person},
    )


# Minutes per item ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM)
def item_minutes(request, pk):
    item = get_item_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, item.meeting_id)
    form = ItemMinutesForm(request.POST or None, instance=item, meeting=meeting, user=request.user)
    return form_page(
        request,
        form,
        _("Protokoll för ärende %(number)s: %(title)s") % {"number": item.number, "title": item.title},
        url("meeting", meeting.pk),
        _("Protokollet för ärendet är sparat."),
        lambda i: url("meeting", meeting.pk),
        save=_item_saver(request, meeting, []),
        history=history_rows(item),
    )


@login_required
@require_POST
def item_file(request, pk):
    item = get_item_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, item.meeting_id)
    return _act(
        request,
        meeting,
        lambda: actions.file_item(item, request.user),
        _("Ärende %(number)s läggs till handlingarna.") % {"number": item.number},
    )


@login_required
@require_http_methods(FORM)
def signatories(request, pk):
    meeting = _planned_meeting(request, pk)
    initial = {
        "chair": meeting.chair,
        "secretary": meeting.secretary,
        "adjusters": [
            s.person for s in meeting.signatories.filter(role=Signatory.Role.ADJUSTER).select_related("person")
        ],
    }
    form = SignatoriesForm(request.POST or None, meeting=meeting, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_signatories(meeting, request.user, **form.cleaned_data)
            messages.success(request, _("Ordförande, sekreterare och justerare är sparade."))
            return redirect(url("meeting", meeting.pk))
        except ValidationError as error:
            form.add_error(None, error)
    return _form(request, form, _("Ordförande, sekreterare och justerare"), url("meeting", meeting.pk))


def _form(request, form, title, cancel_url, *, multipart=False):
    """A plain (not model) form on the one staff form page (`multipart` when it takes a file); 400 when it was
    posted and is wrong."""
    return render(
        request,
        "structure/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "reason_field": False, "multipart": multipart},
        status=form_status(request, form),
    )


# Adjustment, versions and corrections --------------------------------------------------------------------


@login_required
@require_http_methods(FORM)
def paper_adjustment(request, pk):
    """ "Justerat på papper": the secretary records that the minutes were signed by hand (the day and who signed);
    the minutes are then locked and versioned exactly as after the last digital signature. Only for minutes that
    are held or ready for adjustment and not locked; otherwise the meeting page, with the reason."""
    meeting = _planned_meeting(request, pk)
    signers = [s.person for s in meeting.signatories.select_related("person").order_by("role", "pk")]
    posted = request.method == "POST"
    form = PaperAdjustmentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"adjusted_on": timezone.localdate(), "signed_by": ", ".join(str(p) for p in signers)},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_paper_adjustment(
                meeting,
                request.user,
                adjusted_on=data["adjusted_on"],
                signed_by=data["signed_by"],
                scan=form.signed_copy(),
            )
            messages.success(request, _("Justeringen på papper är registrerad och protokollet är låst."))
            return redirect(url("meeting", meeting.pk))
        except ValidationError as error:
            form.add_error(None, error)
    return _form(request, form, _("Justerat på papper"), url("meeting", meeting.pk), multipart=True)


@login_required
@require_safe
def to_sign(request):
    """Minutes waiting for the logged-in user's signature."""
    meetings = meetings_to_sign(request.user).select_related("body__area").order_by("first_day", "pk")
    return render(request, "meetings/to_sign.html", {"meetings": meetings})


@login_required
@require_http_methods(FORM)
def sign(request, pk):
    """The chair or an adjuster reads the minutes and signs them ("Justera")."""
    meeting, mine, waiting, may_read = get_meeting_to_sign(request.user, pk)
    if request.method == "POST":
        try:
            locked = actions.sign_minutes(meeting, request.user)
            if locked:
                messages.success(request, _("Du har justerat protokollet. Alla har nu justerat, så det är låst."))
            else:
                messages.success(request, _("Du har justerat protokollet."))
        except ValidationError as error:
            messages.error(request, nothing_changed(error.messages))
        if not visible_meetings(request.user).filter(pk=meeting.pk).exists():
            return redirect(url("to_sign"))  # signed: the meeting is as closed to them as to anyone outside it
        return redirect(url("sign", meeting.pk))
    return render(
        request,
        "meetings/sign.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "mine": mine,
            "waiting": waiting,
            "minutes": present_minutes(shown_content(meeting), may_read),
        },
    )


@login_required
@require_safe
def version(request, pk, number):
    meeting = _planned_meeting(request, pk)
    return render_version(
        request, meeting, number, back=url("meeting", meeting.pk), url_of=lambda n: url("version", pk, n)
    )


def with_reasons(user, meeting, versions, *, content=False):
    """The stored `versions` of `meeting`'s minutes (a queryset) as a list, each with `shown_reason`: its reason
    if `user` may read the item it corrects, else "" (`access.reason_reader`). Without their content unless
    `content`. One query, and one more for the items' visibility when a version has a reason."""
    reason_of = reason_reader(user, meeting)
    versions = list(versions if content else versions.defer("content"))
    for v in versions:
        v.shown_reason = reason_of(v)
    return versions


def render_version(request, meeting, number, *, back, url_of, crumbs=None):
    """One stored version of the minutes, as it was; the reader sees only the items they may read."""
    body = meeting.body
    versions = with_reasons(request.user, meeting, meeting.versions.order_by("number"))
    if number not in {v.number for v in versions}:
        raise Http404
    [stored] = with_reasons(request.user, meeting, meeting.versions.filter(number=number), content=True)
    for v in versions:
        v.url = url_of(v.number)
    return render(
        request,
        "meetings/version.html",
        {
            "meeting": meeting,
            "body": body,
            "version": stored,
            "versions": versions,
            "minutes": present_minutes(
                with_notice(stored.content, meeting), then_and_now_reader(item_reader(request.user, body), meeting)
            ),
            "back": back,
            "crumbs": crumbs,
        },
    )


@login_required
@require_http_methods(FORM)
def item_correct(request, pk):
    """ "Rätta protokollet": new text for one item of locked minutes, with the reason; a new version."""
    item = get_item_for_user(request.user, pk, change=True)
    meeting = _planned_meeting(request, item.meeting_id)
    if not meeting.is_locked:
        messages.info(request, _("Protokollet är inte låst ännu, så ärendet ändras direkt."))
        return redirect(url("item_minutes", item.pk))
    form = CorrectionForm(
        request.POST or None,
        item=item,
        initial={"minutes": item.minutes, "decision": item.decision, "visibility": item.visibility},
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            stored = actions.correct_minutes(item, request.user, **form.cleaned_data)
            messages.success(request, _("Rättelsen är sparad som version %(n)s.") % {"n": stored.number})
            return redirect(url("meeting", meeting.pk))
        except ValidationError as error:
            form.add_error(None, error)
    title = _("Rätta protokollet, ärende %(number)s: %(title)s") % {"number": item.number, "title": item.title}
    return _form(request, form, title, url("meeting", meeting.pk))
