"""The demo county's follow-through: matters, assignments overdue and reported back, recommendations at every
stage of deciding — and its public pages work for a visitor."""

from django.urls import reverse

from samverkan.demo.county import DEMO_AREA_SLUG
from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation


def test_the_demo_has_follow_through_at_every_stage(client, demo):
    outcomes = set(PrincipalDecision.objects.values_list("outcome", flat=True))
    assert {"adopted", "rejected", "sent_back", "partly_adopted", "will_not_decide", "pending"} <= outcomes
    recommendations = list(Recommendation.objects.all())
    assert len(recommendations) >= 5
    states = {tuple(sorted(set(r.decisions.values_list("outcome", flat=True)))) for r in recommendations}
    assert ("pending",) in states  # just sent
    assert ("adopted",) in states  # all adopted
    assert Recommendation.objects.filter(reported_item__isnull=False).exists()
    assert any(a.is_overdue() for a in Assignment.objects.all())
    assert Assignment.objects.filter(status="reported", reported_item__isnull=False).exists()
    assert Matter.objects.filter(items__isnull=False).distinct().count() >= 5
    assert Matter.objects.filter(closed_on__isnull=False).exists()
    board = client.get(reverse("followthrough_public:board", args=[DEMO_AREA_SLUG])).content.decode()
    assert "10 av 10 har beslutat: 8 bifall, 1 delvis bifall, 1 avslag" in board
    assert "återremitterat" in board


def test_the_demo_contact_has_decisions_to_record(client, demo):
    from django.contrib.auth import get_user_model

    contact = get_user_model().objects.get(username="kontakt")
    client.force_login(contact)
    principal = contact.roles.get().principal
    page = client.get(reverse("followthrough:principal", args=[principal.pk])).content.decode()
    assert "Registrera beslut" in page
