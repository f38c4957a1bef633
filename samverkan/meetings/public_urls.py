from django.urls import path

from samverkan.meetings import document_views, invitation_views, notice_board, public

app_name = "meetings_public"
urlpatterns = [
    path("omrade/<slug:area>/moten/", public.area_calendar, name="area"),
    path("omrade/<slug:area>/moten.ics", public.area_ical, name="area_ical"),
    path("omrade/<slug:area>/moten-<int:year>.ics", public.area_ical, name="area_ical_year"),
    path("omrade/<slug:area>/moten/<int:pk>/", public.meeting, name="meeting"),
    path("omrade/<slug:area>/moten/<int:pk>/versioner/<int:number>/", public.version, name="version"),
    path("omrade/<slug:area>/organ/<slug:body>/moten.ics", public.body_ical, name="body_ical"),
    path("kallelse/svar/<str:token>/", invitation_views.answer_by_link, name="answer_link"),
    path("omrade/<slug:area>/organ/<slug:body>/moten-<int:year>.ics", public.body_ical, name="body_ical_year"),
    path("omrade/<slug:area>/anslagstavla/", notice_board.notice_board, name="notice_board"),
    path("omrade/<slug:area>/anslagstavla/arkiv/", notice_board.notice_archive, name="notice_archive"),
    path("omrade/<slug:area>/anslagstavla.atom", notice_board.notice_feed, name="notice_feed"),
    path(
        "omrade/<slug:area>/moten/<int:meeting>/handlingar/<int:pk>/",
        document_views.document_download,
        name="document",
    ),
]

# The published minutes as PDF, without what the public may not read (meetings/pdf.py).
from samverkan.meetings import pdf  # noqa: E402

urlpatterns += [path("omrade/<slug:area>/moten/<int:pk>/protokoll.pdf", pdf.public_pdf, name="pdf")]

# A protokollsutdrag of one public § of published minutes (meetings/protocol_extract.py).
from samverkan.meetings import protocol_extract  # noqa: E402

urlpatterns += [
    path(
        "omrade/<slug:area>/moten/<int:pk>/protokollsutdrag/<int:item>.pdf",
        protocol_extract.public_extract,
        name="extract",
    )
]

# The meeting list's exports (meetings/exports.py) and the Atom feeds of minutes and decisions (meetings/feeds.py).
from samverkan.meetings import exports, feeds  # noqa: E402

for _fmt in ("csv", "xlsx"):
    urlpatterns += [
        path(f"omrade/<slug:area>/moten.{_fmt}", exports.meetings_export, {"fmt": _fmt}, name=f"meetings_{_fmt}"),
        path(f"omrade/<slug:area>/narvaro.{_fmt}", exports.attendance_export, {"fmt": _fmt}, name=f"attendance_{_fmt}"),
        path(f"omrade/<slug:area>/beslut.{_fmt}", exports.decisions_export, {"fmt": _fmt}, name=f"decisions_{_fmt}"),
    ]

urlpatterns += [
    path("omrade/<slug:area>/protokoll.atom", feeds.area_minutes_feed, name="minutes_feed"),
    path("omrade/<slug:area>/beslut.atom", feeds.area_decisions_feed, name="decisions_feed"),
    path("omrade/<slug:area>/organ/<slug:body>/protokoll.atom", feeds.body_minutes_feed, name="body_minutes_feed"),
    path("omrade/<slug:area>/organ/<slug:body>/beslut.atom", feeds.body_decisions_feed, name="body_decisions_feed"),
]
