"""The personal anonymous link of a survey: `/enkat/svar/<token>/`.

The token is `django.core.signing` (salted for this one purpose) over the survey's id and a fresh random secret of
192 bits (`secrets.token_urlsafe(24)`), made by the worker when it mails the link. Only the secret's SHA-256 is
stored (`Recipient.token_hash`), so the database cannot rebuild a link; a reminder makes a new secret and the old
link stops working. Once answered, the hash is cleared: the link works once, and afterwards nothing ties the
person to a link. Tampered, guessed, used, replaced, or for a survey that is not open: the same 404."""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

from samverkan.surveys.models import Recipient, Survey

SALT = "samverkan.surveys.answer-link"
SECRET_BYTES = 24  # 192 bits of randomness, beyond guessing even before the signature


def new_secret() -> str:
    """A fresh random secret for one link (URL-safe text of SECRET_BYTES random bytes)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hashed(secret: str) -> str:
    """What is stored of a secret: its SHA-256 in hex (64 characters)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_for(survey_id: int, secret: str) -> str:
    """The signed token of a link to survey `survey_id` carrying `secret`."""
    return signing.dumps({"s": survey_id, "n": secret}, salt=SALT, compress=False)


def link_url(survey_id: int, secret: str) -> str:
    """The link as a full address (SITE_URL)."""
    return settings.SITE_URL + reverse("surveys_public:answer", args=[token_for(survey_id, secret)])


def recipient_by_link(token: str) -> Recipient | None:
    """The recipient a token opens, with its survey: None when the token is tampered with or malformed, its
    secret is not the one stored now (replaced by a reminder, or used), the recipient has answered, or the
    survey is not open. One query."""
    try:
        data = signing.loads(token, salt=SALT)
        survey_id, secret = int(data["s"]), str(data["n"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    return (
        Recipient.objects.select_related("survey__area", "survey__owner")
        .filter(survey_id=survey_id, token_hash=hashed(secret), answered=False, survey__state=Survey.State.OPEN)
        .first()
    )
