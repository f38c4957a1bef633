"""Every change to alerts: asking to subscribe (rate-limited; the mail goes from the worker), making or renewing the
unconfirmed subscription, confirming, changing how often, ending, and forgetting what has expired.

Double opt-in: the form only records an attempt (keyed hashes) and queues `tasks.send_confirmation` after commit;
the worker makes or renews the unconfirmed subscription and mails its confirmation link, or, when the address
already watches that, a note with the link to manage its alerts. So the form's answer is the same, in the same
time, whether or not the address is subscribed, and nothing is sent to an address but that one mail until it
confirms. Legal basis (GDPR art. 6.1 a): the subscriber's consent, given by confirming; withdrawn by the link in
every mail, which deletes the subscription."""

import secrets
from datetime import datetime, timedelta
from enum import Enum
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samverkan.alerts import links
from samverkan.alerts.access import Target, kind_label, target_by_key
from samverkan.alerts.digest import period_start
from samverkan.alerts.models import SubscribeAttempt, Subscription, keyed_hash
from samverkan.lib.locks import locked


class Asked(Enum):
    """What became of a subscribe form: queued (also when the address's own limit is reached: the answer must
    not tell), or refused because this visitor sent too many."""

    QUEUED = "queued"
    VISITOR_LIMIT = "visitor_limit"


def ask_to_subscribe(target: Target, email: str, frequency: str, language: str, visitor: str) -> Asked:
    """Record a subscribe form sent by `visitor` (the client's IP address) and, within the limits, queue the
    confirmation mail for the worker after commit. Limits: `ALERT_VISITOR_LIMIT` forms an hour from one visitor
    (refused: VISITOR_LIMIT, nothing recorded) and `ALERT_ADDRESS_LIMIT` mails a day to one address (beyond that
    nothing is queued, and the answer is the same QUEUED). Three queries."""
    now = timezone.now()
    address_key, visitor_key = keyed_hash(email), keyed_hash("visitor:" + visitor)
    with transaction.atomic():
        recent = SubscribeAttempt.objects.filter(visitor_key=visitor_key, at__gte=now - timedelta(hours=1))
        if recent.count() >= settings.ALERT_VISITOR_LIMIT:
            return Asked.VISITOR_LIMIT
        to_address = SubscribeAttempt.objects.filter(address_key=address_key, at__gte=now - timedelta(days=1))
        within = to_address.count() < settings.ALERT_ADDRESS_LIMIT
        SubscribeAttempt.objects.create(address_key=address_key, visitor_key=visitor_key, at=now)
        if within:
            from samverkan.alerts.tasks import send_confirmation  # the task module imports this one

            transaction.on_commit(partial(send_confirmation.enqueue, email, target.key, frequency, language))
    return Asked.QUEUED


def subscribe(email: str, key: str, frequency: str, language: str) -> EmailMessage | None:
    """The worker's half of subscribing: make (or renew: new time, frequency and language) the unconfirmed
    subscription of `email` to the target `key` and return its confirmation mail; for a confirmed one return the
    note that it exists, with the manage link. None when the target is gone or no longer public."""
    target = target_by_key(key)
    if target is None or frequency not in Subscription.Frequency.values:
        return None
    address_key = keyed_hash(email)
    now = timezone.now()
    fields = {
        "email": email.strip(),
        "kind": target.kind,
        "body": target.body,
        "matter": target.matter,
        "principal": target.principal,
        "search": target.search,
        "label": target.label[:400],
    }
    try:
        with transaction.atomic():
            subscription = locked(Subscription.objects.filter(address_key=address_key, target=target.key)).first()
            if subscription is None:
                subscription = Subscription.objects.create(
                    address_key=address_key,
                    target=target.key,
                    frequency=frequency,
                    language=language,
                    nonce=secrets.token_urlsafe(24),
                    created_at=now,
                    **fields,
                )
            elif subscription.confirmed_at is None:
                subscription.frequency, subscription.language, subscription.created_at = frequency, language, now
                subscription.save(update_fields=["frequency", "language", "created_at"])
    except IntegrityError:  # the same form twice at once: the other task made it and mails the link
        return None
    template = "confirm" if subscription.confirmed_at is None else "already"
    purpose = links.CONFIRM if subscription.confirmed_at is None else links.MANAGE
    with translation.override(subscription.language):
        context = {
            "what": kind_label(target),
            "frequency": subscription.get_frequency_display(),
            "link_url": links.link_url(subscription, purpose),
            "days": settings.ALERT_CONFIRM_DAYS,
            "site": settings.SITE_NAME,
        }
        subject = " ".join(render_to_string(f"alerts/email/{template}_subject.txt", context).split())
        body = render_to_string(f"alerts/email/{template}.txt", context)
    return EmailMessage(subject=subject, body=body, to=[subscription.email])


def confirm(subscription: Subscription) -> Subscription:
    """Confirm `subscription` (its link works once: a new nonce); its first digest gathers from the start of the
    current period."""
    now = timezone.now()
    with transaction.atomic():
        row = locked(Subscription.objects.filter(pk=subscription.pk)).get()
        if row.confirmed_at is None:
            row.confirmed_at = now
            row.covered_until = period_start(now, row.frequency)
            row.nonce = secrets.token_urlsafe(24)
            row.save(update_fields=["confirmed_at", "covered_until", "nonce"])
    return row


def set_frequency(subscription: Subscription, frequency: str) -> None:
    """Change how often `subscription`'s digest comes; the next one starts where the last one ended. ValueError
    for an unknown frequency."""
    if frequency not in Subscription.Frequency.values:
        raise ValueError(frequency)
    Subscription.objects.filter(pk=subscription.pk).update(frequency=frequency)


def unsubscribe(subscription: Subscription) -> None:
    """End `subscription`: delete it and its digests (nothing of it is kept)."""
    Subscription.objects.filter(pk=subscription.pk).delete()


def forget_old(now: datetime | None = None) -> tuple[int, int]:
    """Delete unconfirmed subscriptions older than `ALERT_CONFIRM_DAYS` and subscribe attempts older than a day.
    Returns (subscriptions, attempts) deleted."""
    now = now or timezone.now()
    expired = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(days=settings.ALERT_CONFIRM_DAYS)
    ).delete()[0]
    attempts = SubscribeAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()[0]
    return expired, attempts
