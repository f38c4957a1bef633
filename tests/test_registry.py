"""The staff registry: create and change bodies, principals, people and memberships; history; charter health."""

from datetime import date

import pytest
from django.urls import reverse

from samverkan.lib.history import HISTORY_REASON_LENGTH, save_with_history
from samverkan.structure.health import charter_problems
from samverkan.structure.models import Body, Membership, Person, Principal


def _body_data(**overrides):
    data = {
        "name": "Arbetsgrupp psykisk hälsa",
        "abbreviation": "AGP",
        "slug": "ag-psykisk-halsa",
        "kind": "working_group",
        "level": "officials",
        "tier": "regional",
        "authority": "recommends",
        "numbering": "per_meeting",
        "visibility": "public",
        "charter": "Ta fram en handlingsplan.",
        "mandate": "",
        "reporting_route": "",
        "rules_of_procedure": "",
        "rules_adopted": "",
        "rules_next_review": "",
        "established": "2025-01-01",
        "dissolved": "",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_body_and_sees_it_in_history(client, world):
    world.client_for(client, "coordinator")
    response = client.post(
        reverse("structure:body_create", args=[world.area.slug]), _body_data(reports_to=world.group.pk)
    )
    body = Body.objects.get(slug="ag-psykisk-halsa")
    assert response.status_code == 302 and response["Location"] == reverse("structure:body", args=[body.pk])
    assert body.area == world.area and body.reports_to == world.group
    html = client.get(reverse("structure:body", args=[body.pk])).content.decode()
    assert "Historik" in html and "Coordinator Testsson" in html and "Skapad" in html


def test_edit_records_what_changed_who_and_why(client, world):
    world.client_for(client, "coordinator")
    url = reverse("structure:body_edit", args=[world.group.pk])
    data = _body_data(
        name="Chefsgruppen",
        slug="chefsgruppen",
        kind="preparatory_group",
        reports_to=world.forum.pk,
        mandate="Bereda och samordna.",
        change_reason="Beslut i LF 2025-03-01",
    )
    assert client.post(url, data).status_code == 302
    html = client.get(reverse("structure:body", args=[world.group.pk])).content.decode()
    assert "Mandat" in html and "Bereda och samordna." in html and "Beslut i LF 2025-03-01" in html
    assert "Ledningsforum" in html  # foreign keys shown by name in the history, not by id


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "Detta fält måste fyllas i"),
        ({"slug": "ledningsforum"}, "Det finns redan ett organ med den adressen"),
        ({"slug": "ogiltig adress!"}, "giltig"),
        ({"kind": "spaceship"}, "Välj ett giltigt alternativ"),
        ({"established": "2025-13-45"}, "giltigt datum"),
        ({"established": "2025-01-01", "dissolved": "2024-01-01"}, "kan inte upphöra innan"),
        ({"reports_to": "999999"}, "Välj ett giltigt alternativ"),
    ],
)
def test_a_wrong_form_saves_nothing_and_says_why_in_swedish(client, world, overrides, message):
    world.client_for(client, "coordinator")
    before = Body.objects.count()
    response = client.post(reverse("structure:body_create", args=[world.area.slug]), _body_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Formuläret innehåller fel. Inget har sparats." in html and message in html
    assert Body.objects.count() == before


def test_a_cycle_is_refused_in_the_form(client, world):
    world.client_for(client, "coordinator")
    url = reverse("structure:body_edit", args=[world.forum.pk])
    data = _body_data(name="Ledningsforum", slug="ledningsforum", reports_to=world.secret.pk)
    response = client.post(url, data)
    assert response.status_code == 400 and "cirkel" in response.content.decode()
    world.forum.refresh_from_db()
    assert world.forum.reports_to is None


def test_a_body_in_another_area_cannot_be_chosen(client, world):
    world.client_for(client, "coordinator")
    response = client.post(
        reverse("structure:body_create", args=[world.area.slug]), _body_data(reports_to=world.other_body.pk)
    )
    assert response.status_code == 400


def test_principal_create_and_duplicate_name(client, world):
    world.client_for(client, "coordinator")
    url = reverse("structure:principal_create", args=[world.area.slug])
    data = {"name": "Sjöby kommun", "slug": "sjoby", "kind": "municipality", "website": "https://sjoby.example"}
    assert client.post(url, data).status_code == 302
    assert Principal.objects.filter(area=world.area, slug="sjoby").exists()
    response = client.post(url, {**data, "slug": "sjoby-2"})
    assert response.status_code == 400 and "Det finns redan en huvudman" in response.content.decode()
    # The same name in another area is fine.
    client.force_login(world.admin)
    other = reverse("structure:principal_create", args=[world.other_area.slug])
    assert client.post(other, data).status_code == 302


def test_secretary_adds_a_person_and_a_membership_to_their_body(client, world):
    world.client_for(client, "secretary")
    response = client.post(
        reverse("structure:person_create", args=[world.area.slug]),
        {
            "first_name": "Nils",
            "last_name": "Nyman",
            "slug": "nils-nyman",
            "employer": world.village.pk,
            "email": "nils@byn.example",
            "title": "Socialchef",
        },
    )
    assert response.status_code == 302
    nils = Person.objects.get(slug="nils-nyman")
    response = client.post(
        reverse("structure:membership_create", args=[world.group.pk]),
        {"person": nils.pk, "role": "member", "principal": world.village.pk, "start": "2025-01-01"},
    )
    assert response.status_code == 302
    assert world.group.memberships.get(person=nils).principal == world.village


def test_second_chair_is_refused_in_the_form(client, world):
    world.client_for(client, "coordinator")
    response = client.post(
        reverse("structure:membership_create", args=[world.forum.pk]),
        {"person": world.insider.pk, "role": "chair", "principal": world.region.pk},
    )
    assert response.status_code == 400 and "redan en ordförande" in response.content.decode()
    assert world.forum.memberships.filter(role="chair").count() == 1


def test_ending_a_membership(client, world):
    world.client_for(client, "coordinator")
    seat = world.forum.memberships.get(person=world.member_person)
    url = reverse("structure:membership_end", args=[seat.pk])
    response = client.post(url, {"end": "nonsense"}, follow=True)
    assert "Uppdraget kunde inte avslutas" in response.content.decode()
    seat.refresh_from_db()
    assert seat.end is None
    client.post(url, {"end": "2025-06-30"})
    seat.refresh_from_db()
    assert seat.end == date(2025, 6, 30)
    assert seat.history.first().history_user == world.coordinator
    assert client.get(url).status_code == 302  # GET changes nothing


def test_charter_health_overview(client, world):
    world.forum.rules_next_review = date(2020, 1, 1)
    world.forum.save()
    world.client_for(client, "coordinator")
    html = client.get(reverse("dashboard")).content.decode()
    assert "Uppdragsbeskrivningarnas status" in html
    assert "Översyn försenad (senast 2020-01-01)" in html
    assert "mandat, rapporteringsväg" in html  # the group lacks them
    assert "Hemliga gruppen" in html  # coordinators see internal bodies too


def test_charter_problems_are_found_by_the_database_first_fifty_and_counted(world):
    """A blank part (whitespace only, as `str.strip` sees it), a missing or overdue review date; a dissolved body
    is not listed; the list is cut at the limit and counted in full."""
    today = date(2026, 6, 1)
    complete = {"charter": "Uppdrag", "mandate": "Mandat", "reporting_route": "Till KRF"}
    Body.objects.filter(area=world.area).update(rules_next_review=date(2027, 1, 1), **complete)
    assert charter_problems([world.area], today) == ([], 0)
    Body.objects.filter(pk=world.forum.pk).update(mandate=" \n\t ")
    Body.objects.filter(pk=world.group.pk).update(rules_next_review=date(2026, 5, 31))
    Body.objects.filter(pk=world.secret.pk).update(charter="", dissolved=date(2026, 1, 1))
    rows, count = charter_problems([world.area], today)
    assert count == 2 and {(r.body, tuple(r.gaps), r.rules_overdue) for r in rows} == {
        (world.forum, ("mandat",), False),
        (world.group, (), True),
    }
    for n in range(3):
        Body.objects.create(area=world.area, name=f"Ny {n}", slug=f"ny-{n}", rules_next_review=None, **complete)
    rows, count = charter_problems([world.area], today, limit=3)
    assert count == 5 and len(rows) == 3 and all(r.body.area_id == world.area.pk for r in rows)


def test_person_contact_details_only_for_coordinators(client, world):
    world.client_for(client, "coordinator")
    url = reverse("structure:person", args=[world.area.slug, world.member_person.pk])
    assert "maja.ledamot@stadby.example" in client.get(url).content.decode()


def test_staff_lists_have_a_constant_number_of_queries(client, world, queries):
    world.client_for(client, "coordinator")
    counter = iter(range(1000))

    def grow():
        for _ in range(6):
            i = next(counter)
            p = Principal.objects.create(area=world.area, name=f"K{i}", slug=f"k{i}")
            b = Body.objects.create(area=world.area, name=f"G{i}", slug=f"g{i}", reports_to=world.forum)
            person = Person.objects.create(first_name="A", last_name=f"B{i}", slug=f"ab{i}", employer=p)
            Membership.objects.create(
                person=person, body=world.forum, principal=p, role="substitute", substitute_for=world.member_person
            )
            Membership.objects.create(person=person, body=b, principal=p, role="chair")
            world.forum.mandate = f"Version {i}"
            world.forum.save()

    for url, at_most in (
        # + adjusted minutes whose notice is late, the count of the bodies' page and of the charter problems
        (reverse("dashboard"), 13),
        (reverse("structure:area", args=[world.area.slug]), 11),  # + logins and login invitations of the people
        (reverse("structure:body", args=[world.forum.pk]), 11),
    ):
        queries.assert_constant(client, url, grow, at_most=at_most)


def test_membership_history_is_shown_on_its_page(client, world):
    world.client_for(client, "coordinator")
    seat = world.forum.memberships.get(person=world.member_person)
    url = reverse("structure:membership_edit", args=[seat.pk])
    data = {
        "person": world.member_person.pk,
        "role": "vice_chair",
        "principal": world.town.pk,
        "party": "M",
        "change_reason": "Vald till vice ordförande",
    }
    assert client.post(url, data).status_code == 302
    html = client.get(url).content.decode()
    assert "Historik" in html and "Vald till vice ordförande" in html and "Vice ordförande" in html


def test_dashboard_shows_each_role_its_own_things(client, world):
    world.client_for(client, "contact")
    html = client.get(reverse("dashboard")).content.decode()
    assert "Du är kontaktperson för" in html and "Stadby kommun" in html
    assert "Uppdragsbeskrivningarnas status" not in html
    client.force_login(world.member)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Dina uppdrag" in html and "Hemliga gruppen" in html


def test_change_reason_with_control_characters_is_cleaned(client, world):
    world.client_for(client, "coordinator")
    url = reverse("structure:principal_edit", args=[world.town.pk])
    data = {"name": "Stadby kommun", "slug": "stadby", "kind": "municipality", "change_reason": "Nytt\x00 namn"}
    assert client.post(url, data).status_code == 302
    assert world.town.history.first().history_change_reason == "Nytt namn"


def test_a_saved_record_names_its_user_and_a_shortened_reason_in_one_history_row(world):
    body = world.group
    body.name = "Omdöpt grupp"
    before = body.history.count()
    save_with_history(body, world.secretary, "skäl " * 60)
    row = body.history.first()
    assert body.history.count() == before + 1 and row.history_user == world.secretary
    assert row.history_change_reason == ("skäl " * 60)[:HISTORY_REASON_LENGTH]
    body.name = "Omdöpt igen"
    save_with_history(body, world.secretary)  # no reason this time: the earlier one is not carried over
    assert body.history.first().history_change_reason is None
