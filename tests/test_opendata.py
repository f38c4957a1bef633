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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from samverkan.agreements import actions as agreements
from samverkan.agreements.models import Agreement
from samverkan.followthrough.models import Assignment, Recommendation
from samverkan.meetings import actions
from samverkan.meetings.access import can_read_document, listed_meetings, public_documents
from samverkan.meetings.matters import Matter
from samverkan.meetings.models import Document, Meeting
from samverkan.structure.models import Area, Body, Membership, Person
from tests import sample_files
from tests.conftest import shared_fixture
from tests.followthrough_helpers import assign, decide, decision_item, recommend
from tests.meetings_helpers import make_document, make_item, make_meeting, sent
from tests.minutes_helpers import adjusted_meeting, seat_group

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "oparl-1.1-schema"
if not SCHEMAS.is_dir():  # a worktree beside main: ../shared from the main checkout
    SCHEMAS = Path("/work/shared/oparl-1.1-schema")
CANARIES = [
    "kanariebody",
    "kanarieperson",
    "kanariemeeting",
    "kanarieintern",
    "kanariesekretess",
    "kanariematter",
    "kanarieuppdrag",
    "kanarierekommendation",
    "kanariedokument",
    "kanarieavtal",
    "kanarieagare",
]
OWN_TYPES = {"Recommendation", "PrincipalDecision", "Assignment", "Agreement"}


def schema(kind):
    return json.loads((SCHEMAS / f"{kind}.json").read_text())


# Our own types (docs/OPARL.md): what every OParl object has, with our type URL.
OWN = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {
        "id": {"type": "string", "pattern": "^https?://[^/]+/api/"},
        "type": {"type": "string", "pattern": "^https?://.+/oparl/schema/1\\.0/[A-Za-z]+$"},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
    },
}


def validate(obj):
    kind = obj["type"].rsplit("/", 1)[1]
    if kind in OWN_TYPES:
        assert not obj["type"].startswith("https://schema.oparl.org/")
        jsonschema.validate(obj, OWN)
    else:
        jsonschema.validate(obj, schema(kind))
    for item in obj.get("agendaItem", []):
        if isinstance(item, dict):
            jsonschema.validate(item, schema("AgendaItem"))
    for file in obj.get("file", []):  # an agreement's versions
        jsonschema.validate(file, schema("File"))


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
    return {"published": meeting, "agenda": agenda, "internal": internal_meeting, **_followed(world, agenda)}


def _followed(world, agenda):
    """Documents, follow-through and agreements, each public and hidden: a public document on a public item, an
    internal one and one on an internal item; a public recommendation with a decision and an assignment to an
    internal body, and both again at an internal item; a public agreement sent for adoption at the public item
    with a version, an internal agreement and a public one kept by an internal body."""
    public_item, internal_item = agenda.items.order_by("position")[:2]
    shown = make_document(agenda, "Underlag om vård", item=public_item)
    make_document(agenda, "kanariedokument internt", visibility="internal")
    make_document(agenda, "Bilaga kanariedokument", item=internal_item)
    item = decision_item(world.forum, title="Handlingsplan för vård")
    recommendation = recommend(item, principals=[world.region, world.town])
    decide(recommendation, world.town, comment="Antogs utan ändring.")
    task = assign(item, assignee_body=world.secret, description="Ta fram en plan.")
    hidden = decision_item(world.forum, number="2", title="Internt", meeting=item.meeting, visibility="internal")
    recommend(hidden, title="kanarierekommendation", text="kanarierekommendation")
    assign(hidden, description="kanarieuppdrag")
    agreement = Agreement.objects.create(area=world.area, title="Överenskommelse om vård", owner=world.forum)
    agreement.parties.set([world.region, world.town])
    agreement = agreements.send_for_adoption(
        agreement,
        item,
        None,
        title="Antagande",
        text="Anta.",
        decided_on=item.meeting.days.first().date,
        deadline=date(2030, 1, 1),
    )
    decide(agreement.adoption, world.region)
    agreements.add_version(
        agreement, None, file=SimpleUploadedFile("avtal.pdf", sample_files.pdf("Avtal")), dated=date(2026, 1, 2)
    )
    Agreement.objects.create(area=world.area, title="kanarieavtal", owner=world.forum, visibility="internal")
    Agreement.objects.create(area=world.area, title="kanarieagare", owner=world.secret)
    return {"document": shown, "recommendation": recommendation, "assignment": task, "agreement": agreement}


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


