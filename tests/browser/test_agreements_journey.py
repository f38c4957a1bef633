"""The coordinator registers an agreement, sends it for adoption, the parties' decisions are recorded through
follow-through, and a visitor without JavaScript sees it in force in the public register. axe-core on every page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.agreements.models import Agreement
from tests.browser.test_followthrough_journeys import log_in
from tests.followthrough_helpers import decision_item
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    w = World.build()
    w.item = decision_item(w.forum, title="Överenskommelse om vårdsamverkan")
    return w


def test_an_agreement_is_registered_sent_for_adoption_and_comes_into_force(page, static_page, live_world):
    w = live_world
    log_in(page, "coordinator")
    page.get_by_role("link", name="Överenskommelser Testlän").click()
    page.axe.check(page)
    page.get_by_role("link", name="Ny överenskommelse").click()
    page.axe.check(page)
    page.get_by_label("Rubrik").fill("Överenskommelse om vårdsamverkan")
    page.get_by_label("Verksamhetsområde").fill("Hälso- och sjukvård")
    page.get_by_label("Region Test").check()
    page.get_by_label("Stadby kommun").check()
    page.get_by_label("Ägs av organ").select_option(label="Ledningsforum")
    page.get_by_label("Gäller från").fill("2026-01-01")
    page.get_by_label("Gäller till och med").fill("2025-01-01")  # before the start: refused, nothing saved
    page.get_by_role("button", name="Spara").click()
    assert "Slutdatum kan inte ligga före startdatum." in page.get_by_role("alert").inner_text()
    assert not Agreement.objects.exists()
    page.axe.check(page)
    page.get_by_label("Gäller till och med").fill("")
    page.get_by_role("button", name="Spara").click()
    assert "Överenskommelsen är registrerad." in page.inner_text("main")
    assert "Utkast" in page.inner_text("main")
    page.axe.check(page)

    page.get_by_role("link", name="Skicka för antagande").click()
    page.axe.check(page)
    page.get_by_label("Beslutat vid ärende").select_option(label="LF · 1 Överenskommelse om vårdsamverkan")
    page.get_by_role("button", name="Spara").click()
    assert "skickad till parterna för antagande" in page.inner_text("main")
    assert "Skickad för antagande" in page.inner_text("main")
    page.axe.check(page)

    page.get_by_role("link", name="Rekommendationen om antagande").click()
    page.axe.check(page)
    recommendation = page.url
    for principal, body, reference in (
        ("Region Test", "Regionfullmäktige", "RF § 12"),
        ("Stadby kommun", "KF", "KF § 45"),
    ):
        page.goto(recommendation)
        page.get_by_role("link", name=f"Registrera beslut för {principal}").click()
        page.axe.check(page)
        page.get_by_label("Utfall").select_option("adopted")
        page.get_by_label("Beslutande organ").fill(body)
        page.get_by_label("Paragraf").fill(reference)
        page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="Spara").click()
        assert f"Beslutet för {principal} är sparat." in page.inner_text("main")

    agreement = Agreement.objects.get()
    static_page.goto(reverse("portal:area", args=[w.area.slug]))
    static_page.get_by_role("link", name="Överenskommelser").click()
    static_page.get_by_label("Status").select_option("in_force")
    static_page.get_by_role("button", name="Filtrera").click()
    static_page.get_by_role("link", name="Överenskommelse om vårdsamverkan").click()
    main = static_page.inner_text("main")
    assert "Gäller" in main and "RF § 12" in main and "KF § 45" in main
    assert static_page.url.endswith(agreement.get_absolute_url())
    for url in (reverse("agreements_public:register", args=[w.area.slug]), agreement.get_absolute_url()):
        page.goto(url)  # with JavaScript, for axe-core
        page.axe.check(page)
