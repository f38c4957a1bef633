from django.urls import path

from samverkan.agreements import views

app_name = "agreements"
urlpatterns = [
    path("overenskommelser/omrade/<slug:area>/", views.area, name="area"),
    path("overenskommelser/omrade/<slug:area>/ny/", views.create, name="create"),
    path("overenskommelser/<int:pk>/", views.agreement, name="agreement"),
    path("overenskommelser/<int:pk>/andra/", views.edit, name="edit"),
    path("overenskommelser/<int:pk>/antagande/", views.send_for_adoption, name="send_for_adoption"),
    path("overenskommelser/<int:pk>/version/ny/", views.version_create, name="version_create"),
    path("overenskommelser/<int:pk>/uppfoljning/ny/", views.follow_up_create, name="follow_up_create"),
]
