from django.urls import path

from samverkan.surveys import public

app_name = "surveys_public"
urlpatterns = [
    path("enkat/svar/<str:token>/", public.answer, name="answer"),
    path("omrade/<slug:area>/enkater/", public.register, name="register"),
    path("omrade/<slug:area>/enkater/<int:pk>/", public.results, name="results"),
    path("omrade/<slug:area>/enkater/<int:pk>/fraga/<int:question>/", public.texts, name="texts"),
]
