"""Whether single sign-on (OpenID Connect, `structure/sso.py`) is configured, read from settings only, so the login
page (`accounts`) and the sign-on views (`structure`) ask the same question."""

from django.conf import settings


def sso_configured() -> bool:
    """True when a client id and the provider's endpoints are all set: authorization, token, user info, and the
    key set when the ID token is signed with a public key (RS*/ES*). With any missing the login page offers no
    button and the sign-on addresses answer 404."""
    return bool(
        getattr(settings, "OIDC_RP_CLIENT_ID", "")
        and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        and settings.OIDC_OP_TOKEN_ENDPOINT
        and settings.OIDC_OP_USER_ENDPOINT
        and (settings.OIDC_OP_JWKS_ENDPOINT or not settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")))
    )
