"""Every public page kind fits a 390 px phone (WCAG 2.1 1.4.10 Reflow): a wide table scrolls in its own region,
the page itself never scrolls sideways. The main public pages with long place names and titles, and every public
page linked from the area's start page. Every table in the templates (staff pages too) sits in a `table-scroll`
region with a name and a tab stop."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import Meeting
from tests.followthrough_helpers import decision_item, recommend
from tests.meetings_helpers import make_meeting
from tests.world import World

pytestmark = pytest.mark.browser

LONG_PLACE = "Kommunalförbundets sammanträdesrum Stora salen, plan 4, ingång från Storgatan"


@pytest.fixture
def live_world(transactional_db):
    w = World.build()
    today = timezone.localdate()
    for days in (-40, -10, 12, 30):
        make_meeting(w.forum, today + timedelta(days=days), status="published" if days < 0 else "invited")
    Meeting.objects.update(place=LONG_PLACE, title="Ordinarie sammanträde med samverkansforum för hälsa och vård")
    recommend(decision_item(w.forum, today, title="Rekommendation om gemensam hemsjukvård i länet"))
    return w


def test_every_public_page_kind_fits_a_phone(static_page, live_world):
    w = live_world
    page = static_page
    page.set_viewport_size({"width": 390, "height": 844})
    area = w.area.slug
    start = [
        w.area.get_absolute_url(),
        reverse("meetings_public:area", args=[area]),
        reverse("followthrough_public:board", args=[area]),
        reverse("followup_public:area", args=[area]),
        reverse("surveys_public:register", args=[area]),
        "/sok/?q=hemsjukv%C3%A5rd",
        "/sok/?q=" + "%C3%A5" * 300,  # one word of 200 letters (the query's limit) that finds nothing
    ]
    start += [w.forum.get_absolute_url(), Meeting.objects.filter(body=w.forum).first().get_absolute_url()]
    for url in start:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide at 390 px"


SKIP_PARTS = ("/api/", "/konto/", "/hantera/", "/admin/", "/en/", "/sprak/", "/static/", "/media/")
SKIP_ENDINGS = (".pdf", ".ics", ".csv", ".xlsx", ".xml", ".json", "/atom/", "/flode/")


def test_every_public_page_reached_from_the_area_fits_a_phone(static_page, live_world):
    """Not a fixed list: every public page linked within two steps of the area's start page, so a new page
    or table that overflows is caught where it first appears (at most 80 pages)."""
    page = static_page
    page.set_viewport_size({"width": 390, "height": 844})
    queue, seen, checked = [(live_world.area.get_absolute_url(), 0)], set(), []
    while queue and len(checked) < 80:
        url, depth = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide at 390 px"
        checked.append(url)
        if depth < 2:
            for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
                path = href.split("#", 1)[0]
                if not path.startswith("/") or path.startswith("//"):
                    continue
                if any(part in path for part in SKIP_PARTS) or path.split("?", 1)[0].endswith(SKIP_ENDINGS):
                    continue
                queue.append((path, depth + 1))
    assert len(checked) >= 15, checked
    print(f"{len(checked)} public pages fit 390 px")
