"""People seated in the chief officers' group (the secretary's body), and a meeting taken through its minutes."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from samverkan.meetings import actions
from samverkan.meetings.models import Attendance
from samverkan.structure.models import Membership, Person
from tests.meetings_helpers import make_item, make_meeting
from tests.world import PASSWORD


@dataclass
class Seats:
    chair: Person  # logs in as "ordf"
    adjuster: Person  # logs in as "justerare"
    member: Person  # Maja, the world's member (logs in as "member")
    substitute: Person  # named substitute for Maja
    secretary: Person  # holds the secretary's seat, no vote
    former: Person  # seat ended last year
    chair_user: object
    adjuster_user: object


def _person(first, last, organisation, username=None):
    user = None
    if username:
        user = get_user_model().objects.create_user(
            username, f"{username}@test.example", PASSWORD, first_name=first, last_name=last
        )
    slug = f"{first}-{last}".lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    return Person.objects.create(first_name=first, last_name=last, slug=slug, employer=organisation, user=user)


def seat_group(world):
    """Seat a chair, an adjuster (both with logins), the member, a substitute and a secretary in the group."""
    today = timezone.localdate()
    chair = _person("Cecilia", "Chef", world.region, "ordf")
    adjuster = _person("Adam", "Justerare", world.village, "justerare")
    substitute = _person("Sara", "Ersättare", world.town)
    secretary = _person("Stina", "Skrivare", world.region)
    former = _person("Frans", "Förre", world.village)
    group = world.group
    Membership.objects.create(person=chair, body=group, role="chair", principal=world.region, party="S")
    Membership.objects.create(person=adjuster, body=group, role="member", principal=world.village, party="C")
    Membership.objects.create(person=world.member_person, body=group, role="member", principal=world.town, party="M")
    Membership.objects.create(
        person=substitute, body=group, role="substitute", principal=world.town, substitute_for=world.member_person
    )
    Membership.objects.create(person=secretary, body=group, role="secretary", principal=world.region)
    Membership.objects.create(
        person=former,
        body=group,
        role="member",
        principal=world.village,
        start=today - timedelta(days=800),
        end=today - timedelta(days=400),
    )
    return Seats(
        chair=chair,
        adjuster=adjuster,
        member=world.member_person,
        substitute=substitute,
        secretary=secretary,
        former=former,
        chair_user=chair.user,
        adjuster_user=adjuster.user,
    )


def held_meeting(world, seats, days_ago=1, **fields):
    """A held meeting of the group with three items (public, internal, confidential) and everyone present."""
    day = timezone.localdate() - timedelta(days=days_ago)
    meeting = make_meeting(world.group, day, place="Regionhuset", status="held", **fields)
    make_item(meeting, "1", "Lägesbild äldreomsorg", minutes="Läget redovisades.", decision="att notera lägesbilden")
    make_item(meeting, "2", "Personalärende", visibility="internal", minutes="Intern diskussion om bemanning.")
    make_item(meeting, "3", "Patientärende", visibility="confidential", minutes="Känsliga uppgifter om patient.")
    actions.fetch_members(meeting, world.secretary)
    return meeting


def adjusted_meeting(world, seats, **fields):
    """A held meeting with chair and adjuster chosen, drafted, and signed by both: locked, version 1."""
    meeting = held_meeting(world, seats, **fields)
    actions.set_signatories(
        meeting, world.secretary, chair=seats.chair, secretary=seats.secretary, adjusters=[seats.adjuster]
    )
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    actions.sign_minutes(meeting, seats.chair_user)
    actions.sign_minutes(meeting, seats.adjuster_user)
    meeting.refresh_from_db()
    return meeting


def attendance_of(meeting):
    return {row.person.name: row for row in Attendance.objects.filter(meeting=meeting).select_related("person")}
