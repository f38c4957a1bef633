"""Who is told when a meeting's state changes: "Klart för justering" to the chair and each adjuster, a reminder
to those who have not signed once 10 of the 14 days have passed, every invitee when a meeting is cancelled,
moved or changes its time (with an updated .ics), and the body's members when the minutes are published.

Each mail is a MeetingMail row recorded in the transaction that makes the change (so a rolled-back change records
and sends nothing) and queued for the task worker once it commits (`tasks.queue_after_commit`), which claims the
row before sending (exactly once) and leaves it unsent with its error when the mail server fails; `send_reminders`
queues such mails again (`requeue_failed`), as does "Försök skicka igen" on the staff meeting page. The mails are
composed in `notification_mail.py`."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from samverkan.lib.locks import locked
from samverkan.lib.mail_queue import requeue_refused
from samverkan.meetings.ical import removed_day
from samverkan.meetings.invitations import invitees
from samverkan.meetings.models import ADJUSTMENT_DAYS, Meeting, MeetingDay, MeetingMail, Signatory
from samverkan.meetings.tasks import queue_after_commit
from samverkan.structure.models import Membership

# The reminder to sign goes when this many of the 14 days after the first day have passed.
SIGN_REMINDER_DAYS = 10
# Who hears that minutes are published: those who sit at the table and the substitutes.
MEMBER_ROLES = (*Membership.SEATED_ROLES, Membership.Role.SUBSTITUTE)


def _signer_mails(meeting: Meeting, kind: str, signatories: list[Signatory]) -> list[MeetingMail]:
    now = timezone.now()
    return MeetingMail.objects.bulk_create(
        MeetingMail(meeting=meeting, kind=kind, person=s.person, address=s.person.email, queued_at=now)
        for s in signatories
        if s.person.email
    )


def queue_to_sign(meeting: Meeting) -> list[MeetingMail]:
    """ "Klart för justering": one mail to the chair and to each adjuster who has not signed, with a link to the
    signing page. Call inside the transaction that sends the minutes for adjustment. Two queries."""
    signers = list(meeting.signatories.filter(signed_at=None).select_related("person").order_by("pk"))
    mails = _signer_mails(meeting, MeetingMail.Kind.TO_SIGN, signers)
    queue_after_commit(mails)
    return mails


def queue_sign_reminders(today: date | None = None) -> list[int]:
    """For minutes waiting for signatures when 10 of the 14 days after the meeting's first day have passed, one
    reminder to each signer who has not signed, once per signer and meeting (a unique constraint; a second pass
    sends nothing). Each meeting in its own transaction under its row lock. Returns the MeetingMail ids queued."""
    today = today or timezone.localdate()
    due = (
        Meeting.objects.all()
        .filter(
            kind=Meeting.Kind.MINUTES,
            status=Meeting.Status.DRAFTED,
            first_day__lte=today - timedelta(SIGN_REMINDER_DAYS),
            first_day__gt=today - timedelta(ADJUSTMENT_DAYS + 30),  # not for minutes forgotten long ago
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued: list[int] = []
    for pk in due:
        try:
            with transaction.atomic():
                meeting = locked(Meeting.objects.all()).get(pk=pk)
                if meeting.status != Meeting.Status.DRAFTED:
                    continue
                told = set(meeting.mails.filter(kind=MeetingMail.Kind.SIGN_REMINDER).values_list("address", flat=True))
                waiting = [
                    s
                    for s in meeting.signatories.filter(signed_at=None).select_related("person").order_by("pk")
                    if s.person.email and s.person.email not in told
                ]
                mails = _signer_mails(meeting, MeetingMail.Kind.SIGN_REMINDER, waiting)
                queue_after_commit(mails)
                queued += [m.pk for m in mails]
        except IntegrityError:  # another pass reminded them meanwhile
            continue
    return queued


def next_sequence(meeting: Meeting) -> int:
    """Raise the meeting's calendar SEQUENCE (`Meeting.ical_sequence`) by one for a change about to be mailed
    (RFC 5545 3.8.7.4: the organizer increments it with each significant revision it sends) and return it; also
    set on `meeting`. Call under the meeting's row lock. Two queries, no history row."""
    rows = Meeting.objects.filter(pk=meeting.pk)
    rows.update(ical_sequence=F("ical_sequence") + 1)
    meeting.ical_sequence = rows.values_list("ical_sequence", flat=True).get()
    return meeting.ical_sequence


