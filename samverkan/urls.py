"""The site's address book: public portal at the root (in English under /en/), staff pages under /hantera/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from samverkan.lib.language import choose_language
from samverkan.structure import login_views

urlpatterns = [
    *i18n_patterns(path("", include("samverkan.public_urls")), prefix_default_language=False),
    path("sprak/", choose_language, name="choose_language"),
    path("", include("samverkan.opendata.urls")),
    path("konto/inbjudan/<str:token>/", login_views.accept, name="login_accept"),
    path("konto/sso/", login_views.SsoStart.as_view(), name="sso_start"),
    path("konto/sso/svar/", login_views.SsoCallback.as_view(), name="sso_callback"),
    path("konto/", include("samverkan.accounts.urls")),
    path("hantera/", include("samverkan.workspace.urls")),
    path("hantera/", include("samverkan.structure.urls")),
    path("hantera/", include("samverkan.meetings.urls")),
    path("hantera/", include("samverkan.importer.urls")),
    path("hantera/", include("samverkan.followthrough.urls")),
    path("hantera/", include("samverkan.agreements.urls")),
    path("hantera/", include("samverkan.surveys.urls")),
    path("hantera/", include("samverkan.followup.urls")),
    path("i18n/setlang/", require_POST(set_language), name="set_language"),  # Django's, which takes any method
    path("admin/", admin.site.urls),
]

handler400 = "samverkan.portal.views.bad_request"
handler403 = "samverkan.portal.views.permission_denied"
handler404 = "samverkan.portal.views.page_not_found"
handler500 = "samverkan.portal.views.server_error"
