"""Dispatch (expediering) of a recommendation: when a recommendation is sent, each addressed principal gets one
e-mail to its registry address (`Principal.registry_address`, the registrar's function mailbox) and its contacts,
with the recommendation text, the answer deadline, the protokollsutdrag of the § that decided it (when the minutes
are adjusted and the item is public; meetings/protocol_extract.py) and a personal link by which the registrar or
contact records the principal's decision without a login.

A `Dispatch` row per principal is recorded in the transaction that creates the recommendation and queued for the
task worker after commit (nothing is sent for a rolled-back change); the worker claims the row before sending
(exactly once), gives the claim back with the error when the server refuses, and `requeue_failed` (run by
`send_reminders`) queues it again. A principal with neither a registry address nor a contact with an address
gets no row, so "Skickad" is written only where something was sent; the form names such principals first. A
dispatch that failed, or went out and is not answered, can be sent again by the follow-through staff ("Skicka
igen", `actions.send_dispatch_again`): the same row, to the addresses as they are now, through the worker.

The link carries `django.core.signing` of the dispatch's id, its nonce and the last day it works (the deadline
plus `LINK_DAYS_AFTER_DEADLINE`), salted for this one purpose. It records one decision once: tampered, expired,
for another dispatch, or already used — the same 404 page with no hint which."""

import secrets
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.followthrough.models import Dispatch, PrincipalDecision, Recommendation
from samverkan.lib.mail_queue import requeue_refused, send_claimed
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import Principal, Role

if TYPE_CHECKING:
    from collections.abc import Iterable

SALT = "samverkan.followthrough.dispatch"
# How long after the answer deadline the link still records a decision (a late decision is still a decision).
LINK_DAYS_AFTER_DEADLINE = 90


def contact_addresses(principal_ids: "Iterable[int]") -> dict[int, list[str]]:
    """The e-mail addresses of each principal's active contacts (their login's address, else their person's), by
    principal id. One query."""
    found: dict[int, list[str]] = {}
    rows = Role.objects.filter(kind=Role.Kind.CONTACT, principal_id__in=list(principal_ids), user__is_active=True)
    for principal_id, login_address, person_address in rows.values_list(
        "principal_id", "user__email", "user__person__email"
    ).order_by("pk"):
        address = (login_address or person_address or "").strip()
        if address and address.lower() not in [a.lower() for a in found.get(principal_id, [])]:
            found.setdefault(principal_id, []).append(address)
    return found


def addresses_of(principal: Principal, contacts: dict[int, list[str]]) -> list[str]:
    """Where a dispatch to `principal` goes: its registry address first, then its contacts', each once."""
    chosen: list[str] = []
    for address in [principal.registry_address.strip(), *contacts.get(principal.pk, [])]:
        if address and address.lower() not in [a.lower() for a in chosen]:
            chosen.append(address)
    return chosen


def unreachable(principals: "Iterable[Principal]") -> list[Principal]:
    """The principals among `principals` that a dispatch cannot reach (no registry address and no contact with an
    address): the warning before sending names them. One query."""
    principals = list(principals)
    contacts = contact_addresses(p.pk for p in principals)
    return [p for p in principals if not addresses_of(p, contacts)]


def queue_dispatches(recommendation: Recommendation) -> list[Dispatch]:
    """Record one Dispatch for each pending principal decision of `recommendation` that has none yet and whose
    principal can be reached, and queue each for the worker once the transaction commits. Call inside the
    transaction that sends the recommendation. Returns the rows made."""
    decisions = list(
        recommendation.decisions.filter(dispatch__isnull=True, outcome=PrincipalDecision.Outcome.PENDING)
        .select_related("principal")
        .order_by("pk")
    )
    contacts = contact_addresses(d.principal_id for d in decisions)
    now = timezone.now()
    rows = []
    for decision in decisions:
        addresses = addresses_of(decision.principal, contacts)
        if addresses:
            rows.append(
                Dispatch(
                    decision=decision,
                    addresses=",".join(addresses)[:1000],
                    nonce=secrets.token_urlsafe(24),
                    queued_at=now,
                )
            )
    rows = Dispatch.objects.bulk_create(rows)
    _queue_after_commit(rows)
    return rows


def _queue_after_commit(rows: "Iterable[Dispatch]") -> None:
    from samverkan.followthrough.tasks import send_dispatch  # the task module imports this one

    for row in rows:
        transaction.on_commit(partial(send_dispatch.enqueue, row.pk))


def link_until(recommendation: Recommendation) -> date:
    """The last day the dispatch's link records a decision: the deadline plus LINK_DAYS_AFTER_DEADLINE."""
    return recommendation.deadline + timedelta(days=LINK_DAYS_AFTER_DEADLINE)


