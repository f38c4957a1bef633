"""The survey's e-mails: the invitation and the reminder, each with the recipient's personal anonymous link
(`links.py`), sent by the task worker after the sending transaction commits. The worker claims the recipient's
row before sending (so a mail goes once), makes the link's secret and stores only its hash, and on a refusal gives
the claim back with the error and re-raises (as the other mails do); `requeue_failed` queues those again."""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samverkan.surveys import actions
from samverkan.surveys.links import link_url, new_secret
from samverkan.surveys.models import Recipient, Survey

log = logging.getLogger(__name__)
KINDS = ("invitation", "reminder")


def compose(recipient: Recipient, link: str, kind: str) -> EmailMessage:
    """The invitation or reminder mail to `recipient` with `link`."""
    survey = recipient.survey
    context = {"survey": survey, "body": survey.owner, "link_url": link, "reminder": kind == "reminder"}
    context["site"] = settings.SITE_NAME
    return EmailMessage(
        subject=" ".join(render_to_string("surveys/email/survey_subject.txt", context).split()),
        body=render_to_string("surveys/email/survey.txt", context),
        to=[recipient.address],
    )


def _pending(kind: str) -> Q:
    if kind == "invitation":
        return Q(invited_at=None)
    return Q(reminded_on__isnull=False) & (Q(reminder_sent_on=None) | ~Q(reminder_sent_on=F("reminded_on")))


def send_queued(pk: int, kind: str) -> bool:
    """Send recipient `pk` its invitation or reminder (`kind`) unless it was sent, is being sent, the recipient
    has answered or the survey is not open; True when sent. Raises ValueError for an unknown kind, and re-raises
    the mail server's error after giving the claim back."""
    if kind not in KINDS:
        raise ValueError(kind)
    open_and_waiting = Recipient.objects.filter(
        _pending(kind), pk=pk, claimed_at=None, answered=False, survey__state=Survey.State.OPEN
    )
    if not open_and_waiting.update(claimed_at=timezone.now()):
        return False
    secret = new_secret()
    try:
        if not actions.set_link(pk, secret):
            Recipient.objects.filter(pk=pk).update(claimed_at=None)
            return False
        recipient = Recipient.objects.select_related("survey__owner").get(pk=pk)
        with translation.override(settings.LANGUAGE_CODE):
            compose(recipient, link_url(recipient.survey_id, secret), kind).send()
    except Exception as error:
        Recipient.objects.filter(pk=pk).update(claimed_at=None, error=str(error)[:300] or type(error).__name__)
        log.warning("Survey mail to recipient #%s not sent: %s", pk, error)
        raise
    sent = Recipient.objects.filter(pk=pk)
    if kind == "invitation":
        sent.update(claimed_at=None, error="", invited_at=timezone.now())
    else:
        sent.update(claimed_at=None, error="", reminder_sent_on=F("reminded_on"))
    return True


def requeue_failed() -> int:
    """Queue again every survey mail a server refused (unclaimed, with an error, not answered, survey open).
    Returns how many."""
    from samverkan.surveys.tasks import send_survey_mail

    count = 0
    with transaction.atomic():
        failed = Recipient.objects.filter(claimed_at=None, answered=False, survey__state=Survey.State.OPEN).exclude(
            error=""
        )
        for pk, invited in failed.values_list("pk", "invited_at"):
            kind = "invitation" if invited is None else "reminder"
            transaction.on_commit(partial(send_survey_mail.enqueue, pk, kind))
            count += 1
    return count


def requeue_pass(sender: object = None, **_kwargs: object) -> str:
    """The surveys' part of `send_reminders` (follow-through's `reminder_pass`): queue again the survey mails a
    server refused. Returns the line the command prints."""
    from django.utils.translation import gettext as _

    return _("%(n)s enkätmejl köade igen.") % {"n": requeue_failed()}
