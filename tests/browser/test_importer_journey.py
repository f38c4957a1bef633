"""The secretary imports old minutes: upload, preview (with a bad file first), confirm. axe-core on every page."""

import pytest
from django.urls import reverse

from samverkan.meetings.models import Meeting
from samverkan.structure.models import Membership, Person
from tests.importer_helpers import MADE_UP
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = World.build()
    anna = Person.objects.create(first_name="Anna", last_name="Berg", slug="anna-berg", employer=world.region)
    Membership.objects.create(person=anna, body=world.group, role="chair", principal=world.region)
    return world


def test_secretary_imports_minutes(page, live_world, tmp_path):
    w = live_world
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill("secretary")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    page.goto(reverse("meetings:list", args=[w.group.pk]))
    page.get_by_role("link", name="Importera protokoll").click()
    page.axe.check(page)

    # Not minutes at all: the parser's message, nothing kept.
    recipe = tmp_path / "recept.txt"
    recipe.write_text("Pannkakor: mjöl, mjölk och ägg.", encoding="utf-8")
    page.get_by_label("Protokoll eller minnesanteckningar").set_input_files(str(recipe))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    assert "ser inte ut att vara ett protokoll" in page.get_by_role("alert").inner_text()
    page.axe.check(page)

    page.get_by_label("Protokoll eller minnesanteckningar").set_input_files(str(MADE_UP))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Förhandsgranska {MADE_UP.name}"
    main = page.inner_text("main")
    assert "Inget är sparat ännu" in main and "Lägesbild" in main and "ta fram en plan till mötet" in main
    assert page.get_by_label("Mötesdatum").input_value() == "2025-03-12"
    page.axe.check(page)
    assert not Meeting.objects.exists()

    page.get_by_role("button", name="Importera som utkast").click()
    assert "Protokollet är importerat som utkast" in page.inner_text("main")
    assert page.get_by_role("cell", name="Rekommendation om gemensam rutin").is_visible()
    page.axe.check(page)
    meeting = Meeting.objects.get()
    assert meeting.status == "drafted" and meeting.items.count() == 4

    # The same file again is offered as an update of that meeting.
    page.goto(reverse("importer:body", args=[w.group.pk]))
    page.get_by_label("Protokoll eller minnesanteckningar").set_input_files(str(MADE_UP))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    assert "Detta protokoll har redan importerats (möte 2025-03-12)" in page.inner_text("main")
    page.axe.check(page)
    page.get_by_role("button", name="Uppdatera det befintliga mötet").click()
    assert Meeting.objects.count() == 1
    page.goto(reverse("importer:body", args=[w.group.pk]))
    assert page.get_by_text("Uppdaterade ett befintligt möte").is_visible()
    page.axe.check(page)
    assert len(page.axe.checked) >= 6
