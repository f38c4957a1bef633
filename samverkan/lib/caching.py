"""Caching headers: public pages may be kept by browsers and shared caches for a short while, anything a signed-in
user sees only by their own browser, and a page whose validator is unchanged answers 304.

`PublicCacheMiddleware` (innermost of the response's outer layers: after sessions and authentication) decides:

- a GET or HEAD of a public address (`is_public_address`: a public page, `lib.language.is_public_path`, or the
  open data API under `settings.OPEN_DATA_PATH`, which shows the public data whoever asks) without a session
  cookie, answered 200 or 304 without setting a cookie: `Cache-Control: public, max-age=PUBLIC_MAX_AGE`
  (seconds; default 0, then with `must-revalidate`), and no `Vary: Cookie` (the page depends on no cookie: the
  language is in the address, and an anonymous visitor has no session);
- anything else that does not say already: `Cache-Control: private` (a signed-in user's pages, staff pages,
  forms that set a CSRF cookie).

Django's `ConditionalGetMiddleware` (after this one in MIDDLEWARE, so it runs first on the response) adds an ETag
from the page's bytes and answers 304 to a matching If-None-Match. Feeds set their own ETag and Last-Modified
from the data (`django.views.decorators.http.condition`), so a 304 there costs one small query and no
rendering."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from samverkan.lib.language import address_language

CACHEABLE_STATUS = {200, 304}


def _without_cookie_vary(response: HttpResponse) -> None:
    vary = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in vary if v.lower() != "cookie"]
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    elif "Vary" in response.headers:
        del response.headers["Vary"]


def is_public_address(path: str) -> bool:
    """Whether `path` (a request's `path_info`) is the same for every visitor: a public page in either language, or
    an address of the open data API (`settings.OPEN_DATA_PATH`, "/api/")."""
    return path.startswith(settings.OPEN_DATA_PATH) or address_language(path) is not None


def is_anonymous_public(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether `response` is a public page's answer to an anonymous visitor that sets no cookie. A request with a
    session cookie counts as signed in (no query to look the session up; at worst a stale cookie makes a page
    private)."""
    return (
        request.method in {"GET", "HEAD"}
        and response.status_code in CACHEABLE_STATUS
        and not response.cookies
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and is_public_address(request.path_info)
    )


def conditional_answer(request: HttpRequest, etag: str, modified: datetime | None) -> HttpResponse | None:
    """304 Not Modified (carrying `etag` and `modified`) when the request's If-None-Match / If-Modified-Since
    say the client has this version, else None: the caller builds the response and sets the same validators.
    `etag` is a quoted strong tag; `modified` an aware datetime (seconds count)."""
    timestamp = int(modified.timestamp()) if modified else None
    answer = get_conditional_response(request, etag=etag, last_modified=timestamp)
    return None if answer is None else with_validators(answer, etag, modified)


def with_validators(response: HttpResponse, etag: str, modified: datetime | None) -> HttpResponse:
    """`response` with the ETag and Last-Modified headers of `conditional_answer`'s arguments."""
    response["ETag"] = etag
    if modified:
        response["Last-Modified"] = http_date(int(modified.timestamp()))
    return response


class PublicCacheMiddleware:
    """Sets `Cache-Control` on every response that does not set it itself (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_anonymous_public(request, response):
            _without_cookie_vary(response)
            if "Cache-Control" not in response.headers:
                patch_cache_control(
                    response,
                    public=True,
                    max_age=settings.PUBLIC_MAX_AGE,
                    must_revalidate=settings.PUBLIC_MAX_AGE == 0,
                )
        elif "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True)
        elif "public" in response.headers["Cache-Control"]:
            # A view's own public header is not for a signed-in user or a response that sets a cookie.
            del response.headers["Cache-Control"]
            patch_cache_control(response, private=True)
        return response
