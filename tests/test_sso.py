"""Single sign-on (structure/sso.py) against a real OpenID Connect provider: django-oauth-toolkit in a second
process (tests/oidc_helpers.py), the whole authorization-code flow through Samverkan's login page, its token, JWKS
and userinfo endpoints reached over HTTP. The provider vouches for anna.sso@byn.example and not for
olle.sso@byn.example."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import Signatory
from samverkan.structure import sso
from samverkan.structure.models import Membership, Person
from tests.meetings_helpers import make_meeting
from tests.oidc_helpers import Provider, running_provider, sign_in_at_provider

ANNA = "anna.sso@byn.example"
CALLBACK = "http://testserver/konto/sso/svar/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("idp"), [CALLBACK]) as running:
        yield running


@pytest.fixture
def sso_on(provider):
    with override_settings(**provider.settings()):
        yield provider


def sign_in(client, username="anna", next_url=None):
    """The flow as a browser makes it: Samverkan's login page, its button, the provider's login form, back.
    Returns the answer to the callback."""
    page = client.get(reverse("login") + (f"?next={next_url}" if next_url else ""))
    assert "Logga in med Testleverantören" in page.text
    start = page.text.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    back = sign_in_at_provider(to_provider["Location"], username)
    assert back.startswith(CALLBACK), back
    parts = urlparse(back)
    return client.get(f"{parts.path}?{parts.query}")


def logged_in_as(client):
    answer = client.get(reverse("dashboard"))
    return answer.wsgi_request.user if answer.status_code == 200 else None


def anna(world, **fields):
    fields = {"employer": world.village, "email": ANNA, "slug": "anna-enkel", **fields}
    return Person.objects.create(first_name="Anna", last_name="Enkel", **fields)


def refused(client, answer):
    assert answer.status_code == 302 and answer["Location"] == reverse("login")
    assert str(sso.REFUSED) in client.get(answer["Location"]).text
    assert logged_in_as(client) is None


def test_off_unless_configured(client, world):
    assert reverse("sso_start") not in client.get(reverse("login")).text
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback") + "?code=x&state=y").status_code == 404
    # A password login walks past the backend when SSO is off.
    answer = client.post(reverse("login"), {"username": "member", "password": "test-password-123"})
    assert answer.status_code == 302 and logged_in_as(client).pk == world.member.pk


@pytest.mark.parametrize(
    "missing",
    ["OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"],
)
def test_a_half_configured_provider_offers_no_button_that_leads_to_a_404(client, world, missing):
    """A client id without one of the provider's endpoints is not single sign-on: the login page shows no button
    (it would lead to the 404 of `/konto/sso/`)."""
    half = {**Provider("http://127.0.0.1:9").settings(), missing: ""}
    with override_settings(**half):
        page = client.get(reverse("login")).text
        assert reverse("sso_start") not in page and half["OIDC_LABEL"] not in page
        assert client.get(reverse("sso_start")).status_code == 404
    with override_settings(**Provider("http://127.0.0.1:9").settings()):
        assert reverse("sso_start") in client.get(reverse("login")).text


def test_first_sign_in_creates_the_login_linked_to_the_person_and_the_next_reuses_it(client, world, sso_on):
    person = anna(world)
    answer = sign_in(client)
    assert answer.status_code == 302 and answer["Location"] == reverse("dashboard")
    user = logged_in_as(client)
    person.refresh_from_db()
    assert user is not None and person.user_id == user.pk and user.username == ANNA
    assert not user.has_usable_password()
    assert person.history.first().history_change_reason == "Inloggningen skapad via enkel inloggning"
    client.post(reverse("logout"))
    sign_in(client)
    assert logged_in_as(client).pk == user.pk
    assert get_user_model().objects.filter(email=ANNA).count() == 1


def test_a_person_with_a_login_signs_in_as_that_login_and_next_is_kept(client, world, sso_on):
    world.member_person.email = ANNA.upper()  # the claim matches without regard to case
    world.member_person.save()
    answer = sign_in(client, next_url=reverse("meetings:to_sign"))
    assert answer["Location"] == reverse("meetings:to_sign")
    assert logged_in_as(client).pk == world.member.pk


@pytest.mark.parametrize("case", ["nobody", "two people", "switched off", "not verified", "no area", "username taken"])
def test_refusals_say_the_same_and_change_nothing(client, world, sso_on, case):
    username = "anna"
    if case == "two people":
        anna(world)
        anna(world, slug="anna-enkel-2")
    elif case == "switched off":
        world.member_person.email = ANNA
        world.member_person.save()
        get_user_model().objects.filter(pk=world.member.pk).update(is_active=False)
    elif case == "not verified":
        anna(world, slug="olle-o", email="olle.sso@byn.example")
        username = "olle"
    elif case == "no area":
        anna(world, employer=None)
    elif case == "username taken":
        anna(world)
        get_user_model().objects.create_user(ANNA, email="annan@example.org")
    users = get_user_model().objects.count()
    refused(client, sign_in(client, username))
    assert get_user_model().objects.count() == users
    assert (
        not Person.objects.filter(email__iexact="anna.sso@byn.example", user__isnull=False)
        .exclude(pk=world.member_person.pk)
        .exists()
    )


def test_a_seat_in_a_body_is_enough_to_get_a_login(client, world, sso_on):
    person = anna(world, employer=None)
    Membership.objects.create(person=person, body=world.forum, role="member", principal=world.village)
    sign_in(client)
    assert logged_in_as(client) is not None


def test_logins_are_not_created_when_turned_off(client, world, sso_on):
    anna(world)
    with override_settings(OIDC_CREATE_LOGINS=False):
        refused(client, sign_in(client))


def test_switching_the_login_off_ends_the_sso_session(client, world, sso_on):
    person = anna(world)
    sign_in(client)
    assert logged_in_as(client) is not None
    get_user_model().objects.filter(pk=Person.objects.get(pk=person.pk).user_id).update(is_active=False)
    assert logged_in_as(client) is None


def test_a_replayed_or_forged_answer_is_refused_without_an_error_page(client, world, sso_on):
    anna(world)
    page = client.get(reverse("sso_start"))
    back = sign_in_at_provider(page["Location"], "anna")
    parts = urlparse(back)
    assert client.get(f"{parts.path}?{parts.query}").status_code == 302
    assert logged_in_as(client) is not None
    client.post(reverse("logout"))
    refused(client, client.get(f"{parts.path}?{parts.query}"))  # the state was spent
    refused(client, client.get(reverse("sso_callback") + "?code=forged&state=forged"))
    refused(client, client.get(reverse("sso_callback") + "?error=access_denied"))


def test_an_unreachable_provider_is_refused_without_an_error_page(client, world, sso_on):
    anna(world)
    page = client.get(reverse("sso_start"))
    back = sign_in_at_provider(page["Location"], "anna")
    parts = urlparse(back)
    with override_settings(OIDC_OP_TOKEN_ENDPOINT="http://127.0.0.1:9/o/token/"):
        refused(client, client.get(f"{parts.path}?{parts.query}"))


def test_signing_by_an_sso_login_is_attributed_to_it(client, world, sso_on):
    person = anna(world)
    Membership.objects.create(person=person, body=world.forum, role="member", principal=world.village)
    meeting = make_meeting(world.forum, timezone.localdate() - timedelta(days=1), status="drafted")
    Signatory.objects.create(meeting=meeting, person=person, role="chair")
    meeting.attendance.create(person=person)
    sign_in(client)
    user = logged_in_as(client)
    assert client.post(reverse("meetings:sign", args=[meeting.pk])).status_code == 302
    signatory = Signatory.objects.get(meeting=meeting)
    assert signatory.signed_by_id == user.pk and signatory.signed_at is not None
    assert meeting.history.first().history_user_id == user.pk
