"""Template context shared by every page."""

from django.conf import settings

from samverkan.structure.roles import scope_of


def site(request):
    """SITE_NAME and the user's `scope` (structure.roles.Scope) for every template: two queries for a
    signed-in user the first time per request, none after and none for a visitor."""
    return {"SITE_NAME": settings.SITE_NAME, "scope": scope_of(getattr(request, "user", None))}
