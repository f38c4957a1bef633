from django.urls import path

from samverkan.structure import login_views, views

app_name = "structure"
urlpatterns = [
    path("omrade/<slug:area>/", views.area, name="area"),
    path("omrade/<slug:area>/organ/nytt/", views.body_create, name="body_create"),
    path("omrade/<slug:area>/huvudman/ny/", views.principal_create, name="principal_create"),
    path("omrade/<slug:area>/person/ny/", views.person_create, name="person_create"),
    path("omrade/<slug:area>/person/<int:pk>/", views.person, name="person"),
    path("omrade/<slug:area>/person/<int:pk>/andra/", views.person_edit, name="person_edit"),
    path("organ/<int:pk>/", views.body, name="body"),
    path("organ/<int:pk>/andra/", views.body_edit, name="body_edit"),
    path("organ/<int:pk>/uppdrag/nytt/", views.membership_create, name="membership_create"),
    path("huvudman/<int:pk>/", views.principal, name="principal"),
    path("huvudman/<int:pk>/andra/", views.principal_edit, name="principal_edit"),
    path("uppdrag/<int:pk>/andra/", views.membership_edit, name="membership_edit"),
    path("uppdrag/<int:pk>/avsluta/", views.membership_end, name="membership_end"),
    path("person/<int:pk>/bjud-in/", login_views.invite, name="login_invite"),
    path("person/<int:pk>/inloggning/", login_views.switch, name="login_switch"),
]