def test_every_object_s_web_address_is_its_public_page(client, world, records):
    """`web` is filled in from one reversed address per view and request (`oparl.web`): each is the address
    `get_absolute_url` gives, so each opens the object's public page."""
    webs = set()
    for body in walk(client).values():
        for obj in body.get("data", [body]):
            if "web" in obj:
                assert obj["web"].startswith("http://testserver/"), obj
                webs.add(obj["web"].removeprefix("http://testserver"))
    kinds = {web.strip("/").split("/")[0] for web in webs}
    assert len(webs) > 20 and {"omrade", "person"} <= kinds, kinds
    for web in sorted(webs):
        response = client.get(web)
        assert response.status_code == 200, (web, response.status_code)


def test_an_object_s_web_address_is_the_one_get_absolute_url_gives(world, records):
    """For areas, bodies and meetings: slugs alone, two slugs, a slug and a number."""
    from django.test import RequestFactory

    from samverkan.lib.addresses import WebAddressed
    from samverkan.opendata.oparl import web

    request = RequestFactory().get("/api/", HTTP_HOST="testserver:8443", secure=True)
    records_ = [
        *Area.objects.all(),
        *Body.objects.select_related("area")[:5],
        *Meeting.objects.select_related("body__area")[:5],
    ]
    assert len(records_) > 5 and all(isinstance(r, WebAddressed) for r in records_)
    for record in records_:
        assert web(request, record) == request.build_absolute_uri(record.get_absolute_url())


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


