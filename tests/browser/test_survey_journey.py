"""A secretary builds a survey, sends it to the forum's members and a principal's contacts, a member answers
through the link in the mail (read from the outbox) without JavaScript, the secretary reminds and closes it and
reads the results, and a visitor reads the published results. axe-core on every page; the answer page fits
390 px."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from samverkan.surveys.models import Question, Response, Survey
from tests.browser.test_followthrough_journeys import log_in
from tests.worker_helpers import run_worker
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def _link(address):
    found = [m for m in mail.outbox if m.to == [address]]
    assert found, [(m.to, m.subject) for m in mail.outbox]
    return re.search(r"https?://[^/\s]+(/enkat/svar/\S+)", found[-1].body).group(1)


def _fits(page, width=390):
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return overflow <= width, overflow


def test_a_survey_is_built_sent_answered_closed_and_its_results_read(page, static_page, live_world):
    w = live_world
    log_in(page, "secretary")
    page.get_by_role("link", name="Enkäter Testlän").click()
    page.axe.check(page)
    page.get_by_role("link", name="Ny enkät").click()
    page.axe.check(page)
    page.get_by_label("Rubrik").fill("Hur går samverkan?")
    page.get_by_label("Inledning").fill("Fem minuter.")
    page.get_by_label("Ägs av").select_option(label="Chefsgruppen")
    page.get_by_label("Publicera resultatet").check()
    page.get_by_label("Minsta antal svarande").fill("1")
    page.get_by_role("button", name="Spara").click()
    assert "Enkäten är skapad" in page.inner_text("main")
    page.axe.check(page)

    for kind, text, options in (
        ("scale", "Samverkan fungerar bra", ""),
        ("choice", "Din roll", "Politiker"),  # one option only: refused, nothing saved
        ("choice", "Din roll", "Politiker\nTjänsteperson"),
        ("text", "Vad kan bli bättre?", ""),
    ):
        if not page.url.endswith("/fraga/ny/"):
            page.get_by_role("link", name="Ny fråga").click()
        page.get_by_label("Typ").select_option(kind)
        page.get_by_label("Fråga", exact=True).fill(text)
        page.get_by_label("Alternativ").fill(options)
        page.get_by_role("button", name="Spara").click()
        if options == "Politiker":
            assert "Ange minst två alternativ" in page.get_by_role("alert").inner_text()
            assert not Question.objects.filter(kind="choice").exists()
            page.axe.check(page)
        else:
            assert "Frågan är sparad." in page.inner_text("main")
    page.axe.check(page)

    page.get_by_role("link", name="Välj mottagare och skicka").click()
    page.axe.check(page)
    page.get_by_label("Ledningsforum").check()
    page.get_by_label("Stadby kommun").check()
    page.get_by_role("button", name="Spara").click()
    assert "Enkäten är skickad" in page.inner_text("main")
    assert "0 av 3 har svarat" in page.inner_text("main")
    page.axe.check(page)
    run_worker()  # the request queued one task per recipient; the real worker mails the links
    assert sorted(m.to[0] for m in mail.outbox) == [
        "contact@test.example",
        "maja.ledamot@stadby.example",
        "olle@region.example",
    ]

    # Maja answers without JavaScript, at 390 px.
    link = _link("maja.ledamot@stadby.example")
    static_page.goto(link)
    assert "Hur går samverkan?" in static_page.inner_text("main")
    fits, width = _fits(static_page)
    assert fits, f"the answer page is {width} px wide at 390 px"
    static_page.get_by_role("group", name="Samverkan fungerar bra").get_by_label("4", exact=True).check()
    static_page.get_by_label("Tjänsteperson").check()
    static_page.get_by_label("Vad kan bli bättre?").fill("Kortare möten.")
    static_page.get_by_role("button", name="Skicka svaren").click()
    assert "Tack för dina svar" in static_page.inner_text("main")
    assert Response.objects.count() == 1
    static_page.goto(link)
    assert "Sidan finns inte" in static_page.inner_text("main") or "hittades inte" in static_page.inner_text("main")
    page.goto(link)  # the answer page and its thanks pass axe-core too (a used link: the 404 page)
    page.axe.check(page)

    # The secretary reminds the two who have not answered, and closes.
    mail.outbox.clear()
    page.goto(reverse("surveys:survey", args=[Survey.objects.get().pk]))
    assert "1 av 3 har svarat" in page.inner_text("main")
    page.get_by_role("button", name="Påminn dem som inte har svarat").click()
    assert "Påminnelse skickas till 2" in page.inner_text("main")
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["contact@test.example", "olle@region.example"]
    page.goto(_link("olle@region.example"))
    page.axe.check(page)
    page.get_by_role("group", name="Samverkan fungerar bra").get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Skicka svaren").click()
    assert "Tack för dina svar" in page.inner_text("main")
    page.axe.check(page)

    page.goto(reverse("surveys:survey", args=[Survey.objects.get().pk]))
    page.get_by_role("button", name="Stäng enkäten").click()
    assert "Enkäten är stängd." in page.inner_text("main")
    page.axe.check(page)
    page.get_by_role("link", name="Resultat", exact=True).click()
    main = page.inner_text("main")
    assert "2 personer har svarat" in main and "50 %" in main
    page.axe.check(page)
    page.get_by_role("link", name="Läs svaren").click()
    assert "Kortare möten." in page.inner_text("main")
    page.axe.check(page)

    # A visitor without JavaScript finds the published results from the area's page.
    static_page.goto(reverse("portal:area", args=[w.area.slug]))
    static_page.get_by_role("link", name="Enkätresultat").click()
    static_page.get_by_role("link", name="Hur går samverkan?").click()
    main = static_page.inner_text("main")
    assert "Samverkan fungerar bra" in main and "50 %" in main and "Maja" not in main
    fits, width = _fits(static_page)
    assert fits, f"the results page is {width} px wide at 390 px"
    page.goto(static_page.url)
    page.axe.check(page)
