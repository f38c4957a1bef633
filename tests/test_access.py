"""Who may open each staff page and who may not: one row per view and actor."""

import pytest
from django.urls import reverse

from tests.access_helpers import ACTORS, assert_access


def _urls(w):
    return {
        "dashboard": reverse("dashboard"),
        "area": reverse("structure:area", args=[w.area.slug]),
        "body_create": reverse("structure:body_create", args=[w.area.slug]),
        "principal_create": reverse("structure:principal_create", args=[w.area.slug]),
        "person_create": reverse("structure:person_create", args=[w.area.slug]),
        "person": reverse("structure:person", args=[w.area.slug, w.member_person.pk]),
        "person_edit": reverse("structure:person_edit", args=[w.area.slug, w.member_person.pk]),
        "body": reverse("structure:body", args=[w.group.pk]),
        "body_edit": reverse("structure:body_edit", args=[w.group.pk]),
        "forum_staff": reverse("structure:body", args=[w.forum.pk]),
        "membership_create": reverse("structure:membership_create", args=[w.group.pk]),
        "membership_edit": reverse("structure:membership_edit", args=[w.forum.memberships.first().pk]),
        "principal": reverse("structure:principal", args=[w.town.pk]),
        "principal_edit": reverse("structure:principal_edit", args=[w.town.pk]),
        "other_area": reverse("structure:area", args=[w.other_area.slug]),
    }


MANAGERS = {"coordinator", "admin"}
# Who gets 200 per page; everyone else logged in gets 403, anonymous is sent to the login page.
ALLOWED = {
    "dashboard": set(ACTORS) - {"anonymous"},
    "area": MANAGERS,
    "body_create": MANAGERS,
    "principal_create": MANAGERS,
    "person_create": MANAGERS | {"secretary"},
    "person": MANAGERS,
    "person_edit": MANAGERS,
    "body": MANAGERS | {"secretary"},
    "body_edit": MANAGERS,
    "forum_staff": MANAGERS,
    "membership_create": MANAGERS | {"secretary"},
    "membership_edit": MANAGERS,
    "principal": MANAGERS,
    "principal_edit": MANAGERS,
    "other_area": {"admin"},
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_who_may_open_each_staff_page(client, world, actor, page):
    url = _urls(world)[page]
    response = world.client_for(client, actor).get(url)
    assert_access(response, actor, ALLOWED[page], what=page)


@pytest.mark.parametrize("actor", ["outsider", "contact", "member"])
def test_who_may_not_post_changes(client, world, actor):
    world.client_for(client, actor)
    before = world.group.name
    response = client.post(reverse("structure:body_edit", args=[world.group.pk]), {"name": "Kapad"})
    assert response.status_code == 403
    world.group.refresh_from_db()
    assert world.group.name == before


def test_secretary_may_not_edit_another_bodys_members(client, world):
    world.client_for(client, "secretary")
    url = reverse("structure:membership_create", args=[world.forum.pk])
    assert client.post(url, {"person": world.insider.pk, "role": "member"}).status_code == 403
    assert not world.forum.memberships.filter(person=world.insider).exists()
