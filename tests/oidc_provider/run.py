"""Start the test identity provider: migrate its SQLite file, register Samverkan as a confidential client (RS256,
authorization code, the redirect addresses in IDP_REDIRECT_URIS) and the users in IDP_USERS (JSON: username,
password, email, verified), then serve on 127.0.0.1:IDP_PORT with Django's runserver (no reloader).

Run by `tests/oidc_helpers.py` as `python -m tests.oidc_provider.run`; never in production."""

import json
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django  # noqa: E402 (the settings module must be named first)

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main():
    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="Samverkan",
        client_id=os.environ["IDP_CLIENT_ID"],
        client_secret=os.environ["IDP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["IDP_REDIRECT_URIS"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for user in json.loads(os.environ["IDP_USERS"]):
        User.objects.create_user(
            user["username"], email=user["email"], password=user["password"], is_staff=user["verified"]
        )
    call_command("runserver", f"127.0.0.1:{os.environ['IDP_PORT']}", use_reloader=False, skip_checks=True)


if __name__ == "__main__":
    main()
