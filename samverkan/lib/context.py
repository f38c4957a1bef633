"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from samverkan.accounts.access import scope_of


def site(request: HttpRequest) -> dict[str, Any]:
    """The site's name and the visitor's scope (what they may see), for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "scope": scope_of(getattr(request, "user", None))}
