from django.urls import path

from samverkan.search import item_page, views

app_name = "search"
urlpatterns = [
    path("sok/", views.search_page, name="search"),
    path("omrade/<slug:area>/moten/<int:meeting>/punkt/<int:pk>/", item_page.item_page, name="item"),
]
