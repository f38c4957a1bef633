"""E-mails recorded in a change and sent by the task worker after commit: the queue fields they share and the
one way a worker sends one (claim, send, record the outcome)."""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class QueuedMail(models.Model):
    """The queue fields of a mail row (abstract): when it was queued, `claimed_at` while a worker sends it (so two
    workers never send the same mail), `sent_at` once it went out, `error` why the last try failed (the row stays
    unsent, so it can be tried again). `MeetingMail`, `Dispatch` and `LoginInvitation` are ones."""

    queued_at = models.DateTimeField(_("lagd i kön"))
    claimed_at = models.DateTimeField(_("skickas"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    error = models.CharField(_("fel"), max_length=300, blank=True)

    class Meta:
        abstract = True


Q = TypeVar("Q", bound=QueuedMail)


def send_claimed(rows: "models.QuerySet[Q]", pk: int, send: Callable[[Q], Any], **unsent: Any) -> bool:
    """Send the queued row `pk` unless it was sent or another worker is sending it; True when sent.

    The row is claimed first (`claimed_at`, committed by the update) when it is unsent, unclaimed and matches
    `unsent` (more conditions, e.g. `used_at=None`); then loaded through `rows` (its select_related) and
    `send(row)` is called in the site's language. If that raises, the claim is given back and the error kept on
    the row (so it shows as not sent and a later try sends it), a warning is logged and the exception goes on to
    the task. Three queries, then `send`'s."""
    queue = rows.model._default_manager
    if not queue.filter(pk=pk, sent_at=None, claimed_at=None, **unsent).update(claimed_at=timezone.now()):
        return False
    row = rows.get(pk=pk)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            send(row)
    except Exception as error:
        queue.filter(pk=pk).update(claimed_at=None, error=str(error)[:300] or type(error).__name__)
        log.warning("%s #%s not sent: %s", rows.model.__name__, pk, error)
        raise
    queue.filter(pk=pk).update(sent_at=timezone.now(), error="")
    return True


def requeue_refused(model: type[Q], queue_after_commit: Callable[[list[Q]], Any]) -> int:
    """Queue again every row of `model` that a mail server refused: unsent, unclaimed, with an error (the daily
    retry of `send_reminders`). `queue_after_commit(rows)` enqueues the rows' tasks after the transaction commits.
    Returns how many. One query, then `queue_after_commit`'s."""
    with transaction.atomic():
        refused = list(model._default_manager.filter(sent_at=None, claimed_at=None).exclude(error=""))
        queue_after_commit(refused)
    return len(refused)
