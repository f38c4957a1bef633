"""Every change to meetings, agendas and minutes goes through here, so history and invariants live in one place.

The workflow: planned → invited → held → drafted → adjusted (the last signature locks the minutes) →
published, or cancelled before the meeting is held. Notes (anteckningar) are not adjusted: drafted →
published, which locks them. Locked minutes change only through `correct_minutes`, which stores a new
MinutesVersion with the reason.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samverkan.lib.history import save_with_history
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    InvitationAnswer,
    Meeting,
    MeetingDay,
    MinutesVersion,
    Signatory,
    correcting_minutes,
)
from samverkan.meetings.snapshot import minutes_snapshot
from samverkan.structure.models import Membership

_save = save_with_history


def _locked_row(meeting):
    """The meeting read again under a row lock, so two requests cannot take the same step at once."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def create_year_plan(body, year, dates, *, start, end, place, kind, visibility, user):
    """Create one planned meeting per date, all or none."""
    meetings = []
    for day in sorted(dates):
        meeting = Meeting(body=body, kind=kind, place=place, visibility=visibility, plan_year=year)
        meeting.full_clean()
        meeting._history_user = user
        meeting.save()
        meeting_day = MeetingDay(meeting=meeting, date=day, start=start, end=end)
        meeting_day.full_clean()
        meeting_day._history_user = user
        meeting_day.save()
        meetings.append(meeting)
    return meetings


@transaction.atomic
def add_item(meeting, user, **fields):
    """Put an item last on the agenda."""
    last = meeting.items.aggregate(last=Max("position"))["last"]
    item = AgendaItem(meeting=meeting, position=(last or 0) + 1, **fields)
    item.full_clean()
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def take_up_deferred_item(deferred, meeting, number, user):
    """Put an item deferred at an earlier meeting on this meeting's agenda, linked back to it."""
    check_minutes_open(meeting)
    return add_item(
        meeting,
        user,
        number=number,
        title=deferred.title,
        kind=deferred.kind,
        background=deferred.background,
        presenters=deferred.presenters,
        visibility=deferred.visibility,
        continues=deferred,
    )


class LastDay(Exception):
    """A meeting must keep at least one day; cancel it instead."""


@transaction.atomic
def remove_day(day, user):
    meeting = Meeting.objects.select_for_update().get(pk=day.meeting_id)
    check_minutes_open(meeting)
    if meeting.days.count() < 2:
        raise LastDay
    day._history_user = user
    day.delete()


# The workflow --------------------------------------------------------------------------------------------

HELD, DRAFTED, REOPEN, PUBLISH, CANCEL, PLAN = "held", "drafted", "reopen", "published", "cancelled", "planned"


def next_steps(meeting):
    """The workflow steps the meeting's staff page offers now, in order."""
    status, Status = meeting.status, Meeting.Status
    if status in (Status.PLANNED, Status.INVITED):
        return [HELD, CANCEL]
    if status == Status.CANCELLED:
        return [PLAN]
    if status == Status.HELD:
        return [DRAFTED]
    if status == Status.DRAFTED:
        return [PUBLISH, REOPEN] if meeting.kind == Meeting.Kind.NOTES else [REOPEN]
    if status == Status.ADJUSTED:
        return [PUBLISH]
    return []


def minutes_open_error(meeting):
    """Why the minutes cannot be written now, or None. Drafted minutes wait for their signatures (or, for
    notes, for publishing) and are taken back before they change; locked minutes are only corrected."""
    if meeting.is_locked:
        return _(
            "Protokollet är låst sedan det justerades eller publicerades. "
            "Använd ”Rätta protokollet”, som sparar en ny version."
        )
    if meeting.status == Meeting.Status.DRAFTED:
        if meeting.kind == Meeting.Kind.NOTES:
            return _("Anteckningarna är markerade som klara. Ta tillbaka dem för ändring först.")
        return _("Protokollet väntar på justering. Ta tillbaka det för ändring först.")
    return None


def check_minutes_open(meeting):
    error = minutes_open_error(meeting)
    if error:
        raise ValidationError(error)


@transaction.atomic
def mark_invited(meeting, user):
    """The invitation has gone out: note when, and a planned meeting becomes invited. Sending it again
    (a changed agenda) only moves the time; a meeting further on keeps its status."""
    meeting = _locked_row(meeting)
    meeting.invited_at = timezone.now()
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.INVITED
    return _save(meeting, user, _("Kallelse skickad"))


