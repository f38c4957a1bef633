from django.urls import path

from samverkan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("omrade/<slug:area>/", views.area, name="area"),
    path("omrade/<slug:area>/karta/", views.structure_map, name="map"),
    path("omrade/<slug:area>/organ/<slug:body>/", views.body, name="body"),
    path("omrade/<slug:area>/huvudman/<slug:principal>/", views.principal, name="principal"),
    path("person/<slug:person>/", views.person, name="person"),
]
