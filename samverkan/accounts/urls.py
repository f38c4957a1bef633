from django.contrib.auth import views as auth_views
from django.urls import include, path

from samverkan.accounts.forms import QueuedPasswordResetForm

# The worker sends the mail (forms.QueuedPasswordResetForm). Django's own `password_reset/` (the name the
# templates reverse) is served by this view too, so no route looks users up in the request.
password_reset = auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)

urlpatterns = [
    path("password_reset/", password_reset, name="password_reset"),
    path("losenord/aterstall/", password_reset),
    path("", include("django.contrib.auth.urls")),
]
