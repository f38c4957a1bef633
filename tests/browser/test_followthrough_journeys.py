"""The coordinator sends a recommendation from a decision, two principals' contacts record their decisions, and
a visitor without JavaScript sees the decision status board change. axe-core on every page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough import actions
from samverkan.followthrough.models import Recommendation
from samverkan.structure.models import Role
from tests.followthrough_helpers import assign, decision_item
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    w = World.build()
    village_contact = get_user_model().objects.create_user("bykontakt", "bykontakt@test.example", PASSWORD)
    Role.objects.create(user=village_contact, kind="contact", principal=w.village)
    w.item = decision_item(w.forum, title="Regional handlingsplan")
    return w


def log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def log_out(page):
    page.get_by_role("button", name="Logga ut").click()


def record(page, username, principal, outcome, body, reference):
    log_in(page, username)
    page.get_by_role("link", name=f"Beslut att registrera {principal}").click()
    page.axe.check(page)
    page.get_by_role("link", name=re.compile(r"^Registrera beslut\W*Handlingsplanen till huvudmännen")).click()
    page.axe.check(page)
    page.get_by_label("Utfall").select_option(outcome)
    page.get_by_label("Beslutande organ").fill(body)
    page.get_by_label("Paragraf").fill(reference)
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Spara").click()
    assert f"Beslutet för {principal} är sparat." in page.inner_text("main")
    page.axe.check(page)
    log_out(page)


def test_a_recommendation_travels_from_decision_to_board(page, static_page, live_world):
    w = live_world
    board = reverse("followthrough_public:board", args=[w.area.slug])
    static_page.goto(reverse("portal:area", args=[w.area.slug]))
    static_page.get_by_role("link", name="Beslutsstatus hos huvudmännen").click()
    assert "Inga rekommendationer matchar urvalet." in static_page.inner_text("main")

    log_in(page, "coordinator")
    page.get_by_role("link", name="Uppföljning av beslut Testlän").click()
    page.axe.check(page)
    page.get_by_role("link", name="1 Regional handlingsplan").click()
    page.axe.check(page)
    # The first clause's own link (the "Ge uppdrag" link of the clause also quotes its text).
    page.get_by_role("link", name=re.compile(r"^Rekommendera huvudmännen\W*att rekommendera")).click()
    page.axe.check(page)
    for principal in ("Region Test", "Stadby kommun", "Byn kommun"):
        assert page.get_by_label(principal).is_checked()
    page.get_by_label("Rubrik").fill("Handlingsplanen till huvudmännen")
    page.get_by_label("Svar senast").fill("2020-01-01")  # before the decision: refused, nothing saved
    page.get_by_role("button", name="Spara").click()
    assert "Svarsdatum kan inte ligga före beslutsdatum." in page.get_by_role("alert").inner_text()
    assert not Recommendation.objects.exists()
    page.axe.check(page)
    page.get_by_label("Svar senast").fill("2099-06-30")
    page.get_by_role("button", name="Spara").click()
    assert "Rekommendationen är sparad för 3 huvudmän." in page.inner_text("main")
    page.axe.check(page)
    log_out(page)

    static_page.goto(board)
    main = static_page.inner_text("main")
    assert "Handlingsplanen till huvudmännen" in main and "0 av 3 har beslutat" in main

    record(page, "contact", "Stadby kommun", "adopted", "Kommunfullmäktige", "KF § 45")
    record(page, "bykontakt", "Byn kommun", "rejected", "Kommunfullmäktige", "KF § 12")

    static_page.goto(board)
    main = static_page.inner_text("main")
    assert "2 av 3 har beslutat: 1 bifall, 1 avslag" in main
    row = static_page.get_by_role("row", name="Handlingsplanen till huvudmännen")
    # Each cell: the outcome first, then the dispatch line (sent, answered) where there is one.
    cells = [c.strip().splitlines()[0] for c in row.get_by_role("cell").all_inner_texts()]
    assert cells == ["Avslag", "Bifall", "Inte beslutat"]  # Byn, Stadby, Region: municipalities first
    static_page.get_by_role("link", name="Handlingsplanen till huvudmännen").click()
    assert "KF § 45" in static_page.inner_text("main")
    static_page.get_by_role("link", name="Byn kommun").first.click()
    assert "Avslag" in static_page.inner_text("main")

    # Every other follow-through page, public and staff, passes axe-core too.
    recommendation = Recommendation.objects.get()
    matter = actions.create_matter(w.area, None, year=2026, title="Handlingsplanen", body=w.forum, raised_by="CGH")
    actions.link_item_to_matter(w.item, matter, None)
    assign(w.item, assignee_principal=w.town, due_in=-400, description="Utred kostnaderna")
    public = [
        board + "?status=pending",
        reverse("followthrough_public:recommendation", args=[w.area.slug, recommendation.pk]),
        reverse("followthrough_public:principal", args=[w.area.slug, w.town.slug]),
        reverse("followthrough_public:matters", args=[w.area.slug]),
        matter.get_absolute_url(),
        reverse("followthrough_public:assignments", args=[w.area.slug]) + "?status=overdue",
    ]
    for path in public:
        page.goto(path)
        page.axe.check(page)
    static_page.goto(matter.get_absolute_url())
    assert "Rekommendation till huvudmännen" in static_page.inner_text("main")
    log_in(page, "coordinator")
    staff = [
        reverse("followthrough:assignments", args=[w.area.slug]),
        reverse("followthrough:matters", args=[w.area.slug]),
        reverse("followthrough:matter_create", args=[w.area.slug]),
        reverse("followthrough:matter_edit", args=[matter.pk]),
        reverse("followthrough:assignment_create", args=[w.item.pk]),
        reverse("followthrough:my_assignments"),
    ]
    assignment = w.item.assignments.get()
    staff += [
        reverse("followthrough:assignment_edit", args=[assignment.pk]),
        reverse("followthrough:assignment_report", args=[assignment.pk]),
    ]
    for path in staff:
        page.goto(path)
        page.axe.check(page)
    assert len(page.axe.checked) >= 25
