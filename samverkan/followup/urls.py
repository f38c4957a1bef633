from django.urls import path

from samverkan.followup import views

app_name = "followup"
urlpatterns = [
    path("mal/omrade/<slug:area>/", views.area, name="area"),
    path("mal/omrade/<slug:area>/nytt/", views.create, name="create"),
    path("mal/<int:pk>/", views.goal, name="goal"),
    path("mal/<int:pk>/andra/", views.edit, name="edit"),
    path("mal/<int:pk>/matning/ny/", views.measurement_create, name="measurement_create"),
    path("mal/<int:pk>/hamta/", views.record, name="record"),
]
