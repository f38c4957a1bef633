"""The test provider's claims: `email` and `email_verified` for the `email` scope. The tiny project has no
profile model, so a user's `is_staff` flag stands for "the provider has verified this address"."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaims(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email": "email", "email_verified": "email"}

    def get_additional_claims(self, request):
        return {"email": request.user.email, "email_verified": bool(request.user.is_staff)}
