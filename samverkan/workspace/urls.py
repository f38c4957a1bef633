"""The workspace's staff pages under /hantera/: the dashboard and role management."""

from django.urls import path

from samverkan.workspace import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("omrade/<slug:area>/roller/", views.roles, name="roles"),
    path("roller/<int:pk>/ta-bort/", views.role_revoke, name="role_revoke"),
]
