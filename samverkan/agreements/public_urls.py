from django.urls import path

from samverkan.agreements import public

app_name = "agreements_public"
urlpatterns = [
    path("omrade/<slug:area>/overenskommelser/", public.register, name="register"),
    path("omrade/<slug:area>/overenskommelser/<int:pk>/", public.agreement, name="agreement"),
    path(
        "omrade/<slug:area>/overenskommelser/<int:pk>/version/<int:version>/fil/",
        public.version_file,
        name="version_file",
    ),
    path(
        "omrade/<slug:area>/overenskommelser/<int:pk>/uppfoljning/<int:follow_up>/fil/",
        public.follow_up_file,
        name="follow_up_file",
    ),
]
