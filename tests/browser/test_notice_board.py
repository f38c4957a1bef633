"""A visitor reads the notice board on a phone (390 px) and with JavaScript off: current notices, the archive,
the feed link. axe-core on every page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings import actions, lock
from samverkan.meetings.models import Meeting
from tests.minutes_helpers import adjusted_meeting, seat_group
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def test_a_visitor_reads_the_notice_board_and_its_archive(page, static_page, live_world):
    w = live_world
    seats = seat_group(w)
    # In date order: the § numbers of a body's year follow its meetings' dates.
    old = adjusted_meeting(w, seats, days_ago=60)
    actions.take_step(old, actions.PUBLISH, w.secretary)
    current = adjusted_meeting(w, seats)
    actions.take_step(current, actions.PUBLISH, w.secretary)
    long_ago = timezone.localdate() - timedelta(days=50)
    with lock.correcting_minutes():  # put up seven weeks ago: taken down by now
        Meeting.objects.filter(pk=old.pk).update(notice_date=long_ago)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(w.area.get_absolute_url())
    page.get_by_role("link", name="Anslagstavla").click()
    page.wait_for_page()
    assert page.get_by_role("heading", level=1).inner_text() == f"Anslagstavla – {w.area.name}"
    main = page.inner_text("main")
    assert f"Protokoll från {w.group.name}" in main and timezone.localdate().isoformat() in main
    assert "Anslaget tas ned" in main and "Tid för överklagande" not in main  # the group cannot be appealed
    page.axe.check(page)
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Arkiv: anslag som tagits ned").click()
    page.wait_for_page()
    assert long_ago.isoformat() in page.inner_text("main")
    page.axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name=f"Läs protokollet från {w.group.name} {old.days.first().date:%Y-%m-%d}").click()
    page.wait_for_page()
    assert "Anslag om justering" in page.inner_text("main")
    page.axe.check(page)

    # Without JavaScript the board and its feed link work the same.
    static_page.goto(reverse("meetings_public:notice_board", args=[w.area.slug]))
    assert f"Protokoll från {w.group.name}" in static_page.inner_text("main")
    feed = static_page.get_by_role("link", name="Prenumerera på anslagstavlan (Atom)").get_attribute("href")
    assert feed == reverse("meetings_public:notice_feed", args=[w.area.slug])
