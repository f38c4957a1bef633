"""Every public page kind fits a 390 px phone (WCAG 2.1 1.4.10 Reflow): a wide table scrolls in its own region,
the page itself never scrolls sideways. The main public pages, with long place names
and titles. (The structure map's table and some staff tables are still wider; see the closing note of stop 19.)"""

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
    ]
    start += [w.forum.get_absolute_url(), Meeting.objects.filter(body=w.forum).first().get_absolute_url()]
    for url in start:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide at 390 px"
