"""The password-reset form that leaves the lookup and the mail to the worker."""

from functools import partial

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import translation

from samverkan.accounts.tasks import send_password_reset
from samverkan.lib.forms import CleanTextMixin


class QueuedPasswordResetForm(CleanTextMixin, PasswordResetForm):
    """Django's form, but `save` only queues `tasks.send_password_reset` after commit.

    No user is looked up in the request, so an address with a login and one without get the same response in
    the same time; the worker finds the logins and sends the mail.
    """

    def save(self, domain_override=None, use_https=False, request=None, **ignored) -> None:  # type: ignore[override]
        """Queue the mail for the cleaned address; the link's host is `domain_override` or the request's host."""
        domain = domain_override or (request.get_host() if request is not None else "")
        transaction.on_commit(
            partial(
                send_password_reset.enqueue,
                self.cleaned_data["email"],
                domain,
                use_https,
                translation.get_language() or "sv",
            )
        )
