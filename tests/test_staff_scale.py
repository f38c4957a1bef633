"""Staff pages that grow with history (issue 11): paged, windowed by year, and the shortcut for those who keep
an area gives exactly what the visibility rules give."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough.access import in_area, visible_assignments, visible_recommendations
from tests.access_helpers import ACTORS
from tests.conftest import shared_fixture
from tests.followthrough_helpers import assign, decision_item, recommend
from tests.meetings_helpers import make_meeting


@shared_fixture
def spread(world):
    """Decisions with recommendations and assignments at public, internal and confidential items, at meetings of
    public and internal bodies, published and drafted, over two years."""
    today = timezone.localdate()
    made = []
    for n, (body, visibility, status) in enumerate(
        [
            (world.forum, "public", "published"),
            (world.forum, "internal", "published"),
            (world.forum, "confidential", "drafted"),
            (world.secret, "public", "published"),
            (world.group, "public", "drafted"),
        ]
    ):
        for day in (today - timedelta(days=20 + n), date(today.year - 1, 5, 1 + n)):
            item = decision_item(body, day, visibility=visibility, meeting_fields={"status": status})
            made.append(recommend(item))
            made.append(assign(item, due_in=-10))
    return made


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_in_area_lists_what_the_visibility_rules_list(world, spread, actor):
    user = getattr(world, actor)
    for visible in (visible_recommendations, visible_assignments):
        for area in (world.area, world.other_area):
            ruled = set(visible(user).filter(item__meeting__body__area=area).values_list("pk", flat=True))
            assert set(in_area(visible(user), user, area).values_list("pk", flat=True)) == ruled, (visible, area)


def test_the_overview_shows_one_year_of_decisions_a_page_at_a_time(client, world, spread):
    client.force_login(world.coordinator)
    url = reverse("followthrough:overview", args=[world.area.slug])
    today = timezone.localdate()
    this_year = client.get(url).content.decode()
    last_year = client.get(url, {"ar": today.year - 1}).content.decode()
    assert f'href="?ar={today.year - 1}"' in this_year
    assert this_year.count('href="/hantera/uppfoljning/punkt/') != 0
    assert last_year.count('href="/hantera/uppfoljning/punkt/') != 0
    assert f"{today.year - 1}-05-01" in last_year and f"{today.year - 1}-05-01" not in this_year.split("<h2>")[1]
    for bad in ("1066", "abc", "-1", ""):
        assert client.get(url, {"ar": bad, "sida": bad, "rek": bad, "sena": bad}).status_code == 200


def test_the_staff_meeting_list_shows_one_year_and_links_the_others(client, world):
    today = timezone.localdate()
    make_meeting(world.group, date(today.year - 2, 3, 4), title="Gammalt möte")
    make_meeting(world.group, today, title="Årets möte")
    make_meeting(world.group, title="Möte utan dag")
    client.force_login(world.secretary)
    url = reverse("meetings:list", args=[world.group.pk])
    page = client.get(url).content.decode()
    assert "Årets möte" in page and "Möte utan dag" in page and "Gammalt möte" not in page
    assert f'href="?ar={today.year - 2}"' in page
    old = client.get(url, {"ar": today.year - 2}).content.decode()
    assert "Gammalt möte" in old and "Årets möte" not in old and "Möte utan dag" not in old
    assert 'href="/hantera/moten/' in old
    for bad in ("1066", "x", "", "-3"):
        assert "Årets möte" in client.get(url, {"ar": bad, "sida": bad}).content.decode()


def test_the_overview_links_every_year_from_the_first_meeting_held(client, world):
    """The years come from the first and latest day held (one aggregate), so a year between them without a meeting
    is linked too and lists nothing; a year before the first is not linked."""
    today = timezone.localdate()
    decision_item(world.forum, date(today.year - 7, 3, 2), title="Beslut för länge sedan")
    decision_item(world.forum, today, title="Årets beslut")
    client.force_login(world.coordinator)
    url = reverse("followthrough:overview", args=[world.area.slug])
    page = client.get(url).content.decode()
    for year in range(today.year - 7, today.year + 1):
        assert f'href="?ar={year}"' in page, year
    assert f'href="?ar={today.year - 8}"' not in page
    assert "Beslut för länge sedan" in client.get(url, {"ar": today.year - 7}).content.decode()
    empty = client.get(url, {"ar": today.year - 6}).content.decode()
    assert "Inga beslut att följa upp." in empty and 'aria-current="page">' + str(today.year - 6) in empty


def test_the_staff_assignment_list_pages_in_due_order_with_its_keys_read_once(client, world):
    """The list sorted by the computed due date reads its keys once (`page_of_rows(keys_once=True)`): two pages
    hold every assignment once, in due order, and a page number past the end shows the last page."""
    item = decision_item(world.forum)
    made = [assign(item, due_in=n % 7 * 10 - n) for n in range(55)]
    made.sort(key=lambda a: (a.due_date, a.pk))
    client.force_login(world.coordinator)
    url = reverse("followthrough:assignments", args=[world.area.slug])

    def shown(page):
        html = client.get(url, {"sida": page}).content.decode()
        return [int(pk) for pk in re.findall(r'href="/hantera/uppfoljning/uppdrag/(\d+)/andra/"', html)]

    first, second = shown(1), shown(2)
    assert len(first) == 50
    assert first + second == [a.pk for a in made]
    assert shown(999) == second
