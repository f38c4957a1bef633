"""Published minutes in the portal, the new staff pages' access and bad input, and fixed query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings import actions
from samverkan.meetings.models import AgendaItem, Attendance, Meeting, MinutesVersion, Signatory, correcting_minutes
from samverkan.structure.models import Person
from tests.access_helpers import ACTORS, assert_access
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, held_meeting, seat_group
from tests.test_bad_input import GARBAGE

HIDDEN = ["Personalärende", "Intern diskussion om bemanning", "Patientärende", "Känsliga uppgifter"]


@shared_fixture
def seats(world):
    return seat_group(world)


@shared_fixture
def published(world, seats):
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    return meeting


def _public(client, meeting):
    return client.get(meeting.get_absolute_url()).content.decode()


def _version_url(meeting, number):
    return reverse("meetings_public:version", args=[meeting.body.area.slug, meeting.pk, number])


def test_before_publishing_the_portal_shows_only_the_agenda(client, world, seats):
    meeting = adjusted_meeting(world, seats)  # adjusted, not yet published
    # Held without an invitation sent through Samverkan: the agenda is not public until the minutes are.
    html = _public(client, meeting)
    assert "Lägesbild äldreomsorg" not in html and "Patientärende" not in html
    Meeting.objects.filter(pk=meeting.pk).update(invited_at=timezone.now())  # the invitation published it
    html = _public(client, meeting)
    assert "Lägesbild äldreomsorg" in html
    for text in ("Läget redovisades", "att notera lägesbilden", "Beslutande", "Cecilia Chef", "Anslag"):
        assert text not in html, text
    assert client.get(_version_url(meeting, 1)).status_code == 404


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact"])
def test_published_minutes_show_attendance_minutes_decisions_and_adjustment(client, world, published, actor):
    html = _public(world.client_for(client, actor), published)
    for text in (
        "Beslutande",
        "Ersättare",
        "Övriga närvarande",
        "Cecilia Chef, Ordförande, Region Test (S)",
        "Sara Ersättare",
        "Läget redovisades.",
        "<li>att notera lägesbilden</li>",
        "Justering",
        "Adam Justerare",
    ):
        assert text in html, text
    today = timezone.localdate()
    assert f"<dd>{today.isoformat()}</dd>" in html  # notice of adjustment
    # The group only recommends: its decisions cannot be appealed, so no appeal period (tests/test_notices.py).
    assert f"<dd>{(today + timedelta(days=21)).isoformat()}</dd>" not in html and "Överklagandetiden" not in html
    assert "Internt" in html and "Sekretess" in html
    for text in HIDDEN:
        assert text not in html, text
    assert "@" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no e-mail addresses


def test_members_read_internal_minutes_and_coordinators_everything(client, world, published):
    html = _public(world.client_for(client, "member"), published)  # Maja sits in the group
    assert "Intern diskussion om bemanning" in html and "Känsliga uppgifter" not in html
    html = _public(world.client_for(client, "coordinator"), published)
    assert all(text in html for text in HIDDEN)


def test_every_version_stays_readable_in_the_portal(client, world, published):
    item = published.items.get(number="1")
    actions.correct_minutes(
        item, world.secretary, minutes="Läget redovisades av förvaltningen.", decision=item.decision, reason="Stavfel"
    )
    html = _public(client, published)
    assert "Läget redovisades av förvaltningen." in html and "version 2" in html
    assert _version_url(published, 1) in html and _version_url(published, 2) in html
    v1 = client.get(_version_url(published, 1)).content.decode()
    assert "Läget redovisades.</p>" in v1 and "av förvaltningen" not in v1
    v2 = client.get(_version_url(published, 2)).content.decode()
    assert "Stavfel" in v2 and "av förvaltningen" in v2
    for page in (v1, v2):
        assert "Internt" in page and not any(text in page for text in HIDDEN)
    assert client.get(_version_url(published, 3)).status_code == 404
    assert client.get(reverse("meetings_public:version", args=["annat", published.pk, 1])).status_code == 404


def test_published_minutes_of_internal_meetings_stay_hidden(client, world, published):
    Meeting.objects.filter(pk=published.pk).update(visibility="internal")
    assert client.get(published.get_absolute_url()).status_code == 404
    assert client.get(_version_url(published, 1)).status_code == 404


# Access to the new staff pages ---------------------------------------------------------------------------


def _staff_urls(meeting):
    item = meeting.items.order_by("position").first()  # the first item, whatever § the series gave it
    row = meeting.attendance.first()
    return {
        "attendance_create": reverse("meetings:attendance_create", args=[meeting.pk]),
        "attendance_edit": reverse("meetings:attendance_edit", args=[row.pk]),
        "item_minutes": reverse("meetings:item_minutes", args=[item.pk]),
        "signatories": reverse("meetings:signatories", args=[meeting.pk]),
        "version": reverse("meetings:version", args=[meeting.pk, 1]),
        "item_correct": reverse("meetings:item_correct", args=[item.pk]),
    }


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_open_the_minutes_staff_pages(client, world, seats, actor):
    open_meeting = held_meeting(world, seats, invited_at=timezone.now())  # its agenda is public: they see it
    locked = adjusted_meeting(world, seats, invited_at=timezone.now())
    world.client_for(client, actor)
    pages = {
        **_staff_urls(open_meeting),
        **{k: v for k, v in _staff_urls(locked).items() if k in ("version", "item_correct")},
    }
    for name, url in pages.items():
        assert_access(client.get(url), actor, {"secretary", "coordinator", "admin"}, what=name)
    assert client.get(reverse("meetings:to_sign")).status_code == (302 if actor == "anonymous" else 200)


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact", "member"])
def test_who_may_not_post_to_the_minutes(client, world, seats, actor):
    meeting = held_meeting(world, seats)
    item = meeting.items.get(number="2")
    row = meeting.attendance.first()
    posts = [
        (reverse("meetings:step", args=[meeting.pk]), {"step": "drafted"}),
        (reverse("meetings:attendance_fetch", args=[meeting.pk]), {}),
        (reverse("meetings:attendance_create", args=[meeting.pk]), {"person": world.insider.pk, "group": "other"}),
        (reverse("meetings:attendance_edit", args=[row.pk]), {"status": "absent", "group": "voting"}),
        (reverse("meetings:attendance_remove", args=[row.pk]), {}),
        (reverse("meetings:item_minutes", args=[item.pk]), {"minutes": "Kapad"}),
        (reverse("meetings:item_file", args=[item.pk]), {}),
        (reverse("meetings:signatories", args=[meeting.pk]), {"chair": seats.adjuster.pk}),
    ]
    before = _state()
    world.client_for(client, actor)
    for url, data in posts:
        # refused: to the login page, 403, or 404 for an item they may not read
        assert_access(client.post(url, data), actor, (), denied={403, 404}, what=url)
    assert _state() == before


def _state():
    return (
        list(Meeting.objects.order_by("pk").values_list("status", "chair", "secretary", "locked_at")),
        list(AgendaItem.objects.order_by("pk").values_list("minutes", "decision", "outcome")),
        list(Attendance.objects.order_by("pk").values_list("person", "status", "group", "note")),
        list(Signatory.objects.order_by("pk").values_list("person", "role", "signed_at")),
        MinutesVersion.objects.count(),
    )


FIELDS = ["status", "group", "principal", "party", "role", "substitute_for", "days", "not_during", "note"]
FIELDS += ["person", "minutes", "decision", "outcome", "deferred_to", "chair", "secretary", "adjusters", "reason"]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_minutes_form_changes_nothing(client, world, seats, value):
    meeting = held_meeting(world, seats)
    locked = adjusted_meeting(world, seats)
    # Empty minutes, decision, chair and adjusters are a valid (emptying) answer, so "" is left out there; a
    # correction is free text, so only a missing, too long or NUL-carrying reason is wrong there.
    skipped = {"version", "item_correct"} | ({"item_minutes", "signatories"} if value == "" else set())
    urls = [v for k, v in _staff_urls(meeting).items() if k not in skipped]
    if value in ("", "\x00", "x" * 5000):
        urls.append(_staff_urls(locked)["item_correct"])
    client.force_login(world.admin)
    before = _state()
    for url in urls:
        response = client.post(url, {f: value for f in FIELDS})
        assert response.status_code == 400, (url, value, response.status_code)
        assert "Inget har sparats" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    "path",
    [
        "/hantera/moten/999999/steg/",
        "/hantera/moten/999999/narvaro/hamta/",
        "/hantera/moten/999999/narvaro/ny/",
        "/hantera/moten/999999/justerare/",
        "/hantera/moten/999999/justera/",
        "/hantera/moten/999999/versioner/1/",
        "/hantera/moten/1/versioner/999999/",
        "/hantera/arende/999999/protokoll/",
        "/hantera/arende/999999/till-handlingarna/",
        "/hantera/arende/999999/rattelse/",
        "/hantera/narvaro/999999/andra/",
        "/hantera/narvaro/999999/ta-bort/",
        "/omrade/testlan/moten/999999/versioner/1/",
        "/omrade/testlan/moten/1/versioner/99999999999999999999/",
    ],
)
def test_odd_minutes_addresses_answer_404(client, world, seats, path):
    held_meeting(world, seats)
    client.force_login(world.admin)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


# Query counts --------------------------------------------------------------------------------------------


def _grow_minutes(world, meeting, n):
    counter = iter(range(10_000))

    def grow():
        for _ in range(n):
            i = next(counter)
            person = Person.objects.create(first_name="P", last_name=f"N{i}", slug=f"p-n{i}", employer=world.town)
            with correcting_minutes():  # the published minutes are locked; the test grows them anyway
                item = make_item(
                    meeting,
                    f"{10 + i}",
                    f"Punkt {i}",
                    minutes="Text",
                    decision="att a\natt b",
                    visibility="internal" if i % 2 else "public",
                )
                row = Attendance.objects.create(
                    meeting=meeting,
                    person=person,
                    group="other",
                    principal=world.town,
                    substitute_for=world.member_person,
                )
                row.not_during.add(item)
                row.days.add(meeting.days.first())
                Signatory.objects.create(meeting=meeting, person=person, role="adjuster", signed_at=timezone.now())

    return grow


@pytest.mark.parametrize("actor", ["anonymous", "member", "coordinator"])
def test_published_minutes_page_has_a_constant_number_of_queries(client, world, published, queries, actor):
    world.client_for(client, actor)
    at_most = {"anonymous": 11, "member": 16, "coordinator": 15}[actor]  # member: + named readers, once
    queries.assert_constant(client, published.get_absolute_url(), _grow_minutes(world, published, 6), at_most=at_most)


def test_staff_meeting_page_with_minutes_has_a_constant_number_of_queries(client, world, seats, queries):
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[seats.adjuster])
    client.force_login(world.secretary)
    url = reverse("meetings:meeting", args=[meeting.pk])
    # 22: + the signatories' logins and invitations, the agenda as sent and the meeting's mails
    queries.assert_constant(client, url, _grow_minutes(world, meeting, 6), at_most=22)


def test_sign_and_version_pages_have_a_constant_number_of_queries(client, world, seats, queries):
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    client.force_login(seats.chair_user)
    url = reverse("meetings:sign", args=[meeting.pk])
    queries.assert_constant(client, url, _grow_minutes(world, meeting, 6), at_most=13)
    queries.assert_constant(client, reverse("meetings:to_sign"), lambda: _another_to_sign(world, seats), at_most=5)


def _another_to_sign(world, seats):
    for days_ago in (3, 4, 5):
        meeting = make_meeting(world.group, timezone.localdate() - timedelta(days=days_ago), status="drafted")
        Signatory.objects.create(meeting=meeting, person=seats.chair, role="chair")


def test_a_named_reader_reads_the_confidential_item_in_the_minutes_and_every_version(client, world, published):
    """Named readers (DESIGN.md §4: confidential means named users) read the item live and in stored versions;
    the other confidential item stays hidden from them, and from the contact who is not named."""
    secret = published.items.get(title="Patientärende")
    secret.readers.add(world.member_person)  # allowed on locked minutes: who may read is not what was adjusted
    for url in (published.get_absolute_url(), _version_url(published, 1)):
        html = world.client_for(client, "member").get(url).content.decode()
        assert "Patientärende" in html and "Känsliga uppgifter" in html, url
        client.logout()
        html = world.client_for(client, "contact").get(url).content.decode()
        assert "Patientärende" not in html and "Känsliga uppgifter" not in html, url
        client.logout()