@transaction.atomic
def take_step(meeting, step, user):
    """Take one workflow step; a step that is not open now, or whose conditions are unmet, changes nothing."""
    meeting = _locked_row(meeting)
    if step not in next_steps(meeting):
        raise ValidationError(
            _("Det steget går inte att ta när mötet har status ”%(status)s”.")
            % {"status": meeting.get_status_display()}
        )
    Status = Meeting.Status
    if step == HELD:
        first = meeting.days.order_by("date").values_list("date", flat=True).first()
        if first is None:
            raise ValidationError(_("Mötet har inga dagar. Lägg till en mötesdag först."))
        if first > timezone.localdate():
            raise ValidationError(
                _("Mötet har inte ägt rum ännu (första dagen är %(date)s).") % {"date": first.isoformat()}
            )
        meeting.status = Status.HELD
    elif step == DRAFTED:
        if meeting.kind == Meeting.Kind.MINUTES:
            _check_ready_for_adjustment(meeting)
        meeting.status = Status.DRAFTED
    elif step == REOPEN:
        reason = _("Tillbaka för ändring; justeringarna är borttagna.")
        for signatory in meeting.signatories.exclude(signed_at=None):
            signatory.signed_at, signatory.signed_by = None, None
            _save(signatory, user, reason)
        meeting.status = Status.HELD
    elif step == PUBLISH:
        now = timezone.now()
        if meeting.kind == Meeting.Kind.NOTES:
            meeting.locked_at = now  # notes are public once published, so they are locked like adjusted minutes
        meeting.status, meeting.published_at = Status.PUBLISHED, now
    elif step == CANCEL:
        meeting.status = Status.CANCELLED
    elif step == PLAN:
        meeting.status = Status.PLANNED
    _save(meeting, user, reason if step == REOPEN else "")
    if step == PUBLISH and not meeting.versions.exists():
        _store_version(meeting, user)
    return meeting


def _check_ready_for_adjustment(meeting):
    problems = []
    signatories = list(meeting.signatories.select_related("person"))
    if not any(s.role == Signatory.Role.CHAIR for s in signatories):
        problems.append(_("Välj ordförande, som justerar protokollet."))
    for s in signatories:
        if s.person.user_id is None:
            message = _(
                "%(name)s har ingen inloggning och kan därför inte justera. Koppla personen till en inloggning."
            )
            problems.append(message % {"name": s.person})
    if not meeting.attendance.filter(status=Attendance.Status.PRESENT).exists():
        problems.append(_("Fyll i närvaron: protokollet ska visa vilka som deltog."))
    if problems:
        raise ValidationError(problems)


# Attendance ----------------------------------------------------------------------------------------------

GROUP_OF_ROLE = {
    Membership.Role.CHAIR: Attendance.Group.VOTING,
    Membership.Role.VICE_CHAIR: Attendance.Group.VOTING,
    Membership.Role.MEMBER: Attendance.Group.VOTING,
    Membership.Role.SUBSTITUTE: Attendance.Group.SUBSTITUTE,
}
# The roles worth writing next to a name in the attendance list; ledamot and ersättare show in the group.
NAMED_ROLES = {
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.SECRETARY,
    Membership.Role.PROCESS_SUPPORT,
    Membership.Role.CO_OPTED,
}


@transaction.atomic
def fetch_members(meeting, user):
    """Add everyone holding a seat in the body on the meeting's first day who is not yet on the list, with
    group, principal and party from their seat. Who answered the invitation with absence is absent with
    notice, and a substitute named for such a member serves for them among the voting members."""
    meeting = _locked_row(meeting)
    check_minutes_open(meeting)
    first = meeting.days.order_by("date").values_list("date", flat=True).first()
    if first is None:
        raise ValidationError(_("Mötet har inga dagar. Lägg till en mötesdag först."))
    listed = set(meeting.attendance.values_list("person_id", flat=True))
    absent = set(
        InvitationAnswer.objects.filter(meeting=meeting, answer=InvitationAnswer.Answer.ABSENT).values_list(
            "person_id", flat=True
        )
    )
    seats = (
        Membership.objects.current(first)
        .filter(body_id=meeting.body_id)
        .exclude(person_id__in=listed)
        .select_related("person")
        .order_by("pk")
    )
    created = []
    with translation.override("sv"):  # the role is written into the minutes, which are Swedish
        for seat in seats:
            if seat.person_id in listed:
                continue
            listed.add(seat.person_id)
            row = Attendance(
                meeting=meeting,
                person=seat.person,
                group=GROUP_OF_ROLE.get(seat.role, Attendance.Group.OTHER),
                principal_id=seat.principal_id,
                party=seat.party,
                role=str(seat.get_role_display()) if seat.role in NAMED_ROLES else "",
            )
            if seat.person_id in absent:
                row.status = Attendance.Status.ABSENT_NOTICE
            elif seat.role == Membership.Role.SUBSTITUTE and seat.substitute_for_id in absent:
                row.group, row.substitute_for_id = Attendance.Group.VOTING, seat.substitute_for_id
            created.append(_save(row, user))
    return created


