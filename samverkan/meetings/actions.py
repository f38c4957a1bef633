"""Every change to meetings, agendas and minutes goes through here, so history and invariants live in one place.

The workflow: planned → invited → held → drafted → adjusted (the last signature locks the minutes) →
published, or cancelled before the meeting is held. Notes (anteckningar) are not adjusted: drafted →
published, which locks them. Locked minutes change only through `correct_minutes`, which stores a new
MinutesVersion with the reason.
"""

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.lib.forms import save_record
from samverkan.lib.history import attribute, save_with_history
from samverkan.lib.locks import locked
from samverkan.lib.visibility import Visibility
from samverkan.meetings import extract, notifications, numbering
from samverkan.meetings.extract import Kind, original_name
from samverkan.meetings.invitations import NotInvitable, invitable_problem, invitees, substitutes_for
from samverkan.meetings.lock import correcting_minutes
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Invitation,
    InvitationAnswer,
    Meeting,
    MeetingDay,
    MeetingMail,
    MinutesVersion,
    PaperAdjustment,
    Signatory,
)
from samverkan.meetings.personal_data import (
    check_before_publishing,
    check_correction,
    check_saved_record,
    document_places,
    personal_number_places,
    refusal,
)
from samverkan.meetings.snapshot import minutes_snapshot
from samverkan.meetings.tasks import queue_after_commit, queue_text_extraction, read_document_text
from samverkan.structure.models import Body, Membership, Person

# Who changes: `Changer` (a login or None for the system); where the user is stored in a foreign key to User
# (signed_by, created_by, uploaded_by, sent_by), a `User` or None.
if TYPE_CHECKING:  # only for mypy: ModelForm takes no type arguments at run time, auth models need the registry
    from django.contrib.auth.models import User
    from django.forms import ModelForm

    from samverkan.lib.history import Changer

M = TypeVar("M", bound=models.Model)
_save = save_with_history


def _locked_row(meeting: Meeting) -> Meeting:
    """The meeting read again under a row lock, so two requests cannot take the same step at once."""
    row: Meeting = locked(Meeting.objects.all()).get(pk=meeting.pk)
    return row


@transaction.atomic
def create_year_plan(
    body: Body,
    year: int,
    dates: Iterable[date],
    *,
    start: time,
    end: time | None,
    place: str,
    kind: str,
    visibility: str,
    user: "Changer",
) -> list[Meeting]:
    """Create one planned meeting per date, all or none."""
    meetings = []
    for day in sorted(dates):
        meeting = Meeting(body=body, kind=kind, place=place, visibility=visibility, plan_year=year)
        meeting.full_clean()
        attribute(meeting, user)
        meeting.save()
        meeting_day = MeetingDay(meeting=meeting, date=day, start=start, end=end)
        meeting_day.full_clean()
        attribute(meeting_day, user)
        meeting_day.save()
        meetings.append(meeting)
    return meetings


@transaction.atomic
def add_item(meeting: Meeting, user: "Changer", **fields: Any) -> AgendaItem:
    """Put an item last on the agenda."""
    last = meeting.items.aggregate(last=Max("position"))["last"]
    item = AgendaItem(meeting=meeting, position=(last or 0) + 1, **fields)
    item.full_clean()
    attribute(item, user)
    item.save()
    numbering.settle_series(meeting, user)
    return item


@transaction.atomic
def take_up_deferred_item(deferred: AgendaItem, meeting: Meeting, number: str, user: "Changer") -> AgendaItem:
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
def remove_day(day: MeetingDay, user: "Changer") -> None:
    """Remove a day of the meeting; raises ValidationError when the minutes are not open, LastDay for its
    only day."""
    meeting = locked(Meeting.objects.all()).get(pk=day.meeting_id)
    check_minutes_open(meeting)
    if meeting.days.count() < 2:
        raise LastDay
    notifications.queue_day_removed(meeting, day)  # a CANCEL for that day's event alone
    attribute(day, user)
    day.delete()


# The workflow --------------------------------------------------------------------------------------------

HELD, DRAFTED, REOPEN, PUBLISH, CANCEL, PLAN = "held", "drafted", "reopen", "published", "cancelled", "planned"
# Not a status: makes a draft agenda, its backgrounds and documents public before the invitation is sent.
AGENDA = "agenda"


