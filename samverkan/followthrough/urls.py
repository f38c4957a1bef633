from django.urls import path

from samverkan.followthrough import views

app_name = "followthrough"
urlpatterns = [
    path("uppfoljning/omrade/<slug:area>/", views.overview, name="overview"),
    path("uppfoljning/omrade/<slug:area>/uppdrag/", views.assignments, name="assignments"),
    path(
        "uppfoljning/omrade/<slug:area>/uppdrag.csv", views.assignments_export, {"fmt": "csv"}, name="assignments_csv"
    ),
    path(
        "uppfoljning/omrade/<slug:area>/uppdrag.xlsx",
        views.assignments_export,
        {"fmt": "xlsx"},
        name="assignments_xlsx",
    ),
    path("uppfoljning/omrade/<slug:area>/arenden/", views.matters, name="matters"),
    path("uppfoljning/omrade/<slug:area>/arenden/nytt/", views.matter_create, name="matter_create"),
    path("uppfoljning/arenden/<int:pk>/andra/", views.matter_edit, name="matter_edit"),
    path("uppfoljning/punkt/<int:pk>/", views.item, name="item"),
    path("uppfoljning/punkt/<int:pk>/arende/", views.item_matter, name="item_matter"),
    path("uppfoljning/punkt/<int:pk>/uppdrag/nytt/", views.assignment_create, name="assignment_create"),
    path("uppfoljning/punkt/<int:pk>/rekommendation/ny/", views.recommendation_create, name="recommendation_create"),
    path("uppfoljning/uppdrag/<int:pk>/andra/", views.assignment_edit, name="assignment_edit"),
    path("uppfoljning/uppdrag/<int:pk>/aterrapportera/", views.assignment_report, name="assignment_report"),
    path("uppfoljning/rekommendationer/<int:pk>/", views.recommendation, name="recommendation"),
    path("uppfoljning/rekommendationer/<int:pk>/andra/", views.recommendation_edit, name="recommendation_edit"),
    path(
        "uppfoljning/rekommendationer/<int:pk>/aterrapportera/",
        views.recommendation_report,
        name="recommendation_report",
    ),
    path("uppfoljning/huvudmansbeslut/<int:pk>/", views.decision_record, name="decision_record"),
    path("uppfoljning/huvudmansbeslut/<int:pk>/skicka-igen/", views.dispatch_again, name="dispatch_again"),
    path("uppfoljning/huvudman/<int:pk>/", views.principal, name="principal"),
    path("uppfoljning/mina-uppdrag/", views.my_assignments, name="my_assignments"),
]
