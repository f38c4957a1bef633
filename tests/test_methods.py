"""Every page takes only its methods: PUT, PATCH and DELETE anywhere, a POST to a page that only shows, or a GET to
a one-button action answer 405 with an `Allow` header and a Swedish page (under /api/ a Swedish JSON error) —
before CSRF (which would say 403), the login redirect or a gate (404) — and never 200, 403 or 500.

The URL patterns are read from the resolver (named or not), the objects from the outsider walk's `Hidden`, so a
new page is walked without being listed here. The client enforces CSRF, as a browser's server does."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samverkan.lib.methods import allowed_methods
from tests.test_outsider_walk import SKIPPED_PREFIXES, hidden  # noqa: F401 (the shared fixture)

UNSAFE = ("PUT", "PATCH", "DELETE")


def every_pattern(resolver=None, prefix="", namespace=""):
    """(name or None, route, callback) of every URL pattern, includes followed, Django's admin left out."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from every_pattern(entry, route, f"{namespace}:{ns}" if namespace and ns else (ns or namespace))
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, route, entry.callback


def test_every_view_says_its_methods_and_none_takes_put_patch_or_delete():
    unsaid, unsafe = [], []
    for name, route, callback in every_pattern():
        methods = allowed_methods(callback)
        if methods is None:
            unsaid.append(name or route)
        elif methods & set(UNSAFE):
            unsafe.append(f"{name or route}: {sorted(methods)}")
    assert not unsaid, f"views without require_safe/require_POST/require_http_methods: {unsaid}"
    assert not unsafe, f"views that take PUT, PATCH or DELETE: {unsafe}"


def _fill(route, values):
    """The route with each `<converter:name>` replaced by `values[name]`."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def urls_to_walk(world, hidden):  # noqa: F811 (the fixture's value)
    """(label, url, the methods its view takes) for every pattern, filled with the walk's objects."""
    member = world.member
    plain = {
        "area": world.area.slug,
        "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
        "token": default_token_generator.make_token(member),
        "year": timezone.localdate().year,
        "principal": world.region.slug,
        "pk": world.region.pk,  # the principal pages' only parameter
    }
    for name, route, callback in every_pattern():
        filled = hidden.kwargs(name) if name else None
        url = reverse(name, kwargs=filled[0]) if filled else _fill(route, plain)
        yield name or route, url, allowed_methods(callback)


@pytest.mark.parametrize("actor", [None, "secretary", "admin"])
def test_a_method_a_page_does_not_take_answers_405(world, hidden, actor):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    if actor:
        client.force_login(getattr(world, actor))
    wrong, walked = [], 0
    for label, url, methods in urls_to_walk(world, hidden):
        for method in (*UNSAFE, *({"GET", "POST"} - methods)):
            response = client.generic(method, url)
            walked += 1
            status = response.status_code
            if status == 405:
                allowed = {m.strip() for m in response["Allow"].split(",")}
                if url.startswith("/api/"):  # the open data API answers in JSON, as its other errors
                    said = response.json()["error"].startswith(f"Metoden {method} tas inte emot här")
                else:
                    said = "Det går inte att göra så här" in response.content.decode()
                if allowed != methods or not said:
                    wrong.append(f"{method} {url} ({label}): 405 with Allow {response['Allow']}")
            elif status != 404 and not (actor is None and status == 302 and "/konto/login/" in response["Location"]):
                wrong.append(f"{method} {url} ({label}) -> {status}")
    assert walked > 300
    assert not wrong, "\n".join(wrong)


def test_the_405_page_is_swedish_first_and_in_english_under_en(client, world):
    swedish = client.post(reverse("portal:area", args=[world.area.slug]))
    assert swedish.status_code == 405 and swedish["Allow"] == "GET, HEAD"
    assert "Sidan tar inte emot den sortens förfrågan, så ingenting har ändrats." in swedish.content.decode()
    english = client.put("/en" + reverse("portal:area", args=[world.area.slug]))
    assert english.status_code == 405 and "so nothing has changed" in english.content.decode()
