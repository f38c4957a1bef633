"""System checks for what keeps logins safe: a real SECRET_KEY outside DEBUG."""

from django.conf import settings
from django.core import checks

SECRET_KEY_MISSING = (
    "SECRET_KEY är inte satt: servern skulle köra med den inbyggda utvecklingsnyckeln, så sessioner och länkar för "
    "nytt lösenord kan förfalskas. / SECRET_KEY is not set: the server would run on the built-in development key, "
    "so sessions and password-reset links could be forged."
)
SECRET_KEY_HINT = (
    "Sätt miljövariabeln SECRET_KEY till en lång slumpad nyckel (eller kör med DEBUG=true på en utvecklardator). / "
    "Set the SECRET_KEY environment variable to a long random key (or run with DEBUG=true on a developer's machine)."
)


def secret_key_errors() -> list[checks.CheckMessage]:
    """An Error when DEBUG is off and SECRET_KEY is empty or the development key of settings.py, else nothing.

    Sessions, CSRF and password-reset tokens are signed with SECRET_KEY (Django's signing), so a key that is in
    the source code lets anyone forge them.
    """
    if settings.DEBUG or settings.SECRET_KEY not in ("", settings.DEVELOPMENT_SECRET_KEY):
        return []
    return [checks.Error(SECRET_KEY_MISSING, hint=SECRET_KEY_HINT, id="samverkan.E001")]


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: the SECRET_KEY check above."""
    return secret_key_errors()
