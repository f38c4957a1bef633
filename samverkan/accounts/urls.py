from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "losenord/aterstall/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
