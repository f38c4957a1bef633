"""The signed links of alerts, each for one purpose only (its own salt): confirming a subscription, ending one
(the mails' link and their List-Unsubscribe header, RFC 8058) and managing an address's subscriptions.

A link carries `django.core.signing` of the subscription's id and nonce (the manage link: the address's keyed
hash). Confirming changes the nonce, so a confirmation link works once; the confirmation link also expires after
`ALERT_CONFIRM_DAYS`. A link that does not work (tampered, expired, of another purpose, its subscription gone)
opens nothing: the callers answer the site's 404 page, with no hint which."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from samverkan.alerts.models import Subscription

CONFIRM, UNSUBSCRIBE, MANAGE = "confirm", "unsubscribe", "manage"
SALTS = {purpose: f"samverkan.alerts.{purpose}" for purpose in (CONFIRM, UNSUBSCRIBE, MANAGE)}
VIEWS = {CONFIRM: "alerts:confirm", UNSUBSCRIBE: "alerts:unsubscribe", MANAGE: "alerts:manage"}


def token_for(subscription: Subscription, purpose: str) -> str:
    """The signed token of `subscription`'s link for `purpose` (CONFIRM, UNSUBSCRIBE or MANAGE)."""
    if purpose == MANAGE:
        return signing.dumps({"a": subscription.address_key}, salt=SALTS[MANAGE], compress=True)
    return signing.dumps({"s": subscription.pk, "n": subscription.nonce}, salt=SALTS[purpose])


def link_url(subscription: Subscription, purpose: str) -> str:
    """The full address (SITE_URL) of `subscription`'s link for `purpose`, in the subscription's language."""
    with translation.override(subscription.language):
        return settings.SITE_URL + reverse(VIEWS[purpose], args=[token_for(subscription, purpose)])


def _data(token: str, purpose: str, max_age: int | None = None) -> dict[str, object] | None:
    try:
        data = signing.loads(token, salt=SALTS[purpose], max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def subscription_by_token(token: str, purpose: str) -> Subscription | None:
    """The subscription a CONFIRM or UNSUBSCRIBE token opens, or None (bad, expired or other purpose's token; gone;
    another nonce; a confirmation link of a confirmed subscription). One query at most."""
    max_age = settings.ALERT_CONFIRM_DAYS * 86400 if purpose == CONFIRM else None
    data = _data(token, purpose, max_age) or {}
    pk, nonce = data.get("s"), data.get("n")
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    found = Subscription.objects.filter(pk=pk, nonce=nonce).first()
    if found is None or (purpose == CONFIRM) == (found.confirmed_at is not None):
        return None
    return found


def address_by_token(token: str) -> str | None:
    """The keyed hash of the address a MANAGE token stands for, or None. No query."""
    data = _data(token, MANAGE)
    key = data.get("a") if data else None
    return key if isinstance(key, str) and len(key) == 64 else None
