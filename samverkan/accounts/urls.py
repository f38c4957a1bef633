"""Login, logout and password pages under /konto/. The password-reset pages have Swedish paths; Django's English
ones (`password_reset/`, `reset/<uidb64>/<token>/`, their `done/` pages) redirect there permanently, so a link
in a mail sent before the change still works."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import RedirectView

from samverkan.accounts.forms import QueuedPasswordResetForm
from samverkan.lib.sso_config import sso_configured

FORM_METHODS = ["get", "head", "post"]  # Django's form views would take PUT as a POST
PAGE_METHODS = ["get", "head"]


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; the address it moves the token out of is `/konto/nytt-losenord/<uidb64>/valj/`."""

    reset_url_token = "valj"
    http_method_names = FORM_METHODS


class LoginView(auth_views.LoginView):
    """Django's login page; when single sign-on is configured (`lib.sso_config`) it also offers the button to
    the identity provider (`sso_label`), which keeps `next`."""

    http_method_names = FORM_METHODS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if sso_configured():
            context["sso_label"] = settings.OIDC_LABEL or _("Logga in med organisationens konto")
        return context


class MovedView(RedirectView):
    """A permanent (301) redirect from an old English address to its Swedish one, query string kept; only for
    GET and HEAD, like the page it points at."""

    permanent = True
    query_string = True
    http_method_names = PAGE_METHODS


def moved(name: str):
    """The view that redirects to the URL pattern `name` with the same parameters."""
    return MovedView.as_view(pattern_name=name)


# The worker sends the mail (forms.QueuedPasswordResetForm): no route looks users up in the request.
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (and OPTIONS)
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(http_method_names=FORM_METHODS),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(http_method_names=PAGE_METHODS),
        name="password_change_done",
    ),
    path(
        "glomt-losenord/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm, http_method_names=FORM_METHODS),
        name="password_reset",
    ),
    path(
        "glomt-losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(http_method_names=PAGE_METHODS),
        name="password_reset_done",
    ),
    path("nytt-losenord/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "nytt-losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(http_method_names=PAGE_METHODS),
        name="password_reset_complete",
    ),
    # The old addresses.
    path("password_reset/", moved("password_reset")),
    path("losenord/aterstall/", moved("password_reset")),
    path("password_reset/done/", moved("password_reset_done")),
    path("reset/done/", moved("password_reset_complete")),
    path("reset/<uidb64>/<token>/", moved("password_reset_confirm")),
]
