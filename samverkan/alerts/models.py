"""Alerts (bevakningar): a visitor's e-mail subscription to a body, a matter, a principal's decisions or a saved
search, its digests, and the subscribe attempts the rate limits count.

Personal data: a subscription stores the e-mail address, what it watches, how often, the language of its mails and
when it was made and confirmed; nothing about the visitor's browser or address. `SubscribeAttempt` keeps keyed
hashes only (never the address or the client's IP) and is deleted after a day. These models keep no history
(simple-history would keep the address after the subscriber removed it); an unsubscribed subscription is deleted
with its digests.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.meetings.matters import Matter
from samverkan.structure.models import Body, Principal


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 (hex, 64 characters) of `value` with a key derived from SECRET_KEY: lets the rate limits and
    the manage link find an address (or a client) without storing it. Case and surrounding space do not count."""
    key = hashlib.sha256(b"samverkan.alerts:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()


class Subscription(models.Model):
    """One address's alert on one thing. `target` names it ("body:12", "matter:3", "principal:5",
    "search:q=…&typ=…", the /sok/ parameters); the foreign key of that kind is set too, so deleting the body,
    matter or principal deletes its subscriptions. Unconfirmed until the confirmation link is used
    (`confirmed_at`); nothing is sent before that. `covered_until`: the end of the last period a digest was made
    for (confirming sets it to the start of the current period)."""

    class Kind(models.TextChoices):
        BODY = "body", _("Organ")
        MATTER = "matter", _("Ärende")
        PRINCIPAL = "principal", _("Huvudmans beslut")
        SEARCH = "search", _("Sökning")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Dagligen")
        WEEKLY = "weekly", _("Varje vecka")

    email = models.EmailField(_("e-postadress"), max_length=254)
    address_key = models.CharField(max_length=64, editable=False, db_index=True)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    # Text, not a bounded column: a search of 200 Swedish letters is 1,200 characters URL-encoded (å = %C3%A5);
    # the query itself is bounded (`access.search_target`), so these are too.
    target = models.TextField(_("bevakar"))
    label = models.CharField(_("namn"), max_length=400, blank=True)
    body = models.ForeignKey(Body, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    principal = models.ForeignKey(Principal, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    search = models.TextField(_("sökning"), blank=True)
    frequency = models.CharField(_("hur ofta"), max_length=10, choices=Frequency.choices)
    language = models.CharField(_("språk"), max_length=8, default="sv")
    nonce = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("anmäld"))
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    covered_until = models.DateTimeField(_("sammanställt till"), null=True, blank=True)

    class Meta:
        verbose_name = _("bevakning")
        verbose_name_plural = _("bevakningar")
        constraints = [models.UniqueConstraint(fields=["address_key", "target"], name="alert_subscription_unique")]
        indexes = [models.Index(fields=["confirmed_at", "covered_until"], name="alert_subscription_due")]

    def __str__(self) -> str:
        return f"{self.target} ({self.frequency})"


class Digest(models.Model):
    """One digest mail of one subscription for the period [period_start, period_end). Made (and committed) in the
    transaction that moves the subscription's `covered_until` past the period, before the mail goes out, so the
    period is never sent twice; a refused send leaves `error` and no claim, and `send_alerts` tries it again."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    period_start = models.DateTimeField(_("från"))
    period_end = models.DateTimeField(_("till"))
    items = models.PositiveIntegerField(_("antal poster"), default=0)
    claimed_at = models.DateTimeField(_("skickas"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    error = models.CharField(_("fel"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sammanställning")
        verbose_name_plural = _("sammanställningar")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_end"], name="alert_digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class SubscribeAttempt(models.Model):
    """A subscribe form sent: keyed hashes of the address and of the client's IP address, and when. What the rate
    limits count; deleted after a day (`actions.forget_old`)."""

    address_key = models.CharField(max_length=64, db_index=True)
    visitor_key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
