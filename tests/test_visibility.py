"""One ordered visibility, one grant table: the Python rule and the queryset rule agree for every actor, and
named readers of a confidential item or document read it (and only they, besides the record keepers)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough.access import visible_assignments
from samverkan.followthrough.models import Assignment
from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import (
    can_read_document,
    can_read_item,
    possible_readers,
    readable_items_rule,
    visible_meetings,
)
from samverkan.meetings.models import AgendaItem, Document
from samverkan.structure.access import choosable_people, visible_bodies
from samverkan.structure.models import Body, Membership, Person, Role
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.plans import rows_read

ACTORS = ["anonymous", "admin", "coordinator", "secretary", "member", "contact", "outsider", "reader"]


def test_the_order_and_stricter():
    assert [v.rank for v in Visibility] == [0, 1, 2]
    assert Visibility.stricter("public", "internal") == Visibility.INTERNAL
    assert Visibility.stricter(Visibility.CONFIDENTIAL, "public") == Visibility.CONFIDENTIAL
    assert Visibility.stricter() == Visibility.PUBLIC
    # A value nobody knows (an old stored version, a typo) closes rather than opens.
    assert Visibility.stricter("public", "hemligt") == Visibility.CONFIDENTIAL
    assert Visibility.up_to("internal") == [Visibility.PUBLIC, Visibility.INTERNAL]
    assert Visibility.allows("internal", "public") and not Visibility.allows("internal", "confidential")
    # Bodies and meetings cannot be confidential: their forms and fields offer two levels.
    assert [value for value, _ in Body._meta.get_field("visibility").choices] == ["public", "internal"]
    assert [value for value, _ in AgendaItem._meta.get_field("visibility").choices] == Visibility.values


@shared_fixture
def records(world):
    """Items and documents at every level in the public forum, the internal body and another area; a reader
    named on the confidential ones, who holds no role and no seat at all."""
    reader_user = get_user_model().objects.create_user("reader", "reader@test.example", "x")
    reader = Person.objects.create(first_name="Nils", last_name="Namngiven", slug="nils", user=reader_user)
    world.reader = reader_user
    sent = {"status": "invited", "invited_at": timezone.now()}  # a sent agenda: no longer a draft
    forum_meeting = make_meeting(world.forum, date(2026, 3, 3), **sent)
    secret_meeting = make_meeting(world.secret, date(2026, 3, 4), **sent)
    internal_meeting = make_meeting(world.forum, date(2026, 3, 5), visibility="internal", **sent)
    items = []
    for meeting in (forum_meeting, secret_meeting, internal_meeting):
        for n, level in enumerate(Visibility.values, start=1):
            items.append(make_item(meeting, str(n), f"{level} på {meeting.pk}", visibility=level))
    named_item = make_item(forum_meeting, "9", "Namngiven sekretess", visibility="confidential")
    named_item.readers.add(reader)
    items.append(named_item)
    documents = [
        make_document(forum_meeting, "Sekretessbilaga", visibility="confidential"),
        make_document(forum_meeting, "Bilaga till namngiven punkt", item=named_item),
    ]
    documents[0].readers.add(reader)
    documents.append(make_document(forum_meeting, "Ej namngiven", visibility="confidential"))
    return items, documents


def fresh(world, actor):
    """The actor's user object as a new request would have it (no cached scope)."""
    if actor == "anonymous":
        return AnonymousUser()
    return get_user_model().objects.get(pk=getattr(world, actor).pk)


@pytest.mark.parametrize("actor", ACTORS)
def test_the_python_rule_and_the_queryset_rule_agree(world, records, actor):
    items, _documents = records
    user = fresh(world, actor)
    by_rule = set(AgendaItem.objects.filter(readable_items_rule(user)).values_list("pk", flat=True))
    seen = set(visible_meetings(user).values_list("pk", flat=True))
    by_python = {i.pk for i in items if i.meeting_id in seen and can_read_item(user, i, i.meeting.body)}
    assert by_rule == by_python
    bodies = set(visible_bodies(user).values_list("pk", flat=True))
    assert (world.secret.pk in bodies) == (actor in {"admin", "coordinator", "member"})


def test_what_each_actor_reads(world, records):
    items, _ = records

    def readable(actor):
        user = fresh(world, actor)
        return {i.title for i in AgendaItem.objects.filter(readable_items_rule(user))}

    forum = items[0].meeting_id
    assert readable("anonymous") == {f"public på {forum}"}
    member = readable("member")
    assert "Namngiven sekretess" not in member and f"internal på {forum}" in member
    assert not any(t.startswith("confidential") for t in member)
    reader = readable("reader")
    assert reader == {f"public på {forum}", "Namngiven sekretess"}
    assert "Namngiven sekretess" in readable("coordinator")  # keeps the records, named or not
    assert readable("secretary") == {f"public på {forum}"}  # the group's secretary keeps other records


