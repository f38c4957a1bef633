"""Follow-through for staff: case numbers, assignments, recommendations, principal decisions, who may do what,
bad input that changes nothing, and fixed query counts on the staff lists."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough import actions
from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation
from samverkan.structure.models import Role
from tests.access_helpers import ACTORS, assert_access
from tests.conftest import shared_fixture
from tests.followthrough_helpers import assign, decide, decision_item, recommend
from tests.meetings_helpers import make_item, make_meeting
from tests.test_bad_input import GARBAGE


@shared_fixture
def followed(world):
    """A decision of the forum with a recommendation to all three principals and an assignment to the group."""
    item = decision_item(world.forum)
    later = make_item(
        make_meeting(world.forum, timezone.localdate() - timedelta(days=2), status="held"), "5", "Uppföljning"
    )
    recommendation = recommend(item)
    assignment = assign(item, assignee_body=world.group)
    return {"item": item, "later": later, "recommendation": recommendation, "assignment": assignment}


def test_case_numbers_run_per_area_and_year(world):
    first = actions.create_matter(world.area, None, year=2026, title="A", body=world.forum)
    second = actions.create_matter(world.area, None, year=2026, title="B")
    other_year = actions.create_matter(world.area, None, year=2027, title="C")
    other_area = actions.create_matter(world.other_area, None, year=2026, title="D")
    assert [first.serial, second.serial, other_year.serial, other_area.serial] == [1, 2, 1, 1]
    assert first.case_number == "LF 2026/1"
    assert second.case_number == "2026/2"


def test_a_matter_cannot_name_a_body_of_another_area(world):
    with pytest.raises(ValidationError):
        actions.create_matter(world.area, None, year=2026, title="A", body=world.other_body)
    assert not Matter.objects.exists()


def test_overdue_is_derived_from_dates_and_status(world):
    item = decision_item(world.forum, timezone.localdate() - timedelta(days=60))
    late = assign(item, due_in=30)
    assert late.is_overdue()
    assert list(Assignment.objects.overdue()) == [late]
    actions.report_back_assignment(late, item, None)
    assert not Assignment.objects.get(pk=late.pk).is_overdue()
    assert not Assignment.objects.overdue().exists()


def test_a_report_back_meeting_sets_the_due_day(world):
    item = decision_item(world.forum)
    soon = timezone.localdate() + timedelta(days=12)
    meeting = make_meeting(world.forum, soon)
    assignment = assign(item, due_date=None, report_back_meeting=meeting)
    assert Assignment.objects.get(pk=assignment.pk).due == soon
    assert assignment.due_day() == soon and not assignment.is_overdue()


@pytest.mark.parametrize(
    "fields",
    [
        {"assignee_body": None},  # no assignee
        {"due_date": None},  # neither date nor meeting
    ],
)
def test_an_assignment_needs_one_assignee_and_a_due_day(world, fields):
    item = decision_item(world.forum)
    data = {"assignee_body": world.group, "description": "X", "report_to": world.forum, "due_date": date(2030, 1, 1)}
    data.update(fields)
    with pytest.raises(ValidationError):
        actions.create_assignment(item, None, **data)
    with pytest.raises(ValidationError):
        actions.create_assignment(
            item, None, **{**data, "assignee_body": world.group, "assignee_principal": world.town}
        )
    assert not Assignment.objects.exists()


def test_the_report_back_meeting_must_belong_to_the_body_reported_to(world):
    item = decision_item(world.forum)
    with pytest.raises(ValidationError):
        assign(item, report_back_meeting=make_meeting(world.group, date(2030, 1, 1)), report_to=world.forum)


def test_coordinator_creates_a_recommendation_for_all_principals_by_default(client, world):
    item = decision_item(world.forum)
    client.force_login(world.coordinator)
    page = client.get(reverse("followthrough:recommendation_create", args=[item.pk]) + "?sats=1").content.decode()
    assert page.count("checked") == 4  # every principal of the area, and "send now", ticked
    assert "att rekommendera huvudmännen att anta handlingsplanen" in page
    response = client.post(
        reverse("followthrough:recommendation_create", args=[item.pk]),
        {
            "title": "Handlingsplan",
            "text": "Anta planen.",
            "principals": [world.town.pk, world.village.pk],
            "decided_on": item.meeting.first_day.isoformat(),
            "deadline": "2099-03-01",
        },
    )
    recommendation = Recommendation.objects.get()
    assert response.status_code == 302
    assert sorted(recommendation.decisions.values_list("principal__slug", flat=True)) == ["byn", "stadby"]
    assert set(recommendation.decisions.values_list("outcome", flat=True)) == {"pending"}
    assert recommendation.history.first().history_user == world.coordinator


def test_a_recommendation_is_dated_at_or_after_its_meeting_and_not_ahead_of_today(client, world):
    """Decided at the item's meeting: a date before its first day, or after today, is refused in Swedish and
    nothing is saved (principals were sent one "decided" today from a meeting next spring). Sending an agreement
    for adoption offers only items of meetings that were held."""
    from tests.test_agreements import make_agreement

    coming = make_meeting(world.forum, timezone.localdate() + timedelta(days=120))
    planned = make_item(coming, "4", "Handlingsplan", kind="decision")
    client.force_login(world.coordinator)
    today = timezone.localdate()
    data = {"title": "Plan", "text": "Anta.", "principals": [world.town.pk], "deadline": "2099-03-01"}
    for day, message in (
        (today, f"Rekommendationen beslutades vid mötet {coming.first_day.isoformat()}"),
        (today + timedelta(days=130), "Beslutsdatumet kan inte ligga i framtiden."),
    ):
        response = client.post(
            reverse("followthrough:recommendation_create", args=[planned.pk]), {**data, "decided_on": day.isoformat()}
        )
        assert response.status_code == 400 and message in response.content.decode(), day
    held = decision_item(world.forum)
    early = (held.meeting.first_day - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("followthrough:recommendation_create", args=[held.pk]), {**data, "decided_on": early}
    )
    assert response.status_code == 400 and not Recommendation.objects.exists()
    on_the_day = {**data, "decided_on": held.meeting.first_day.isoformat()}
    assert client.post(reverse("followthrough:recommendation_create", args=[held.pk]), on_the_day).status_code == 302
    agreement = make_agreement(world)
    form = client.get(reverse("agreements:send_for_adoption", args=[agreement.pk])).context["form"]
    offered = set(form.fields["item"].queryset.values_list("pk", flat=True))
    assert held.pk in offered and planned.pk not in offered


def test_a_recommendation_may_not_address_another_areas_principals(client, world):
    item = decision_item(world.forum)
    from samverkan.structure.models import Principal

    stranger = Principal.objects.create(area=world.other_area, name="Främmande kommun", slug="frammande")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("followthrough:recommendation_create", args=[item.pk]),
        {"title": "X", "text": "Y", "principals": [stranger.pk], "decided_on": "2026-01-10", "deadline": "2026-03-01"},
    )
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert not Recommendation.objects.exists()


def _decision_post(**fields):
    data = {"outcome": "adopted", "deciding_body": "Kommunfullmäktige", "decided_on": timezone.localdate().isoformat()}
    data["reference"] = "KF § 45"
    data.update(fields)
    return data


def test_a_contact_records_only_their_own_principals_decision(client, world, followed):
    recommendation = followed["recommendation"]
    own = recommendation.decisions.get(principal=world.town)
    other = recommendation.decisions.get(principal=world.village)
    client.force_login(world.contact)
    assert client.get(reverse("followthrough:decision_record", args=[own.pk])).status_code == 200
    response = client.post(reverse("followthrough:decision_record", args=[own.pk]), _decision_post())
    assert response.status_code == 302
    assert client.get(reverse("followthrough:decision_record", args=[other.pk])).status_code == 403
    response = client.post(reverse("followthrough:decision_record", args=[other.pk]), _decision_post())
    assert response.status_code == 403
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.outcome, own.reference, other.outcome) == ("adopted", "KF § 45", "pending")


@pytest.mark.parametrize("actor", ["outsider", "member", "secretary"])
def test_others_may_not_record_a_principals_decision(client, world, followed, actor):
    decision = followed["recommendation"].decisions.get(principal=world.town)
    world.client_for(client, actor)
    assert (
        client.post(reverse("followthrough:decision_record", args=[decision.pk]), _decision_post()).status_code == 403
    )
    decision.refresh_from_db()
    assert decision.outcome == "pending"


def test_every_change_of_a_decision_is_in_its_history(client, world, followed):
    decision = followed["recommendation"].decisions.get(principal=world.town)
    client.force_login(world.contact)
    url = reverse("followthrough:decision_record", args=[decision.pk])
    client.post(url, _decision_post(outcome="sent_back"))
    client.post(url, _decision_post(change_reason="Nytt beslut efter återremissen"))
    rows = list(decision.history.order_by("history_date"))
    assert [r.outcome for r in rows] == ["pending", "sent_back", "adopted"]
    assert rows[-1].history_user == world.contact
    assert rows[-1].history_change_reason == "Nytt beslut efter återremissen"
    page = client.get(url).content.decode()
    assert "Återremitterat" in page and "Bifall" in page and "Nytt beslut efter återremissen" in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"decided_on": ""}, "Ange när beslutet fattades."),
        ({"deciding_body": "  "}, "Ange vilket organ som fattade beslutet."),
        ({"decided_on": (date.today() + timedelta(days=400)).isoformat()}, "kan inte ligga i framtiden"),
        ({"decided_on": "2000-01-01"}, "före rekommendationen"),
        ({"outcome": "maybe"}, "Välj ett giltigt alternativ"),
        ({"link": "javascript:alert(1)"}, "giltig URL"),
    ],
)
def test_a_wrong_decision_changes_nothing(client, world, followed, fields, message):
    decision = followed["recommendation"].decisions.get(principal=world.town)
    client.force_login(world.coordinator)
    response = client.post(reverse("followthrough:decision_record", args=[decision.pk]), _decision_post(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Inget har sparats" in html and message in html
    decision.refresh_from_db()
    assert decision.outcome == "pending" and decision.history.count() == 1


def test_a_decision_document_is_checked_and_served(client, world, followed):
    decision = followed["recommendation"].decisions.get(principal=world.town)
    client.force_login(world.contact)
    url = reverse("followthrough:decision_record", args=[decision.pk])
    fake = SimpleUploadedFile("beslut.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(url, {**_decision_post(), "document": fake})
    assert response.status_code == 400 and "Filtypen stöds inte" in response.content.decode()
    exe = SimpleUploadedFile("beslut.exe", b"%PDF-1.4", content_type="application/octet-stream")
    assert client.post(url, {**_decision_post(), "document": exe}).status_code == 400
    pdf = SimpleUploadedFile("beslut.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {**_decision_post(), "document": pdf}).status_code == 302
    decision.refresh_from_db()
    client.logout()
    download = reverse(
        "followthrough_public:decision_document", args=[world.area.slug, decision.recommendation_id, decision.pk]
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    decision.document.delete()


def test_reporting_back_links_the_assignment_to_the_item(client, world, followed):
    assignment, later = followed["assignment"], followed["later"]
    client.force_login(world.coordinator)
    url = reverse("followthrough:assignment_report", args=[assignment.pk])
    assert later.title in client.get(url).content.decode()
    response = client.post(url, {"reported_item": later.pk, "status": "reported", "reason": "Redovisat"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.reported_item) == ("reported", later)
    stranger = make_item(make_meeting(world.other_body, date(2026, 1, 1)), "1", "Annat")
    assert client.post(url, {"reported_item": stranger.pk, "status": "done"}).status_code == 400
    assignment.refresh_from_db()
    assert assignment.status == "reported"


def test_the_recommending_body_marks_the_outcome_reported(client, world, followed):
    recommendation, later = followed["recommendation"], followed["later"]
    for principal in (world.region, world.town, world.village):
        decide(recommendation, principal)
    client.force_login(world.coordinator)
    page = client.get(reverse("followthrough:recommendation", args=[recommendation.pk])).content.decode()
    assert "3 av 3 har beslutat: 3 bifall" in page
    response = client.post(
        reverse("followthrough:recommendation_report", args=[recommendation.pk]), {"reported_item": later.pk}
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.reported_item == later


def test_an_item_is_put_on_a_new_or_existing_matter(client, world, followed):
    item = followed["item"]
    client.force_login(world.secretary)  # the group's secretary keeps the group's decisions, not the forum's
    assert client.post(reverse("followthrough:item_matter", args=[item.pk]), {"matter": "new"}).status_code == 403
    client.force_login(world.coordinator)
    client.post(reverse("followthrough:item_matter", args=[item.pk]), {"matter": "new"})
    item.refresh_from_db()
    assert item.matter.case_number == f"LF {item.matter.year}/1" and item.matter.title == item.title
    for garbage in ("999999", "abc", "-1"):
        response = client.post(reverse("followthrough:item_matter", args=[item.pk]), {"matter": garbage}, follow=True)
        assert "Inget har ändrats" in response.content.decode()
    item.refresh_from_db()
    assert item.matter is not None
    client.post(reverse("followthrough:item_matter", args=[item.pk]), {"matter": ""})
    item.refresh_from_db()
    assert item.matter is None and Matter.objects.count() == 1


def test_the_item_page_offers_each_att_clause(client, world, followed):
    client.force_login(world.coordinator)
    page = client.get(reverse("followthrough:item", args=[followed["item"].pk])).content.decode()
    assert "att ge chefsgruppen i uppdrag att följa upp" in page
    assert "?sats=2" in page
    form = client.get(reverse("followthrough:assignment_create", args=[followed["item"].pk]) + "?sats=2")
    assert "att ge chefsgruppen i uppdrag att följa upp</textarea>" in form.content.decode()


def test_an_assignment_is_created_from_the_form(client, world, followed):
    item = followed["item"]
    client.force_login(world.coordinator)
    response = client.post(
        reverse("followthrough:assignment_create", args=[item.pk]),
        {
            "assignee": f"principal:{world.town.pk}",
            "description": "Utreda kostnaderna.",
            "due_date": "2030-05-01",
            "report_to": world.forum.pk,
        },
    )
    assert response.status_code == 302
    created = Assignment.objects.latest("pk")
    assert (created.assignee_principal, created.assignee_body, created.due_date) == (world.town, None, date(2030, 5, 1))


def _urls(w, f):
    decision = f["recommendation"].decisions.get(principal=w.town)
    return {
        "overview": reverse("followthrough:overview", args=[w.area.slug]),
        "assignments": reverse("followthrough:assignments", args=[w.area.slug]),
        "matters": reverse("followthrough:matters", args=[w.area.slug]),
        "matter_create": reverse("followthrough:matter_create", args=[w.area.slug]),
        "item": reverse("followthrough:item", args=[f["item"].pk]),
        "assignment_create": reverse("followthrough:assignment_create", args=[f["item"].pk]),
        "recommendation_create": reverse("followthrough:recommendation_create", args=[f["item"].pk]),
        "assignment_edit": reverse("followthrough:assignment_edit", args=[f["assignment"].pk]),
        "assignment_report": reverse("followthrough:assignment_report", args=[f["assignment"].pk]),
        "recommendation": reverse("followthrough:recommendation", args=[f["recommendation"].pk]),
        "recommendation_report": reverse("followthrough:recommendation_report", args=[f["recommendation"].pk]),
        "recommendation_edit": reverse("followthrough:recommendation_edit", args=[f["recommendation"].pk]),
        "decision_record": reverse("followthrough:decision_record", args=[decision.pk]),
        "principal": reverse("followthrough:principal", args=[w.town.pk]),
        "other_principal": reverse("followthrough:principal", args=[w.village.pk]),
        "my_assignments": reverse("followthrough:my_assignments"),
    }


MANAGERS = {"coordinator", "admin"}
ALLOWED = {
    "overview": MANAGERS | {"secretary"},
    "assignments": MANAGERS | {"secretary"},
    "matters": MANAGERS | {"secretary"},
    "matter_create": MANAGERS | {"secretary"},
    # The forum's decisions are kept by the coordinators; the group's secretary has no say over them.
    "item": MANAGERS,
    "assignment_create": MANAGERS,
    "recommendation_create": MANAGERS,
    # The assignment goes to the forum and was given by it: the group's secretary does not keep it either.
    "assignment_edit": MANAGERS,
    "assignment_report": MANAGERS,
    "recommendation": MANAGERS | {"contact"},
    "recommendation_report": MANAGERS,
    "recommendation_edit": MANAGERS,
    "decision_record": MANAGERS | {"contact"},
    "principal": MANAGERS | {"contact"},
    "other_principal": MANAGERS,
    "my_assignments": set(ACTORS) - {"anonymous"},
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_who_may_open_each_follow_through_page(client, world, followed, actor, page):
    response = world.client_for(client, actor).get(_urls(world, followed)[page])
    assert_access(response, actor, ALLOWED[page], what=page)


def test_the_groups_secretary_follows_up_the_groups_own_decisions(client, world):
    item = decision_item(world.group)
    client.force_login(world.secretary)
    assert client.get(reverse("followthrough:item", args=[item.pk])).status_code == 200
    response = client.post(
        reverse("followthrough:assignment_create", args=[item.pk]),
        {"assignee": f"body:{world.forum.pk}", "description": "Ta fram underlag.", "due_date": "2030-01-01"}
        | {"report_to": world.group.pk},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert client.get(reverse("followthrough:assignment_edit", args=[assignment.pk])).status_code == 200


FIELDS = ["title", "text", "principals", "decided_on", "deadline", "matter", "assignee", "description"]
FIELDS += ["due_date", "report_to", "report_back_meeting", "status", "reported_item", "reason", "outcome"]
FIELDS += ["deciding_body", "reference", "link", "comment", "year", "body", "raised_on", "closed_on", "visibility"]
FIELDS += ["change_reason"]


def _snapshot():
    return (
        list(Matter.objects.order_by("pk").values_list("title", "year", "serial", "closed_on")),
        list(Assignment.objects.order_by("pk").values_list("description", "status", "due_date", "reported_item")),
        list(Recommendation.objects.order_by("pk").values_list("title", "deadline", "reported_item")),
        list(PrincipalDecision.objects.order_by("pk").values_list("outcome", "decided_on", "reference")),
    )


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_follow_through_form_changes_nothing(client, world, followed, value):
    matter = actions.create_matter(world.area, None, year=2026, title="Ärendet")
    client.force_login(world.admin)
    urls = _urls(world, followed)
    forms = ["matter_create", "assignment_create", "recommendation_create", "assignment_edit", "assignment_report"]
    forms += ["recommendation_report", "recommendation_edit", "decision_record"]
    targets = [urls[name] for name in forms] + [reverse("followthrough:matter_edit", args=[matter.pk])]
    before = _snapshot()
    for url in targets:
        response = client.post(url, {f: value for f in FIELDS})
        assert response.status_code == 400, (url, response.status_code)
        assert "Inget har sparats" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/hantera/uppfoljning/omrade/finns-inte/",
        "/hantera/uppfoljning/omrade/finns-inte/uppdrag/",
        "/hantera/uppfoljning/omrade/finns-inte/arenden/nytt/",
        "/hantera/uppfoljning/arenden/999999/andra/",
        "/hantera/uppfoljning/punkt/999999/",
        "/hantera/uppfoljning/punkt/999999/arende/",
        "/hantera/uppfoljning/punkt/999999/uppdrag/nytt/",
        "/hantera/uppfoljning/punkt/999999/rekommendation/ny/",
        "/hantera/uppfoljning/uppdrag/999999/andra/",
        "/hantera/uppfoljning/uppdrag/999999/aterrapportera/",
        "/hantera/uppfoljning/rekommendationer/999999/",
        "/hantera/uppfoljning/rekommendationer/999999/aterrapportera/",
        "/hantera/uppfoljning/rekommendationer/999999/andra/",
        "/hantera/uppfoljning/huvudmansbeslut/999999/",
        "/hantera/uppfoljning/huvudman/999999/",
        "/hantera/uppfoljning/punkt/99999999999999999999999/",
        "/omrade/finns-inte/beslutsstatus/",
        "/omrade/finns-inte/beslutsstatus.csv",
        "/omrade/finns-inte/beslutsstatus.xlsx",
        "/omrade/testlan/rekommendationer/999999/",
        "/omrade/testlan/rekommendationer/999999/beslut/1/dokument/",
        "/omrade/testlan/huvudman/finns-inte/beslut/",
        "/omrade/testlan/arenden/2026/999999/",
        "/omrade/testlan/arenden/99999999999999999999/1/",
        "/omrade/testlan/rekommendationer/99999999999999999999999/",
        "/omrade/testlan/rekommendationer/1/beslut/99999999999999999999999/dokument/",
        "/hantera/uppfoljning/huvudmansbeslut/99999999999999999999999/",
        "/omrade/finns-inte/arenden/",
        "/omrade/finns-inte/uppdrag/",
        "/omrade/annat/huvudman/stadby/beslut/",
    ],
)
def test_odd_follow_through_addresses_answer_404(client, world, followed, path):
    client.force_login(world.admin)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_a_document_link_without_a_document_is_404(client, world, followed):
    decision = followed["recommendation"].decisions.get(principal=world.town)
    url = reverse("followthrough_public:decision_document", args=["testlan", decision.recommendation_id, decision.pk])
    assert client.get(url).status_code == 404
    other_area = reverse("followthrough_public:recommendation", args=["annat", decision.recommendation_id])
    assert client.get(other_area).status_code == 404


# The most queries each page may make (its count when the bound was set; the overview and assignment lists read
# their keys once, issue 11; a list's assignments take their areas in one query instead of five joins).
STAFF_PAGE_QUERIES = {
    "overview": 16,
    "assignments": 11,
    "matters": 8,
    "recommendation": 9,
    "principal": 6,
    "my_assignments": 9,
    "item": 11,
}


@pytest.mark.parametrize(
    "page", ["overview", "assignments", "matters", "recommendation", "principal", "my_assignments", "item"]
)
def test_staff_follow_through_pages_have_a_constant_number_of_queries(client, world, followed, queries, page):
    item = followed["item"]

    def grow():
        for n in range(2, 8):
            other = decision_item(world.forum, number=str(n), meeting=item.meeting)
            matter = actions.create_matter(world.area, None, year=2026, title=f"Ärende {n}", body=world.group)
            actions.link_item_to_matter(other, matter, None)
            rec = recommend(other)
            decide(rec, world.town, outcome="rejected")
            assign(other, assignee_principal=world.town, due_in=-400 + n)
            assign(item, assignee_person=world.member_person, due_in=-300 + n)
            assign(item, assignee_body=world.secret, due_in=n)
            recommend(item)

    user = world.contact if page in ("principal", "my_assignments") else world.coordinator
    client.force_login(user)
    url = _urls(world, followed)[page]
    queries.assert_constant(client, url, grow, at_most=STAFF_PAGE_QUERIES[page])


def test_the_dashboard_links_coordinators_and_contacts_to_their_work(client, world):
    client.force_login(world.coordinator)
    assert (
        reverse("followthrough:overview", args=[world.area.slug]) in client.get(reverse("dashboard")).content.decode()
    )
    client.force_login(world.contact)
    assert reverse("followthrough:principal", args=[world.town.pk]) in client.get(reverse("dashboard")).content.decode()


def test_a_second_contact_role_sees_only_their_principal(client, world, followed):
    from django.contrib.auth import get_user_model

    village_contact = get_user_model().objects.create_user("byn", "byn@test.example", "x")
    Role.objects.create(user=village_contact, kind="contact", principal=world.village)
    client.force_login(village_contact)
    own = followed["recommendation"].decisions.get(principal=world.village)
    town = followed["recommendation"].decisions.get(principal=world.town)
    assert client.post(reverse("followthrough:decision_record", args=[own.pk]), _decision_post()).status_code == 302
    assert client.post(reverse("followthrough:decision_record", args=[town.pk]), _decision_post()).status_code == 403


def test_a_recommendation_is_corrected_with_history(client, world, followed):
    recommendation = followed["recommendation"]
    client.force_login(world.coordinator)
    url = reverse("followthrough:recommendation_edit", args=[recommendation.pk])
    data = {"title": "Rättad rubrik", "text": recommendation.text, "decided_on": recommendation.decided_on.isoformat()}
    data |= {"deadline": "2099-01-31", "change_reason": "Fel svarsdatum"}
    assert client.post(url, data).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.deadline.isoformat()) == ("Rättad rubrik", "2099-01-31")
    assert recommendation.decisions.count() == 3
    assert "Fel svarsdatum" in client.get(url).content.decode()


def test_in_english_a_matter_is_a_matter_and_an_agenda_item_an_item(client, world):
    client.force_login(world.coordinator)
    matters = reverse("followthrough:matters", args=[world.area.slug])
    client.post(reverse("set_language"), {"language": "en", "next": matters})
    html = client.get(matters).content.decode()
    assert "New matter" in html and "New item" not in html
    meeting = make_meeting(world.group, timezone.localdate())
    assert "New item" in client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()


def test_a_matter_is_as_closed_as_the_item_it_comes_from(client, world):
    """A matter made from an item of an internal meeting is internal (not on the public list); from a
    confidential item none is made (its title would reach every member)."""
    internal = make_meeting(world.forum, date(2026, 3, 3), visibility="internal")
    item = make_item(internal, "1", "Intern budgetfråga", kind="decision")
    secret = make_item(internal, "2", "Sekretessfråga", kind="decision", visibility="confidential")
    client.force_login(world.coordinator)
    client.post(reverse("followthrough:item_matter", args=[item.pk]), {"matter": "new"})
    item.refresh_from_db()
    assert item.matter.visibility == "internal"
    response = client.post(reverse("followthrough:item_matter", args=[secret.pk]), {"matter": "new"}, follow=True)
    assert "kan inte bli ett nytt ärende" in response.content.decode()
    secret.refresh_from_db()
    assert secret.matter is None
    client.logout()
    public_list = client.get(reverse("followthrough_public:matters", args=[world.area.slug])).content.decode()
    assert "Intern budgetfråga" not in public_list


def test_an_internal_matter_is_for_its_body_not_every_secretary_of_the_area(client, world):
    """DESIGN.md §4: internal means the body's members (and those who keep its records), so the secretary of
    another body of the area gets 404 and does not see it listed (issue 9's decision, the stricter reading)."""
    matter = actions.create_matter(
        world.area,
        world.coordinator,
        year=2026,
        title="Forumets interna ärende",
        body=world.forum,
        visibility="internal",
    )
    edit = reverse("followthrough:matter_edit", args=[matter.pk])
    staff_list = reverse("followthrough:matters", args=[world.area.slug])
    public_list = reverse("followthrough_public:matters", args=[world.area.slug])
    client.force_login(world.secretary)  # the group's secretary: another body
    assert client.get(edit).status_code == 404
    for url in (staff_list, public_list):
        assert "Forumets interna ärende" not in client.get(url).content.decode(), url
    client.force_login(world.member)  # sits in the forum
    assert "Forumets interna ärende" in client.get(public_list).content.decode()
    client.force_login(world.coordinator)
    assert client.get(edit).status_code == 200


def test_assignment_rows_show_text_status_report_back_and_staff_links(client, world):
    """The assignment table's rows (built in Python, `present.with_assignment_rows`) on the staff item page and the
    public list: the description escaped with its line breaks, the body and item number, due date and report-to
    body, "Försenat" for an open one past due, the status in words (green once reported) with where it was reported
    back, and for staff the edit link and, while open, the report link, each naming the assignment for screen
    readers; the public list has no links to staff pages."""
    item = decision_item(world.forum, timezone.localdate() - timedelta(days=60), number="7")
    late = assign(item, due_in=10, description="Ta fram <plan>\nför & med kommunerna")
    done = assign(item, due_in=20, description="Redovisa läget")
    actions.report_back_assignment(done, decision_item(world.forum, number="8", title="Redovisning"), None)
    html = world.client_for(client, "coordinator").get(reverse("followthrough:item", args=[item.pk])).content.decode()
    row = html[html.index("Ta fram &lt;plan&gt;") - 20 :]
    row = row[: row.index("</tr>")]
    assert "<td>Ta fram &lt;plan&gt;<br>för &amp; med kommunerna</td>" in row
    assert "<td>LF 7</td>" in row
    assert f'<td>{late.due.isoformat()}<br><span class="muted">till ' in row
    assert '<span class="badge warn">Försenat</span>' in row
    edit = reverse("followthrough:assignment_edit", args=[late.pk])
    report = reverse("followthrough:assignment_report", args=[late.pk])
    named = '<span class="visually-hidden"> Ta fram &lt;plan&gt;\nför &amp; med kommunerna</span>'
    assert f'<a href="{edit}">Ändra{named}</a>' in row
    assert f'<br><a href="{report}">Återrapportera<span class="visually-hidden"> ' in row
    reported = html[html.index("<td>Redovisa läget</td>") :]
    reported = reported[: reported.index("</tr>")]
    assert '<span class="badge ok">Återrapporterat</span>' in reported and "Redovisning" in reported
    assert reverse("followthrough:assignment_report", args=[done.pk]) not in reported
    public = client.get(reverse("followthrough_public:assignments", args=[world.area.slug])).content.decode()
    assert "Ta fram &lt;plan&gt;<br>för &amp; med kommunerna" in public and edit not in public


def test_the_overview_rows_name_the_decision_its_matter_and_counts_and_each_recommendation_s_answers(client, world):
    """The follow-through overview's rows (built in Python, `views._overview_rows`): a decision's date, body,
    linked number and title (escaped), case number and its counts of assignments and recommendations; a
    recommendation's link, body, deadline, how many of the asked principals have yet to answer and, once reported
    back, the badge."""
    day = timezone.localdate() - timedelta(days=20)
    item = decision_item(world.forum, day, number="5", title="Plan för <vård> & omsorg")
    matter = actions.create_matter(world.area, None, year=day.year, title="Planärendet", body=world.forum)
    item.matter = matter
    item.save()
    assign(item)
    recommendation = recommend(item, title="Anta <planen>")
    decide(recommendation, world.town, "adopted")
    actions.mark_recommendation_reported(recommendation, decision_item(world.forum, number="6"), None)
    html = (
        world.client_for(client, "coordinator")
        .get(reverse("followthrough:overview", args=[world.area.slug]) + f"?ar={day.year}")
        .content.decode()
    )
    link = reverse("followthrough:item", args=[item.pk])
    assert (
        f'<tr><td>{day.isoformat()}</td><td>LF</td>\n    <td><a href="{link}">5 Plan för &lt;vård&gt; &amp; omsorg</a>'
        f"</td>\n    <td>{matter.case_number}</td><td>1</td><td>1</td></tr>"
    ) in html
    asked = recommendation.decisions.count()
    link = reverse("followthrough:recommendation", args=[recommendation.pk])
    deadline = recommendation.deadline.isoformat()
    assert (
        f'<tr><td><a href="{link}">Anta &lt;planen&gt;</a></td><td>LF</td>\n    <td>{deadline}'
        f'</td>\n    <td>{asked - 1} av {asked} väntar · <span class="badge ok">Återrapporterad</span></td></tr>'
    ) in html
