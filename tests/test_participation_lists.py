"""Issue 12: the lists that grow with logins and e-mails make a constant number of queries — the login column of
the area's people, a body's members and a meeting's signatories (with "Bjud in"), and the meeting's "Skickad
e-post" list with every kind of mail."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import MeetingMail, Signatory
from samverkan.structure.models import LoginInvitation, Membership, Person
from tests.meetings_helpers import make_meeting

pytestmark = pytest.mark.django_db
_n = itertools.count()


def _person(world, state):
    """A person seated in the forum, with a login, a pending invitation, an expired one or none."""
    n = next(_n)
    person = Person.objects.create(
        first_name=f"Extra{n}", last_name="Ledamot", slug=f"extra-{n}", employer=world.town, email=f"extra{n}@x.example"
    )
    seat = Membership.objects.create(person=person, body=world.forum, role="member", principal=world.town)
    now = timezone.now()
    if state == "login":
        person.user = get_user_model().objects.create_user(f"extra{n}@x.example", is_active=n % 2 == 0)
        person.save()
    elif state in ("invited", "expired"):
        LoginInvitation.objects.create(
            person=person,
            address=person.email,
            nonce=f"n{n}",
            created_at=now,
            created_by=world.coordinator,
            expires_at=now + timedelta(days=5 if state == "invited" else -1),
            queued_at=now,
        )
    return person, seat


@pytest.mark.parametrize("page", ["area", "body", "meeting"])
def test_login_columns_and_the_mail_list_are_constant(client, world, queries, page):
    meeting = make_meeting(world.forum, timezone.localdate() - timedelta(days=3), status="drafted")

    def grow():
        for state in ("login", "invited", "expired", "none"):
            person, seat = _person(world, state)
            Signatory.objects.create(meeting=meeting, person=person, role="adjuster")
            now = timezone.now()
            for kind in ("invitation", "changed", "published"):
                MeetingMail.objects.create(
                    meeting=meeting, kind=kind, membership=seat, address=person.email, queued_at=now, sent_at=now
                )
            for kind in ("to_sign", "sign_reminder"):
                MeetingMail.objects.create(
                    meeting=meeting, kind=kind, person=person, address=person.email, queued_at=now, error="Nej"
                )

    grow()
    urls = {
        "area": reverse("structure:area", args=[world.area.slug]),
        "body": reverse("structure:body", args=[world.forum.pk]),
        "meeting": reverse("meetings:meeting", args=[meeting.pk]),
    }
    client.force_login(world.coordinator)
    html = client.get(urls[page]).content.decode()
    assert "Bjud in" in html
    if page == "meeting":
        assert "Skickad e-post" in html and "Påminnelse om justering" in html and "Inte skickad" in html
    queries.assert_constant(client, urls[page], grow, at_most={"area": 11, "body": 11, "meeting": 19}[page])
