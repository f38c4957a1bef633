"""Bad input of every kind gets a clear answer and changes nothing; no request may end in a server error."""

import re

import pytest
from django.urls import reverse

from samverkan.structure.models import Body, Membership, Person, Principal

GARBAGE = ["", "\x00", "x" * 5000, "<script>alert(1)</script>", "9" * 30, "-1", "2025-02-30", "åäö ÅÄÖ", "[]"]


def _counts():
    return (Body.objects.count(), Principal.objects.count(), Person.objects.count(), Membership.objects.count())


def _form_urls(w):
    seat = w.forum.memberships.first()
    return [
        reverse("structure:body_create", args=[w.area.slug]),
        reverse("structure:body_edit", args=[w.forum.pk]),
        reverse("structure:principal_create", args=[w.area.slug]),
        reverse("structure:principal_edit", args=[w.town.pk]),
        reverse("structure:person_create", args=[w.area.slug]),
        reverse("structure:person_edit", args=[w.area.slug, w.member_person.pk]),
        reverse("structure:membership_create", args=[w.forum.pk]),
        reverse("structure:membership_edit", args=[seat.pk]),
        reverse("structure:membership_end", args=[seat.pk]),
    ]


FIELDS = [
    "name",
    "slug",
    "kind",
    "level",
    "tier",
    "reports_to",
    "prepared_by",
    "host_principal",
    "established",
    "dissolved",
    "first_name",
    "last_name",
    "email",
    "employer",
    "person",
    "role",
    "principal",
    "party",
    "start",
    "end",
    "substitute_for",
    "website",
    "visibility",
    "authority",
    "numbering",
    "change_reason",
]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_staff_form_changes_nothing(client, world, value):
    client.force_login(world.admin)
    before = _counts()
    names = {f: getattr(obj, "name", None) for f, obj in (("forum", world.forum), ("town", world.town))}
    for url in _form_urls(world):
        response = client.post(url, {f: value for f in FIELDS})
        assert response.status_code in (302, 400), (url, response.status_code)
        if response.status_code == 400:
            assert "Inget har sparats" in response.content.decode()
    assert _counts() == before
    world.forum.refresh_from_db()
    world.town.refresh_from_db()
    assert {"forum": world.forum.name, "town": world.town.name} == names


@pytest.mark.parametrize("query", ["?sida=abc", "?sida=-5", "?sida=99999", "?q=" + "%00" * 3, "?q=" + "a" * 3000])
def test_odd_query_strings_on_list_pages(client, world, query):
    client.force_login(world.coordinator)
    assert client.get(reverse("structure:area", args=[world.area.slug]) + query).status_code == 200
    assert client.get(reverse("portal:area", args=[world.area.slug]) + query).status_code == 200


def test_membership_in_another_area_cannot_be_smuggled_in(client, world):
    client.force_login(world.coordinator)
    stranger = Person.objects.create(first_name="Främ", last_name="Ling", slug="framling")
    response = client.post(
        reverse("structure:membership_create", args=[world.forum.pk]), {"person": stranger.pk, "role": "member"}
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(person=stranger).exists()


def test_wrong_methods_are_harmless(client, world):
    client.force_login(world.admin)
    assert client.put(reverse("structure:body_edit", args=[world.forum.pk])).status_code == 405
    response = client.post(reverse("portal:area", args=[world.area.slug]))
    assert response.status_code == 405  # every pattern: tests/test_methods.py


def test_csrf_failure_is_a_clear_403(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.coordinator)
    response = strict.post(reverse("structure:body_create", args=[world.area.slug]), {"name": "X"})
    assert response.status_code == 403
    assert "Formuläret har gått ut" in response.content.decode()
    assert Body.objects.filter(name="X").count() == 0


# Digits `str.isdigit` takes and `int` refuses (superscript two) or reads (full-width one): a URL's number is ASCII
# digits or no number (samverkan.lib.text.is_digits).
ODD_DIGITS = ["²", "１", "٣"]


@pytest.mark.parametrize("digit", ODD_DIGITS)
def test_odd_digits_in_a_number_of_the_address_are_no_number(client, world, digit):
    a = world.area.slug
    public = [
        (reverse("search:search"), ["omrade", "typ", "organ", "huvudman", "ar", "sida", "visa"]),
        (reverse("alerts:subscribe_search"), ["omrade", "organ", "huvudman", "ar"]),
        (reverse("meetings_public:area", args=[a]), ["ar", "sida", "kommande"]),
        (reverse("followup_public:area", args=[a]), ["ar"]),
        (reverse("followthrough_public:board", args=[a]), ["ar", "sida"]),
    ]
    staff = [
        (reverse("meetings:list", args=[world.forum.pk]), ["ar", "sida"]),
        (reverse("followthrough:overview", args=[a]), ["ar"]),
    ]
    for urls, login in ((public, None), (staff, world.coordinator)):
        if login:
            client.force_login(login)
        for url, names in urls:
            for name in names:
                response = client.get(url, {"q": "zebrafink", name: digit})
                assert response.status_code == 200, (url, name, response.status_code)


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        *[(below, 1) for below in ("0", "-3", " -1", "+0", "-0", "00", "-00002")],
        *[(garbage, 1) for garbage in ("abc", "-²", "０", "-１", "0_0", "-1_0", "٣", "1e3", "2.5", "")],
        *[("+2", 2), ("02", 2), ("99999", 3), ("1" + "0" * 40, 3), ("9" * 5000, 3), ("-" + "9" * 40, 1)],
    ],
)
def test_a_page_number_outside_the_list_gives_the_nearest_page(rf, asked, shown):
    """Below 1 is the first page (Django's `get_page` gave the last), past the end the last, garbage the first."""
    from samverkan.lib.paging import asked_page, page_of

    assert page_of(rf.get("/", {"sida": asked}), list(range(25)), 10).number == shown
    assert asked_page(0) == 1 and asked_page(-4) == 1 and asked_page(None) is None


def test_a_filter_form_says_what_is_wrong_with_a_value(client, world):
    """A filter value that does not fit (a year that is no number, a body not offered) is named beside its field:
    the field's `aria-describedby` points at the message, never at an element that is not there."""
    client.force_login(world.coordinator)
    bad = "?ar=abc&organ=bogus&status=bogus&slag=bogus"
    for url in (
        reverse("followthrough_public:board", args=[world.area.slug]),
        reverse("followthrough_public:assignments", args=[world.area.slug]),
        reverse("agreements_public:register", args=[world.area.slug]),
        reverse("followthrough:assignments", args=[world.area.slug]),
    ):
        html = client.get(url + bad).content.decode()
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert any(name.endswith("_error") for names in described for name in names.split()), url
        for names in described:
            for name in names.split():
                assert f'id="{name}"' in html, (url, name)
        assert 'class="errorlist"' in html, url
