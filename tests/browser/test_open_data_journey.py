"""A visitor on a phone (390 px), with JavaScript off too, finds the meeting list's Atom feeds and downloads its
exports: the links carry the list's filters, the files are what they say. axe-core on the page."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samverkan.meetings import actions
from tests.minutes_helpers import adjusted_meeting, seat_group
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def test_a_visitor_finds_the_feeds_and_downloads_the_meeting_lists_exports(page, static_page, live_world):
    w = live_world
    seats = seat_group(w)
    actions.take_step(adjusted_meeting(w, seats), actions.PUBLISH, w.secretary)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("meetings_public:area", args=[w.area.slug]))
    page.wait_for_page()
    page.select_option("#organ", w.group.slug)
    page.get_by_role("button", name="Visa").click()
    page.wait_for_page()
    page.axe.check(page)
    # The feed and export links fit the phone (the meeting table itself is wider today: see the lane's report).
    for selector in ("p.feeds", "ul.exports", "#ladda-ner"):
        boxes = page.locator(selector)
        for n in range(boxes.count()):
            box = boxes.nth(n).bounding_box()
            assert box["x"] + box["width"] <= 390, selector
    feeds = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feeds.count() == 2
    assert page.get_by_role("link", name=f"Beslut – {w.area.name}").get_attribute("href") == reverse(
        "meetings_public:decisions_feed", args=[w.area.slug]
    )

    # The decisions' CSV as the visitor's browser saves it: the filter of the page applies.
    with page.expect_download() as download:
        page.locator("ul.exports li", has_text="Beslut").get_by_role("link", name="CSV").click()
    saved = download.value
    assert saved.suggested_filename == f"beslut-{w.area.slug}-{w.group.slug}-{timezone.localdate().year}.csv"
    rows = list(csv.reader(io.StringIO(open(saved.path(), encoding="utf-8-sig").read()), delimiter=";"))
    assert rows[0][:3] == ["Mötesdatum", "Organ", "Paragraf"] and [r[3] for r in rows[1:]] == ["Lägesbild äldreomsorg"]
    with page.expect_download() as download:
        page.locator("ul.exports li", has_text="Närvaro").get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Cecilia Chef" in names and sheet.cell(row=2, column=1).is_date

    # Without JavaScript the feed is reached by its visible link and is Atom.
    static_page.goto(w.group.get_absolute_url())
    link = static_page.get_by_role("link", name=f"Protokoll – {w.group.name}")
    response = static_page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    assert "Lägesbild äldreomsorg" in response.text() and "Personalärende" not in response.text()
