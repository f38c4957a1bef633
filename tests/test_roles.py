"""Granting and revoking roles: coordinators keep secretaries and contacts, administrators also coordinators."""

import pytest
from django.urls import reverse

from samverkan.structure.models import Body, Principal, Role
from tests.access_helpers import ACTORS, assert_access


def _url(world):
    return reverse("roles", args=[world.area.slug])


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_open_the_roles_page(client, world, actor):
    assert_access(world.client_for(client, actor).get(_url(world)), actor, {"coordinator", "admin"})


def test_coordinator_appoints_a_secretary_and_the_secretary_gets_the_body(client, world):
    world.client_for(client, "coordinator")
    response = client.post(_url(world), {"username": "outsider", "kind": "secretary", "body": world.forum.pk})
    assert response.status_code == 302
    role = Role.objects.get(user=world.outsider, kind="secretary")
    assert role.body == world.forum and role.history.first().history_user == world.coordinator
    client.force_login(world.outsider)
    assert client.get(reverse("structure:body", args=[world.forum.pk])).status_code == 200


@pytest.mark.parametrize(
    "data, message",
    [
        ({"username": "nobody", "kind": "contact", "principal": "1"}, "inget aktivt konto"),
        ({"username": "outsider", "kind": "secretary"}, "Välj vilket organ"),
        ({"username": "outsider", "kind": "contact"}, "Välj vilken huvudman"),
        ({"username": "contact", "kind": "contact", "principal": "TOWN"}, "redan den rollen"),
        ({"username": "outsider", "kind": "coordinator"}, "Välj ett giltigt alternativ"),
        ({"username": "outsider", "kind": "secretary", "body": "OTHER"}, "Välj ett giltigt alternativ"),
        ({"username": "\x00", "kind": "nonsense"}, "Inget har sparats"),
    ],
)
def test_wrong_grants_change_nothing(client, world, data, message):
    data = {k: {"TOWN": world.town.pk, "OTHER": world.other_body.pk}.get(v, v) for k, v in data.items()}
    world.client_for(client, "coordinator")
    before = Role.objects.count()
    response = client.post(_url(world), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Role.objects.count() == before


def test_only_an_administrator_appoints_or_removes_coordinators(client, world):
    coordinator_role = Role.objects.get(user=world.coordinator)
    world.client_for(client, "coordinator")
    assert client.post(reverse("role_revoke", args=[coordinator_role.pk])).status_code == 403
    client.force_login(world.admin)
    assert client.post(_url(world), {"username": "outsider", "kind": "coordinator"}).status_code == 302
    assert Role.objects.filter(user=world.outsider, kind="coordinator", area=world.area).exists()


def test_coordinator_revokes_a_contact(client, world):
    role = Role.objects.get(user=world.contact)
    world.client_for(client, "coordinator")
    assert client.get(reverse("role_revoke", args=[role.pk])).status_code == 302  # GET changes nothing
    assert Role.objects.filter(pk=role.pk).exists()
    client.post(reverse("role_revoke", args=[role.pk]))
    assert not Role.objects.filter(pk=role.pk).exists()
    assert Role.history.filter(id=role.pk, history_type="-").get().history_user == world.coordinator


def test_coordinator_of_another_area_cannot_touch_these_roles(client, world):
    stranger = Role.objects.create(user=world.outsider, kind="coordinator", area=world.other_area)
    client.force_login(stranger.user)
    assert client.get(_url(world)).status_code == 403
    role = Role.objects.get(user=world.contact)
    assert client.post(reverse("role_revoke", args=[role.pk])).status_code == 404  # not shown to them
    assert Role.objects.filter(pk=role.pk).exists()


def test_roles_page_has_a_constant_number_of_queries(client, world, queries):
    world.client_for(client, "coordinator")
    counter = iter(range(100))

    def grow():
        from django.contrib.auth import get_user_model

        for _ in range(5):
            i = next(counter)
            user = get_user_model().objects.create_user(f"u{i}")
            body = Body.objects.create(area=world.area, name=f"B{i}", slug=f"b{i}")
            principal = Principal.objects.create(area=world.area, name=f"P{i}", slug=f"p{i}")
            Role.objects.create(user=user, kind="secretary", body=body)
            Role.objects.create(user=user, kind="contact", principal=principal)

    queries.assert_constant(client, _url(world), grow, at_most=8)
