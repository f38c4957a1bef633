"""Swedish first: the UI is Swedish unless the visitor chose English.

On the public pages the language is in the address (`/en/…` is English, everything else Swedish), so a public
page does not depend on any cookie and may be cached by anyone. Elsewhere (staff pages, accounts, admin) the
language cookie decides, and those responses vary on it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

PUBLIC_URLCONF = "samverkan.public_urls"
ENGLISH_PREFIX = "/en"


def unprefixed(path: str) -> str:
    """`path` without the English prefix: "/en/omrade/x/" → "/omrade/x/"; other paths unchanged."""
    if path == ENGLISH_PREFIX or path.startswith(ENGLISH_PREFIX + "/"):
        return path[len(ENGLISH_PREFIX) :] or "/"
    return path


def is_public_path(path: str) -> bool:
    """Whether `path` (without the English prefix) is one of the public pages of `samverkan/public_urls.py`."""
    try:
        resolve(path, PUBLIC_URLCONF)
    except Resolver404:
        return False
    return True


def address_language(path: str) -> str | None:
    """The language a public address asks for ("en" under `/en/`, else "sv"); None for a non-public address."""
    bare = unprefixed(path)
    if not is_public_path(bare):
        return None
    return "en" if bare != path else settings.LANGUAGE_CODE


def in_language(path: str, language: str) -> str:
    """The same public page's address in `language`; a non-public address is returned unchanged."""
    bare = unprefixed(path)
    if not is_public_path(bare):
        return path
    return ENGLISH_PREFIX + bare if language == "en" else bare


class SwedishFirstLocaleMiddleware:
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is not enough to leave Swedish.

    A public address gives its language itself and its response does not vary on cookies; on other addresses the
    language cookie (set by `choose_language` or Django's `set_language`) decides, and the response says
    `Vary: Cookie`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = address_language(request.path_info)
        from_cookie = language is None
        if language is None:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if from_cookie:
            patch_vary_headers(response, ["Cookie"])
        return response


@never_cache
@require_safe
def choose_language(request: HttpRequest) -> HttpResponse:
    """GET `?language=en&next=/omrade/x/`: redirect to the same page in that language.

    A plain GET, so the language form needs no CSRF token and public pages set no cookie. The cookie is set as
    well, for the pages whose address carries no language (staff pages, login). Changing the language is not
    a change anyone could abuse (unlike login CSRF), so a forged link only shows a page in the other language.
    An unknown language keeps Swedish; a `next` to another site goes to the start page."""
    language = request.GET.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    path, sep, query = target.partition("?")
    response = HttpResponseRedirect(in_language(path, language) + sep + query)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response
