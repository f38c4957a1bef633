"""The open data API (samverkan/opendata): OParl 1.1 objects of public data only. Lists and objects validate
against ../shared/oparl-1.1-schema, lists page with a fixed number of queries, `modified_since` narrows, bad
parameters answer 400 in Swedish and unknown or hidden objects 404, and canary words of internal and confidential
records appear in no response."""

import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.utils import timezone

from samverkan.meetings import actions
from samverkan.meetings.matters import Matter
from samverkan.structure.models import Body, Membership, Person
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting, sent
from tests.minutes_helpers import adjusted_meeting, seat_group

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "oparl-1.1-schema"
if not SCHEMAS.is_dir():  # a worktree beside main: ../shared from the main checkout
    SCHEMAS = Path("/work/shared/oparl-1.1-schema")
CANARIES = ["kanariebody", "kanarieperson", "kanariemeeting", "kanarieintern", "kanariesekretess", "kanariematter"]


def schema(kind):
    return json.loads((SCHEMAS / f"{kind}.json").read_text())


def validate(obj):
    kind = obj["type"].rsplit("/", 1)[1]
    jsonschema.validate(obj, schema(kind))
    for item in obj.get("agendaItem", []):
        jsonschema.validate(item, schema("AgendaItem"))


def path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@shared_fixture
def records(world):
    """A published public meeting with hidden items, an internal body with a seated person, an internal meeting,
    internal and confidential items carrying canaries, and a public and an internal matter."""
    meeting = adjusted_meeting(world, seat_group(world))
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    world.secret.charter = "kanariebody"
    world.secret.save()
    hidden = Person.objects.create(first_name="Kanarieperson", last_name="Dold", slug="kanarieperson-dold")
    Membership.objects.create(person=hidden, body=world.secret, role="member", principal=world.town)
    internal_meeting = make_meeting(
        world.forum, date(2026, 3, 5), visibility="internal", title="kanariemeeting", **sent()
    )
    make_item(internal_meeting, "1", "Något kanariemeeting")
    agenda = make_meeting(world.forum, date(2026, 4, 4), place="Stadshuset", **sent())
    make_item(agenda, "1", "Öppet ärende")
    make_item(agenda, "2", "Internt kanarieintern", visibility="internal")
    make_item(agenda, "3", "Hemligt kanariesekretess", visibility="confidential")
    Matter.objects.create(area=world.area, year=2026, serial=1, title="Öppet ärende om vård", body=world.forum)
    Matter.objects.create(area=world.area, year=2026, serial=2, title="kanariematter", visibility="internal")
    return {"published": meeting, "agenda": agenda, "internal": internal_meeting}


def walk(client, start="/api/"):
    """Every API address reachable from `start` by the URLs in the responses; returns {path: json}."""
    seen, queue = {}, [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
        assert response["Content-Type"].startswith("application/json")
        seen[url] = response.json()
        text = response.content.decode()
        for found in json.loads(text, object_hook=lambda d: d).__repr__().split("'"):
            if found.startswith("http://testserver/api/") and "#" not in found:
                queue.append(path(found))
        assert len(seen) < 500
    return seen


def test_every_object_and_list_validates_and_nothing_hidden_leaks(client, world, records):
    pages = walk(client)
    assert "/api/" in pages and any(p.startswith("/api/meeting/") for p in pages)
    for url, body in pages.items():
        assert not [w for w in CANARIES if w in json.dumps(body, ensure_ascii=False).lower()], url
        if "data" in body:
            assert set(body) == {"data", "pagination", "links"}
            for obj in body["data"]:
                validate(obj)
        else:
            validate(body)
    jsonschema.validate(pages["/api/"], schema("System"))


def test_hidden_records_answer_404(client, world, records):
    for url in (
        f"/api/organization/{world.secret.pk}",
        f"/api/meeting/{records['internal'].pk}",
        f"/api/person/{Person.objects.get(slug='kanarieperson-dold').pk}",
        f"/api/paper/{Matter.objects.get(serial=2).pk}",
        "/api/meeting/999999",
        "/api/body/999999/meeting",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"error": "Finns inte, eller är inte offentligt."}


def test_items_the_public_may_not_read_give_only_number_and_order(client, world, records):
    for meeting in (records["agenda"], records["published"]):
        items = client.get(f"/api/meeting/{meeting.pk}").json()["agendaItem"]
        shown = [(i["public"], "name" in i) for i in items]
        assert shown == [(True, True), (False, False), (False, False)]
    published = client.get(f"/api/meeting/{records['published'].pk}").json()
    assert published["agendaItem"][0]["resolutionText"] == "att notera lägesbilden"
    hidden = published["agendaItem"][2]
    assert client.get(path(hidden["id"])).json() == hidden


@pytest.mark.parametrize(
    "query, name",
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999", "page"),
        ("modified_since=igår", "modified_since"),
        ("modified_since=2026-13-45", "modified_since"),
    ],
)
def test_bad_parameters_answer_400_in_swedish(client, world, records, query, name):
    response = client.get(f"/api/body/{world.area.pk}/meeting?{query}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"Ogiltig parameter: {name}.")


def test_a_page_past_the_end_is_refused_and_links_page_through(client, world, records):
    assert client.get(f"/api/body/{world.area.pk}/meeting?page=7").json() == {
        "error": "Sidan 7 finns inte; listan har 1 sidor."
    }
    listing = client.get(f"/api/body/{world.area.pk}/meeting").json()
    assert listing["pagination"]["totalElements"] == len(listing["data"]) == 2
    assert "next" not in listing["links"] and listing["links"]["first"].endswith("page=1")


def test_modified_since_narrows_a_list(client, world, records):
    url = f"/api/body/{world.area.pk}/meeting"
    assert len(client.get(url, {"modified_since": (timezone.now() - timedelta(days=1)).isoformat()}).json()["data"])
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert client.get(url, {"modified_since": later}).json()["data"] == []
    assert client.get(url, {"modified_since": "2020-01-01"}).status_code == 200  # a date alone is midnight


@pytest.mark.parametrize("kind", ["meeting", "organization", "institution", "person", "paper"])
def test_each_list_page_makes_a_constant_number_of_queries(client, world, records, queries, kind):
    def grow():
        for n in range(5):
            body = Body.objects.create(area=world.area, name=f"Nytt organ {n}", slug=f"nytt-{n}", kind=world.forum.kind)
            person = Person.objects.create(first_name="Ny", last_name=f"Person {n}", slug=f"ny-person-{n}")
            Membership.objects.create(person=person, body=body, role="member", principal=world.town)
            meeting = make_meeting(body, date(2025, 1, 1 + n), **sent())
            make_item(meeting, "1", "Ärende")
            Matter.objects.create(area=world.area, year=2025, serial=10 + n, title=f"Ärende {n}", body=body)

    queries.assert_constant(client, f"/api/body/{world.area.pk}/{kind}", grow, at_most=6)


def test_the_openapi_description_is_served(client):
    description = client.get("/api/openapi.json").json()
    assert description["openapi"].startswith("3.") and "/api/body/{pk}/meeting" in description["paths"]
