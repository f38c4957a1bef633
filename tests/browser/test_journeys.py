"""The coordinator's and the visitor's main journeys in a real browser, checked with axe-core on every page."""

import pytest
from django.urls import reverse

from samverkan.structure.models import Body
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, (path, response.status)
    page.axe.check(page)


def test_visitor_reads_the_structure_without_javascript(static_page, page, live_world):
    w = live_world
    # Without JavaScript: follow the links a citizen would.
    static_page.goto("/")
    static_page.get_by_role("link", name="Testlän").click()
    assert static_page.get_by_role("heading", level=1).inner_text() == "Testlän"
    assert static_page.get_by_text("Hemliga gruppen").count() == 0
    static_page.get_by_role("link", name="Ledningsforum").first.click()
    assert "Leda samverkan." in static_page.content()
    static_page.get_by_role("link", name="Maja Ledamot").click()
    assert static_page.get_by_role("heading", level=1).inner_text() == "Maja Ledamot"
    assert "@" not in static_page.inner_text("main")
    static_page.goto(reverse("portal:map", args=[w.area.slug]))
    static_page.locator("svg a").first.click()
    assert static_page.url.startswith(static_page.url.split("/omrade/")[0] + "/omrade/testlan/organ/")
    # The language switch is a plain form.
    static_page.select_option("#lang-select", "en")
    static_page.get_by_role("button", name="Byt").click()
    assert static_page.locator("html").get_attribute("lang") == "en"

    # Every page the visitor saw passes axe-core (in a JavaScript-enabled page, which axe needs).
    for path in (
        "/",
        reverse("portal:area", args=[w.area.slug]),
        reverse("portal:body", args=[w.area.slug, w.forum.slug]),
        reverse("portal:principal", args=[w.area.slug, w.town.slug]),
        reverse("portal:person", args=[w.member_person.slug]),
        reverse("portal:map", args=[w.area.slug]),
        reverse("portal:accessibility"),
        "/finns-inte/",
    ):
        if path == "/finns-inte/":
            page.goto(path)
            page.axe.check(page)
        else:
            visit(page, path)


def test_coordinator_keeps_the_structure(page, live_world):
    w = live_world
    visit(page, reverse("login"))
    page.get_by_label("Användarnamn").fill("coordinator")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("heading", name="Uppdragsbeskrivningarnas status").is_visible()
    page.axe.check(page)

    page.get_by_role("link", name="Testlän").first.click()
    page.axe.check(page)
    page.get_by_role("link", name="Nytt organ").click()
    page.axe.check(page)
    # A wrong form first: the error summary names the field and nothing is saved.
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_role("alert").is_visible()
    page.axe.check(page)
    page.get_by_label("Namn", exact=True).fill("Nätverk för folkhälsa")
    page.get_by_label("Kortnamn i adress").fill("natverk-folkhalsa")
    page.get_by_label("Typ", exact=True).select_option("network")
    page.get_by_label("Rapporterar till").select_option(label="Chefsgruppen")
    page.get_by_label("Uppdrag", exact=True).fill("Samordna det förebyggande arbetet.")
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nätverk för folkhälsa"
    page.axe.check(page)

    page.get_by_role("link", name="Lägg till uppdrag").click()
    page.get_by_label("Person").select_option(label="Maja Ledamot")
    page.get_by_label("Roll").select_option("chair")
    page.get_by_label("Företräder huvudman").select_option(label="Stadby kommun")
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_role("cell", name="Maja Ledamot", exact=True).is_visible()
    page.axe.check(page)

    body = Body.objects.get(slug="natverk-folkhalsa")
    visit(page, reverse("portal:body", args=[w.area.slug, body.slug]))
    assert page.get_by_role("link", name="Maja Ledamot").is_visible()
    visit(page, reverse("structure:person", args=[w.area.slug, w.member_person.pk]))
    seat = w.forum.memberships.first()
    for path in (
        reverse("structure:principal", args=[w.town.pk]),
        reverse("structure:principal_edit", args=[w.town.pk]),
        reverse("structure:person_edit", args=[w.area.slug, w.member_person.pk]),
        reverse("structure:membership_edit", args=[seat.pk]),
        reverse("structure:body_edit", args=[w.forum.pk]),
        reverse("structure:area", args=[w.area.slug]),
        reverse("password_change"),
    ):
        visit(page, path)
    # Appoint the outsider as secretary of the new body on the roles page.
    visit(page, reverse("roles", args=[w.area.slug]))
    page.get_by_label("Användarnamn").fill("outsider")
    page.get_by_label("Roll", exact=True).select_option("secretary")
    page.get_by_label("Organ (för sekreterare)").select_option(label="Nätverk för folkhälsa")
    page.get_by_role("button", name="Ge rollen").click()
    assert page.get_by_role("cell", name="Nätverk för folkhälsa").is_visible()
    page.axe.check(page)
    assert len(page.axe.checked) >= 8
