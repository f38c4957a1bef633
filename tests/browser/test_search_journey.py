"""A visitor searches from an area's header on a phone (390 px), widens the search to every area and narrows it back,
narrows by a facet, opens a result (the item's page with its related items) and follows a related item. axe-core
on every page; nothing wider than the screen."""

from datetime import date

import pytest

from samverkan.meetings.matters import Matter
from tests.meetings_helpers import make_item, make_meeting, sent
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def fits(page):
    """axe-core finds nothing, and nothing is wider than the phone's screen."""
    page.axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def open_item(page, scope, title):
    """Follow the link `title` in `scope` to an item's page, which must carry it as its heading."""
    scope.get_by_role("link", name=title).click()
    page.wait_for_page()
    assert page.get_by_role("heading", level=1).inner_text().replace("\xa0", " ") == title
    fits(page)


def test_a_visitor_searches_narrows_and_opens_a_result(page, live_world):
    w = live_world
    matter = Matter.objects.create(area=w.area, year=2025, serial=3, title="Hemsjukvård i länet")
    spring = make_meeting(w.forum, date(2025, 3, 3), **sent())
    autumn = make_meeting(w.group, date(2026, 10, 10), **sent())
    make_item(spring, "1", "Överenskommelse om hemsjukvård", background="Förslag till överenskommelse.", matter=matter)
    make_item(autumn, "4", "Uppföljning av hemsjukvården", matter=matter)
    make_item(autumn, "5", "Hemsjukvård kanarieintern", visibility="internal")
    make_item(make_meeting(w.other_body, date(2026, 2, 2), **sent()), "1", "Hemsjukvård hos grannen")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(w.area.get_absolute_url())
    search = page.get_by_role("search").first
    search.get_by_label("Sök").fill("hemsjukvården")
    search.get_by_label("Sök").press("Enter")
    page.wait_for_page()
    main = page.inner_text("main")  # the area's pages search the area
    assert "Du söker i Testlän." in main and "2 träffar" in main and "grannen" not in main
    assert "kanarieintern" not in main
    fits(page)

    page.get_by_role("link", name="Sök i alla områden").click()
    page.wait_for_page()
    main = page.inner_text("main")
    assert "3 träffar" in main and "Hemsjukvård hos grannen" in main and "Du söker i" not in main
    fits(page)
    facets = page.get_by_role("complementary", name="Avgränsa")
    facets.get_by_role("link", name="Testlän").click()  # the area facet, with hits in two areas
    page.wait_for_page()
    main = page.inner_text("main")
    assert "Du söker i Testlän." in main and "2 träffar" in main

    page.get_by_role("complementary", name="Avgränsa").get_by_role("link", name="2025").click()
    page.wait_for_page()
    main = page.inner_text("main")
    assert "1 träff" in main and "Överenskommelse om hemsjukvård" in main and "Uppföljning" not in main
    fits(page)

    open_item(page, page.get_by_role("main"), "§ 1 Överenskommelse om hemsjukvård")
    related = page.get_by_role("region", name="Relaterat")
    assert "samma ärende" in related.inner_text() and "kanarieintern" not in page.inner_text("main")
    open_item(page, related, "§ 4 Uppföljning av hemsjukvården")


def test_a_visitor_finds_an_agreement_by_its_versions_text_and_narrows_to_agreements(page, live_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.agreements.actions import add_version
    from samverkan.agreements.models import Agreement
    from samverkan.agreements.tasks import read_version_text
    from tests import sample_files

    w = live_world
    agreement = Agreement.objects.create(area=w.area, title="Överenskommelse om hjälpmedel", owner=w.forum)
    agreement.parties.set([w.region, w.town])
    text = sample_files.pdf("Rollatorer och rullstolar lånas ut")
    version = add_version(agreement, None, file=SimpleUploadedFile("v1.pdf", text), dated=date(2026, 1, 1))
    assert read_version_text(version.pk)  # what the worker does after the version is saved
    Agreement.objects.create(area=w.area, title="Rollatorer kanarieavtal", owner=w.forum, visibility="internal")
    make_item(make_meeting(w.forum, date(2025, 5, 5), **sent()), "1", "Rollatorer i hemtjänsten")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(w.area.get_absolute_url())
    search = page.get_by_role("search").first
    search.get_by_label("Sök").fill("rollatorerna")
    search.get_by_label("Sök").press("Enter")
    page.wait_for_page()
    main = page.inner_text("main")
    assert "2 träffar" in main and "kanarieavtal" not in main
    fits(page)

    page.get_by_role("complementary", name="Avgränsa").get_by_role("link", name="Överenskommelser (1)").click()
    page.wait_for_page()
    main = page.inner_text("main")
    assert "1 träff" in main and "Rollatorer i hemtjänsten" not in main
    assert "<mark>" not in main and page.locator("mark", has_text="Rollatorer").count() == 1
    fits(page)

    page.get_by_role("main").get_by_role("link", name="Överenskommelse om hjälpmedel").click()
    page.wait_for_page()
    assert page.get_by_role("heading", level=1).inner_text() == "Överenskommelse om hjälpmedel"
    fits(page)
