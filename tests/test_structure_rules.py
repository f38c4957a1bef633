"""Validation of the structure: cycles, membership periods, chairs; nothing saved when a form is wrong."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from samverkan.structure.models import Body, Membership, Person


def test_body_cannot_report_to_itself(world):
    world.forum.reports_to = world.forum
    with pytest.raises(ValidationError) as error:
        world.forum.full_clean()
    assert "sig självt" in str(error.value)


def test_body_cannot_report_in_a_cycle(world):
    # group reports to forum; forum reporting to secret (which reports to group) closes a cycle.
    world.forum.reports_to = world.secret
    with pytest.raises(ValidationError) as error:
        world.forum.full_clean()
    assert "cirkel" in str(error.value)


def test_preparation_cycle_is_refused_too(world):
    world.group.prepared_by = world.forum  # forum is already prepared by group
    with pytest.raises(ValidationError) as error:
        world.group.full_clean()
    assert "prepared_by" in error.value.message_dict


def test_body_must_link_within_its_area(world):
    world.group.reports_to = world.other_body
    with pytest.raises(ValidationError) as error:
        world.group.full_clean()
    assert "samma samverkansområde" in str(error.value)


def test_dates_must_be_ordered(world):
    world.group.established, world.group.dissolved = date(2020, 1, 1), date(2019, 1, 1)
    world.group.rules_adopted, world.group.rules_next_review = date(2024, 1, 1), date(2023, 1, 1)
    with pytest.raises(ValidationError) as error:
        world.group.full_clean()
    assert set(error.value.message_dict) == {"dissolved", "rules_next_review"}


def _seat(world, person, **kw):
    return Membership(person=person, body=world.forum, principal=world.town, **kw)


def test_only_one_chair_at_a_time(world):
    newcomer = Person.objects.create(first_name="Ny", last_name="Ordförande", slug="ny")
    with pytest.raises(ValidationError) as error:
        _seat(world, newcomer, role="chair").full_clean()
    assert "redan en ordförande" in str(error.value)


def test_next_chair_may_follow_when_the_first_has_ended(world):
    chair = world.forum.memberships.get(role="chair")
    chair.end = date(2025, 12, 31)
    chair.full_clean()
    chair.save()
    newcomer = Person.objects.create(first_name="Ny", last_name="Ordförande", slug="ny")
    _seat(world, newcomer, role="chair", start=date(2026, 1, 1)).full_clean()


def test_membership_period_must_be_ordered(world):
    newcomer = Person.objects.create(first_name="A", last_name="B", slug="ab")
    with pytest.raises(ValidationError) as error:
        _seat(world, newcomer, start=date(2025, 5, 1), end=date(2025, 4, 1)).full_clean()
    assert "före startdatum" in str(error.value)


def test_same_person_cannot_hold_two_overlapping_seats_in_a_body(world):
    with pytest.raises(ValidationError) as error:
        _seat(world, world.member_person, role="substitute").full_clean()
    assert "redan ett uppdrag" in str(error.value)


def test_substitute_must_stand_in_for_a_seated_member(world):
    newcomer = Person.objects.create(first_name="Ersätt", last_name="Are", slug="ersattare")
    _seat(world, newcomer, role="substitute", substitute_for=world.member_person).full_clean()
    with pytest.raises(ValidationError):
        _seat(world, newcomer, role="member", substitute_for=world.member_person).full_clean()
    with pytest.raises(ValidationError):
        _seat(world, newcomer, role="substitute", substitute_for=world.insider).full_clean()


def test_principal_must_be_of_the_same_area(world):
    newcomer = Person.objects.create(first_name="A", last_name="B", slug="ab")
    seat = Membership(person=newcomer, body=world.other_body, principal=world.town)
    with pytest.raises(ValidationError):
        seat.full_clean()


def test_charter_gaps_and_review(world):
    assert world.forum.charter_gaps() == []
    assert [str(g) for g in world.secret.charter_gaps()] == ["uppdrag", "mandat", "rapporteringsväg"]
    world.forum.rules_next_review = date(2000, 1, 1)
    assert world.forum.rules_overdue()


def test_history_is_kept_for_every_change(world):
    world.forum.mandate = "Besluta."
    world.forum.save()
    assert world.forum.history.count() == 3  # created, prepared_by set, mandate changed
    assert Body.history.model.objects.filter(id=world.forum.pk).first().mandate == "Besluta."