def next_steps(meeting: Meeting) -> list[str]:
    """The workflow steps the meeting's staff page offers now, in order."""
    status, Status = meeting.status, Meeting.Status
    agenda = [] if meeting.agenda_is_public or meeting.imported else [AGENDA]
    if status in (Status.PLANNED, Status.INVITED):
        return [*agenda, HELD, CANCEL]
    if status == Status.CANCELLED:
        return [PLAN]
    if status == Status.HELD:
        return [DRAFTED]
    if status == Status.DRAFTED:
        return [PUBLISH, REOPEN] if meeting.kind == Meeting.Kind.NOTES else [REOPEN]
    if status == Status.ADJUSTED:
        return [PUBLISH]
    return []


def minutes_open_error(meeting: Meeting) -> str | None:
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


def check_minutes_open(meeting: Meeting) -> None:
    """Raise ValidationError (minutes_open_error's message) unless the minutes can be written now."""
    error = minutes_open_error(meeting)
    if error:
        raise ValidationError(error)


# Staff form saves --------------------------------------------------------------------------------------------
#
# The staff forms of a meeting (its facts, days, agenda items, the minutes per item, attendance) validate what
# they can; the save runs here under the meeting's row lock, the same lock the workflow steps and signing take,
# so a signature that locks the minutes, or a step to drafted, cannot slip in between the form's check and the
# save. Under the lock the same rule is checked again: drafted minutes are taken back first, and the models
# refuse any change to locked minutes (only what stays free, like the meeting's visibility, passes).


def _save_minutes_form(meeting: Meeting, form: "ModelForm[M]", user: "Changer", reason: object) -> M:
    """Save a form of the meeting's own facts, a day, an item or attendance under the meeting's row lock. Once the
    agenda is out it is public, so what the save makes public is checked for personal identity numbers first
    (the caller's transaction rolls the save back: ValidationError, Swedish, naming where)."""
    locked = _locked_row(meeting)
    if not locked.is_locked:
        check_minutes_open(locked)
    saved = save_record(form, user, reason)
    if _published_at_once(locked):
        check_saved_record(saved, locked)
    return saved


@transaction.atomic
def update_meeting(meeting: Meeting, form: "ModelForm[Meeting]", user: "Changer", reason: object = "") -> Meeting:
    """Save the staff form of the meeting's own facts (MeetingForm). Returns the meeting; raises
    ValidationError when the minutes are drafted or locked meanwhile. A new place is mailed to every invitee
    (notifications.queue_change). A few queries."""
    saved = _save_minutes_form(meeting, form, user, reason)
    if "place" in form.changed_data:
        notifications.queue_change(saved, cancelled=False)
    return saved


@transaction.atomic
def save_day(meeting: Meeting, form: "ModelForm[MeetingDay]", user: "Changer", reason: object = "") -> MeetingDay:
    """Add or change a meeting day (MeetingDayForm) under the meeting's row lock. Returns the day. A new day, date
    or time is mailed to every invitee with an updated .ics (notifications.queue_change)."""
    new = form.instance.pk is None
    saved = _save_minutes_form(meeting, form, user, reason)
    if new or {"date", "start", "end"} & set(form.changed_data):
        notifications.queue_change(_locked_row(meeting), cancelled=False)
    return saved


class SavedItem(NamedTuple):
    """What `save_item` answers: the item, and every provisional § number the save changed (this meeting's
    and later meetings')."""

    item: AgendaItem
    renumbered: list[numbering.Renumbered]


@transaction.atomic
def save_item(meeting: Meeting, form: "ModelForm[AgendaItem]", user: "Changer", reason: object = "") -> SavedItem:
    """Add or change an agenda item, or its minutes, decision and outcome (AgendaItemForm, ItemMinutesForm),
    under the meeting's row lock. On a provisional agenda of a continuous series a typed § number is a place
    (numbering.place_typed_number: the item goes there and the items after it move on; a number another
    meeting holds raises ValidationError), and a moved position renumbers the agenda in its new order; the
    body's later provisional § numbers follow on (numbering.settle_series). Returns a SavedItem."""
    new = form.instance.pk is None
    changed = [] if new else form.changed_data
    placement, kept = None, []
    if new or "number" in changed:
        placement = numbering.place_typed_number(_locked_row(meeting), form.instance, form.instance.number)
        if placement is not None:
            kept = numbering.make_room(meeting, form.instance, placement)
    item = _save_minutes_form(meeting, form, user, reason)
    renumbered = numbering.close_up(kept, placement, user) if placement is not None else []
    if placement is None and "position" in changed:
        renumbered += numbering.settle_series(meeting, user, own=True)  # the numbers follow the new order
    elif new or "number" in changed:
        renumbered += numbering.settle_series(meeting, user)
    return SavedItem(item, renumbered)


