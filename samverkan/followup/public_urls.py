from django.urls import path

from samverkan.followup import public

app_name = "followup_public"
urlpatterns = [
    path("omrade/<slug:area>/uppfoljning/", public.area_followup, name="area"),
    path("omrade/<slug:area>/uppfoljning/mal/<int:pk>/", public.goal, name="goal"),
]
