"""A server-side cache of rendered public pages, invalidated by a content generation (issue 11).

Why: a public page is the same bytes for every anonymous visitor until something it shows changes, and the pages
that list ten years of a county take 50-400 ms to render. Browsers and proxies already revalidate them
(`lib/caching.py`: max-age 0 and an ETag), but the server rendered every one anew.

How it stays right:

- **The key holds the content generation** (`portal.ContentGeneration`, one row). Every connection gets an execute
  wrapper (`install_write_watch`) that notes any INSERT, UPDATE or DELETE on a table of the apps whose records
  public pages show (`WATCHED_APPS`), whatever made it (a model save, `QuerySet.update()`, `bulk_create`, raw SQL,
  a worker task, a management command), and bumps the generation once per transaction *after it commits*
  (`transaction.on_commit`; at once outside a transaction). A request reads the generation (one query) *before*
  it renders, so a page rendered while a write commits is stored under the old generation, which no later request
  asks for: a change is visible on the next request. Bumping after commit takes no lock inside the writers'
  transactions (a counter row locked by every writer would serialise them and could deadlock with the meetings'
  row locks on PostgreSQL).
- **The key also holds the local date** (what is coming or past, overdue or open for appeal changes at midnight),
  the host and scheme (feeds print absolute addresses) and the full path with its query string; the language is in
  the address. Entries live `PAGE_CACHE_SECONDS` at most (a safety net, not the invalidation).
- **Only anonymous public pages are kept**: a GET without any cookie, of a public address
  (`lib.caching.is_public_address`: a public page or the open data API), answered 200, not streamed, setting no
  cookie, whose `Cache-Control` the `PublicCacheMiddleware` made `public` (so never a signed-in user's page, a
  staff page or a page with a CSRF token), varying on nothing but the encoding, at most `PAGE_CACHE_MAX_BYTES`.
  A stored page is served to a request without a session or messages cookie only; a signed-in visitor always gets
  a freshly rendered page.
- Bounded: the `pages` cache alias (default local memory, `MAX_ENTRIES` in settings) and the byte limit per page.

A hit answers with `X-Page-Cache: hit` and honours If-None-Match/If-Modified-Since (304) as Django's
ConditionalGetMiddleware would.

**One render per page at a time** (per process): every write makes every page a miss at once, and without this
each concurrent visitor of a busy page rendered it anew — eight clients on a page that takes a second under load
kept all threads rendering the same page for the whole of a five-second throughput run (the body page and the
board measured 0.9 and 1.2 requests/s at stop 19). A request that finds the page being rendered waits for that
render (at most `RENDER_WAIT` seconds) and is served what it stored; if nothing was stored (a page that may not
be kept), it renders its own, as before, so no request waits behind another's uncacheable page twice.
"""

import hashlib
import re
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, ProgrammingError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from samverkan.lib.caching import is_public_address
from samverkan.portal.models import ContentGeneration

PAGE_CACHE_ALIAS = "pages"
RENDER_WAIT = 10.0  # seconds a request waits for another thread's render of the same page before rendering its own
_rendering: dict[str, threading.Lock] = {}  # cache key -> the lock its renderer holds, in this process
_rendering_guard = threading.Lock()
# The apps whose tables hold what public pages, feeds, the API and search show.
WATCHED_APPS = ("structure", "meetings", "followthrough", "agreements", "search", "surveys", "followup")
_WATCHED_PREFIXES = tuple(f"{label}_" for label in WATCHED_APPS)
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)
_CACHEABLE_VARY = {"", "accept-encoding"}


def current_generation() -> int:
    """The content generation now (0 before the first write or when the row is missing, as after a test flush)."""
    value = ContentGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump_generation() -> None:
    """Add one to the content generation, so no page rendered before is served from the cache again. Does nothing
    while the table does not exist yet (writes made by `migrate` before portal's own migration ran: no page can
    have been cached then). Runs after commit or in autocommit, so a failed statement aborts no transaction."""
    try:
        if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
            ContentGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
    except (OperationalError, ProgrammingError):
        if ContentGeneration._meta.db_table in connection.introspection.table_names():
            raise


