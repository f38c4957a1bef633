"""Single sign-on through OpenID Connect (mozilla-django-oidc): an organisation's own identity provider, or an
e-legitimation broker (BankID, Freja eID, SITHS), logs a registered person in.

Off unless `OIDC_RP_CLIENT_ID` is set (settings.py reads every `OIDC_*` variable; README lists them). The
provider's e-mail claim, verified by the provider (`email_verified`, unless `OIDC_REQUIRE_VERIFIED_EMAIL` is off),
is matched without regard to case to `Person.email`:

- exactly one registered person must have that address (none or several: refused);
- a person with a login logs in as that login, unless it is switched off (refused, as at the password login);
- a person without a login gets one (username = the address, no usable password, linked to the person at once,
  a history row on the person) only if `OIDC_CREATE_LOGINS` is on (the default) and the person is one a
  coordinator could invite (`logins.invitable_rule`): employed by a principal of an area or seated, now or
  before, in a body of one. Anyone else in the register (an administrator's entry for no area) is refused until
  invited. An address that is already another login's username is refused (as an invitation is).

Every refusal is the same for the person at the door (`REFUSED`): whether a person with the address exists is not
told. The reason is logged (`samverkan.structure.sso`, INFO) without the address. The backend also refuses a
switched-off login's existing session (`get_user`), so switching a login off ends SSO sessions as it ends
password ones."""

import logging
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samverkan.lib.history import save_with_history
from samverkan.lib.locks import locked
from samverkan.lib.sso_config import sso_configured
from samverkan.structure.logins import invite_problem, username_for
from samverkan.structure.models import Membership, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

# What the login page says after any refusal: the same words whatever the reason.
REFUSED = gettext_lazy(
    "Det gick inte att logga in via identitetsleverantören. Din e-postadress där kunde inte kopplas till en "
    "inloggning här, eller så avbröts inloggningen. Logga in med lösenord, eller be samordnaren i ditt område "
    "om en inbjudan."
)


class Refused(Exception):
    """Single sign-on refused for the reason given (logged, never shown)."""


def _verified(claims: dict[str, Any]) -> bool:
    if not getattr(settings, "OIDC_REQUIRE_VERIFIED_EMAIL", True):
        return True
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def may_get_login(person: Person) -> bool:
    """Whether single sign-on may create a login for `person`: someone a coordinator could invite (employed by a
    principal of an area, or seated now or before in a body of an area). One query."""
    seated = Membership.objects.filter(person_id=person.pk).values("person_id")
    return Person.objects.filter(Q(employer__area__isnull=False) | Q(pk__in=seated), pk=person.pk).exists()


@transaction.atomic
def login_for_claims(claims: dict[str, Any]) -> "User":
    """The login that the provider's `claims` (userinfo: `email`, `email_verified`) open, created and linked to
    the person when the rules in this module's docstring allow. Raises Refused naming the reason. Takes the
    person's row lock, so two first sign-ins at once make one login. At most six queries."""
    address = str(claims.get("email") or "").strip()
    if not address or "@" not in address:
        raise Refused("no e-mail claim")
    if not _verified(claims):
        raise Refused("e-mail not verified by the provider")
    matches = list(Person.objects.filter(email__iexact=address).values_list("pk", flat=True)[:2])
    if len(matches) != 1:
        raise Refused("no person" if not matches else "several people")
    person = locked(Person.objects.all()).get(pk=matches[0])
    users = get_user_model().objects
    if person.user_id is not None:
        user = users.get(pk=person.user_id)
        if not user.is_active:
            raise Refused("login switched off")
        return user
    if not getattr(settings, "OIDC_CREATE_LOGINS", True):
        raise Refused("no login, and OIDC_CREATE_LOGINS is off")
    if not may_get_login(person):
        raise Refused("person belongs to no area")
    if invite_problem(person):
        raise Refused("address is another login's username")
    user = users.create_user(
        username=username_for(person.email),
        email=person.email,
        first_name=person.first_name[:150],
        last_name=person.last_name[:150],
    )  # create_user without a password sets an unusable one: this login signs in through the provider only
    person.user = user
    save_with_history(person, user, _("Inloggningen skapad via enkel inloggning"), clean=False)
    return user


class PersonOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching the provider's verified e-mail claim to one registered person
    (`login_for_claims`). Answers None (refused) for anything else: single sign-on switched off, a password login
    (no code in the request), the provider unreachable or answering wrongly, an ID token whose audience is not
    this client, or a refusal. Never raises to the request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if sso_configured():
            super().__init__(*args, **kwargs)
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> "User | None":
        """The code flow's last step (the callback passes `nonce`); None for every other call."""
        if not sso_configured() or request is None or "nonce" not in kwargs:
            return None
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ValueError, KeyError) as error:
            log.warning("Single sign-on failed: %s", type(error).__name__)
            return None
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library's signature and nonce check, plus the audience: an ID token made for another client of the
        same provider is refused (the library leaves `aud` unchecked)."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> "User | None":
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return login_for_claims(claims)
        except Refused as refusal:
            log.info("Single sign-on refused: %s", refusal)
            return None

    def get_user(self, user_id: int) -> "User | None":
        """The session's login, or None when it is gone or switched off (the library's own would keep it)."""
        user = self.UserModel.objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
