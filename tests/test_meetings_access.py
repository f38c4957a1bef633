"""Who may open each meeting staff page, and bad input to every meeting form: 400, nothing changed, no 500."""

from datetime import date

import pytest
from django.urls import reverse

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from tests.access_helpers import ACTORS, assert_access
from tests.meetings_helpers import make_item, make_meeting
from tests.test_bad_input import GARBAGE


@pytest.fixture
def planned(world):
    """Meetings of the secretary's group and of the forum, with a day and an item each."""
    group_meeting = make_meeting(world.group, date(2026, 3, 1))
    forum_meeting = make_meeting(world.forum, date(2026, 3, 2))
    return {
        "group": group_meeting,
        "forum": forum_meeting,
        "group_item": make_item(group_meeting, "1", "Lägesbild"),
        "forum_item": make_item(forum_meeting, "1", "Lägesbild"),
    }


def _urls(w, p):
    return {
        "list": reverse("meetings:list", args=[w.group.pk]),
        "year_plan": reverse("meetings:year_plan", args=[w.group.pk]),
        "meeting": reverse("meetings:meeting", args=[p["group"].pk]),
        "meeting_edit": reverse("meetings:meeting_edit", args=[p["group"].pk]),
        "day_create": reverse("meetings:day_create", args=[p["group"].pk]),
        "day_edit": reverse("meetings:day_edit", args=[p["group"].days.get().pk]),
        "item_create": reverse("meetings:item_create", args=[p["group"].pk]),
        "item_edit": reverse("meetings:item_edit", args=[p["group_item"].pk]),
        "forum_list": reverse("meetings:list", args=[w.forum.pk]),
        "forum_year_plan": reverse("meetings:year_plan", args=[w.forum.pk]),
        "forum_meeting": reverse("meetings:meeting", args=[p["forum"].pk]),
        "forum_item_edit": reverse("meetings:item_edit", args=[p["forum_item"].pk]),
    }


MANAGERS = {"coordinator", "admin"}
GROUP_STAFF = MANAGERS | {"secretary"}
ALLOWED = {
    "list": GROUP_STAFF,
    "year_plan": GROUP_STAFF,
    "meeting": GROUP_STAFF,
    "meeting_edit": GROUP_STAFF,
    "day_create": GROUP_STAFF,
    "day_edit": GROUP_STAFF,
    "item_create": GROUP_STAFF,
    "item_edit": GROUP_STAFF,
    # The group's secretary has no say over the forum's meetings, and members plan nothing.
    "forum_list": MANAGERS,
    "forum_year_plan": MANAGERS,
    "forum_meeting": MANAGERS,
    "forum_item_edit": MANAGERS,
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_who_may_open_each_meeting_staff_page(client, world, planned, actor, page):
    url = _urls(world, planned)[page]
    response = world.client_for(client, actor).get(url)
    assert_access(response, actor, ALLOWED[page], what=page)


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact", "member", "secretary"])
def test_who_may_not_post_to_the_forums_meetings(client, world, planned, actor):
    world.client_for(client, actor)
    forum_meeting = planned["forum"]
    deferred = make_item(make_meeting(world.forum, date(2026, 1, 1)), "9", "Bordlagt", outcome="deferred")
    posts = [
        (reverse("meetings:year_plan", args=[world.forum.pk]), {"year": 2026, "dates": "2026-05-05", "start": "9:00"}),
        (reverse("meetings:meeting_edit", args=[forum_meeting.pk]), {"status": "cancelled", "kind": "notes"}),
        (reverse("meetings:item_create", args=[forum_meeting.pk]), {"number": "7", "title": "Kapad"}),
        (reverse("meetings:take_up", args=[forum_meeting.pk, deferred.pk]), {}),
        (reverse("meetings:day_create", args=[forum_meeting.pk]), {"date": "2026-03-03", "start": "09:00"}),
        (reverse("meetings:day_remove", args=[forum_meeting.days.get().pk]), {}),
    ]
    before = (Meeting.objects.count(), AgendaItem.objects.count(), MeetingDay.objects.count())
    for url, data in posts:
        assert_access(client.post(url, data), actor, (), what=url)  # refused: to the login page, or 403
    forum_meeting.refresh_from_db()
    assert forum_meeting.status == "planned"
    assert (Meeting.objects.count(), AgendaItem.objects.count(), MeetingDay.objects.count()) == before


FIELDS = ["year", "dates", "start", "end", "place", "kind", "visibility", "title", "status", "date", "number"]
FIELDS += ["position", "presenters", "background", "outcome", "deferred_to", "change_reason"]


def _snapshot():
    return (
        list(Meeting.objects.order_by("pk").values_list("status", "kind", "place", "title", "visibility")),
        list(MeetingDay.objects.order_by("pk").values_list("date", "start", "end")),
        list(AgendaItem.objects.order_by("pk").values_list("number", "title", "outcome", "deferred_to")),
    )


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_meeting_form_changes_nothing(client, world, planned, value):
    client.force_login(world.admin)
    forms = ["year_plan", "meeting_edit", "day_create", "day_edit", "item_create", "item_edit", "forum_item_edit"]
    urls = [_urls(world, planned)[name] for name in forms]
    before = _snapshot()
    for url in urls:
        response = client.post(url, {f: value for f in FIELDS})
        assert response.status_code == 400, (url, response.status_code)
        assert "Inget har sparats" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/hantera/moten/999999/",
        "/hantera/moten/999999/andra/",
        "/hantera/organ/999999/moten/",
        "/hantera/organ/999999/moten/arsplan/",
        "/hantera/motesdag/999999/andra/",
        "/hantera/motesdag/999999/ta-bort/",
        "/hantera/arende/999999/andra/",
        "/hantera/moten/1/bordlagda/999999/",
        "/hantera/moten/99999999999999999999999/",
        "/omrade/testlan/moten/999999/",
        "/omrade/finns-inte/moten/",
        "/omrade/finns-inte/moten.ics",
        "/omrade/testlan/organ/finns-inte/moten.ics",
        "/omrade/testlan/organ/hemliga-gruppen/moten.ics",
        "/omrade/annat/moten/1/",
    ],
)
def test_odd_addresses_answer_404(client, world, planned, path):
    client.force_login(world.admin)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_a_meeting_is_only_found_under_its_own_area(client, world, planned):
    assert client.get(reverse("calendar:meeting", args=["annat", planned["forum"].pk])).status_code == 404
    assert client.get(reverse("calendar:meeting", args=["testlan", planned["forum"].pk])).status_code == 200


@pytest.mark.parametrize("page", ["list", "meeting"])
def test_staff_meeting_pages_have_a_constant_number_of_queries(client, world, planned, queries, page):
    first = planned["group"]
    make_item(make_meeting(world.group, date(2026, 2, 1)), "1", "Bordlagt", outcome="deferred")
    url = (
        reverse("meetings:list", args=[world.group.pk])
        if page == "list"
        else reverse("meetings:meeting", args=[first.pk])
    )

    def grow():
        for n in range(2, 10):
            make_item(first, str(n), f"Punkt {n}", outcome="deferred")
            later = make_meeting(world.group, date(2026, 4, n), date(2026, 5, n))
            make_item(later, "1", "Fortsätter", continues=first.items.first())
        make_item(make_meeting(world.group, date(2026, 2, 2)), "1", "Bordlagt igen", outcome="deferred")

    client.force_login(world.secretary)
    queries.assert_constant(client, url, grow, at_most={"list": 7, "meeting": 16}[page])