def token_for(dispatch: Dispatch) -> str:
    """The signed token of the dispatch's link."""
    until = link_until(dispatch.decision.recommendation)
    return signing.dumps({"d": dispatch.pk, "n": dispatch.nonce, "u": until.isoformat()}, salt=SALT)


def link_url(dispatch: Dispatch) -> str:
    """The dispatch's link as a full address (SITE_URL)."""
    return settings.SITE_URL + reverse("followthrough_public:record_by_link", args=[token_for(dispatch)])


def dispatch_by_link(token: str) -> Dispatch | None:
    """The dispatch `token` opens, with its decision, recommendation and principal; None when the token is
    tampered with or malformed, its day has passed, the dispatch is gone or has another nonce, or the decision is
    no longer pending (the link records once). Two queries."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, nonce, until = int(data["d"]), str(data["n"]), date.fromisoformat(data["u"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    if until < timezone.localdate():
        return None
    found = (
        Dispatch.objects.select_related("decision__recommendation__item__meeting__body__area", "decision__principal")
        .filter(pk=pk)
        .first()
    )
    if found is None or not secrets.compare_digest(found.nonce, nonce) or not found.decision.is_pending:
        return None
    return found


def attached_extract(recommendation: Recommendation) -> tuple[str, bytes] | None:
    """The protokollsutdrag of the item that decided `recommendation` as (file name, PDF), when its minutes are
    adjusted and the public may read the item (an external mailbox gets nothing the public may not read), else
    None."""
    from samverkan.meetings.protocol_extract import extract_filename, extract_pdf, extract_snapshot

    item = recommendation.item
    if Visibility.stricter(item.visibility, item.meeting.visibility, item.meeting.body.visibility) != "public":
        return None
    snapshot = extract_snapshot(item, None)
    if snapshot is None:
        return None
    return extract_filename(snapshot), extract_pdf(snapshot, public=True)


def compose(dispatch: Dispatch) -> EmailMessage:
    """The dispatch e-mail: the recommendation, the deadline, the link and, when it can be sent, the extract."""
    decision = dispatch.decision
    recommendation = decision.recommendation
    extract = attached_extract(recommendation)
    context = {
        "principal": decision.principal,
        "recommendation": recommendation,
        "body": recommendation.item.meeting.body,
        "link_url": link_url(dispatch),
        "until": link_until(recommendation),
        "extract": extract is not None,
        "site": settings.SITE_NAME,
    }
    message = EmailMessage(
        subject=" ".join(render_to_string("followthrough/email/dispatch_subject.txt", context).split()),
        body=render_to_string("followthrough/email/dispatch.txt", context),
        to=dispatch.address_list,
    )
    if extract is not None:
        message.attach(extract[0], extract[1], "application/pdf")
    return message


def send_queued(pk: int) -> bool:
    """Send Dispatch `pk` unless it was sent or is being sent; True when sent. Claims the row first (committed),
    gives the claim back with the error when sending fails and re-raises (`lib.mail_queue.send_claimed`)."""
    rows = Dispatch.objects.select_related("decision__recommendation__item__meeting__body__area", "decision__principal")
    return send_claimed(rows, pk, lambda dispatch: compose(dispatch).send())


def may_send_again(dispatch: Dispatch) -> bool:
    """Whether "Skicka igen" is offered for `dispatch`: its decision is still pending and the dispatch either
    failed (unsent, not being sent, with an error) or went out and has not been answered. A dispatch still queued
    or being sent is on its way and is not offered."""
    if not dispatch.decision.is_pending:
        return False
    failed = dispatch.sent_at is None and dispatch.claimed_at is None and bool(dispatch.error)
    return failed or dispatch.sent_at is not None


def send_again(dispatch: Dispatch) -> Dispatch:
    """Make `dispatch` (locked by the caller, `may_send_again`) unsent again, to the principal's registry address
    and contacts as they are now, and queue it for the worker once the transaction commits. Its link stays the
    same (the earlier mail's link records the same one decision). Raises ValidationError (Swedish) when the
    principal can no longer be reached. One query besides the update."""
    addresses = addresses_of(dispatch.decision.principal, contact_addresses([dispatch.decision.principal_id]))
    if not addresses:
        raise ValidationError(
            _("%(name)s har ingen registratorsadress och ingen kontaktperson med e-postadress.")
            % {"name": dispatch.decision.principal}
        )
    dispatch.addresses = ",".join(addresses)[:1000]
    dispatch.queued_at, dispatch.claimed_at, dispatch.sent_at, dispatch.error = timezone.now(), None, None, ""
    dispatch.save(update_fields=["addresses", "queued_at", "claimed_at", "sent_at", "error"])
    _queue_after_commit([dispatch])
    return dispatch


def requeue_failed() -> int:
    """Queue again every dispatch a mail server refused (unsent, unclaimed, with an error). Returns how many."""
    return requeue_refused(Dispatch, _queue_after_commit)
