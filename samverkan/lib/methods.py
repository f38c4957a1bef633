"""Which HTTP methods a page takes, and a 405 for any other before CSRF or a gate is asked.

Every view says its methods with Django's decorators (`require_safe` for pages, `require_POST` for one-button
actions, `require_http_methods(FORM)` for form pages) or, for a class-based view, `http_method_names`.
`MethodMiddleware` reads that and answers 405 with an `Allow` header to any other method, before
CsrfViewMiddleware (which would answer 403 to a PUT without a token), the login redirect or a gate (404) run.
`tests/test_methods.py` walks every URL pattern, so a view without a declaration fails there. A view may
answer the 405 itself in its own format (the open data API's JSON) by carrying `refuse_method`.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGE = ["GET", "HEAD"]  # what `require_safe` allows
FORM = ["GET", "HEAD", "POST"]  # a page with a form that posts to itself


@functools.cache  # URL patterns' callbacks are made once, when the URLconf loads
def allowed_methods(view: Callable[..., Any]) -> frozenset[str] | None:
    """The methods `view` (a URL pattern's callback) takes, upper case, or None when it does not say.

    A class-based view: its `http_method_names` that it implements (HEAD where it has GET, as `View.setup`
    does). A function view: the list given to Django's `require_http_methods` (and so `require_GET`,
    `require_POST`, `require_safe`), found by following the `__wrapped__` chain of its decorators (all made
    with `functools.wraps`) to the closure that holds the list."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        names = getattr(view, "view_initkwargs", {}).get("http_method_names", view_class.http_method_names)
        return frozenset(
            name.upper()
            for name in names
            if hasattr(view_class, name) or (name == "head" and hasattr(view_class, "get"))
        )
    operations = _ninja_operations(view)
    if operations is not None:
        methods = frozenset(method for operation in operations for method in operation.methods)
        # HEAD wherever GET, as Django's View and `require_safe` take it (RFC 9110 9.1: a general-purpose server
        # supports both); `MethodMiddleware` hands ninja a HEAD as the GET it knows.
        return methods | {"HEAD"} if "GET" in methods else methods
    function: Any = view
    for _ in range(20):  # a view has a few decorators, never this many
        if inspect.isfunction(function):
            cells = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
            if "request_method_list" in cells:
                return frozenset(cells["request_method_list"].cell_contents)
        function = getattr(function, "__wrapped__", None)
        if function is None:
            break
    return None


def _ninja_operations(view: Callable[..., Any]) -> list[Any] | None:
    """The operations of a django-ninja path (the open data API), each with its `methods`, or None for any other
    view: ninja's view is a closure over its PathView, which lists them."""
    if not inspect.isfunction(view) or not view.__module__.startswith("ninja."):
        return None
    cells = dict(zip(view.__code__.co_freevars, view.__closure__ or (), strict=True))
    path_view = cells["self"].cell_contents if "self" in cells else None
    return getattr(path_view, "operations", None)


@functools.cache
def _head_as_get(view: Callable[..., Any]) -> bool:
    """Whether `view` is a django-ninja path that takes GET and not HEAD itself (the open data API)."""
    operations = _ninja_operations(view)
    methods = {method for operation in operations or () for method in operation.methods}
    return "GET" in methods and "HEAD" not in methods


class MethodMiddleware:
    """Answers 405 (a short Swedish page, `Allow:` the view's methods) to a method the resolved view does not
    take; a view that does not say is left to itself. A view with a `refuse_method(request, allowed)` attribute
    makes the answer's body itself (the API's JSON error); the status and `Allow` are still set here. Sits before
    CsrfViewMiddleware in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_head_as_get", False):  # set by process_view: a HEAD the view answered as a GET
            # The method is HEAD again for what lies outside (the page cache keeps GETs only), and the server
            # sends no body for a HEAD (gunicorn, runserver and Django's test client alike: RFC 9110 9.3.2).
            request.method = "HEAD"
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        """None to go on; a 405 response when `request.method` is not among the view's methods."""
        allowed = allowed_methods(view)
        if allowed is None or request.method in allowed:
            if request.method == "HEAD" and _head_as_get(view):
                # ninja routes by method and knows no HEAD: it answers the GET (see `__call__`).
                request.method = "GET"
                request._head_as_get = True  # type: ignore[attr-defined]  # read back in __call__
            return None
        refuse = getattr(view, "refuse_method", None)
        response: HttpResponse
        if refuse is not None:
            response = refuse(request, sorted(allowed))
        else:
            response = render(request, "405.html", {"allowed": sorted(allowed)}, status=405)
        response.status_code = 405
        response["Allow"] = ", ".join(sorted(allowed))
        return response
