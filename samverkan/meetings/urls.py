from django.urls import path

from samverkan.meetings import document_views, invitation_views, views

app_name = "meetings"
urlpatterns = [
    path("organ/<int:pk>/moten/", views.meeting_list, name="list"),
    path("organ/<int:pk>/moten/arsplan/", views.year_plan, name="year_plan"),
    path("moten/<int:pk>/", views.meeting, name="meeting"),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("moten/<int:pk>/steg/", views.meeting_step, name="step"),
    path("moten/<int:pk>/dag/ny/", views.day_create, name="day_create"),
    path("moten/<int:pk>/arende/nytt/", views.item_create, name="item_create"),
    path("moten/<int:pk>/bordlagda/<int:item>/", views.take_up, name="take_up"),
    path("moten/<int:pk>/narvaro/hamta/", views.attendance_fetch, name="attendance_fetch"),
    path("moten/<int:pk>/narvaro/ny/", views.attendance_create, name="attendance_create"),
    path("moten/<int:pk>/justerare/", views.signatories, name="signatories"),
    path("moten/<int:pk>/justerat-pa-papper/", views.paper_adjustment, name="paper_adjustment"),
    path("moten/<int:pk>/justera/", views.sign, name="sign"),
    path("moten/<int:pk>/versioner/<int:number>/", views.version, name="version"),
    path("att-justera/", views.to_sign, name="to_sign"),
    path("motesdag/<int:pk>/andra/", views.day_edit, name="day_edit"),
    path("motesdag/<int:pk>/ta-bort/", views.day_remove, name="day_remove"),
    path("arende/<int:pk>/andra/", views.item_edit, name="item_edit"),
    path("arende/<int:pk>/ta-bort/", views.item_remove, name="item_remove"),
    path("arende/<int:pk>/protokoll/", views.item_minutes, name="item_minutes"),
    path("arende/<int:pk>/till-handlingarna/", views.item_file, name="item_file"),
    path("arende/<int:pk>/rattelse/", views.item_correct, name="item_correct"),
    path("narvaro/<int:pk>/andra/", views.attendance_edit, name="attendance_edit"),
    path("narvaro/<int:pk>/ta-bort/", views.attendance_remove, name="attendance_remove"),
    path("moten/<int:pk>/handlingar/ny/", document_views.document_create, name="document_create"),
    path("handling/<int:pk>/andra/", document_views.document_edit, name="document_edit"),
    path("handling/<int:pk>/ta-bort/", document_views.document_remove, name="document_remove"),
    path("handling/<int:pk>/rattelse/", document_views.document_correct, name="document_correct"),
    path("handling/<int:pk>/fil/", document_views.document_file, name="document_file"),
    path("moten/<int:pk>/kallelse/", invitation_views.invitation_send, name="invitation_send"),
    path("moten/<int:pk>/kallelse/skicka-igen/", invitation_views.invitation_retry, name="invitation_retry"),
    path("moten/<int:pk>/svar/", invitation_views.answer, name="answer"),
    path("moten/<int:pk>/bjud-in-justerare/", invitation_views.invite_signatories, name="invite_signatories"),
]

# The minutes as PDF (meetings/pdf.py): live, and each stored version.
from samverkan.meetings import pdf  # noqa: E402

urlpatterns += [
    path("moten/<int:pk>/protokoll.pdf", pdf.staff_pdf, name="pdf"),
    path("moten/<int:pk>/protokoll/version/<int:number>.pdf", pdf.version_pdf, name="pdf_version"),
]

# A protokollsutdrag of one § of adjusted minutes (meetings/protocol_extract.py).
from samverkan.meetings import protocol_extract  # noqa: E402

urlpatterns += [path("arende/<int:pk>/protokollsutdrag.pdf", protocol_extract.staff_extract, name="extract")]
