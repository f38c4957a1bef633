from django.urls import path

from samverkan.surveys import views

app_name = "surveys"
urlpatterns = [
    path("enkater/omrade/<slug:area>/", views.area, name="area"),
    path("enkater/omrade/<slug:area>/ny/", views.create, name="create"),
    path("enkater/<int:pk>/", views.survey, name="survey"),
    path("enkater/<int:pk>/andra/", views.edit, name="edit"),
    path("enkater/<int:pk>/fraga/ny/", views.question_create, name="question_create"),
    path("enkater/<int:pk>/fraga/<int:question>/andra/", views.question_edit, name="question_edit"),
    path("enkater/<int:pk>/fraga/<int:question>/ta-bort/", views.question_delete, name="question_delete"),
    path("enkater/<int:pk>/skicka/", views.send, name="send"),
    path("enkater/<int:pk>/paminn/", views.remind, name="remind"),
    path("enkater/<int:pk>/stang/", views.close, name="close"),
    path("enkater/<int:pk>/resultat/", views.results, name="results"),
    path("enkater/<int:pk>/resultat/fraga/<int:question>/", views.texts, name="texts"),
]