@transaction.atomic
def remove_attendance(row, user):
    meeting = _locked_row(row.meeting)
    check_minutes_open(meeting)
    row._history_user = user
    row.delete()


# Minutes per item ----------------------------------------------------------------------------------------

FILED_DECISION = "att lägga informationen till handlingarna"


@transaction.atomic
def file_item(item, user):
    """ "Läggs till handlingarna" in one click: that decision, and the item is handled."""
    meeting = _locked_row(item.meeting)
    check_minutes_open(meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if item.decision.strip():
        raise ValidationError(_("Ärendet har redan ett beslut. Ändra det i protokollet för ärendet i stället."))
    item.decision, item.outcome, item.deferred_to = FILED_DECISION, AgendaItem.Outcome.HANDLED, None
    return _save(item, user, _("Läggs till handlingarna"))


@transaction.atomic
def set_signatories(meeting, user, *, chair, secretary, adjusters):
    """Name the chair and secretary of the minutes, and who signs them: the chair and each adjuster."""
    meeting = _locked_row(meeting)
    check_minutes_open(meeting)
    if chair is not None and chair in adjusters:
        raise ValidationError(_("Ordföranden justerar redan protokollet och kan inte också vara justerare."))
    meeting.chair, meeting.secretary = chair, secretary
    _save(meeting, user)
    wanted = {person.pk: Signatory.Role.ADJUSTER for person in adjusters}
    if chair is not None:
        wanted[chair.pk] = Signatory.Role.CHAIR
    for signatory in meeting.signatories.all():
        role = wanted.pop(signatory.person_id, None)
        if role is None:
            signatory._history_user = user
            signatory.delete()
        elif role != signatory.role:
            signatory.role = role
            _save(signatory, user)
    for person_id, role in wanted.items():
        _save(Signatory(meeting=meeting, person_id=person_id, role=role), user)
    return meeting


# Adjustment ----------------------------------------------------------------------------------------------


@transaction.atomic
def sign_minutes(meeting, user):
    """The logged-in chair or adjuster signs; the last signature locks the minutes, sets the notice date and
    stores version 1. Returns True when that signature locked them."""
    meeting = _locked_row(meeting)
    if meeting.kind != Meeting.Kind.MINUTES or meeting.status != Meeting.Status.DRAFTED:
        raise ValidationError(_("Protokollet väntar inte på justering."))
    signatories = list(meeting.signatories.select_related("person"))
    mine = [s for s in signatories if s.person.user_id == user.pk and s.signed_at is None]
    if not mine:
        raise ValidationError(_("Det finns inget för dig att justera i det här protokollet."))
    now = timezone.now()
    for signatory in mine:
        signatory.signed_at, signatory.signed_by = now, user
        _save(signatory, user, _("Justerat"))
    # The meeting's own history tells who signed; the last signature also locks the minutes.
    signed = _("%(name)s justerade som %(role)s.") % {
        "name": ", ".join(str(s.person) for s in mine),
        "role": ", ".join(str(s.get_role_display()).lower() for s in mine),
    }
    if any(s.signed_at is None for s in signatories):
        _save(meeting, user, signed)
        return False
    meeting.status, meeting.locked_at = Meeting.Status.ADJUSTED, now
    meeting.notice_date = timezone.localdate(now)
    _save(meeting, user, signed + " " + _("Alla har justerat; protokollet är låst."))
    _store_version(meeting, user)
    return True


def _store_version(meeting, user, reason=""):
    last = meeting.versions.aggregate(last=Max("number"))["last"] or 0
    version = MinutesVersion(
        meeting=meeting,
        number=last + 1,
        reason=reason,
        content=minutes_snapshot(meeting),
        created_at=timezone.now(),
        created_by=user,
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def correct_minutes(item, user, *, minutes, decision, reason):
    """The one way to change locked minutes: the item's new text and a new MinutesVersion with the reason,
    together or not at all. Earlier versions stay as they were."""
    meeting = _locked_row(item.meeting)
    if not meeting.is_locked:
        raise ValidationError(_("Protokollet är inte låst. Ändra ärendet direkt i stället."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Skriv skälet till rättelsen."))
    item = AgendaItem.objects.get(pk=item.pk)
    if (item.minutes, item.decision) == (minutes, decision):
        raise ValidationError(_("Texten är oförändrad, så det finns inget att rätta."))
    if not meeting.versions.exists():
        _store_version(meeting, user)  # keep the minutes as they were locked before the first correction
    with correcting_minutes():
        item.minutes, item.decision = minutes, decision
        _save(item, user, reason)
    return _store_version(meeting, user, reason)
