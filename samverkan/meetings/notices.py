"""Notices of adjusted minutes (anslag) on an area's digital notice board, and the warning when one is late.

Kommunallagen 8:12: a notice that minutes are adjusted goes on the official web notice board by the second day
after adjustment; the appeal period (laglighetsprövning, KL 13:5) runs three weeks from the day it went up, so it
stays up at least that long. In Samverkan publishing adjusted minutes *is* putting up the notice: the
meeting's `notice_date` is set by `actions.take_step(PUBLISH)`, never by the last signature. The dates a notice
shows are derived from it (`Meeting.notice_taken_down`, `Meeting.appeal_end`), never stored, and the appeal
period only for bodies whose decisions can be appealed (`structure.Body.appealable`).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from samverkan.lib.locks import locked
from samverkan.meetings.models import NOTICE_DAYS, Meeting, MeetingMail
from samverkan.meetings.tasks import queue_after_commit
from samverkan.structure.models import Role


def notices(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The notices among `meetings`: published minutes (not notes) with a notice date, newest first, with what a
    notice shows loaded (body, area, host principal, paper adjustment, `first_day`). A queryset; one query when read."""
    return (
        meetings.filter(kind=Meeting.Kind.MINUTES, status=Meeting.Status.PUBLISHED, notice_date__isnull=False)
        .select_related("body__area", "body__host_principal", "paper_adjustment")
        .order_by("-notice_date", "-pk")
    )


def first_day_down(today=None):
    """Notices put up on or before this day are taken down by `today` (they stay up `NOTICE_DAYS` days)."""
    return (today or timezone.localdate()) - timedelta(NOTICE_DAYS)


def current_notices(meetings: QuerySet[Meeting], today=None) -> QuerySet[Meeting]:
    """Notices up on the board `today`: put up at most `NOTICE_DAYS` - 1 days ago. One query when read."""
    today = today or timezone.localdate()
    return notices(meetings).filter(notice_date__gt=first_day_down(today), notice_date__lte=today)


def archived_notices(meetings: QuerySet[Meeting], today=None) -> QuerySet[Meeting]:
    """Notices taken down by `today`, newest first (the notice board's archive). One query when read."""
    return notices(meetings).filter(notice_date__lte=first_day_down(today))


# -- the warning when adjusted minutes are not published in time -----------------------------------------------


def late_notices_for(bodies) -> QuerySet[Meeting]:
    """Adjusted minutes of `bodies` (a Body queryset) whose notice is late (`MeetingQuerySet.notice_overdue`),
    oldest adjustment first, for the dashboard. One query when read."""
    return (
        Meeting.objects.notice_overdue()
        .filter(body__in=bodies)
        .select_related("body__area")
        .order_by("locked_at", "pk")
    )


def warning_recipients(meeting: Meeting) -> list[str]:
    """The e-mail addresses of the body's secretaries and the area's coordinators (active logins), sorted. One
    query."""
    roles = Role.objects.filter(
        Q(kind=Role.Kind.SECRETARY, body_id=meeting.body_id)
        | Q(kind=Role.Kind.COORDINATOR, area_id=meeting.body.area_id),
        user__is_active=True,
    )
    return sorted({e.strip() for e in roles.values_list("user__email", flat=True) if e and e.strip()})


def queue_notice_warnings(today=None) -> list[int]:
    """For every adjusted minutes whose notice is late `today`, record one MeetingMail (kind NOTICE_LATE) per
    recipient that has not had it, and queue it for the task worker once that is committed (as the invitations
    are). Each meeting in its own transaction under its row lock; a unique constraint makes a second warning to
    the same address impossible. Returns the ids of the MeetingMail rows queued. A few queries per late meeting."""
    queued: list[int] = []
    for pk in Meeting.objects.notice_overdue(today).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            meeting = locked(Meeting.objects.select_related("body__area")).get(pk=pk)
            warned = set(meeting.mails.filter(kind=MeetingMail.Kind.NOTICE_LATE).values_list("address", flat=True))
            now = timezone.now()
            mails = MeetingMail.objects.bulk_create(
                MeetingMail(meeting=meeting, kind=MeetingMail.Kind.NOTICE_LATE, address=address, queued_at=now)
                for address in warning_recipients(meeting)
                if address not in warned
            )
            queue_after_commit(mails)
            queued += [mail.pk for mail in mails]
    return queued
