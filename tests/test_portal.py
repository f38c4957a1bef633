"""The public portal: what anyone sees, what only members see, and a fixed number of queries per page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from samverkan.structure.models import Body, Membership, Person, Principal

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_area_page_lists_principals_and_bodies_by_tier_and_level(client, world):
    html = _get(client, reverse("portal:area", args=[world.area.slug]))
    for text in ("Region Test", "Stadby kommun", "Ledningsforum", "Chefsgruppen", "Regional nivå", "Politisk"):
        assert text in html
    assert "Hemliga gruppen" not in html


def test_body_page_shows_charter_members_and_rules(client, world):
    html = _get(client, reverse("portal:body", args=[world.area.slug, world.forum.slug]))
    for text in (
        "Leda samverkan.",
        "Rekommendera.",
        "Till huvudmännen.",
        "Chefsgruppen",
        "Olle Ordförande",
        "Ordförande",
        "Maja Ledamot",
        "Stadby kommun",
        "Ses över senast 2099-01-01",
        "Antagen 2024-01-01",
    ):
        assert text in html, text
    assert not EMAIL.search(html)
    # Each seat links its person's page and names the role in a cell of its own.
    chair = Person.objects.get(first_name="Olle", last_name="Ordförande")
    link = f'<a href="{reverse("portal:person", args=[chair.slug])}">Olle Ordförande</a>'
    assert re.search(re.escape(link) + r"</td>\s*<td>Ordförande</td>", html), html


def test_body_page_shows_overdue_review(client, world):
    world.forum.rules_next_review = date(2020, 1, 1)
    world.forum.save()
    html = _get(client, reverse("portal:body", args=[world.area.slug, world.forum.slug]))
    assert "Översynen är försenad" in html


def test_substitutes_are_shown_with_whom_they_replace(client, world):
    sub = Person.objects.create(first_name="Sara", last_name="Suppleant", slug="sara")
    Membership.objects.create(
        person=sub,
        body=world.forum,
        role="substitute",
        principal=world.town,
        substitute_for=world.member_person,
        party="M",
    )
    html = _get(client, reverse("portal:body", args=[world.area.slug, world.forum.slug]))
    assert "Ersättare för Maja Ledamot" in html


def test_principal_page_lists_representatives_in_visible_bodies_only(client, world):
    html = _get(client, reverse("portal:principal", args=[world.area.slug, world.town.slug]))
    assert "Maja Ledamot" in html and "Ledningsforum" in html
    assert "Hemliga gruppen" not in html


def test_principal_page_heads_each_body_s_seats_and_orders_them_by_role(client, world):
    """The seat table: one row group per body, headed by the body's link spanning its rows; in a group the
    roles in their order (a member before a substitute), a substitute with whom they stand in for, in either
    language (the rows are built in Python, `portal/seats.py`)."""
    sub = Person.objects.create(first_name="Sara", last_name="Suppleant", slug="sara-s", title="Rådgivare")
    Membership.objects.create(
        person=sub, body=world.forum, role="substitute", principal=world.town, substitute_for=world.member_person
    )
    url = reverse("portal:principal", args=[world.area.slug, world.town.slug])
    html = _get(client, url)
    forum = reverse("portal:body", args=[world.area.slug, world.forum.slug])
    group = re.search(
        rf'<th scope="rowgroup" rowspan="(\d+)"><a href="{re.escape(forum)}">Ledningsforum</a></th>(.*?)'
        r'(?=<tr><th scope="rowgroup"|</tbody>)',
        html,
        re.S,
    )
    assert group, html
    seats = Membership.objects.current().filter(body=world.forum, principal=world.town).count()
    assert int(group[1]) == seats == group[0].count("<tr") + 1  # the head's row is the group's first
    assert group[2].index("Maja Ledamot") < group[2].index("Sara Suppleant")
    assert "<td>Ersättare för Maja Ledamot</td>" in group[2] and "Rådgivare" not in html  # no titles here
    assert "<td>Substitute for Maja Ledamot</td>" in _get(client, "/en" + url)


def test_person_page_shows_roles_but_no_email(client, world):
    html = _get(client, reverse("portal:person", args=[world.member_person.slug]))
    assert "Ledningsforum" in html and "Stadby kommun" in html
    assert "Hemliga gruppen" not in html
    assert "maja.ledamot@" not in html and not EMAIL.search(html)


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact"])
def test_internal_body_is_invisible_to_outsiders(client, world, actor):
    world.client_for(client, actor)
    _get(client, reverse("portal:body", args=[world.area.slug, world.secret.slug]), status=404)
    _get(client, reverse("portal:person", args=[world.insider.slug]), status=404)
    for url in (
        reverse("portal:area", args=[world.area.slug]),
        reverse("portal:map", args=[world.area.slug]),
        reverse("portal:body", args=[world.area.slug, world.group.slug]),
    ):
        html = _get(client, url)
        assert "Hemliga gruppen" not in html and "Hedda" not in html


@pytest.mark.parametrize("actor", ["member", "coordinator", "admin"])
def test_internal_body_is_visible_to_its_members_and_coordinators(client, world, actor):
    world.client_for(client, actor)
    html = _get(client, reverse("portal:body", args=[world.area.slug, world.secret.slug]))
    assert "Hedda Hemlig" in html and "Internt organ" in html


def test_secretary_of_another_body_does_not_see_the_internal_body(client, world):
    world.client_for(client, "secretary")
    _get(client, reverse("portal:body", args=[world.area.slug, world.secret.slug]), status=404)


def test_structure_map_is_svg_with_links_and_the_same_list(client, world):
    html = _get(client, reverse("portal:map", args=[world.area.slug]))
    assert "<svg" in html and 'class="reports"' in html and 'class="prepares"' in html
    forum_url = reverse("portal:body", args=[world.area.slug, world.forum.slug])
    assert html.count(f'href="{forum_url}"') >= 3  # box, list row, and as the group's reporting target
    # Coordinates are plain numbers even in Swedish, whose decimal comma would break the SVG.
    assert not re.search(r'(?:x|y|width|height)="-?\d+,\d', html)
    assert re.search(r'<rect x="\d+" y="\d+"', html)


def test_dissolved_body_is_marked(client, world):
    world.group.dissolved = date(2020, 1, 1)
    world.group.save()
    assert "Upphört" in _get(client, reverse("portal:area", args=[world.area.slug]))


@pytest.mark.parametrize(
    "url",
    [
        "/omrade/finns-inte/",
        "/omrade/testlan/organ/nej/",
        "/person/okand/",
        "/omrade/testlan/huvudman/x/",
        "/omrade/%00/",
        "/organ/../../etc/passwd",
        "/hantera/organ/999999/",
        "/hantera/organ/abc/",
        "/omrade/testlan/karta/extra",
    ],
)
def test_unknown_addresses_give_a_swedish_404(client, world, url):
    client.force_login(world.admin)
    response = client.get(url)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def _grow(world, n):
    """Add n more bodies, principals and people with memberships to the test area."""

    def grow():
        for i in range(n):
            principal = Principal.objects.create(area=world.area, name=f"Extra kommun {i}", slug=f"extra-{i}")
            body = Body.objects.create(
                area=world.area,
                name=f"Extragrupp {i}",
                slug=f"extra-{i}",
                reports_to=world.group,
                prepared_by=world.forum,
                level=["political", "officials", "mixed"][i % 3],
                tier=["regional", "subregional", "local"][i % 3],
            )
            for j in range(3):
                person = Person.objects.create(
                    first_name=f"P{i}", last_name=f"Q{j}", slug=f"p{i}-{j}", employer=principal
                )
                Membership.objects.create(
                    person=person, body=body, principal=principal, party="S", role="chair" if j == 0 else "member"
                )
                Membership.objects.create(
                    person=person,
                    body=world.forum,
                    principal=principal,
                    role="substitute",
                    substitute_for=world.member_person,
                )
                Membership.objects.create(
                    person=world.member_person if j == 0 else person,
                    body=body,
                    principal=world.town,
                    role="co_opted",
                    start=date(2001, 1, j + 1),
                    end=date(2001, 2, 1),
                ) if j else None

    return grow


# The most queries each page may make, per actor (its count when the bound was set).
PUBLIC_PAGE_QUERIES = {
    "home": {"anonymous": 1, "member": 5},
    "area": {"anonymous": 3, "member": 7},
    "map": {"anonymous": 2, "member": 6},
    "forum": {"anonymous": 8, "member": 12},  # with the years of its meeting archive
    "principal": {"anonymous": 2, "member": 6},
    "person": {"anonymous": 2, "member": 6},
}


@pytest.mark.parametrize("actor", ["anonymous", "member"])
@pytest.mark.parametrize("page", ["home", "area", "map", "forum", "principal", "person"])
def test_public_pages_have_a_constant_number_of_queries(client, world, queries, page, actor):
    urls = {
        "home": reverse("portal:home"),
        "area": reverse("portal:area", args=[world.area.slug]),
        "map": reverse("portal:map", args=[world.area.slug]),
        "forum": reverse("portal:body", args=[world.area.slug, world.forum.slug]),
        "principal": reverse("portal:principal", args=[world.area.slug, world.town.slug]),
        "person": reverse("portal:person", args=[world.member_person.slug]),
    }
    world.client_for(client, actor)
    queries.assert_constant(client, urls[page], _grow(world, 8), at_most=PUBLIC_PAGE_QUERIES[page][actor])


def test_english_is_the_second_language(client, world):
    url = reverse("portal:area", args=[world.area.slug])
    assert "Huvudmän" in _get(client, url)
    response = client.get(reverse("choose_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == "/en" + url
    html = _get(client, response["Location"])
    assert 'lang="en"' in html and "Principals" in html and "Huvudmän" not in html


def test_the_stylesheet_is_served(client, db):
    html = _get(client, reverse("portal:home"))
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content if response.streaming else [response.content])


def test_swedish_first_even_for_an_english_browser(client, db):
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="sv"' in html and "Samverkansområden" in html
