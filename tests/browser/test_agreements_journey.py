"""The coordinator registers an agreement and sends it for adoption; the recommendation is dispatched to the
parties by e-mail; the region's registrar, without an account, records the region's adoption through the link in
its mail, and the agreement shows it; the other party's decision is recorded by staff; a visitor without JavaScript
sees the agreement in force in the public register. axe-core on every page."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samverkan.agreements.models import Agreement
from samverkan.followthrough.models import PrincipalDecision
from samverkan.structure.models import Principal
from tests.browser.test_followthrough_journeys import log_in
from tests.browser.test_participation_journey import check, link_in, mail_to
from tests.followthrough_helpers import decision_item
from tests.worker_helpers import run_worker
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    w = World.build()
    w.item = decision_item(w.forum, title="Överenskommelse om vårdsamverkan")
    # Where the dispatch goes: one mail to the region's registry; one to the town's registry and its contact.
    Principal.objects.filter(pk=w.region.pk).update(registry_address="registrator@region.example")
    Principal.objects.filter(pk=w.town.pk).update(registry_address="registrator@stadby.example")
    return w


def test_an_agreement_is_registered_sent_for_adoption_and_comes_into_force(
    page, stranger_page, static_page, live_world
):
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
    assert page.get_by_label("Skicka rekommendationen med e-post till huvudmännen nu").is_checked()
    page.get_by_label("Beslutat vid ärende").select_option(label="LF · 1 Överenskommelse om vårdsamverkan")
    page.get_by_role("button", name="Spara").click()
    check(page, "skickad till parterna för antagande")
    check(page, "Utskick till 2 huvudmän läggs i kön och skickas strax.")
    assert "Skickad för antagande" in page.inner_text("main")
    agreement_url = page.url
    mail.outbox.clear()
    run_worker()
    assert len(mail.outbox) == 2  # one mail per party
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "contact@test.example",
        "registrator@region.example",
        "registrator@stadby.example",
    ]

    # The region's registrar, with no account and in a browser of its own, adopts through the link in its mail.
    registrar = stranger_page
    registrar.goto(link_in(mail_to("registrator@region.example"), "/rekommendation/svar/"))
    check(registrar, "Parterna rekommenderas att anta Överenskommelse om vårdsamverkan.")
    assert registrar.get_by_role("button", name="Logga ut").count() == 0  # not logged in
    today = timezone.localdate().isoformat()
    registrar.get_by_label("Utfall").select_option("adopted")
    registrar.get_by_label("Beslutande organ").fill("Regionfullmäktige")
    registrar.get_by_label("Beslutsdatum").fill(today)
    registrar.get_by_label("Paragraf").fill("RF § 12")
    registrar.get_by_role("button", name="Registrera beslutet").click()
    check(registrar, "Beslutet för Region Test är registrerat: Bifall.")
    decision = PrincipalDecision.objects.get(principal=w.region)
    assert decision.answered_by_link and decision.outcome == "adopted" and decision.reference == "RF § 12"

    # The agreement shows the region's adoption date, § and that it came through the link; not yet in force.
    page.goto(agreement_url)
    adoption = page.get_by_role("region", name="Parternas antagande")
    region_row = adoption.get_by_role("row", name="Region Test").inner_text()
    assert today in region_row and "RF § 12" in region_row and "Registrerat via länken i utskicket" in region_row
    assert "Skickad för antagande" in page.inner_text("main")
    page.axe.check(page)

    # The town's decision is recorded by staff, as before.
    page.get_by_role("link", name="Rekommendationen om antagande").click()
    check(page, "via länken i utskicket")
    page.get_by_role("link", name="Registrera beslut för Stadby kommun").click()
    page.axe.check(page)
    page.get_by_label("Utfall").select_option("adopted")
    page.get_by_label("Beslutande organ").fill("KF")
    page.get_by_label("Paragraf").fill("KF § 45")
    page.get_by_label("Beslutsdatum").fill(today)
    page.get_by_role("button", name="Spara").click()
    check(page, "Beslutet för Stadby kommun är sparat.")

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
