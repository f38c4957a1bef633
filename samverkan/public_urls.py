"""The public pages, which the address book serves twice: in Swedish at the root and in English under `/en/`.

The language is in the address, not in a cookie, so a public page is the same for everyone who asks for its
address and a shared cache may keep it (`lib/caching.py`)."""

from django.urls import include, path

urlpatterns = [
    path("", include("samverkan.portal.urls")),
    path("", include("samverkan.meetings.public_urls")),
    path("", include("samverkan.followthrough.public_urls")),
    path("", include("samverkan.agreements.public_urls")),
    path("", include("samverkan.surveys.public_urls")),
    path("", include("samverkan.followup.public_urls")),
    path("", include("samverkan.search.urls")),
    path("", include("samverkan.alerts.urls")),
]
