"""Pages of logins from the person register (structure/logins.py): invite a person (POST from a person list or
page), switch a login off or on, and the invited person's page that chooses the password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from samverkan.lib.methods import FORM
from samverkan.lib.sso_config import sso_configured
from samverkan.structure import logins, sso
from samverkan.structure.access import visible_people
from samverkan.structure.forms import ChoosePasswordForm

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def back_to(request):
    """The page the form came from (`next`, on this site only), else the dashboard."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("dashboard")


def _person(request, pk):
    """The person `pk` if the user may see them (else 404), with their login."""
    return get_object_or_404(visible_people(request.user).select_related("user"), pk=pk)


@login_required
@require_POST
def invite(request, pk):
    """Invite the person to get a login; 404 for someone the user may not see, 403 for someone they see but may not
    invite (a secretary for people outside their bodies, a contact, a member)."""
    person = _person(request, pk)
    if not logins.may_invite(request.user, person):
        raise PermissionDenied
    try:
        logins.invite(person, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s har fått en inbjudan per e-post. Länken gäller i %(days)s dagar.")
            % {"name": person, "days": logins.invitation_days()},
        )
    return redirect(back_to(request))


@login_required
@require_POST
def switch(request, pk):
    """Switch the person's login off (`active=0`) or on (`active=1`): coordinators of the person's area and
    administrators; 404 for someone the user may not see, 403 for anyone else."""
    person = _person(request, pk)
    if not logins.may_switch(request.user, person):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    if person.user_id is not None and person.user_id == request.user.pk and not active:
        messages.error(request, _("Du kan inte stänga av din egen inloggning."))
    elif logins.switch_login(person, active, request.user):
        text = _("Inloggningen för %(name)s är öppen igen.") if active else _("Inloggningen för %(name)s är avstängd.")
        messages.success(request, text % {"name": person})
    else:
        messages.error(request, _("%(name)s har ingen inloggning.") % {"name": person})
    return redirect(back_to(request))


def _spent(request):
    return render(request, "structure/login_invalid.html", status=404)


@require_http_methods(FORM)
def accept(request, token):
    """The invited person chooses a password; the login is made, linked to the person and logged in, and the
    link is spent. Any link that is not valid now answers the same 404 page, whatever the reason."""
    invitation = logins.valid_invitation(token)
    if invitation is None:
        return _spent(request)
    form = ChoosePasswordForm(logins.unsaved_user(invitation), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = logins.accept(token, form.cleaned_data["new_password1"])
        except logins.InvitationSpent:
            return _spent(request)
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(
            request,
            _("Välkommen! Din inloggning är klar. Du loggar in med %(username)s.") % {"username": user.get_username()},
        )
        return redirect("dashboard")
    return render(
        request,
        "structure/login_accept.html",
        {"form": form, "invitation": invitation, "username": logins.username_for(invitation.address)},
        status=400 if request.method == "POST" else 200,
    )


class SsoStart(OIDCAuthenticationRequestView):
    """`/konto/sso/`: sends the browser to the identity provider (authorization-code flow with state, nonce and
    PKCE kept in the session). 404 when single sign-on is not configured."""

    http_method_names = ["get", "head"]

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)  # the library's reads settings that exist only when SSO is on

    def get(self, request):
        if not sso_configured():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SsoCallback(OIDCAuthenticationCallbackView):
    """`/konto/sso/svar/`: where the provider sends the browser back. Logs the matched person in
    (`sso.PersonOIDCBackend`) and goes on to `next` or the dashboard; any refusal, an unknown or replayed state
    or an error from the provider goes back to the login page with the one message `sso.REFUSED`. 404 when
    single sign-on is not configured."""

    http_method_names = ["get", "head"]

    def get(self, request):
        if not sso_configured():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation:  # a state this session never sent (replayed or forged)
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, sso.REFUSED)
        return redirect("login")