ITEM_LOCKED = gettext_lazy("Protokollet är låst, så ärendet kan inte tas bort.")


@transaction.atomic
def remove_item(item: AgendaItem, user: "Changer") -> list[numbering.Renumbered]:
    """Delete an agenda item before its minutes are locked (or drafted: take them back first); its number is
    released, so the body's later provisional § numbers close up. Its documents stay on the meeting, no longer
    tied to an item. Returns the items renumbered. Raises ValidationError when the minutes are not open, or
    when follow-through (an assignment, a recommendation, a later item taking it up) still points at it."""
    meeting = _locked_row(item.meeting)
    if meeting.is_locked:
        raise ValidationError(ITEM_LOCKED)
    check_minutes_open(meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    for document in item.documents.all():
        document.item = None
        _save(document, user, _("Ärendet %(number)s togs bort") % {"number": item.number}, clean=False)
    attribute(item, user)
    try:
        with transaction.atomic():
            item.delete()
    except models.ProtectedError as error:
        raise ValidationError(
            _("Ärendet kan inte tas bort: uppdrag eller rekommendationer hänvisar till det.")
        ) from error
    return numbering.settle_series(meeting, user)


@transaction.atomic
def save_attendance(
    meeting: Meeting, form: "ModelForm[Attendance]", user: "Changer", reason: object = ""
) -> Attendance:
    """Add or change a row of the attendance list (AttendanceCreateForm, AttendanceForm, with its days and the
    items the person was away for) under the meeting's row lock. Returns the row."""
    return _save_minutes_form(meeting, form, user, reason)


@transaction.atomic
def mark_invited(meeting: Meeting, user: "Changer") -> Meeting:
    """The invitation has gone out: note when, and a planned meeting becomes invited. Sending it again
    (a changed agenda) only moves the time; a meeting further on keeps its status."""
    meeting = _locked_row(meeting)
    meeting.invited_at = timezone.now()
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.INVITED
    return _save(meeting, user, _("Kallelse skickad"))


@transaction.atomic
def take_step(
    meeting: Meeting, step: str, user: "User | None", renumbered: list[numbering.Renumbered] | None = None
) -> Meeting:
    """Take one workflow step; a step that is not open now, or whose conditions are unmet, changes nothing
    (ValidationError, Swedish). AGENDA publishes a draft agenda (with its backgrounds and documents) before the
    invitation is sent; PUBLISH of adjusted minutes sets the notice date (KL 8:12), from which the appeal period
    runs. CANCEL, PLAN and DRAFTED (which fixes the § numbers) may renumber provisional agendas: the changes are
    appended to `renumbered` when a list is given, for the page to tell."""
    changes: list[numbering.Renumbered] = []
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
        changes += numbering.fix_numbers(meeting, user)  # the § numbers are fixed when the minutes go for adjustment
        meeting.status = Status.DRAFTED
    elif step == REOPEN:
        reason = _("Tillbaka för ändring; justeringen gäller inte längre.")
        for signatory in meeting.signatories.exclude(signed_at=None):
            signatory.signed_at, signatory.signed_by = None, None
            _save(signatory, user, reason)
        meeting.status = Status.HELD
    elif step == PUBLISH:
        check_before_publishing(meeting, minutes=True)  # no personal identity numbers in public minutes
        now = timezone.now()
        if meeting.kind == Meeting.Kind.NOTES:
            meeting.locked_at = now  # notes are public once published, so they are locked like adjusted minutes
        elif not meeting.imported:
            # Publishing puts the notice of adjustment on the notice board (KL 8:12): the appeal period runs
            # from today, not from the last signature. Imported old minutes had their notice on paper long ago:
            # publishing them puts up no notice and changes none of their dates.
            meeting.notice_date = timezone.localdate(now)
        meeting.status, meeting.published_at = Status.PUBLISHED, now
    elif step == AGENDA:
        check_before_publishing(meeting, minutes=False)  # publishing the agenda publishes its texts and documents
        meeting.agenda_published_at = timezone.now()
    elif step == CANCEL:
        meeting.status = Status.CANCELLED
    elif step == PLAN:
        meeting.status = Status.PLANNED
    _save(meeting, user, reason if step == REOPEN else _("Dagordningen publicerad") if step == AGENDA else "")
    if step == CANCEL:
        changes += numbering.settle_series(meeting, user)  # a cancelled meeting releases its provisional numbers
    elif step == PLAN:
        changes += numbering.settle_series(meeting, user, own=True)
    if renumbered is not None:
        renumbered.extend(changes)
    if step == PUBLISH and not meeting.versions.exists():
        _store_version(meeting, user)
    if step == DRAFTED and meeting.kind == Meeting.Kind.MINUTES:
        notifications.queue_to_sign(meeting)  # "Klart för justering" to the chair and each adjuster
    elif step == CANCEL:
        notifications.queue_change(meeting, cancelled=True)
    elif step == PUBLISH:
        notifications.queue_published(meeting)
    return meeting


def _check_ready_for_adjustment(meeting: Meeting) -> None:
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
    # Chosen while present, then recorded as away: only one who was there attests the minutes (KL 5:69).
    away = _not_present([s.person_id for s in signatories], meeting)
    if away:
        problems.append(
            _("%(names)s var inte närvarande enligt närvarolistan och kan inte justera protokollet.")
            % {"names": ", ".join(away)}
        )
    if problems:
        raise ValidationError(problems)


def _not_present(person_ids: list[int], meeting: Meeting) -> list[str]:
    """The names, sorted, of those of `person_ids` whom the meeting's attendance list records as not present
    (no row: not recorded, so not refused). One query."""
    away = meeting.attendance.filter(person_id__in=person_ids).exclude(status=Attendance.Status.PRESENT)
    return sorted(str(row.person) for row in away.select_related("person"))


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
def fetch_members(meeting: Meeting, user: "Changer") -> list[Attendance]:
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
def remove_attendance(row: Attendance, user: "Changer") -> None:
    """Take the row off the attendance list; raises ValidationError when the minutes are not open."""
    meeting = _locked_row(row.meeting)
    check_minutes_open(meeting)
    attribute(row, user)
    row.delete()


# Minutes per item ----------------------------------------------------------------------------------------

FILED_DECISION = "att lägga informationen till handlingarna"


@transaction.atomic
def file_item(item: AgendaItem, user: "Changer") -> AgendaItem:
    """ "Läggs till handlingarna" in one click: that decision, and the item is handled."""
    meeting = _locked_row(item.meeting)
    check_minutes_open(meeting)
    if not meeting.is_held:
        raise ValidationError(_("Mötet har inte hållits ännu. Beslut och utfall skrivs in när mötet är genomfört."))
    item = AgendaItem.objects.get(pk=item.pk)
    if item.decision.strip():
        raise ValidationError(_("Ärendet har redan ett beslut. Ändra det i protokollet för ärendet i stället."))
    item.decision, item.outcome, item.deferred_to = FILED_DECISION, AgendaItem.Outcome.HANDLED, None
    return _save(item, user, _("Läggs till handlingarna"))


@transaction.atomic
def set_signatories(
    meeting: Meeting, user: "Changer", *, chair: Person | None, secretary: Person | None, adjusters: Sequence[Person]
) -> Meeting:
    """Name the chair and secretary of the minutes, and who signs them: the chair and each adjuster. Raises
    ValidationError (Swedish, nothing saved) when the chair is also named adjuster, or when the chair or an
    adjuster is recorded in the attendance list as not present: only one who was there can attest that the
    minutes are right (KL 5:69)."""
    meeting = _locked_row(meeting)
    check_minutes_open(meeting)
    if chair is not None and chair in adjusters:
        raise ValidationError(_("Ordföranden justerar redan protokollet och kan inte också vara justerare."))
    names = _not_present([person.pk for person in (chair, *adjusters) if person is not None], meeting)
    if names:
        raise ValidationError(
            _("%(names)s var inte närvarande enligt närvarolistan och kan inte justera protokollet.")
            % {"names": ", ".join(names)}
        )
    meeting.chair, meeting.secretary = chair, secretary
    _save(meeting, user)
    wanted = {person.pk: Signatory.Role.ADJUSTER for person in adjusters}
    if chair is not None:
        wanted[chair.pk] = Signatory.Role.CHAIR
    for signatory in meeting.signatories.all():
        role = wanted.pop(signatory.person_id, None)
        if role is None:
            attribute(signatory, user)
            signatory.delete()
        elif role != signatory.role:
            signatory.role = role
            _save(signatory, user)
    for person_id, role in wanted.items():
        _save(Signatory(meeting=meeting, person_id=person_id, role=role), user)
    return meeting


# Adjustment ----------------------------------------------------------------------------------------------


@transaction.atomic
def sign_minutes(meeting: Meeting, user: "User") -> bool:
    """The logged-in chair or adjuster signs; the last signature locks the minutes and stores version 1. The
    notice date is set when the minutes are published (take_step PUBLISH), which puts up the notice. Returns True
    when that signature locked them."""
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
    _save(meeting, user, signed + " " + _("Alla har justerat; protokollet är låst."))
    _store_version(meeting, user)
    return True


class SignedCopy(NamedTuple):
    """The scan of minutes signed on paper, already through the upload checks (`forms.checked_upload`): the bytes,
    the uploaded file's name, its kind (`extract.examine`) and the visibility chosen for it."""

    data: bytes
    name: str
    kind: Kind
    visibility: str


@transaction.atomic
def record_paper_adjustment(
    meeting: Meeting, user: "User | None", *, adjusted_on: date, signed_by: str, scan: SignedCopy | None = None
) -> Meeting:
    """Minutes adjusted on paper: record the day and who signed (as text), then lock the minutes and store a
    version exactly as the last digital signature does (`sign_minutes`). Open for minutes (not notes) that are
    held or drafted and not locked; the day may not be before the meeting's first day nor in the future. Held
    minutes get their numbers fixed first, as sending them for adjustment would. The page and the PDF then say
    "Justerat på papper". `scan`, the signed copy, is stored as a document of the meeting (kind SIGNED_COPY,
    `add_document`, with the visibility it carries) and linked from the PaperAdjustment. Raises ValidationError
    (Swedish) and changes nothing otherwise (a stored scan's file is removed again)."""
    meeting = _locked_row(meeting)
    if meeting.kind != Meeting.Kind.MINUTES or meeting.status not in (Meeting.Status.HELD, Meeting.Status.DRAFTED):
        raise ValidationError(_("Bara ett protokoll som är genomfört eller klart för justering kan justeras."))
    if meeting.is_locked or PaperAdjustment.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("Protokollet är redan justerat."))
    first = meeting.days.order_by("date").values_list("date", flat=True).first()
    if adjusted_on > timezone.localdate():
        raise ValidationError(_("Justeringsdagen kan inte ligga i framtiden."))
    if first and adjusted_on < first:
        raise ValidationError(_("Protokollet kan inte ha justerats före mötet (%(date)s).") % {"date": first})
    signed_by = " ".join((signed_by or "").split())[:300]
    if not signed_by:
        raise ValidationError(_("Ange vem eller vilka som justerade."))
    document = None
    if scan is not None:
        title = _("Underskrivet exemplar, justerat %(date)s") % {"date": adjusted_on.isoformat()}
        document = add_document(
            meeting,
            data=scan.data,
            name=scan.name,
            kind=scan.kind,
            title=title,
            number="",
            item=None,
            visibility=scan.visibility,
            user=user,
            document_kind=Document.Kind.SIGNED_COPY,
        )
    try:
        if meeting.status == Meeting.Status.HELD:
            numbering.fix_numbers(meeting, user)
        record = PaperAdjustment(
            meeting=meeting, adjusted_on=adjusted_on, signed_by=signed_by, recorded_by=user, document=document
        )
        record.full_clean()
        record.save()
        meeting.status, meeting.locked_at = Meeting.Status.ADJUSTED, timezone.now()
        why = _("Justerat på papper %(date)s av %(names)s; protokollet är låst.")
        _save(meeting, user, why % {"date": adjusted_on.isoformat(), "names": signed_by})
        _store_version(meeting, user)
    except BaseException:
        if document is not None:
            default_storage.delete(document.file.name)
        raise
    return meeting