def test_named_readers_of_documents(world, records):
    _, (own, on_item, unnamed) = records
    reader, member = fresh(world, "reader"), fresh(world, "member")
    body = world.forum
    for document in (own, on_item, unnamed):
        document = Document.objects.select_related("item", "meeting").get(pk=document.pk)
        assert can_read_document(reader, document, body) == (document.pk != unnamed.pk)
        assert not can_read_document(member, document, body)
        assert can_read_document(fresh(world, "coordinator"), document, body)


def test_a_named_reader_opens_the_document_and_an_unnamed_gets_404(client, world, records):
    _, (own, _on_item, unnamed) = records
    client.force_login(world.reader)
    for document, status in ((own, 200), (unnamed, 404)):
        url = reverse("meetings:document_file", args=[document.pk])
        assert client.get(url).status_code == status, document.title


def test_assignments_follow_named_readers_too(world, records):
    items, _ = records
    named_item = items[-1]
    Assignment.objects.create(item=named_item, description="Utred", assignee_body=world.group, report_to=world.forum)
    assert visible_assignments(fresh(world, "reader")).count() == 1
    assert visible_assignments(fresh(world, "member")).count() == 0
    assert visible_assignments(fresh(world, "anonymous")).count() == 0


def test_readers_are_chosen_from_people_the_secretary_may_see(client, world, records):
    items, _ = records
    forum_meeting = items[0].meeting
    offered = set(possible_readers(world.secretary, forum_meeting))
    assert world.member_person in offered
    assert world.insider not in offered  # seated only in the internal body: the group's secretary cannot see her
    assert world.insider in set(possible_readers(world.coordinator, forum_meeting))


def test_naming_readers_on_an_item_that_is_not_confidential_is_refused(client, world, records):
    items, _ = records
    item = items[0]
    client.force_login(world.coordinator)
    url = reverse("meetings:item_edit", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Namngivna läsare" in page.content.decode()
    post = {
        "number": item.number,
        "position": item.position,
        "title": item.title,
        "kind": item.kind,
        "visibility": "public",
        "readers": [world.member_person.pk],
    }
    response = client.post(url, post)
    assert response.status_code == 400
    assert "bara anges när synligheten är Sekretess" in response.content.decode()
    assert not item.readers.exists()
    post["visibility"] = "confidential"
    assert client.post(url, post).status_code == 302
    assert list(item.readers.all()) == [world.member_person]
    # Now the member reads it, by name, and the queryset agrees.
    member = fresh(world, "member")
    assert AgendaItem.objects.filter(readable_items_rule(member), pk=item.pk).exists()


def test_a_reader_outside_the_list_is_refused(client, world, records):
    items, _ = records
    Role.objects.create(user=world.secretary, kind="secretary", body=world.forum)  # plans the forum's meetings
    client.force_login(world.secretary)
    item = items[0]
    url = reverse("meetings:item_edit", args=[item.pk])
    post = {"number": "1", "position": 1, "title": "x", "kind": item.kind, "visibility": "confidential"}
    post["readers"] = [world.insider.pk]
    assert client.post(url, post).status_code == 400
    assert not item.readers.exists()


@pytest.mark.parametrize("bad", ["9223372036854775808", "99999999999999999999", "-1", "abc"])
def test_an_impossible_reader_id_is_refused_in_swedish_not_a_server_error(client, world, records, bad):
    items, (document, _, _) = records
    client.force_login(world.coordinator)
    item = items[0]
    post = {"number": "1", "position": 1, "title": "x", "kind": item.kind, "visibility": "confidential"}
    for url, data in (
        (reverse("meetings:item_edit", args=[item.pk]), post),
        (reverse("meetings:document_edit", args=[document.pk]), {"title": "x", "visibility": "confidential"}),
    ):
        response = client.post(url, {**data, "readers": [bad]})
        assert response.status_code == 400, (url, bad)
        assert "Inget har sparats" in response.content.decode()
    assert not item.readers.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's account of the rows a statement reads")
def test_the_people_a_staff_form_offers_are_found_through_the_area_not_the_deployment(world):
    """`choosable_people` (every staff form that offers people: seats, attendance, assignments, the importer) finds
    the area's people through its principals and its bodies' seats and checks the rules on each of them; it never
    reads every seat of the deployment (a nation's 250,000: 0.4 s a form). Shown by the seats its statement reads,
    with 300 people seated in another area's body, and by what it offers, which those do not change."""
    coordinator = get_user_model().objects.get(username="coordinator")
    before = set(choosable_people(coordinator, world.area).values_list("pk", flat=True))
    other = Body.objects.get(slug="grannforum")
    people = Person.objects.bulk_create(
        [Person(first_name="Granne", last_name=str(n), slug=f"granne-{n}") for n in range(300)]
    )
    Membership.objects.bulk_create([Membership(person=person, body=other) for person in people])
    offered = choosable_people(coordinator, world.area).values_list("pk", flat=True)
    assert set(offered) == before and before
    sql, params = offered.query.sql_with_params()
    read, plan = rows_read(sql, params, "structure_membership")
    assert read < 100, plan
