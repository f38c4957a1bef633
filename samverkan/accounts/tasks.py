"""Background tasks of accounts, run by the django-tasks database worker (`samverkan worker`)."""

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django_tasks import task

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.txt"


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> None:
    """Mail a password-reset link to every active login with `email`, or to none if there is no such login.

    Runs in the worker, so the request that asked for it does the same work whether the address is known or
    not (the response time reveals nothing). The link is `http(s)://<domain>/konto/nytt-losenord/<uid>/<token>/`
    (the `password_reset_confirm` pattern, as Django's PasswordResetForm makes it); the token is made here,
    signed with SECRET_KEY, valid for PASSWORD_RESET_TIMEOUT and spent by the first password set with it.
    """
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=EMAIL_TEMPLATE,
        )
