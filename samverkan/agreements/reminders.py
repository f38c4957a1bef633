"""Reminders of agreements due for follow-up or review, to the area's coordinators and the owner body's
secretaries, once per due date: an `AgreementReminder` row (unique per agreement, kind and date) is claimed and
committed before the e-mail goes out, and given back when sending fails, as follow-through's reminders do.

`send_reminders` (cron) runs `queue_reminders` through follow-through's `reminder_pass` signal (agreements sit
above follow-through, so follow-through cannot call them): one django-tasks task per reminder, sent by the worker.
"""

import logging
from datetime import date, timedelta
from functools import partial
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samverkan.agreements.models import Agreement, AgreementReminder
from samverkan.structure.models import Role

log = logging.getLogger(__name__)
Kind = AgreementReminder.Kind
DATE_FIELD = {Kind.FOLLOW_UP: "next_follow_up", Kind.REVIEW: "review_on"}


def due_within() -> int:
    """Days ahead a due date is reminded of (`SAMVERKAN_REMINDER_DAYS`, as for assignments)."""
    return int(settings.SAMVERKAN_REMINDER_DAYS)


class Due(NamedTuple):
    """One reminder to send: the agreement, what is due and the date it is due."""

    agreement_id: int
    kind: str
    due_on: date


def due_reminders(today: date | None = None) -> list[Due]:
    """The reminders not yet claimed for agreements whose next follow-up or review date is within `due_within()`
    days or past, leaving out expired and replaced agreements. Two queries."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=due_within())
    ended = Agreement.objects.with_state(today).filter(replaced=False).exclude(all_adopted=True, valid_to__lt=today)
    found = []
    for kind, field in DATE_FIELD.items():
        claimed = AgreementReminder.objects.filter(agreement_id=OuterRef("pk"), kind=kind, due_on=OuterRef(field))
        rows = ended.filter(**{f"{field}__lte": soon}).filter(~Exists(claimed)).order_by("pk")
        found += [Due(pk, kind, day) for pk, day in rows.values_list("pk", field)]
    return found


def recipients(agreement: Agreement) -> list[str]:
    """The e-mail addresses of the area's coordinators and the owner body's secretaries (active logins), sorted."""
    roles = Role.objects.filter(user__is_active=True).filter(kind__in=[Role.Kind.COORDINATOR, Role.Kind.SECRETARY])
    roles = roles.filter(area_id=agreement.area_id) | roles.filter(body_id=agreement.owner_id)
    return sorted({e.strip() for e in roles.values_list("user__email", flat=True) if e and e.strip()})


def send_reminder(agreement_id: int, kind: str, due_on: date) -> int:
    """Send one reminder unless it was sent for this due date already, or the date has moved since it was found;
    returns the number of recipients (0 when nothing was sent). A failed send gives the claim back and re-raises."""
    agreement = Agreement.objects.select_related("area", "owner").filter(pk=agreement_id).first()
    if agreement is None or kind not in DATE_FIELD or getattr(agreement, DATE_FIELD[Kind(kind)]) != due_on:
        return 0
    addresses = recipients(agreement)
    if not addresses:
        log.warning("No recipients for agreement reminder %s #%s", kind, agreement_id)
        return 0
    try:
        with transaction.atomic():
            claim = AgreementReminder.objects.create(agreement=agreement, kind=kind, due_on=due_on)
    except IntegrityError:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "agreement": agreement,
            "what": _("uppföljning") if kind == Kind.FOLLOW_UP else _("revidering"),
            "due_on": due_on,
            "overdue": due_on < timezone.localdate(),
            "url": settings.SITE_URL + reverse("agreements:agreement", args=[agreement.pk]),
        }
        subject = render_to_string("agreements/email/reminder_subject.txt", context).strip()
        body = render_to_string("agreements/email/reminder.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    except Exception:
        AgreementReminder.objects.filter(pk=claim.pk).delete()
        raise
    AgreementReminder.objects.filter(pk=claim.pk).update(sent_at=timezone.now(), recipients=len(addresses))
    return len(addresses)


def queue_reminders(sender: Any = None, *, today: date | None = None, now: bool = False, **_kwargs: Any) -> str:
    """The agreements' part of `send_reminders`: queue one task per due reminder for the worker after commit (or,
    with `now`, send them in this process). Returns the line the command prints."""
    from samverkan.agreements import tasks  # the task module imports this one

    due = due_reminders(today)
    if now:
        sent = sum(1 for d in due if send_reminder(*d))
        return _("%(n)s påminnelser om överenskommelser skickade.") % {"n": sent}
    for d in due:
        transaction.on_commit(
            partial(tasks.send_agreement_reminder.enqueue, d.agreement_id, d.kind, d.due_on.isoformat())
        )
    return _("%(n)s påminnelser om överenskommelser lagda i kön.") % {"n": len(due)}
