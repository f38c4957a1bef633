"""The coordinator creates a goal, enters a measurement, and the goal's public page shows the measurement in its
chart and its table; a visitor without JavaScript reads the same, at 390 px too. axe-core on every page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.followup.models import Goal
from tests.browser.test_followthrough_journeys import log_in
from tests.browser.test_import_corpus_journey import _fits
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def test_a_goal_shows_its_measurement_and_chart(page, static_page, live_world):
    w = live_world
    log_in(page, "coordinator")
    page.goto(reverse("followup_public:area", args=[w.area.slug]))
    page.axe.check(page)
    page.get_by_role("link", name="Hantera mål").click()
    page.axe.check(page)
    page.get_by_role("link", name="Nytt mål").click()
    page.axe.check(page)
    page.get_by_label("Kod").fill("E1")
    page.get_by_label("Målet").fill("Minst 75 % av de intervjuade upplever kontinuiteten som tillfredsställande.")
    page.get_by_label("Målvärde").fill("75")
    page.get_by_label("Enhet").fill("%")
    page.get_by_role("button", name="Spara").click()  # no owner: refused, nothing saved
    assert "Ange en ägare" in page.inner_text("main")
    assert not Goal.objects.exists()
    page.axe.check(page)
    page.get_by_label("Ägs av organ").select_option(label="Ledningsforum")
    page.get_by_role("button", name="Spara").click()
    assert "Målet är sparat." in page.inner_text("main")
    page.axe.check(page)
    page.get_by_role("link", name="Ny mätning").click()
    page.axe.check(page)
    page.get_by_label("Värde").fill("68,5")
    page.get_by_role("button", name="Spara").click()
    assert "Mätningen är sparad." in page.inner_text("main")
    page.axe.check(page)

    goal = Goal.objects.get()
    today = timezone.localdate().isoformat()
    for visitor in (page, static_page):
        visitor.goto(goal.get_absolute_url())
        chart = visitor.get_by_role("img", name="E1: mätningar mot målet ≥ 75 %")
        assert chart.is_visible()
        assert "68,5 %" in chart.inner_html()
        row = visitor.locator(f'table.chart-table tr[data-day="{today}"]')
        assert "68,5 %" in row.inner_text() and "Nej" in row.inner_text()
        fits, width = _fits(visitor)
        assert fits, f"the goal page is {width} px wide at 390 px"
        visitor.goto(reverse("followup_public:area", args=[w.area.slug]))
        fits, width = _fits(visitor)
        assert fits, f"the follow-up page is {width} px wide at 390 px"
    page.axe.check(page)
