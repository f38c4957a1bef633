from django.urls import path

from samverkan.followthrough import exports, link_views, public

app_name = "followthrough_public"
urlpatterns = [
    path("omrade/<slug:area>/beslutsstatus/", public.board, name="board"),
    path("omrade/<slug:area>/beslutsstatus.csv", public.board_csv, name="board_csv"),
    path("omrade/<slug:area>/beslutsstatus.xlsx", public.board_xlsx, name="board_xlsx"),
    path("omrade/<slug:area>/rekommendationer/<int:pk>/", public.recommendation, name="recommendation"),
    path(
        "omrade/<slug:area>/rekommendationer/<int:pk>/beslut/<int:decision>/dokument/",
        public.decision_document,
        name="decision_document",
    ),
    path("omrade/<slug:area>/huvudman/<slug:principal>/beslut/", public.principal, name="principal"),
    path("omrade/<slug:area>/arenden/", public.matters, name="matters"),
    path("omrade/<slug:area>/arenden/<int:year>/<int:serial>/", public.matter, name="matter"),
    path("omrade/<slug:area>/uppdrag/", public.assignments, name="assignments"),
    path("omrade/<slug:area>/uppdrag.csv", exports.assignments_export, {"fmt": "csv"}, name="assignments_csv"),
    path("omrade/<slug:area>/uppdrag.xlsx", exports.assignments_export, {"fmt": "xlsx"}, name="assignments_xlsx"),
    path("rekommendation/svar/<str:token>/", link_views.record_by_link, name="record_by_link"),
]
