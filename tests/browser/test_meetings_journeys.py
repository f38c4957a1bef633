"""The secretary plans a year and an agenda; a visitor reads the calendar and the meeting. axe-core on every page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import Meeting
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def test_secretary_plans_the_year_and_a_visitor_reads_it(page, static_page, live_world):
    w = live_world
    year = timezone.localdate().year + 1
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill("secretary")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    page.goto(reverse("structure:body", args=[w.group.pk]))
    page.get_by_role("link", name="Möten", exact=True).click()
    page.axe.check(page)
    page.get_by_role("link", name="Skapa årsplan").click()
    page.axe.check(page)

    # A bad line first: the error names it and nothing is created.
    page.get_by_label("År").fill(str(year))
    page.get_by_label("Mötesdatum").fill(f"{year}-02-10\n{year}-02-31")
    page.get_by_label("Starttid").fill("09:00")
    page.get_by_label("Sluttid").fill("12:00")
    page.get_by_label("Plats").fill("Regionhuset")
    page.get_by_role("button", name="Skapa mötena").click()
    assert page.get_by_role("alert").is_visible()
    assert f"Rad 2: ”{year}-02-31”" in page.get_by_role("alert").inner_text()
    page.axe.check(page)
    assert not Meeting.objects.exists()

    page.get_by_label("Mötesdatum").fill(f"{year}-02-10\n{year}-04-14\n{year}-06-09")
    page.get_by_role("button", name="Skapa mötena").click()
    assert "3 möten är planerade." in page.inner_text("main")
    page.axe.check(page)

    page.get_by_role("link", name=f"{year}-02-10").click()
    page.axe.check(page)
    page.get_by_role("link", name="Nytt ärende").click()
    assert page.get_by_label("Nummer").input_value() == "1"
    page.axe.check(page)
    page.get_by_label("Rubrik").fill("Lägesbild hälsa och välfärd")
    page.get_by_label("Bakgrund").fill("Huvudmännen rapporterar läget.")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="Nytt ärende").click()
    assert page.get_by_label("Nummer").input_value() == "2"
    page.get_by_label("Rubrik").fill("Personalfråga")
    page.get_by_label("Synlighet").select_option("confidential")
    page.get_by_role("button", name="Spara").click()
    assert page.get_by_role("cell", name="Personalfråga").is_visible()
    page.axe.check(page)
    staff_url = page.url

    # The visitor, without JavaScript: area calendar, then the meeting, whose agenda is still a draft.
    static_page.goto(reverse("portal:area", args=[w.area.slug]))
    static_page.get_by_role("link", name="Möteskalender").click()
    assert static_page.get_by_role("heading", level=1).inner_text() == "Möten i Testlän"
    static_page.get_by_role("link", name=f"Möte Chefsgruppen {year}-02-10").click()
    public_url = static_page.url
    main = static_page.inner_text("main")
    assert "Dagordningen är inte publicerad ännu." in main and "Lägesbild hälsa och välfärd" not in main

    # The secretary publishes the agenda; now the visitor reads it.
    page.goto(staff_url)
    page.get_by_role("button", name="Publicera dagordningen").click()
    page.wait_for_page()
    static_page.goto(public_url)
    main = static_page.inner_text("main")
    assert "Lägesbild hälsa och välfärd" in main and "Regionhuset" in main
    assert "Sekretess" in main and "Personalfråga" not in main

    meeting = Meeting.objects.all().get(first_day__month=2)
    for path in (
        reverse("meetings_public:area", args=[w.area.slug]),
        reverse("portal:body", args=[w.area.slug, w.group.slug]),
        meeting.get_absolute_url(),
    ):
        page.goto(path)
        page.axe.check(page)
    assert len(page.axe.checked) >= 10
