"""Template context shared by every page."""

from django.conf import settings

from samverkan.accounts.access import scope_of


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "scope": scope_of(getattr(request, "user", None))}
