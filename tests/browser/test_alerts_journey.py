"""A visitor on a phone (390 px) searches from the header, narrows by a facet, opens a result, goes back, watches the
search ("Bevaka sökningen") and confirms it from the mail (read from the test outbox), then opens the page that
manages their alerts. axe-core on every page; nothing wider than the screen. The form also works without
JavaScript."""

import re
from datetime import date

import pytest
from django.core import mail

from samverkan.alerts.models import Subscription
from samverkan.meetings.matters import Matter
from tests.meetings_helpers import make_item, make_meeting, sent
from tests.worker_helpers import run_worker
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def fits(page):
    page.axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def mailed_link(name):
    """The path of the link `name` (bekrafta, hantera …) in the newest mail of the outbox."""
    found = re.search(rf"http://[^/\s]+(/bevakning/{name}/\S+/)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_a_visitor_watches_a_search_and_confirms_it_from_the_mail(page, live_world):
    w = live_world
    matter = Matter.objects.create(area=w.area, year=2025, serial=3, title="Hemsjukvård i länet")
    spring = make_meeting(w.forum, date(2025, 3, 3), **sent())
    autumn = make_meeting(w.group, date(2026, 10, 10), **sent())
    make_item(spring, "1", "Överenskommelse om hemsjukvård", matter=matter)
    make_item(autumn, "4", "Uppföljning av hemsjukvården", matter=matter)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(w.area.get_absolute_url())
    search = page.get_by_role("search").first
    search.get_by_label("Sök").fill("hemsjukvården")
    search.get_by_label("Sök").press("Enter")
    page.wait_for_page()
    assert "2 träffar" in page.inner_text("main")
    fits(page)

    page.get_by_role("complementary", name="Avgränsa").get_by_role("link", name="2025").click()
    page.wait_for_page()
    assert "1 träff" in page.inner_text("main")
    results_url = page.url
    page.get_by_role("main").get_by_role("link", name="§ 1 Överenskommelse om hemsjukvård").click()
    page.wait_for_page()
    assert "Överenskommelse om hemsjukvård" in page.get_by_role("heading", level=1).inner_text()
    fits(page)
    page.go_back()
    page.wait_for_page()
    assert page.url == results_url and "1 träff" in page.inner_text("main")

    page.get_by_role("link", name="Bevaka sökningen").click()
    page.wait_for_page()
    assert "”hemsjukvården” (Testlän, 2025)" in page.get_by_role("heading", level=1).inner_text()  # from the area
    fits(page)
    page.get_by_label("Din e-postadress").fill("inte-en-adress")
    page.get_by_role("button", name="Bevaka").click()
    page.wait_for_page()
    assert "Inget har sparats" in page.inner_text("main")
    fits(page)
    page.get_by_label("Din e-postadress").fill("anna@example.se")
    page.get_by_label("Dagligen").check()
    page.get_by_role("button", name="Bevaka").click()
    page.wait_for_page()
    assert "Bekräfta din bevakning" in page.get_by_role("heading", level=1).inner_text()
    fits(page)

    run_worker()
    assert [m.to for m in mail.outbox] == [["anna@example.se"]]
    page.goto(mailed_link("bekrafta"))
    assert Subscription.objects.get().confirmed_at is None  # opening the link confirms nothing by itself
    fits(page)
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_page()
    assert "Bevakningen har startat" in page.get_by_role("heading", level=1).inner_text()
    fits(page)
    row = Subscription.objects.get()
    assert row.confirmed_at is not None and row.frequency == "daily"
    assert row.search == f"q=hemsjukv%C3%A5rden&omrade={w.area.pk}&ar=2025"

    page.get_by_role("link", name="Hantera dina bevakningar").click()
    page.wait_for_page()
    assert "”hemsjukvården” (Testlän, 2025)" in page.inner_text("main")
    fits(page)
    page.get_by_label("Hur ofta").select_option("weekly")
    page.get_by_role("button", name="Ändra").click()
    page.wait_for_page()
    assert "är ändrad" in page.inner_text("main")
    fits(page)
    assert Subscription.objects.get().frequency == "weekly"


def test_the_subscribe_form_works_without_javascript(static_page, live_world):
    w = live_world
    static_page.goto(w.forum.get_absolute_url())
    static_page.get_by_role("link", name="Bevaka organet").click()
    static_page.wait_for_page()
    static_page.get_by_label("Din e-postadress").fill("bo@example.se")
    static_page.get_by_role("button", name="Bevaka").click()
    static_page.wait_for_page()
    assert "Bekräfta din bevakning" in static_page.inner_text("main")
    run_worker()
    static_page.goto(mailed_link("bekrafta"))
    static_page.get_by_role("button", name="Bekräfta").click()
    static_page.wait_for_page()
    assert "Bevakningen har startat" in static_page.inner_text("main")
    assert Subscription.objects.get().frequency == "weekly"  # the form's default