def _store_version(
    meeting: Meeting,
    user: "User | None",
    reason: str = "",
    item: AgendaItem | None = None,
    document: Document | None = None,
) -> MinutesVersion:
    last = meeting.versions.aggregate(last=Max("number"))["last"] or 0
    version = MinutesVersion(
        meeting=meeting,
        number=last + 1,
        reason=reason,
        item=item,
        document=document,
        content=minutes_snapshot(meeting),
        created_at=timezone.now(),
        created_by=user,
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def correct_minutes(
    item: AgendaItem,
    user: "User | None",
    *,
    minutes: str,
    decision: str,
    reason: str | None,
    visibility: str | None = None,
) -> MinutesVersion:
    """The one way to change locked minutes: the item's new text, or a stricter visibility (say, to keep a
    personal identity number out of what is published, OSL 21:1), and a new MinutesVersion with the reason,
    together or not at all. Visibility may only be tightened: what was published stays published. Earlier
    versions stay as they were (their pages show each item at the stricter of then and now). Raises
    ValidationError (Swedish)."""
    meeting = _locked_row(item.meeting)
    if not meeting.is_locked:
        raise ValidationError(_("Protokollet är inte låst. Ändra ärendet direkt i stället."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Skriv skälet till rättelsen."))
    item = AgendaItem.objects.get(pk=item.pk)
    visibility = visibility or item.visibility
    if Visibility.stricter(item.visibility, visibility) != Visibility.of(visibility):
        raise ValidationError(_("Synligheten kan bara skärpas i ett låst protokoll, aldrig öppnas."))
    if (item.minutes, item.decision, item.visibility) == (minutes, decision, visibility):
        raise ValidationError(_("Texten är oförändrad, så det finns inget att rätta."))
    if not meeting.versions.exists():
        _store_version(meeting, user)  # keep the minutes as they were locked before the first correction
    item.minutes, item.decision, item.visibility = minutes, decision, visibility
    item.meeting = meeting
    check_correction(item)
    with correcting_minutes():
        _save(item, user, reason)
    return _store_version(meeting, user, reason, item)


@transaction.atomic
def correct_document(document: Document, user: "User | None", *, visibility: str, reason: str | None) -> MinutesVersion:
    """The one way to change a document of an item of locked minutes: a stricter visibility (a public document
    wrongly attached, or one holding a personal identity number, made internal or confidential, OSL 21:1 and
    GDPR art. 9), recorded with the reason as the document's history row and a new MinutesVersion, together or
    not at all. Never opened: what was published stays published, and the file stays in the record. Raises
    ValidationError (Swedish) when the minutes are not locked, the reason is empty or the visibility is not
    stricter."""
    meeting = _locked_row(document.meeting)
    if not meeting.is_locked:
        raise ValidationError(_("Protokollet är inte låst. Ändra handlingen direkt i stället."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Skriv skälet till rättelsen."))
    document = Document.objects.get(pk=document.pk)
    current = Visibility.of(document.visibility)
    if Visibility.stricter(current, visibility) != Visibility.of(visibility) or current == Visibility.of(visibility):
        raise ValidationError(_("Synligheten kan bara skärpas i ett låst protokoll, aldrig öppnas."))
    if not meeting.versions.exists():
        _store_version(meeting, user)  # keep the minutes as they were locked before the first correction
    with correcting_minutes():
        document.visibility = visibility  # checked above; nothing else of the document changes
        _save(document, user, reason[:100], clean=False)
    return _store_version(meeting, user, reason, document.item, document)


# Documents ---------------------------------------------------------------------------------------------------

DOCUMENT_LOCKED = gettext_lazy(
    "Protokollet är justerat och låst. Handlingar som hör till ett ärende kan inte läggas till, ändras eller "
    "tas bort. Inget har sparats."
)


class DocumentLocked(Exception):
    """The minutes are locked, so their items' documents stay as they are."""


def add_document(
    meeting: Meeting,
    *,
    data: bytes,
    name: str | None,
    kind: Kind,
    title: str,
    number: str,
    item: AgendaItem | None,
    visibility: str,
    user: "User | None",
    document_kind: str = Document.Kind.ATTACHMENT,
) -> Document:
    """Store the file through the storage API and record the document; if the record fails, the file goes too.

    `kind` is extract.examine's result for `data`; `document_kind` the Document.Kind (a signed copy is stored by
    `record_paper_adjustment`). The file is stored outside the transaction (a storage
    is no database); the record is saved in one. Its text is read by the worker once this commits
    (tasks.extract_text, in a limited child process), except for a document that is public the moment it is
    stored (a meeting whose agenda is out): its text is read now, in the same limited child process, so the
    personal identity number check sees it before anyone else can (an unreadable one is refused unless
    confidential). Raises ValidationError from the model or the checks (Swedish)."""
    name = original_name(name)
    text, text_state = "", Document.TextState.WAITING
    if _published_at_once(meeting) and visibility != Visibility.CONFIDENTIAL:
        try:
            text, text_state = extract.extract_text(data, kind.name), Document.TextState.READ
        except extract.Refused as error:
            raise ValidationError(UNREAD_PUBLIC_DOCUMENT % {"reason": extract.message(error)}) from error
    document = Document(
        meeting=meeting,
        item=item,
        kind=document_kind,
        title=title or PurePath(name).stem[:300] or name,
        number=number,
        original_name=name,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        text_state=text_state,
        visibility=visibility,
        uploaded_at=timezone.now(),
        uploaded_by=user,
    )
    # A random stored name: the user's name of the file stays in original_name and never becomes a path.
    document.file.save(f"{uuid.uuid4().hex}{kind.suffixes[0]}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            locked = _locked_row(meeting)
            if locked.is_locked and item is not None:
                raise ValidationError(DOCUMENT_LOCKED)
            document.full_clean()
            _check_published_document(locked, document)
            attribute(document, user)
            document.save()
            if text_state == Document.TextState.WAITING:
                queue_text_extraction(document)
    except Exception:
        default_storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def update_document(document: Document, form: "ModelForm[Document]", user: "Changer", reason: object = "") -> Document:
    """Save the document's title, number and visibility (DocumentEditForm) under the meeting's row lock; a
    document of an item of locked minutes raises ValidationError(DOCUMENT_LOCKED)."""
    meeting = _locked_row(document.meeting)
    if meeting.is_locked and document.item_id:
        raise ValidationError(DOCUMENT_LOCKED)
    _check_published_document(meeting, form.instance)
    return save_record(form, user, reason)


UNREAD_PUBLIC_DOCUMENT = _(
    "Dagordningen är redan ute, så handlingen publiceras direkt, men dess text gick inte att läsa för granskning "
    "av personnummer (%(reason)s). Inget har sparats. Ladda upp en läsbar fil eller markera handlingen som "
    "sekretess."
)


# At most this many unread documents are read in one request before publishing; the rest wait for the worker.
READ_BEFORE_PUBLISHING = 20


def read_unread_documents(meeting: Meeting) -> int:
    """Read now the text of the meeting's documents (not confidential) that the worker has not read yet, so
    what the invitation, publishing the agenda or publishing the minutes is about to make public can be checked
    for personal identity numbers without waiting for the worker. Each is read like the worker does
    (`tasks.read_document_text`: a child process under the upload sandbox's memory, CPU and time limits), at
    most READ_BEFORE_PUBLISHING of them. Call it outside a transaction, before the action: no row lock is held
    while a file is read. Returns how many were read."""
    waiting = meeting.documents.filter(text_state=Document.TextState.WAITING).exclude(
        visibility=Visibility.CONFIDENTIAL
    )
    pks = list(waiting.values_list("pk", flat=True)[:READ_BEFORE_PUBLISHING])
    for pk in pks:
        read_document_text(pk)
    return len(pks)


def _published_at_once(meeting: Meeting) -> bool:
    """Whether what is added to `meeting` now is published at once: its agenda is out (invited, the agenda
    published, or held) or its minutes are published."""
    return bool(meeting.agenda_is_public or meeting.is_published)


def _check_published_document(meeting: Meeting, document: Document) -> None:
    """A document added or changed once the agenda is out (invited or published) is published at once, so it
    may not hold a personal identity number unless it is confidential: raises ValidationError (Swedish)."""
    if not _published_at_once(meeting):
        return
    document.meeting = meeting
    places = document_places([document])
    if places:
        raise ValidationError(refusal(places))


@transaction.atomic
def remove_document(document: Document, user: "Changer") -> None:
    """Remove the document (its history keeps who and when) and, once that is committed, its file.

    Raises DocumentLocked for a document of an item of locked minutes."""
    meeting = _locked_row(document.meeting)
    if meeting.is_locked and document.item_id:
        raise DocumentLocked
    stored = document.file.name
    attribute(document, user)
    document.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))


# The invitation and the answers -------------------------------------------------------------------------------


def _queue_mail(meeting: Meeting, kind: str, memberships: Iterable[Membership], now: datetime, **cause: Any) -> None:
    """One MeetingMail per membership (to the person's address), sent by the worker once this commits."""
    mails = MeetingMail.objects.bulk_create(
        MeetingMail(meeting=meeting, kind=kind, membership=m, address=m.person.email, queued_at=now, **cause)
        for m in memberships
    )
    queue_after_commit(mails)


class SentInvitation(NamedTuple):
    """What `send_invitation` answers: the Invitation row, and the memberships of those called who have no
    e-mail address (so got nothing)."""

    invitation: Invitation
    without_email: list[Membership]


@transaction.atomic
def send_invitation(meeting: Meeting, user: "User | None") -> SentInvitation:
    """Record the invitation, mark the meeting invited and queue one e-mail per invitee with an address.

    The e-mails are MeetingMail rows in the same transaction; the task worker sends them once it is committed
    (tasks.queue_after_commit), so no mail server is spoken to under the meeting's row lock, and a mail that
    fails stays recorded as unsent. Returns a SentInvitation (invitation, memberships of those without e-mail). Raises
    NotInvitable (cancelled, held, or no days)."""
    meeting = locked(Meeting.objects.select_related("body__area")).get(pk=meeting.pk)
    problem = invitable_problem(meeting)
    if problem:
        raise NotInvitable(problem)
    places = personal_number_places(meeting, minutes=False)  # the invitation publishes the agenda
    if places:
        raise NotInvitable(refusal(places))
    called = invitees(meeting)
    reachable = [m for m in called if m.person.email]
    meeting = mark_invited(meeting, user)
    now = timezone.now()
    invitation = Invitation.objects.create(meeting=meeting, sent_at=now, sent_by=user, recipients=len(reachable))
    _queue_mail(meeting, MeetingMail.Kind.INVITATION, reachable, now, invitation=invitation)
    return SentInvitation(invitation, [m for m in called if not m.person.email])


class RecordedAnswer(NamedTuple):
    """What `record_answer` answers: the answer row, the substitute memberships told now, whether a
    substitute should have been told but none has an e-mail address, and the substitutes told earlier who are
    now told they are not needed (the member comes after all)."""

    row: InvitationAnswer
    told: list[Membership]
    untold: bool
    released: list[Membership]


@transaction.atomic
def record_answer(
    meeting: Meeting, membership: Membership, answer: str, comment: str, user: "Changer"
) -> RecordedAnswer:
    """Store the member's answer (with history). When they are away, their substitutes are told once: one
    e-mail each, queued for the worker after commit, and `substitute_told_at` is set. When a member whose
    substitutes were told answers that they come after all, those substitutes are told they are not needed (the
    same way), and `substitute_told_at` is cleared, so an absence after that tells them again: otherwise both
    would come to take the same seat.

    Returns a RecordedAnswer: (the answer row, the substitute memberships told now, whether a substitute should
    have been told but none has an e-mail address, the substitutes told they are not needed)."""
    meeting = _locked_row(meeting)
    row = InvitationAnswer.objects.filter(meeting=meeting, person=membership.person).first()
    row = row or InvitationAnswer(meeting=meeting, person=membership.person)
    row.answer, row.comment, row.answered_at = answer, comment, timezone.now()
    told: list[Membership] = []
    released: list[Membership] = []
    untold, told_at = False, None
    if answer != InvitationAnswer.Answer.ABSENT and row.substitute_told_at is not None:
        released = [s for s in substitutes_for(meeting, membership) if s.person.email]
        row.substitute_told_at = None
    elif answer == InvitationAnswer.Answer.ABSENT and row.substitute_told_at is None:
        told = [s for s in substitutes_for(meeting, membership) if s.person.email]
        untold = membership.role in Membership.SEATED_ROLES and not told
        if told:
            row.substitute_told_at = told_at = timezone.now()
    _save(row, user)
    if told_at is not None:
        _queue_mail(meeting, MeetingMail.Kind.SUBSTITUTE, told, told_at, answer=row)
    if released:
        _queue_mail(meeting, MeetingMail.Kind.SUBSTITUTE_RELEASED, released, row.answered_at, answer=row)
    return RecordedAnswer(row, told, untold, released)


def queue_unsent_mail(meeting: Meeting) -> int:
    """Queue again every e-mail of the meeting that has not gone out and that no worker is sending now (after a
    mail server failure). Returns how many. Two queries, then one task row each."""
    unsent = list(meeting.mails.filter(sent_at=None, claimed_at=None))
    queue_after_commit(unsent)
    return len(unsent)


# After a killed worker ------------------------------------------------------------------------------------------

WORKER_STOPPED = gettext_lazy("Arbetaren stoppades medan e-postmeddelandet skickades; det skickas igen.")


def reclaim_stale_mail(older_than: datetime) -> int:
    """E-mails a worker claimed before `older_than` and never marked sent (the worker was killed between claim and
    send) are given back with that reason as their last error and queued again, so they are retried: at least
    once rather than never, once a claim is older than any send can take. Returns how many."""
    with transaction.atomic():
        stale = list(MeetingMail.objects.filter(sent_at=None, claimed_at__lt=older_than))
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(WORKER_STOPPED)
        MeetingMail.objects.filter(pk__in=[m.pk for m in stale]).update(claimed_at=None, error=reason)
        queue_after_commit(stale)
    return len(stale)


def requeue_stale_text(older_than: datetime) -> int:
    """Documents still waiting for their text since before `older_than` (the worker was killed, or the task row
    lost) are queued again; reading a document twice stores the same text. Returns how many."""
    with transaction.atomic():
        stale = list(Document.objects.filter(text_state=Document.TextState.WAITING, uploaded_at__lt=older_than))
        for document in stale:
            queue_text_extraction(document)
    return len(stale)
