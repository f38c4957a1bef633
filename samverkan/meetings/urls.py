from django.urls import path

from samverkan.meetings import views

app_name = "meetings"
urlpatterns = [
    path("organ/<int:pk>/moten/", views.meeting_list, name="list"),
    path("organ/<int:pk>/moten/arsplan/", views.year_plan, name="year_plan"),
    path("moten/<int:pk>/", views.meeting, name="meeting"),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("moten/<int:pk>/dag/ny/", views.day_create, name="day_create"),
    path("moten/<int:pk>/arende/nytt/", views.item_create, name="item_create"),
    path("moten/<int:pk>/bordlagda/<int:item>/", views.take_up, name="take_up"),
    path("motesdag/<int:pk>/andra/", views.day_edit, name="day_edit"),
    path("motesdag/<int:pk>/ta-bort/", views.day_remove, name="day_remove"),
    path("arende/<int:pk>/andra/", views.item_edit, name="item_edit"),
]

# The minutes as PDF (meetings/pdf.py): live, and each stored version.
from samverkan.meetings import pdf  # noqa: E402

urlpatterns += [
    path("moten/<int:pk>/protokoll.pdf", pdf.staff_pdf, name="pdf"),
    path("moten/<int:pk>/protokoll/version/<int:number>.pdf", pdf.version_pdf, name="pdf_version"),
]
