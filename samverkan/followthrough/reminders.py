"""Reminders by e-mail: before an assignment is due and when it is overdue; to principal contacts before a
recommendation's answer deadline and when it has passed.

`due_reminders(today)` finds what should go out; `send_reminder(kind, pk)` sends one. Sending is exactly once
per (object, kind): a SentReminder row is claimed under a unique constraint and committed before the e-mail
goes out, so a second worker, a rerun or a restarted worker finds the row and sends nothing. If the e-mail
cannot be sent the claim is removed again, so the next pass retries.
"""

import logging
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samverkan.followthrough.models import Assignment, PrincipalDecision, SentReminder
from samverkan.meetings.models import unlisted_rule
from samverkan.structure.models import Role

log = logging.getLogger(__name__)
Kind = SentReminder.Kind

# Sent by `send_reminders` with `today` (a date or None) and `now` (send in this process rather than queue):
# apps above follow-through (agreements) add their reminders here; each receiver returns the line to print.
reminder_pass = Signal()


def reminder_days():
    return settings.SAMVERKAN_REMINDER_DAYS


def due_reminders(today=None):
    """(kind, object id) pairs that should be sent today and have not been claimed yet."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=reminder_days())
    # Nothing from imported minutes is reminded of until they are published (`meetings.models.unlisted_rule`).
    open_ = Assignment.objects.filter(status=Assignment.Status.OPEN, due__isnull=False).exclude(
        unlisted_rule("item__meeting__")
    )
    pending = PrincipalDecision.objects.filter(outcome=PrincipalDecision.Outcome.PENDING).exclude(
        unlisted_rule("recommendation__item__meeting__")
    )
    found = []
    for kind, objects, field in [
        (Kind.ASSIGNMENT_DUE, open_.filter(due__gte=today, due__lte=soon), "assignment"),
        (Kind.ASSIGNMENT_OVERDUE, open_.filter(due__lt=today), "assignment"),
        (Kind.DECISION_DUE, pending.filter(recommendation__deadline__range=(today, soon)), "decision"),
        (Kind.DECISION_OVERDUE, pending.filter(recommendation__deadline__lt=today), "decision"),
    ]:
        claimed = SentReminder.objects.filter(kind=kind).values(f"{field}_id")
        found += [(kind, pk) for pk in objects.exclude(pk__in=claimed).order_by("pk").values_list("pk", flat=True)]
    return found


def _emails(addresses):
    return sorted({a.strip() for a in addresses if a and a.strip()})


def assignment_recipients(assignment):
    """The person given the assignment; the secretaries of a body; the contacts of a principal."""
    if assignment.assignee_person_id:
        person = assignment.assignee_person
        return _emails([person.email, person.user.email if person.user_id else ""])
    if assignment.assignee_body_id:
        roles = Role.objects.filter(kind=Role.Kind.SECRETARY, body_id=assignment.assignee_body_id)
    else:
        roles = Role.objects.filter(kind=Role.Kind.CONTACT, principal_id=assignment.assignee_principal_id)
    return _emails(roles.filter(user__is_active=True).values_list("user__email", flat=True))


def decision_recipients(decision):
    roles = Role.objects.filter(kind=Role.Kind.CONTACT, principal_id=decision.principal_id, user__is_active=True)
    return _emails(roles.values_list("user__email", flat=True))


class Reminder(NamedTuple):
    """One reminder e-mail: its subject line, its text and the addresses it goes to (sorted, maybe none)."""

    subject: str
    body: str
    recipients: list[str]


def _message(kind: str, pk: int) -> Reminder | None:
    """The `Reminder` for one reminder, or None when the object no longer needs one."""
    if kind in (Kind.ASSIGNMENT_DUE, Kind.ASSIGNMENT_OVERDUE):
        assignment = (
            Assignment.objects.select_related("item__meeting__body__area", "report_to", "assignee_person__user")
            .filter(pk=pk, status=Assignment.Status.OPEN)
            .first()
        )
        if assignment is None or assignment.due is None:
            return None
        context = {"assignment": assignment, "overdue": kind == Kind.ASSIGNMENT_OVERDUE}
        context["url"] = settings.SITE_URL + reverse("followthrough:assignment_edit", args=[assignment.pk])
        return Reminder(
            render_to_string("followthrough/email/assignment_subject.txt", context).strip(),
            render_to_string("followthrough/email/assignment.txt", context),
            assignment_recipients(assignment),
        )
    decision = (
        PrincipalDecision.objects.select_related("recommendation__item__meeting__body__area", "principal")
        .filter(pk=pk, outcome=PrincipalDecision.Outcome.PENDING)
        .first()
    )
    if decision is None:
        return None
    context = {"decision": decision, "recommendation": decision.recommendation}
    context["overdue"] = kind == Kind.DECISION_OVERDUE
    context["url"] = settings.SITE_URL + reverse("followthrough:decision_record", args=[decision.pk])
    return Reminder(
        render_to_string("followthrough/email/decision_subject.txt", context).strip(),
        render_to_string("followthrough/email/decision.txt", context),
        decision_recipients(decision),
    )


def _claim(kind, pk, worker):
    """Write the SentReminder row; False when another run already did (the unique constraint says so)."""
    field = "assignment_id" if kind in (Kind.ASSIGNMENT_DUE, Kind.ASSIGNMENT_OVERDUE) else "decision_id"
    try:
        with transaction.atomic():
            return SentReminder.objects.create(kind=kind, claimed_at=timezone.now(), claimed_by=worker, **{field: pk})
    except IntegrityError:
        return None


def send_reminder(kind, pk, worker=""):
    """Send one reminder unless it was already sent; returns the number of recipients (0 when skipped)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown reminder kind {kind!r}")
    with translation.override(settings.LANGUAGE_CODE):
        message = _message(kind, pk)
    if message is None:
        return 0
    subject, body, recipients = message
    if not recipients:
        # Nobody to tell yet (no contact person or e-mail address): leave it unclaimed so a later pass can.
        log.warning("No recipients for reminder %s #%s", kind, pk)
        return 0
    claim = _claim(kind, pk, worker)
    if claim is None:
        return 0
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        # Not sent: give the claim back so the next pass tries again.
        SentReminder.objects.filter(pk=claim.pk).delete()
        raise
    SentReminder.objects.filter(pk=claim.pk).update(sent_at=timezone.now(), recipients=len(recipients))
    return len(recipients)


def run_reminder_pass(today=None, worker=""):
    """Find and send every due reminder in this process; returns how many e-mails went out."""
    sent = 0
    for kind, pk in due_reminders(today):
        sent += 1 if send_reminder(kind, pk, worker) else 0
    return sent


def reclaim_stale(older_than):
    """Claims taken before `older_than` whose e-mail was never marked sent (a worker killed between claim and send)
    are removed, so the next pass (`send_reminders`) sends the reminder: at least once rather than lost, once a
    claim is older than any send can take. Returns how many."""
    deleted, _rows = SentReminder.objects.filter(sent_at=None, claimed_at__lt=older_than).delete()
    return deleted
