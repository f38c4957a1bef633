"""`lib.addresses.Address`: one reverse per view, the same addresses as `reverse` for every record."""

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix

from samverkan.lib.addresses import MARKS, Address

VIEWS = [
    ("followthrough:item", 1),
    ("followthrough:assignment_edit", 1),
    ("meetings:version", 2),  # moten/<pk>/versioner/<number>/
    ("meetings:pdf_version", 2),  # the second argument before ".pdf"
    ("api:system", 0),
    ("api:meeting_list", 1),
    ("api:meeting", 1),
]


@pytest.mark.parametrize(("name", "count"), VIEWS)
def test_every_record_gets_the_address_reverse_gives(name, count):
    address = Address(name)
    for args in [(0,) * count, (7,) * count, tuple(range(1, count + 1)), tuple(10**n for n in range(9, 9 + count))]:
        assert address(*args) == reverse(name, args=args)


SLUG_VIEWS = [
    ("portal:area", ("norrlanda",)),
    ("portal:body", ("norrlanda", "regionala-samverkansradet")),
    ("meetings_public:meeting", ("norrlanda", 847)),
    ("meetings_public:meeting", ("a-1", 7_654_321_000)),  # an int that is a mark
]


@pytest.mark.parametrize(("name", "args"), SLUG_VIEWS)
def test_slugs_and_ints_together_get_the_address_reverse_gives(name, args):
    address = Address(name)
    assert address(*args) == reverse(name, args=args)
    other = tuple(f"{arg}-2" if isinstance(arg, str) else arg + 1 for arg in args)
    assert address(*other) == reverse(name, args=other)
    if len(args) == 2 and all(isinstance(arg, str) for arg in args):  # a slug of digits is a slug too
        assert address("2026", "12") == reverse(name, args=["2026", "12"])


def test_a_mark_s_digits_in_a_record_do_not_confuse_it():
    """A record whose number is a mark, or holds one, is filled in as itself."""
    address = Address("meetings:version")
    marks = [int(mark) for mark in MARKS]
    assert address(marks[1], marks[0]) == reverse("meetings:version", args=[marks[1], marks[0]])
    assert address(int(MARKS[0] * 2), 3) == reverse("meetings:version", args=[int(MARKS[0] * 2), 3])


def test_finish_runs_once_and_makes_absolute_addresses():
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    calls = []

    def finish(path):
        calls.append(path)
        return request.build_absolute_uri(path)

    address = Address("api:meeting", finish=finish)
    assert address(5) == "http://testserver" + reverse("api:meeting", args=[5])
    assert address(6) == "http://testserver" + reverse("api:meeting", args=[6])
    assert len(calls) == 1


def test_the_script_prefix_of_the_request_is_kept():
    set_script_prefix("/samverkan/")
    try:
        address = Address("followthrough:item")(3)
        assert address == reverse("followthrough:item", args=[3]) and address.startswith("/samverkan/")
    finally:
        set_script_prefix("/")


def test_wrong_views_and_arguments_fail_as_reverse_would():
    with pytest.raises(NoReverseMatch):
        Address("followthrough:no_such_view")(1)
    with pytest.raises(NoReverseMatch):
        Address("meetings:version")(1)  # it takes two
    with pytest.raises(NoReverseMatch):
        Address("followthrough:item")("1")  # a slug where the view takes an int
    with pytest.raises(TypeError):
        Address("portal:area")("två ord")  # not a slug: reverse would quote it
    with pytest.raises(TypeError):
        Address("followthrough:item")(True)
    with pytest.raises(TypeError):
        Address("followthrough:item")(*range(len(MARKS) + 1))
