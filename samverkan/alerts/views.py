"""The alert pages: the subscribe form of a body, a matter, a principal's decisions and a search (no login, no
JavaScript), the page after it, and the pages behind the mails' signed links (confirm, end, manage). A link that
does not work answers the site's 404 page with no hint why; those pages are never cached."""

from axes.helpers import get_client_ip_address  # type: ignore[import-untyped]  # axes ships no types
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from samverkan.alerts import access, actions, links
from samverkan.alerts.access import Target
from samverkan.alerts.forms import FrequencyForm, SubscribeForm
from samverkan.alerts.models import Subscription
from samverkan.lib.forms import form_status
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.lib.text import is_digits
from samverkan.search.views import PARAMS

MANAGE_PAGE = 25  # subscriptions a page of the manage page shows


def _subscribe(request: HttpRequest, target: Target) -> HttpResponse:
    """GET: the form; POST: ask for the confirmation mail and go to the page that says it is on its way (the same
    whether or not the address already watches this); 429 when this visitor sent too many forms.

    The form carries no CSRF token (the subscribe views are `csrf_exempt`): there is no session to protect, a
    forged post can do no more than the attacker's own post (the confirmation mail is the guard, and the rate
    limits hold either way), and so the page sets no cookie and stays a cacheable public page."""
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = form_status(request, form)
    if request.method == "POST" and form.is_valid():
        visitor = get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"
        asked = actions.ask_to_subscribe(
            target,
            form.cleaned_data["email"],
            form.cleaned_data["frequency"],
            translation.get_language() or "sv",
            visitor,
        )
        if asked is actions.Asked.QUEUED:
            return redirect("alerts:requested", permanent=False)
        form.add_error(None, _("För många anmälningar från din anslutning. Vänta en timme och försök igen."))
        status = 429
    return render(
        request,
        "alerts/subscribe.html",
        {
            "form": form,
            "target": target,
            "what": access.kind_label(target),
            "days": settings.ALERT_CONFIRM_DAYS,
            "crumbs": [(None, _("Bevaka"))],
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(FORM)
def subscribe_body(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe to what a public body publishes (404 for an internal or unknown body)."""
    return _subscribe(request, access.get_body_target(pk))


@csrf_exempt
@require_http_methods(FORM)
def subscribe_matter(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe to a public matter (404 for an internal or unknown matter)."""
    return _subscribe(request, access.get_matter_target(pk))


@csrf_exempt
@require_http_methods(FORM)
def subscribe_principal(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe to a principal's decisions and the recommendations addressed to it."""
    return _subscribe(request, access.get_principal_target(pk))


@csrf_exempt
@require_http_methods(FORM)
def subscribe_search(request: HttpRequest) -> HttpResponse:
    """Subscribe to a search: the /sok/ parameters in the address (404 for a query without words)."""
    target = access.search_target({name: request.GET.get(name, "") for name in ("q", *PARAMS)})
    if target is None:
        raise Http404
    return _subscribe(request, target)


@require_safe
def requested(request: HttpRequest) -> HttpResponse:
    """After the form: a mail with a link is on its way (said the same way for every address)."""
    return render(
        request,
        "alerts/requested.html",
        {"days": settings.ALERT_CONFIRM_DAYS, "crumbs": [(None, _("Bevaka"))]},
    )


def _by_token(token: str, purpose: str) -> Subscription:
    found = links.subscription_by_token(token, purpose)
    if found is None:
        raise Http404
    return found


@never_cache
@require_http_methods(FORM)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link confirms and a button (a mail scanner's GET confirms nothing); POST: confirm."""
    subscription = _by_token(token, links.CONFIRM)
    if request.method == "POST":
        subscription = actions.confirm(subscription)
        return render(
            request,
            "alerts/confirmed.html",
            {
                "subscription": subscription,
                "manage_url": reverse("alerts:manage", args=[links.token_for(subscription, links.MANAGE)]),
            },
        )
    return render(request, "alerts/confirm.html", {"subscription": subscription})


@never_cache
@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" without a token; the link is the key
@require_http_methods(FORM)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a button to end the subscription; POST (the button, or a mail client's one-click): end it."""
    subscription = _by_token(token, links.UNSUBSCRIBE)
    if request.method == "POST":
        actions.unsubscribe(subscription)
        return render(request, "alerts/unsubscribed.html", {"subscription": subscription})
    return render(request, "alerts/unsubscribe.html", {"subscription": subscription})


@never_cache
@require_http_methods(FORM)
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """An address's confirmed subscriptions, paged: change how often, end one, or end all. Two queries a page."""
    address_key = links.address_by_token(token)
    if address_key is None:
        raise Http404
    mine = Subscription.objects.filter(address_key=address_key, confirmed_at__isnull=False)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "all":
            mine.delete()
            messages.success(request, _("Alla dina bevakningar är avslutade."))
            return redirect(request.path)
        chosen = mine.filter(pk=_int(request.POST.get("subscription"))).first()
        if chosen is None:
            raise Http404
        if action == "end":
            actions.unsubscribe(chosen)
            messages.success(request, _("Bevakningen av %(name)s är avslutad.") % {"name": chosen.label})
            return redirect(request.path)
        form = FrequencyForm(request.POST)
        if action != "frequency" or not form.is_valid():
            messages.error(request, _("Välj dagligen eller varje vecka. Inget har ändrats."))
            return redirect(request.path)
        actions.set_frequency(chosen, form.cleaned_data["frequency"])
        messages.success(request, _("Bevakningen av %(name)s är ändrad.") % {"name": chosen.label})
        return redirect(request.path)
    page = page_of(request, mine.order_by("created_at", "pk"), MANAGE_PAGE)
    return render(
        request,
        "alerts/manage.html",
        {"page": page, "frequencies": Subscription.Frequency.choices, "crumbs": [(None, _("Mina bevakningar"))]},
    )


def _int(value: str | None) -> int:
    return int(value) if value and is_digits(value) and len(value) < 12 else 0
