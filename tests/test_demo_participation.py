"""Issue 12 in the demo: the people who must act can act. KRF's minutes awaiting signature are signed by the demo
logins `ordforande` and `justerare` through the signing page and are then locked; every other chair and signer
without a login has an invitation to one."""

import pytest
from django.urls import reverse

from samverkan.demo.county import DEMO_PASSWORD
from samverkan.meetings.models import Meeting, Signatory
from samverkan.structure.models import LoginInvitation, Membership, Person

pytestmark = pytest.mark.django_db


def test_krf_minutes_awaiting_signature_can_be_adjusted_in_the_demo(client, demo):
    _sign_krf(client)


def test_krf_minutes_can_be_adjusted_in_the_demo_of_another_day(client, demo_2026_03_15):
    _sign_krf(client)


def _sign_krf(client):
    meeting = Meeting.objects.get(body__abbreviation="KRF", status=Meeting.Status.DRAFTED)
    signers = list(meeting.signatories.select_related("person__user"))
    assert {s.role for s in signers} == {Signatory.Role.CHAIR, Signatory.Role.ADJUSTER}
    for signatory in signers:
        user = signatory.person.user
        assert user is not None, signatory.person
        login = {"username": user.username, "password": DEMO_PASSWORD}
        assert client.post(reverse("login"), login).status_code == 302
        page = client.get(reverse("meetings:sign", args=[meeting.pk]))
        assert page.status_code == 200
        assert client.post(reverse("meetings:sign", args=[meeting.pk])).status_code == 302
        client.logout()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ADJUSTED and meeting.versions.count() == 1


def test_chairs_and_signers_without_a_login_are_invited(demo):
    chairs = Membership.objects.current().filter(body__visibility="public", role="chair", person__user=None)
    waiting = Signatory.objects.filter(meeting__status="drafted", signed_at=None, person__user=None)
    people = Person.objects.filter(
        pk__in=[*chairs.values_list("person_id", flat=True), *waiting.values_list("person_id", flat=True)]
    )
    assert people.exists()
    invited = set(LoginInvitation.objects.values_list("person_id", flat=True))
    assert {p.pk for p in people if p.email} <= invited
    assert Person.objects.get(user__username="ordforande").memberships.filter(body__abbreviation="KRF", role="chair")


def test_principals_have_registry_addresses_but_the_association(demo):
    from samverkan.followthrough.dispatch import unreachable
    from samverkan.structure.models import Principal

    missing = unreachable(Principal.objects.all())
    assert [p.kind for p in missing] == ["association"]
