from django.urls import path

from samverkan.opendata.api import api

urlpatterns = [path("api/", api.urls)]