def _to_invitees(meeting: Meeting, kind: str, **fields: object) -> list[MeetingMail]:
    now = timezone.now()
    mails = MeetingMail.objects.bulk_create(
        MeetingMail(meeting=meeting, kind=kind, membership=m, address=m.person.email, queued_at=now, **fields)
        for m in invitees(meeting)
        if m.person.email
    )
    queue_after_commit(mails)
    return mails


def _mailed_changes(meeting: Meeting, *, cancelled: bool = False) -> bool:
    """Whether a change of `meeting` is mailed: once an invitation has gone out, and (but for a cancellation) while
    the meeting is still to be held."""
    return meeting.invitations.exists() and (cancelled or meeting.status in _OPEN)


def queue_change(meeting: Meeting, *, cancelled: bool) -> list[MeetingMail]:
    """Tell every invitee with an address that the meeting is cancelled (`cancelled=True`: an .ics with
    METHOD:CANCEL) or moved/retimed (METHOD:REQUEST, the same UIDs), with the SEQUENCE one higher
    (`next_sequence`). Only once an invitation has gone out, and not for a meeting already held. Call inside the
    transaction that makes the change, under the meeting's row lock."""
    if not _mailed_changes(meeting, cancelled=cancelled):
        return []
    next_sequence(meeting)
    return _to_invitees(meeting, MeetingMail.Kind.CANCELLED if cancelled else MeetingMail.Kind.CHANGED)


def queue_day_removed(meeting: Meeting, day: MeetingDay) -> list[MeetingMail]:
    """Tell every invitee with an address that `day` is struck from the meeting: an .ics with METHOD:CANCEL for
    that day's UID alone (the other days stay in their calendars), the SEQUENCE one higher. Call inside the
    transaction that removes the day, under the meeting's row lock, before the day is deleted (its event is kept
    on each MeetingMail as `removed_day`). The same conditions as `queue_change`."""
    if not _mailed_changes(meeting):
        return []
    data = removed_day(meeting, day, next_sequence(meeting))
    return _to_invitees(meeting, MeetingMail.Kind.DAY_REMOVED, removed_day=data)


_OPEN = (Meeting.Status.PLANNED, Meeting.Status.INVITED)


def queue_published(meeting: Meeting) -> list[MeetingMail]:
    """Tell the body's members and substitutes (seated today, one mail per person with an address) that the
    minutes (or notes) are published, with a link to them. Call inside the publishing transaction."""
    now = timezone.now()
    seats = (
        Membership.objects.current()
        .filter(body_id=meeting.body_id, role__in=MEMBER_ROLES)
        .select_related("person")
        .order_by("person_id", "pk")
    )
    seen: set[int] = set()
    mails = []
    for seat in seats:
        if seat.person_id in seen or not seat.person.email:
            continue
        seen.add(seat.person_id)
        mails.append(
            MeetingMail(
                meeting=meeting,
                kind=MeetingMail.Kind.PUBLISHED,
                membership=seat,
                address=seat.person.email,
                queued_at=now,
            )
        )
    mails = MeetingMail.objects.bulk_create(mails)
    queue_after_commit(mails)
    return mails


def requeue_failed() -> int:
    """Queue again every meeting e-mail that a mail server refused (unsent, unclaimed, with an error): the daily
    retry of `send_reminders`. Returns how many."""
    return requeue_refused(MeetingMail, queue_after_commit)
