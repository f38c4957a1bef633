"""A confirmed import turns the minutes' assignments and recommendations into follow-through records."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.importer import proposals
from samverkan.importer.models import ImportRecord
from samverkan.meetings.models import AgendaItem, Document, Meeting
from samverkan.structure.models import Body, Principal
from tests.conftest import shared_fixture
from tests.followthrough_helpers import decide, recommend
from tests.importer_helpers import CORPUS, MADE_UP, confirm, last_record, upload, upload_path

VASTERBOTTEN = CORPUS / "vasterbotten-politisk-styrgrupp-2018-09-27.txt"
HALSINGE = CORPUS / "halsingeradet-612-626.txt"
HALSINGE_DAY = "2014-12-10"  # the document names no year; the person confirming gives the day

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@shared_fixture
def vasterbotten(world):
    """The area as Västerbotten: 15 municipalities besides the world's two, the county council, and an
    association that "länets kommuner och landsting" does not address."""
    for n in range(13):
        Principal.objects.create(area=world.area, name=f"Kommun {n} kommun", slug=f"k{n}", kind="municipality")
    council = Principal.objects.create(area=world.area, name="Västerbottens läns landsting", slug="vll", kind="region")
    Principal.objects.filter(pk=world.region.pk).update(kind="other")  # the world's region is not addressed here
    association = Principal.objects.create(area=world.area, name="Förbundet", slug="forbundet", kind="association")
    return {"council": council, "association": association}


def _import(client, world, path, **fields):
    client.force_login(world.secretary)
    upload_path(client, world.group, path)
    record = last_record()
    return record, confirm(client, record, tick_all=True, **fields)


def test_the_preview_says_what_will_be_created(client, world, vasterbotten):
    client.force_login(world.secretary)
    upload_path(client, world.group, VASTERBOTTEN)
    html = client.get(reverse("importer:preview", args=[last_record().pk])).content.decode()
    assert html.count("Skickas som rekommendation till 16 huvudmän") == 2
    assert "Västerbottens läns landsting" in html and "Förbundet" not in html.split("Uppföljning")[1]
    assert "2018-12-26" in html and "(antaget: protokollet anger inget datum)" in html
    assert not Recommendation.objects.exists() and not Meeting.objects.exists()

    upload_path(client, world.group, HALSINGE)
    html = client.get(reverse("importer:preview", args=[last_record().pk])).content.decode()
    assert "Skapas som uppdrag till Mikael Löthstam (ny person)" in html
    # No meeting day yet: the year of "19 januari" follows from the day given when confirming.
    assert "(räknas från mötesdatumet)" in html
    assert "”Kommuncheferna” finns inte i registret och står i uppdragstexten" in html


def test_vasterbotten_recommends_the_municipalities_and_the_county_council(client, world, vasterbotten):
    record, response = _import(client, world, VASTERBOTTEN)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    item = meeting.items.get(number="80")
    recommendations = list(Recommendation.objects.order_by("pk"))
    assert len(recommendations) == 2 and {r.item for r in recommendations} == {item}
    first, second = recommendations
    assert first.text.startswith("att rekommendera länets kommuner och Västerbottens läns landsting att besluta")
    assert "att anta huvudpunkterna" in first.text
    assert "Förslag Projektdirektiv" in second.text
    assert first.title == item.title and first.decided_on == date(2018, 9, 27)
    assert first.deadline == date(2018, 9, 27) + timedelta(days=90)
    addressed = set(first.decisions.values_list("principal__name", flat=True))
    municipalities = set(Principal.objects.filter(kind="municipality").values_list("name", flat=True))
    assert len(municipalities) == 15 and addressed == municipalities | {"Västerbottens läns landsting"}
    assert set(first.decisions.values_list("outcome", flat=True)) == {PrincipalDecision.Outcome.PENDING}
    assert first.history.get().history_user == world.secretary
    assert first.decisions.first().history.get().history_user == world.secretary
    record.refresh_from_db()
    assert set(record.recommendations.all()) == set(recommendations) and not record.assignments.exists()
    page = client.get(reverse("importer:preview", args=[record.pk])).content.decode()
    assert "Skapade 0 uppdrag och 2 rekommendationer." in page


def test_halsingeradet_gives_the_chair_an_assignment(client, world):
    record, response = _import(client, world, HALSINGE, date=HALSINGE_DAY)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    chair = meeting.chair
    assert chair.name == "Mikael Löthstam"
    assignment = Assignment.objects.get(item__number="617")
    assert assignment.item.meeting == meeting and assignment.assignee_person == chair
    assert assignment.description.startswith("tillsammans med kommunchef Nicklas Bremefors föra samtal")
    assert assignment.due_date == date(2015, 1, 19)  # "19 januari" after a meeting in December
    assert assignment.report_to == world.group and assignment.status == Assignment.Status.OPEN
    assert assignment.history.get().history_user == world.secretary
    # "Kommuncheferna" is no one registered: the body itself stands in, and the text keeps who.
    chiefs = Assignment.objects.get(item__number="623")
    assert chiefs.assignee_body == world.group and chiefs.assignee_person is None
    assert chiefs.description.startswith("Kommuncheferna får i uppdrag att med utgångspunkt från rapporten")
    assert chiefs.due_date == date(2015, 1, 19)
    # No date in the minutes: the next meeting ("19 januari") is when it is reported back.
    assert Assignment.objects.get(item__number="624").due_date == date(2015, 1, 19)
    assert Assignment.objects.count() == 3 and not Recommendation.objects.exists()
    record.refresh_from_db()
    assert record.assignments.count() == 3


def test_an_assignee_is_matched_to_a_body_of_the_area(client, world):
    Body.objects.filter(pk=world.forum.pk).update(name="Kommunchefsgruppen")
    _import(client, world, HALSINGE, date=HALSINGE_DAY)
    assignment = Assignment.objects.get(item__number="624")
    assert assignment.assignee_body_id == world.forum.pk
    assert assignment.description.startswith("fortsätta beredning")


def test_reimport_replaces_what_the_earlier_import_created(client, world, vasterbotten):
    first, _ = _import(client, world, VASTERBOTTEN)
    before = set(Recommendation.objects.values_list("pk", flat=True))
    upload_path(client, world.group, VASTERBOTTEN)
    second = last_record()
    html = client.get(reverse("importer:preview", args=[second.pk])).content.decode()
    assert (
        "2 uppdrag och rekommendationer från den tidigare importen tas bort och ersätts av dessa (de ikryssade)."
        in html
    )
    assert confirm(client, second, action="update", tick_all=True).status_code == 302
    assert Meeting.objects.count() == 1 and Recommendation.objects.count() == 2
    assert PrincipalDecision.objects.count() == 2 * 16
    assert not before & set(Recommendation.objects.values_list("pk", flat=True))
    second.refresh_from_db()
    assert second.recommendations.count() == 2 and not first.recommendations.exists()


def test_reimport_keeps_follow_through_that_has_started(client, world, vasterbotten):
    _import(client, world, VASTERBOTTEN)
    recommendation = Recommendation.objects.order_by("pk").first()
    decide(recommendation, vasterbotten["council"], user=world.coordinator)
    kept = set(Recommendation.objects.values_list("pk", flat=True))
    upload_path(client, world.group, VASTERBOTTEN)
    second = last_record()
    html = client.get(reverse("importer:preview", args=[second.pk])).content.decode()
    assert "Uppföljningen från den tidigare importen har påbörjats (0 uppdrag, 2 rekommendationer)" in html
    assert "Skapas inte" in html and "Skickas som rekommendation" not in html
    response = confirm(client, second, action="update", tick_all=True)
    assert response.status_code == 302
    assert set(Recommendation.objects.values_list("pk", flat=True)) == kept
    page = client.get(response["Location"]).content.decode()
    assert "behålls som den är" in page
    second.refresh_from_db()
    assert "behålls som den är" in second.followthrough_note and not second.recommendations.exists()
    assert "behålls som den är" in client.get(reverse("importer:preview", args=[second.pk])).content.decode()


def test_reimport_keeps_a_reported_assignment(client, world):
    _import(client, world, HALSINGE, date=HALSINGE_DAY)
    assignment = Assignment.objects.get(item__number="617")
    Assignment.objects.filter(pk=assignment.pk).update(status="reported", reported_item=assignment.item)
    upload_path(client, world.group, HALSINGE)
    assert confirm(client, last_record(), action="update", tick_all=True, date=HALSINGE_DAY).status_code == 302
    assert Assignment.objects.count() == 3 and Assignment.objects.filter(pk=assignment.pk).exists()


def test_an_item_dropped_by_the_reimport_takes_its_follow_through_along(client, world):
    _import(client, world, MADE_UP)
    assert Recommendation.objects.get().item.number == "3"
    dropped = MADE_UP.read_text()
    dropped = dropped[: dropped.index("§ 3 ")] + dropped[dropped.index("§ 4 ") :]
    upload(client, world.group, "reviderat.txt", dropped.encode())
    response = confirm(client, last_record(), action="update", tick_all=True)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not AgendaItem.objects.filter(number="3").exists() and not Recommendation.objects.exists()
    assert Assignment.objects.get().item.number == "2"


def test_a_decided_recommendation_keeps_its_item_and_the_reimport_is_refused(client, world):
    _import(client, world, MADE_UP)
    decide(Recommendation.objects.get(), world.town, user=world.coordinator)
    dropped = MADE_UP.read_text()
    dropped = dropped[: dropped.index("§ 3 ")] + dropped[dropped.index("§ 4 ") :]
    upload(client, world.group, "reviderat.txt", dropped.encode())
    response = confirm(client, last_record(), action="update", tick_all=True)
    assert response.status_code == 400
    assert "hänvisar till ärenden som saknas i protokollet" in response.content.decode()
    assert AgendaItem.objects.filter(number="3").exists() and Recommendation.objects.count() == 1


def test_manual_follow_through_is_never_touched(client, world, vasterbotten):
    _import(client, world, VASTERBOTTEN)
    manual = recommend(Meeting.objects.get().items.get(number="82"), world.coordinator)
    upload_path(client, world.group, VASTERBOTTEN)
    assert confirm(client, last_record(), action="update", tick_all=True).status_code == 302
    assert Recommendation.objects.filter(pk=manual.pk).exists() and Recommendation.objects.count() == 3


def test_a_failure_while_creating_follow_through_undoes_the_whole_import(client, world, vasterbotten, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("follow-through broke")

    monkeypatch.setattr(proposals.actions, "create_recommendation", fail)
    client.force_login(world.secretary)
    client.raise_request_exception = True
    upload_path(client, world.group, VASTERBOTTEN)
    record = last_record()
    with pytest.raises(RuntimeError):
        confirm(client, record, tick_all=True)
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists() and not Document.objects.exists()
    assert not Assignment.objects.exists() and not Recommendation.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PENDING and record.file


def test_an_invalid_proposal_is_refused_with_a_message_and_saves_nothing(client, world, monkeypatch):
    # A recommendation answered before it was decided breaks the model's rule.
    monkeypatch.setattr(proposals, "_deadline", lambda text, day: date(1990, 1, 1))
    client.force_login(world.secretary)
    upload_path(client, world.group, VASTERBOTTEN)
    response = confirm(client, last_record(), tick_all=True)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Svarsdatum kan inte ligga före beslutsdatum." in html and "Inget har sparats." in html
    assert not Meeting.objects.exists() and not Recommendation.objects.exists()


def test_the_made_up_minutes_assign_a_new_person(client, world):
    _import(client, world, MADE_UP)
    assignment = Assignment.objects.get()
    assert assignment.assignee_person.name == "Nils Nykomling" and assignment.item.number == "2"
    assert assignment.due_date == date(2025, 5, 14)
    recommendation = Recommendation.objects.get()
    # "länets kommuner": the area's municipalities.
    assert set(recommendation.decisions.values_list("principal", flat=True)) == {world.town.pk, world.village.pk}


@pytest.mark.parametrize(
    ("written", "day", "expected"),
    [
        ("2015-01-19", date(2014, 12, 10), date(2015, 1, 19)),
        ("XXXX-01-19", date(2014, 12, 10), date(2015, 1, 19)),
        ("XXXX-12-19", date(2014, 12, 10), date(2014, 12, 19)),
        ("XXXX-02-30", date(2014, 12, 10), None),
        ("XXXX-01-19", None, None),
        ("2015-13-01", date(2014, 12, 10), None),
        (None, date(2014, 12, 10), None),
    ],
)
def test_report_back_days(written, day, expected):
    assert proposals.report_back_day(written, day) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("länets kommuner och Västerbottens läns landsting", {"town", "village", "region"}),
        ("länets kommuner", {"town", "village"}),
        ("Stadby kommun", {"town"}),
        ("Region Test och Byn", {"region", "village"}),
        ("huvudmännen", {"town", "village", "region"}),
        ("", {"town", "village", "region"}),
        ("okänd organisation", {"town", "village", "region"}),
    ],
)
def test_addressees(world, written, expected):
    from samverkan.importer.matching import Directory

    found = proposals.Assignees(Directory(world.group)).principals(written)
    names = {world.town.pk: "town", world.village.pk: "village", world.region.pk: "region"}
    assert {names[p.pk] for p in found.principals} == expected
    assert found.to_all == (expected == {"town", "village", "region"})


def test_named_results_of_the_import_helpers(world):
    from samverkan.importer.matching import Directory, name_key
    from samverkan.importer.plan import split_name

    assert split_name("Anna Maria Berg") == ("Anna Maria", "Berg")
    assert split_name("Anna Maria Berg").last == "Berg"
    wanted = proposals.proposals_of({"assignments": [{"item": "1"}]})
    assert (wanted.assignments, wanted.recommendations) == ([{"item": "1"}], [])
    nobody = Directory(world.group).person("Ingen Alls")
    assert (nobody.person, nobody.ambiguous) == (None, False)
    registered = proposals.Assignees(Directory(world.group), {name_key("Ingen Alls"): None})
    assert registered.person("Ingen Alls") == proposals.FoundPerson(person=None, new=True)
