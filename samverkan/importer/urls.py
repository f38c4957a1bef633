from django.urls import path

from samverkan.importer import views

app_name = "importer"
urlpatterns = [
    path("organ/<int:pk>/importera/", views.body_imports, name="body"),
    path("import/<int:pk>/", views.preview, name="preview"),
    path("import/<int:pk>/spara/", views.confirm, name="confirm"),
    path("import/<int:pk>/ta-bort/", views.discard, name="discard"),
    path("import/zip/<int:pk>/", views.batch, name="batch"),
    path("import/zip/<int:pk>/ta-bort/", views.batch_discard, name="batch_discard"),
]