def test_unknown_addresses_and_refused_methods_under_api_answer_json_in_swedish(client, world):
    for url in (
        "/api/finns-inte",
        f"/api/body/{world.area.pk}/okand",
        "/api/body/",
        "/api/a/b/c",
        "/api/body/abc",  # an object's number is a whole number: anything else is an address the API lacks
        "/api/meeting/-1/",
        "/api/body/1.5/meeting",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.json() == {"error": "Finns inte, eller är inte offentligt."}, url
    for method, url in (("put", "/api/body"), ("post", f"/api/body/{world.area.pk}/meeting"), ("delete", "/api/")):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD" and response["Content-Type"].startswith("application/json"), url
        said = f"Metoden {method.upper()} tas inte emot här; API:t tar bara emot GET, HEAD."
        assert response.json() == {"error": said}
    elsewhere = client.get("/finns-inte/")  # the portal's own 404 stays a page
    assert elsewhere.status_code == 404 and elsewhere["Content-Type"].startswith("text/html")


def test_head_answers_what_get_would_without_the_body(client, world):
    """HEAD is taken wherever GET is (RFC 9110 9.1), the API's ninja endpoints and its OpenAPI page included:
    the same status and headers as the GET, no body."""
    for url in ("/api/", "/api/body", f"/api/body/{world.area.pk}/meeting", "/api/openapi.json", "/api/body/999999"):
        got, head = client.get(url), client.head(url)
        assert (head.status_code, head["Content-Type"]) == (got.status_code, got["Content-Type"]), url
        assert head.content == b"" and got.content, url


@pytest.mark.parametrize("kind", ["meeting", "file", "person", "paper"])
def test_paging_a_list_gives_every_object_once_in_the_list_s_order(client, world, records, monkeypatch, kind):
    """Whether a list reads its keys once and then the page's rows (`_page(keys_once=True)`: meetings, files,
    people) or counts and pages in the database: every object of the one-page list once, in its
    order, and the count of the whole. One object a page."""
    from samverkan.opendata import api

    for n in (3, 4):  # more than the shared records hold
        make_document(records["agenda"], f"Underlag {n}")
        Matter.objects.create(area=world.area, year=2026, serial=n, title=f"Ärende {n}", body=world.forum)
    whole = client.get(f"/api/body/{world.area.pk}/{kind}").json()
    assert whole["pagination"]["totalElements"] >= 3, whole["pagination"]
    monkeypatch.setattr(api, "PER_PAGE", 1)
    paged, url = [], f"/api/body/{world.area.pk}/{kind}"
    while url:
        page = client.get(url).json()
        assert page["pagination"]["totalElements"] == whole["pagination"]["totalElements"]
        assert len(page["data"]) == 1
        paged += page["data"]
        url = path(page["links"]["next"]) if "next" in page["links"] else None
    assert paged == whole["data"]


def test_items_the_public_may_not_read_give_only_number_and_order(client, world, records):
    for meeting in (records["agenda"], records["published"]):
        items = client.get(f"/api/meeting/{meeting.pk}").json()["agendaItem"]
        shown = [(i["public"], "name" in i) for i in items]
        assert shown == [(True, True), (False, False), (False, False)]
    published = client.get(f"/api/meeting/{records['published'].pk}").json()
    assert published["agendaItem"][0]["resolutionText"] == "att notera lägesbilden"
    hidden = published["agendaItem"][2]
    assert client.get(path(hidden["id"])).json() == hidden


def test_a_meeting_s_start_and_end_carry_their_offset_from_utc(client, world):
    """OParl's Meeting.start and end are RFC 3339 date-times: Swedish local time with its offset, winter and
    summer (they were given without one, which a client reads as its own time or refuses)."""
    from datetime import time

    winter = make_meeting(world.forum, date(2026, 1, 15), start=time(9), end=time(12), **sent())
    summer = make_meeting(world.forum, date(2026, 7, 2), date(2026, 7, 3), start=time(13, 30), end=time(16), **sent())
    got = {m.pk: client.get(f"/api/meeting/{m.pk}").json() for m in (winter, summer)}
    assert (got[winter.pk]["start"], got[winter.pk]["end"]) == (
        "2026-01-15T09:00:00+01:00",
        "2026-01-15T12:00:00+01:00",
    )
    assert (got[summer.pk]["start"], got[summer.pk]["end"]) == (
        "2026-07-02T13:30:00+02:00",
        "2026-07-03T16:00:00+02:00",
    )


@pytest.mark.parametrize(
    "query, name",
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999", "page"),
        ("modified_since=igår", "modified_since"),
        ("modified_since=2026-13-45", "modified_since"),
        ("created_since=2026-13-45", "created_since"),
        ("created_until=igår", "created_until"),
        ("modified_until=", "modified_until"),
        # ISO 8601 takes an offset PostgreSQL refuses (±15:59 at most), and years the API does not (a 500 the
        # fuzzing found), and one that carries the time past year 9999.
        ("created_until=0663-05-18T23:01:01.6-20:15", "created_until"),
        ("modified_until=1612-03-30T11:20:20Z", "modified_until"),
        ("created_since=9999-12-31T23:00:00-20:00", "created_since"),
    ],
)
def test_bad_parameters_answer_400_in_swedish(client, world, records, query, name):
    response = client.get(f"/api/body/{world.area.pk}/meeting?{query}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"Ogiltig parameter: {name}.")


def test_a_page_past_the_end_is_refused_and_links_page_through(client, world, records):
    assert client.get(f"/api/body/{world.area.pk}/meeting?page=7").json() == {
        "error": "Sidan 7 finns inte; listan har 1 sida."
    }
    listing = client.get(f"/api/body/{world.area.pk}/meeting").json()
    assert listing["pagination"]["totalElements"] == len(listing["data"]) == 3
    assert "next" not in listing["links"] and listing["links"]["first"].endswith("page=1")


def test_the_time_filters_narrow_a_list_and_its_links_keep_them(client, world, records, monkeypatch):
    """OParl 1.1's list filters: created_since/until and modified_since/until, each inclusive, read from the
    history (a filter the API ignored answered the whole list, so a client's incremental copy got everything)."""
    url = f"/api/body/{world.area.pk}/meeting"
    before, after = (
        (timezone.now() - timedelta(days=1)).isoformat(),
        (timezone.now() + timedelta(minutes=5)).isoformat(),
    )
    every = client.get(url).json()["pagination"]["totalElements"]
    assert every > 1
    for name in ("created_since", "modified_since"):
        assert client.get(url, {name: before}).json()["pagination"]["totalElements"] == every
        assert client.get(url, {name: after}).json()["data"] == []
    for name in ("created_until", "modified_until"):
        assert client.get(url, {name: after}).json()["pagination"]["totalElements"] == every
        assert client.get(url, {name: before}).json()["data"] == []
    assert client.get(url, {"modified_since": "2020-01-01"}).status_code == 200  # a date alone is midnight
    # An offset ISO 8601 allows and PostgreSQL does not (±15:59 at most) is read as the instant it names.
    assert (
        client.get(url, {"modified_since": "2020-05-18T23:01:01-20:15"}).json()["pagination"]["totalElements"] == every
    )
    # One meeting changed later than the others: only it was modified since, all were created before.
    meeting = records["published"]
    history = meeting.history.order_by("-history_date").first()
    type(history).objects.filter(pk=history.pk).update(history_date=timezone.now() + timedelta(hours=1))
    since = (timezone.now() + timedelta(minutes=30)).isoformat()
    changed = client.get(url, {"modified_since": since, "created_until": since}).json()
    assert [m["id"].rstrip("/").rsplit("/", 1)[-1] for m in changed["data"]] == [str(meeting.pk)]
    monkeypatch.setattr("samverkan.opendata.api.PER_PAGE", 1)
    paged = client.get(url, {"created_since": "2020-01-01T00:00:00+01:00"}).json()
    assert "created_since=2020-01-01T00%3A00%3A00%2B01%3A00" in paged["links"]["next"]


KINDS = [
    "meeting",
    "organization",
    "institution",
    "person",
    "paper",
    "membership",
    "file",
    "recommendation",
    "principaldecision",
    "assignment",
    "agreement",
]


@pytest.mark.parametrize("kind", KINDS)
def test_each_list_page_makes_a_constant_number_of_queries(client, world, records, queries, kind):
    def grow():
        for n in range(5):
            body = Body.objects.create(area=world.area, name=f"Nytt organ {n}", slug=f"nytt-{n}", kind=world.forum.kind)
            person = Person.objects.create(first_name="Ny", last_name=f"Person {n}", slug=f"ny-person-{n}")
            Membership.objects.create(
                person=person, body=body, role="substitute", principal=world.town, substitute_for=world.insider
            )
            meeting = make_meeting(body, date(2025, 1, 1 + n), **sent())
            item = make_item(meeting, "1", "Ärende")
            make_document(meeting, f"Bilaga {n}", item=item)
            matter = Matter.objects.create(area=world.area, year=2025, serial=10 + n, title=f"Ärende {n}", body=body)
            decided = decision_item(body, matter=matter)
            recommendation = recommend(decided, principals=[world.region, world.town], matter=matter)
            decide(recommendation, world.region)
            assign(decided, assignee_person=person, reported_item=item, matter=matter)
            agreement = Agreement.objects.create(
                area=world.area, title=f"Avtal {n}", owner=body, replaces=records["agreement"]
            )
            agreement.parties.set([world.region, world.town])
            agreements.send_for_adoption(
                agreement,
                decided,
                None,
                title="Antagande",
                text="Anta.",
                decided_on=decided.meeting.first_day,
                deadline=date(2030, 1, 1),
            )
            agreements.add_version(
                agreement, None, file=SimpleUploadedFile("a.pdf", sample_files.pdf("A")), dated=date(2026, 1, 2)
            )

    queries.assert_constant(client, f"/api/body/{world.area.pk}/{kind}", grow, at_most=8)
    assert len(client.get(f"/api/body/{world.area.pk}/{kind}").json()["data"]) >= 5 or kind == "institution"


def test_public_documents_are_those_the_public_may_open(world, records):
    documents = Document.objects.select_related("item", "meeting__body")
    public = set(public_documents().values_list("pk", flat=True))
    listed = set(listed_meetings(None).values_list("pk", flat=True))
    assert len(documents) == 3 and len(public) == 1
    for document in documents:
        readable = document.meeting_id in listed and can_read_document(None, document, document.meeting.body)
        assert (document.pk in public) == readable, document.title


def test_follow_through_and_agreements_link_only_what_is_public(client, world, records):
    recommendation = client.get(f"/api/recommendation/{records['recommendation'].pk}").json()
    assert recommendation["type"].endswith("/oparl/schema/1.0/Recommendation")
    assert len(recommendation["principalDecision"]) == 2
    decisions = [client.get(path(url)).json() for url in recommendation["principalDecision"]]
    assert sorted(d["outcome"] for d in decisions) == ["adopted", "pending"]
    assert {d["organization"].rsplit("/", 1)[1] for d in decisions} == {str(world.region.pk), str(world.town.pk)}
    task = client.get(f"/api/assignment/{records['assignment'].pk}").json()
    assert "assignee" not in task  # given to an internal body: not named
    assert task["reportTo"].endswith(f"/api/organization/{world.forum.pk}") and task["dueDate"]
    agreement = client.get(f"/api/agreement/{records['agreement'].pk}").json()
    assert [(p["name"], p["adopted"]) for p in agreement["party"]] == [("Region Test", True), ("Stadby kommun", False)]
    assert agreement["status"] == "for_adoption" and agreement["recommendation"].endswith(
        f"/api/recommendation/{records['agreement'].adoption_id}"
    )
    (version,) = agreement["file"]
    assert version["fileName"] == "avtal.pdf" and version["mimeType"] == "application/pdf"
    assert client.get(path(version["downloadUrl"])).status_code == 200
    document = client.get(f"/api/file/{records['document'].pk}").json()
    assert document["agendaItem"] and client.get(path(document["accessUrl"])).status_code == 200


def test_hidden_follow_through_agreements_and_documents_answer_404(client, world, records):
    hidden = [
        f"/api/recommendation/{Recommendation.objects.get(title='kanarierekommendation').pk}",
        f"/api/assignment/{Assignment.objects.get(description='kanarieuppdrag').pk}",
        f"/api/agreement/{Agreement.objects.get(title='kanarieavtal').pk}",
        f"/api/agreement/{Agreement.objects.get(title='kanarieagare').pk}",
        f"/api/membership/{Membership.objects.filter(body=world.secret).first().pk}",
        f"/api/membership/{Membership.objects.filter(body=world.secret).first().pk}",
    ]
    hidden += [f"/api/file/{d.pk}" for d in Document.objects.exclude(pk=records["document"].pk)]
    for url in hidden:
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.get("/api/membership/99999999999999999999").status_code == 400


def test_the_openapi_description_is_served(client):
    description = client.get("/api/openapi.json").json()
    assert description["openapi"].startswith("3.") and "/api/body/{pk}/meeting" in description["paths"]


# --- Fuzzing from the API's own description (schemathesis) ---------------------------------------------------

FUZZ_EXAMPLES = 5  # per operation: a few seconds for the whole API


def _oparl_lists(ctx, response, case):
    """Beyond the API's own schema: a list answers OParl's shape and each of its objects validates against
    ../shared/oparl-1.1-schema (our own types against `OWN`); nothing hidden leaks."""
    if response.status_code != 200:
        return None
    body = response.json()
    text = json.dumps(body, ensure_ascii=False).lower()
    assert not [w for w in CANARIES if w in text], case.formatted_path
    if "data" in body:
        assert set(body) == {"data", "pagination", "links"}
        jsonschema.validate(body["pagination"], PAGINATION)
        for obj in body["data"]:
            validate(obj)
    elif "type" in body:
        validate(body)
    return None


PAGINATION = {
    "type": "object",
    "required": ["currentPage", "elementsPerPage", "totalElements", "totalPages"],
    "properties": {k: {"type": "integer", "minimum": 0} for k in ("totalElements", "totalPages")},
}


@pytest.fixture
def wsgi_app(settings):
    """Django's own WSGI application inside the test's transaction: like the test client, a request does not
    close the connection at its start and end (`close_old_connections`), which would end the transaction."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_fuzzed_from_its_own_description_never_fails_and_matches_it(world, records, wsgi_app):
    """Every operation of /api/openapi.json with generated paths and parameters (ids of real and missing
    objects, pages, dates): no 5xx, every answer as described (status, content type, schema), OParl lists valid."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import load_all_checks
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    load_all_checks()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    checks = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance]
    checks += [response_schema_conformance, _oparl_lists]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    statuses: dict[int, int] = {}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call()
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=checks)

        run()
    assert 200 in statuses and not [s for s in statuses if s >= 500], statuses


def test_api_addresses_reversed_once_per_request_are_those_reverse_gives():
    """`oparl.url` reverses each view's address once per request and fills in the integer arguments: the same
    absolute addresses as `reverse` with `build_absolute_uri`, for views of no argument and of one, several numbers
    in turn (the second number must not get the first one's address), on any host and scheme."""
    from django.test import RequestFactory
    from django.urls import reverse

    from samverkan.opendata.oparl import url

    request = RequestFactory().get("/api/", HTTP_HOST="testserver:8443", secure=True)
    for name, numbers in (("system", [()]), ("body_list", [()]), *((n, [(7,), (1234567,), (7,)]) for n in VIEWS)):
        for args in numbers:
            assert url(request, name, *args) == request.build_absolute_uri(reverse(f"api:{name}", args=args))
    assert url(request, "meeting", 5) == "https://testserver:8443" + reverse("api:meeting", args=[5])
    assert url(request, "meeting", "5") == url(request, "meeting", 5)  # not an int: reversed as it is


VIEWS = ("body", "organization", "institution", "person", "meeting", "agenda_item", "paper", "meeting_list")
