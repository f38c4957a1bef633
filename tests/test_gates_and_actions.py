"""The access gates of structure, follow-through and the importer, and the actions their form pages save through."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from samverkan.followthrough import access as followthrough_access
from samverkan.followthrough import actions as followthrough_actions
from samverkan.followthrough.models import Assignment
from samverkan.lib.forms import form_page
from samverkan.structure import access, actions
from samverkan.structure.forms import BodyForm, MembershipForm
from samverkan.structure.models import Body, Membership, Person
from tests.followthrough_helpers import decision_item
from tests.test_registry import _body_data


def test_membership_gate_answers_404_unseen_403_seen_but_not_kept(world):
    inside = Membership.objects.get(person=world.insider, body=world.secret)
    forum_seat = Membership.objects.filter(body=world.forum).first()
    with pytest.raises(Http404):
        access.get_membership_for_user(world.secretary, inside.pk)
    assert access.get_membership_for_user(world.secretary, forum_seat.pk) == forum_seat
    with pytest.raises(PermissionDenied):
        access.get_membership_for_user(world.secretary, forum_seat.pk, change=True)
    assert access.get_membership_for_user(world.coordinator, inside.pk, change=True) == inside
    with pytest.raises(Http404):
        access.get_membership_for_user(world.coordinator, 10**9)


def test_person_gate_hides_someone_seated_only_in_an_internal_body(world):
    with pytest.raises(Http404):
        access.get_person_for_user(world.outsider, world.area.slug, world.insider.pk)
    with pytest.raises(PermissionDenied):
        access.get_person_for_user(world.outsider, world.area.slug, world.member_person.pk, change=True)
    with pytest.raises(Http404):  # no tie to the other area
        access.get_person_for_user(world.coordinator, world.other_area.slug, world.member_person.pk)
    seen = access.get_person_for_user(world.coordinator, world.area.slug, world.insider.pk, change=True)
    assert (seen.area, seen.person) == (world.area, world.insider)


def test_body_gate_with_manage_is_for_the_areas_keepers(world):
    assert access.get_body_for_user(world.secretary, world.group.pk, change=True) == world.group
    with pytest.raises(PermissionDenied):
        access.get_body_for_user(world.secretary, world.group.pk, manage=True)
    assert access.get_body_for_user(world.coordinator, world.secret.pk, manage=True) == world.secret


def test_assignment_gate_lets_the_report_to_body_keep_it(world):
    item = decision_item(world.secret)
    assignment = followthrough_actions.create_assignment(
        item, None, assignee_body=world.group, description="Följ upp", report_to=world.group, due_date=date(2026, 6, 1)
    )
    # The group's secretary may not read the internal body's item, but the assignment reports to their body.
    assert followthrough_access.get_assignment_for_user(world.secretary, assignment.pk, change=True) == assignment
    with pytest.raises(Http404):
        followthrough_access.get_assignment_for_user(world.contact, assignment.pk)


def test_structure_actions_refuse_a_form_for_another_record(world):
    form = BodyForm(instance=world.forum, area=world.area, user=world.coordinator)
    with pytest.raises(ValueError):
        actions.update_body(world.group, form, world.coordinator)
    form = MembershipForm(body=world.forum, user=world.coordinator)
    with pytest.raises(ValueError):
        actions.create_membership(world.secret, form, world.coordinator)


def test_form_page_answers_400_when_the_action_refuses(rf_user_request, world):
    request = rf_user_request(world.coordinator, _body_data(slug="nytt"))
    form = BodyForm(request.POST, area=world.area, user=world.coordinator)

    def refuse(form, reason):
        raise ValidationError("Organet får inte sparas nu.")

    response = form_page(request, form, "Nytt organ", "/", "Sparat.", lambda b: "/", save=refuse)
    assert response.status_code == 400
    assert "Organet får inte sparas nu." in response.content.decode()
    assert not Body.objects.filter(slug="nytt").exists()


def test_the_assignment_page_creates_through_the_action(client, world, monkeypatch):
    item = decision_item(world.group)
    calls = []
    original = followthrough_actions.create_assignment

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(followthrough_actions, "create_assignment", spy)
    client.force_login(world.secretary)
    response = client.post(
        reverse("followthrough:assignment_create", args=[item.pk]),
        {
            "assignee": f"body:{world.group.pk}",
            "description": "Ta fram en plan",
            "due_date": "2030-05-01",
            "report_to": world.group.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(calls) == 1 and calls[0]["assignee_body"] == world.group
    assignment = Assignment.objects.get()
    assert assignment.history.get().history_user == world.secretary


@pytest.fixture
def rf_user_request():
    """A POST request made with RequestFactory, with a user and a message store."""

    def make(user, data):
        from django.contrib.messages.storage.fallback import FallbackStorage

        request = RequestFactory().post("/", data)
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return request

    return make


def test_a_second_chair_saved_meanwhile_is_refused_under_the_lock(world):
    """The form was valid when read; a chair seated since then is caught when the action validates again."""
    person = Person.objects.create(first_name="Nina", last_name="Ny", slug="nina-ny", employer=world.town)
    data = {"person": person.pk, "role": "chair", "principal": world.town.pk, "start": "", "end": ""}
    form = MembershipForm(data, body=world.group, user=world.coordinator)
    assert form.is_valid(), form.errors
    Membership.objects.create(person=world.insider, body=world.group, role="chair", principal=world.region)
    with pytest.raises(ValidationError):
        actions.create_membership(world.group, form, world.coordinator)
    assert not Membership.objects.filter(person=person).exists()
