from django.urls import path

from samverkan.alerts import views

app_name = "alerts"
urlpatterns = [
    path("bevakning/organ/<int:pk>/", views.subscribe_body, name="subscribe_body"),
    path("bevakning/arende/<int:pk>/", views.subscribe_matter, name="subscribe_matter"),
    path("bevakning/huvudman/<int:pk>/", views.subscribe_principal, name="subscribe_principal"),
    path("bevakning/sokning/", views.subscribe_search, name="subscribe_search"),
    path("bevakning/skickat/", views.requested, name="requested"),
    path("bevakning/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("bevakning/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("bevakning/hantera/<str:token>/", views.manage, name="manage"),
]