def _note_write(connection: BaseDatabaseWrapper) -> None:
    if not connection.in_atomic_block:
        bump_generation()
        return
    # Once per transaction (and savepoint level), without scanning the callbacks: Django replaces its list of
    # commit callbacks when a transaction ends or a savepoint is rolled back (dropping what was registered in it),
    # so a bump registered into this very list at this very savepoint level is still there.
    level = (connection.run_on_commit, tuple(connection.savepoint_ids))
    pending = getattr(connection, "_page_cache_pending", None)
    if pending is not None and pending[0] is level[0] and pending[1] == level[1]:
        return
    transaction.on_commit(bump_generation, using=connection.alias, robust=True)
    connection._page_cache_pending = level  # type: ignore[attr-defined]  # our own note on the connection


def watch_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """An execute wrapper (`connection.execute_wrapper`): runs the statement, then, when it writes to a watched
    table, arranges the generation's bump after commit."""
    result = execute(sql, params, many, context)
    head = sql[:7].upper().lstrip()
    if head.startswith(("INSERT", "UPDATE", "DELETE")):
        found = _WRITE.match(sql)
        if found and found.group(1).lower().startswith(_WATCHED_PREFIXES):
            _note_write(context["connection"])
    return result


def install_write_watch(sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any) -> None:
    """`connection_created` receiver: put `watch_writes` first among the connection's execute wrappers (once; first,
    so a test's `with connection.execute_wrapper(...)` still pops its own)."""
    if connection is not None and watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def may_serve_cached(request: HttpRequest) -> bool:
    """Whether `request` may be answered from the cache: a GET or HEAD of a public address (a public page or the
    open data API) by a visitor with no session (nor a pending message)."""
    return (
        _seconds() > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and is_public_address(request.path_info)
    )


def may_store(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether `response` may be kept for every anonymous visitor (see the module's docstring)."""
    vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
    return (
        request.method == "GET"
        and not request.COOKIES
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in response.headers.get("Cache-Control", "")
        and vary <= _CACHEABLE_VARY
        and isinstance(response, HttpResponse)
        and len(response.content) <= int(getattr(settings, "PAGE_CACHE_MAX_BYTES", 400_000))
    )


def page_key(request: HttpRequest, generation: int) -> str:
    """The cache key of the page `request` asks for at `generation`, today."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{generation}:{timezone.localdate().isoformat()}:{digest}"


def _from_stored(request: HttpRequest, stored: tuple[int, list[tuple[str, str]], bytes]) -> HttpResponseBase:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers["X-Page-Cache"] = "hit"
    if request.method != "GET":
        return response
    modified = parse_http_date_safe(response.headers.get("Last-Modified", ""))
    answer = get_conditional_response(
        request, etag=response.headers.get("ETag"), last_modified=modified, response=response
    )
    return answer or response


class PageCacheMiddleware:
    """Serves and keeps rendered public pages (see the module's docstring). Sits outside `PublicCacheMiddleware`
    in MIDDLEWARE, so it sees the `Cache-Control` that middleware decided."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not may_serve_cached(request):
            return self.get_response(request)
        cache = caches[PAGE_CACHE_ALIAS]
        key = page_key(request, current_generation())  # read before rendering: see the module's docstring
        stored = cache.get(key)
        if stored is not None:
            return _from_stored(request, stored)
        with _rendering_guard:
            lock = _rendering.setdefault(key, threading.Lock())
        if not lock.acquire(blocking=False):
            # Another thread renders this page now: wait for it, then serve what it stored (see the docstring).
            if lock.acquire(timeout=RENDER_WAIT):
                lock.release()
            stored = cache.get(key)
            if stored is not None:
                return _from_stored(request, stored)
            return self._render(request, cache, key)
        try:
            return self._render(request, cache, key)
        finally:
            with _rendering_guard:
                _rendering.pop(key, None)
            lock.release()

    def _render(self, request: HttpRequest, cache: Any, key: str) -> HttpResponseBase:
        response = self.get_response(request)
        if may_store(request, response):
            assert isinstance(response, HttpResponse)
            cache.set(key, (response.status_code, list(response.headers.items()), response.content), _seconds())
        return response
