"""Goals and measurements: who sees and keeps them, the staff forms through the actions, a computed value read
on demand and by the worker, the chart and its table agreeing, and the pages' constant query counts."""

import io
import itertools
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.followup import sources
from samverkan.followup.chart import chart_of
from samverkan.followup.models import Goal, Measurement, Source
from samverkan.meetings.models import Attendance
from tests.followthrough_helpers import assign, decision_item, recommend
from tests.meetings_helpers import make_meeting
from tests.worker_helpers import run_worker

TODAY = timezone.localdate()


def make_goal(world, code="E1", **fields):
    fields.setdefault("text", "Minst 75 % av de intervjuade tycker att kontinuiteten är tillfredsställande.")
    fields.setdefault("target_value", Decimal(75))
    fields.setdefault("unit", "%")
    if not any(k in fields for k in ("owner_body", "owner_agreement", "project")):
        fields["owner_body"] = world.forum
    return Goal.objects.create(area=world.area, code=code, **fields)


def measure(goal, days_ago, value, source=Source.ENTERED):
    return Measurement.objects.create(
        goal=goal, measured_on=TODAY - timedelta(days=days_ago), value=Decimal(value), source=source
    )


def public_goal_url(goal):
    return reverse("followup_public:goal", args=[goal.area.slug, goal.pk])


# --- Who sees what --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact", "secretary"])
def test_an_internal_goal_is_404_and_absent_for_those_who_may_not_read_it(client, world, actor):
    public = make_goal(world, "E1")
    hidden = make_goal(world, "E2", text="Hemligt mål kanariefågel", visibility="internal")
    in_secret_body = make_goal(world, "P1", text="Mål i hemliga gruppen", owner_body=world.secret)
    public.traces_to.add(hidden, in_secret_body)
    world.client_for(client, actor)
    for goal in (hidden, in_secret_body):
        assert client.get(public_goal_url(goal)).status_code == 404
    page = client.get(reverse("followup_public:area", args=[world.area.slug])).content.decode()
    assert "E1" in page and "kanariefågel" not in page and "hemliga gruppen" not in page
    shown = client.get(public_goal_url(public)).content.decode()
    # \b: a logged-in page's CSRF token is random text that may hold "P1"
    assert "kanariefågel" not in shown and not re.search(r"\bP1\b", shown)


def test_those_who_keep_the_area_or_sit_in_the_owner_body_read_an_internal_goal(client, world):
    hidden = make_goal(world, "P1", text="Mål i hemliga gruppen", owner_body=world.secret)
    for actor in ("coordinator", "member", "admin"):
        client.logout()
        world.client_for(client, actor)
        assert client.get(public_goal_url(hidden)).status_code == 200, actor


def test_a_goal_shows_the_goals_it_traces_to_and_from(client, world):
    effect = make_goal(world, "E3", text="Effektmålet")
    project = make_goal(world, "P1", text="Projektmålet", kind="project", project="Nära vård")
    project.traces_to.add(effect)
    assert "Bidrar till" in client.get(public_goal_url(project)).content.decode()
    page = client.get(public_goal_url(effect)).content.decode()
    assert "Följs upp genom" in page and "P1" in page


def test_a_goal_of_another_area_is_404_under_this_areas_address(client, world):
    goal = make_goal(world)
    assert client.get(reverse("followup_public:goal", args=[world.other_area.slug, goal.pk])).status_code == 404


# --- Staff forms -------------------------------------------------------------------------------------------------


def goal_form(**values):
    data = {
        "code": "E4",
        "text": "Andelen protokoll som justeras inom 14 dagar ska öka.",
        "kind": "effect",
        "comparison": ">=",
        "target_value": "90",
        "unit": "%",
        "owner_body": "",
        "owner_agreement": "",
        "project": "",
        "source": "computed",
        "measure": "adjusted_in_time",
        "visibility": "public",
    }
    data.update(values)
    return data


def test_a_coordinator_creates_a_goal_and_reads_its_computed_value_now(client, world):
    client.force_login(world.coordinator)
    data = goal_form(owner_body=world.forum.pk)
    response = client.post(reverse("followup:create", args=[world.area.slug]), data)
    assert response.status_code == 302
    goal = Goal.objects.get(area=world.area, code="E4")
    assert goal.history.first().history_user == world.coordinator
    meeting = make_meeting(world.forum, TODAY - timedelta(days=30), status="published")
    meeting.__class__.objects.filter(pk=meeting.pk).update(locked_at=timezone.now() - timedelta(days=25))
    response = client.post(reverse("followup:record", args=[goal.pk]), follow=True)
    assert "Dagens värde är hämtat" in response.content.decode()
    reading = goal.measurements.get()
    assert (reading.value, reading.source, reading.measured_on) == (Decimal(100), Source.COMPUTED, TODAY)
    client.post(reverse("followup:record", args=[goal.pk]))
    assert goal.measurements.count() == 1  # the day's reading replaced, not doubled


def test_reading_a_goal_without_data_says_so_and_saves_nothing(client, world):
    goal = make_goal(world, source=Source.COMPUTED, measure="decision_days")
    client.force_login(world.coordinator)
    response = client.post(reverse("followup:record", args=[goal.pk]), follow=True)
    assert "inget underlag" in response.content.decode()
    assert not goal.measurements.exists()


def test_a_goal_measured_through_a_survey_question_records_its_share_and_never_below_the_minimum(client, world):
    """Issue 15: "share answering 4–5, of at least N respondents"; below N no share is published; a public goal
    reads only a survey whose results are public."""
    from tests.survey_helpers import make_survey
    from tests.test_surveys import answered_directly, closed, opened

    survey = make_survey(world, public=True, minimum=1)
    question = survey.questions.get(kind="scale")
    client.force_login(world.coordinator)
    data = goal_form(code="E1", owner_body=world.forum.pk, source="survey", measure="", survey_question=question.pk)
    response = client.post(reverse("followup:create", args=[world.area.slug]), data)
    assert "Ange ett svar mellan 1 och 5." in response.content.decode() and not Goal.objects.exists()
    data |= {"survey_low": "4", "survey_high": "5", "survey_minimum": "4"}
    assert client.post(reverse("followup:create", args=[world.area.slug]), data).status_code == 302
    goal = Goal.objects.get(code="E1")
    assert goal.survey_question == question and goal.source == Source.SURVEY

    opened(survey)
    answered_directly(survey, [(5, 1, 1, ""), (4, 1, 1, ""), (2, 0, 1, "")])
    record = reverse("followup:record", args=[goal.pk])
    refused = client.post(record, follow=True).content.decode()
    assert "offentliga resultat" in refused and not goal.measurements.exists()  # still open: not public yet
    closed(survey)
    assert "inget underlag" in client.post(record, follow=True).content.decode()  # 3 respondents, minimum 4
    assert not goal.measurements.exists()

    opened(survey)
    answered_directly(survey, [(1, 0, 1, "")])
    closed(survey)
    client.post(record)
    reading = goal.measurements.get()
    assert (reading.value, reading.source) == (Decimal("50.0"), Source.SURVEY)  # 2 of 4 answered 4–5
    assert "4 svarande" in reading.note
    page = client.get(public_goal_url(goal)).content.decode()
    assert "50" in page and "4 svarande" in page


def test_a_survey_share_is_rounded_half_up_like_the_measures(client, world):
    from tests.survey_helpers import make_survey
    from tests.test_surveys import answered_directly, closed, opened

    survey = opened(make_survey(world, public=True, minimum=1))
    goal = make_goal(world, source=Source.SURVEY, survey_question=survey.questions.get(kind="scale"))
    Goal.objects.filter(pk=goal.pk).update(survey_low=5, survey_high=5, survey_minimum=1)
    answered_directly(survey, [(5, 1, 1, "")] + [(1, 1, 1, "")] * 15)
    closed(survey)
    client.force_login(world.coordinator)
    client.post(reverse("followup:record", args=[goal.pk]))
    assert goal.measurements.get().value == Decimal("6.3")  # 1 of 16 is 6.25 %, half up


def test_a_survey_goal_never_reads_a_share_the_survey_itself_withholds(client, world):
    from tests.survey_helpers import make_survey
    from tests.test_surveys import answered_directly, closed, opened

    survey = opened(make_survey(world, public=True, minimum=5))
    goal = make_goal(world, source=Source.SURVEY, survey_question=survey.questions.get(kind="scale"))
    Goal.objects.filter(pk=goal.pk).update(survey_low=4, survey_high=5, survey_minimum=1)
    answered_directly(survey, [(5, 1, 1, "")] + [(1, 1, 1, "")] * 3)  # 4 respondents, below the survey's 5
    closed(survey)
    client.force_login(world.coordinator)
    assert "inget underlag" in client.post(reverse("followup:record", args=[goal.pk]), follow=True).content.decode()
    assert not goal.measurements.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"owner_body": "", "project": ""}, "Ange en ägare"),
        ({"project": "Nära vård"}, "Ange en ägare"),  # two owners
        ({"target_value": "mycket"}, "Fyll i ett tal"),
        ({"measure": ""}, "Välj vilket mått"),
        ({"measure": "attendance", "measure_body": "BODY"}, "Måttet räknas inte per organ"),
        ({"code": "E1"}, "Det finns redan ett mål med den koden"),
        ({"owner_body": "SECRET"}, "Välj ett giltigt alternativ"),
    ],
)
def test_a_wrong_goal_form_says_why_in_swedish_and_saves_nothing(client, world, values, message):
    make_goal(world, "E1")
    client.force_login(world.coordinator)
    data = goal_form(owner_body=world.forum.pk)
    data.update(values)
    for key, value in list(data.items()):
        if value == "BODY":
            data[key] = world.forum.pk
        if value == "SECRET":
            data[key] = world.other_body.pk
    response = client.post(reverse("followup:create", args=[world.area.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Goal.objects.count() == 1


def test_staff_enter_a_measurement_and_a_future_one_is_refused(client, world):
    goal = make_goal(world)
    client.force_login(world.coordinator)
    url = reverse("followup:measurement_create", args=[goal.pk])
    future = {"measured_on": (TODAY + timedelta(days=3)).isoformat(), "value": "80", "note": ""}
    response = client.post(url, future)
    assert response.status_code == 400 and "framtiden" in response.content.decode()
    assert client.post(url, {**future, "measured_on": TODAY.isoformat(), "value": "80,5"}).status_code == 302
    assert goal.measurements.get().value == Decimal("80.5")


@pytest.mark.parametrize("actor", ["secretary", "member", "contact", "outsider"])
def test_only_those_who_keep_the_area_keep_its_goals(client, world, actor):
    goal = make_goal(world)
    world.client_for(client, actor)
    assert client.get(reverse("followup:area", args=[world.area.slug])).status_code == 403
    assert client.get(reverse("followup:edit", args=[goal.pk])).status_code == 403
    assert client.post(reverse("followup:record", args=[goal.pk])).status_code == 403
    hidden = make_goal(world, "P9", visibility="internal")
    if actor != "member":  # a member of the forum reads the forum's internal goal
        assert client.get(reverse("followup:edit", args=[hidden.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes the connection, as the real one does
def test_the_worker_records_every_computed_goal_once_a_day(world, django_capture_on_commit_callbacks):
    goal = make_goal(world, source=Source.COMPUTED, measure="charters")
    make_goal(world, "E2")  # entered by hand: nothing to read
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("record_measures", stdout=io.StringIO())
        run_worker()
    reading = goal.measurements.get()
    # forum complete with current rules; the group and the other public body not (public goal: public bodies)
    assert reading.source == Source.COMPUTED and reading.value == Decimal("50.0")


def test_a_reading_whose_scope_the_caller_knows_costs_only_its_measure(world, django_assert_num_queries):
    public = make_goal(world, source=Source.COMPUTED, measure="charters")
    internal = make_goal(world, "P9", source=Source.COMPUTED, measure="charters", visibility="internal")
    for goal, is_public in ((public, True), (internal, False)):
        with django_assert_num_queries(2):  # the scope, then the measure
            asked = sources.read(goal, TODAY)
        with django_assert_num_queries(1):  # the demo's year of readings reads the scope once for all goals
            assert sources.read(goal, TODAY, public=is_public) == asked
    assert sources.read(public, TODAY) != sources.read(internal, TODAY)  # internal bodies count for internal goals


# --- Chart and table -------------------------------------------------------------------------------------------


def test_the_chart_plots_the_same_numbers_as_the_table(client, world):
    goal = make_goal(world, reference_value=Decimal(60))
    for days_ago, value in [(40, "62"), (30, "70.5"), (20, "76"), (10, "74")]:
        measure(goal, days_ago, value)
    year = (TODAY - timedelta(days=40)).year
    page = client.get(public_goal_url(goal) + f"?ar={year}").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "chart-target" in svg
    plotted = re.findall(r'class="chart-point[^"]*" data-day="([\d-]+)" data-value="([\d.]+)"', svg)
    table = page[page.index('<table class="chart-table"') :]
    listed = re.findall(r'<tr data-day="([\d-]+)" data-value="([\d.]+)"><td>[\d-]+</td><td>([^<]+)</td>', table)
    shown = [(day, value) for day, value, _label in listed]
    this_year = [(str(m.measured_on), f"{m.value}") for m in goal.measurements.filter(measured_on__year=year)]
    assert plotted == shown == sorted(this_year)
    assert [label for *_rest, label in listed] == ["62 %", "70,5 %", "76 %", "74 %"]
    # each point sits where its value is on the 0–100 axis (top 24, height 216 SVG units)
    heights = re.findall(r'translate\([\d.]+ ([\d.]+)\)|cy="([\d.]+)"', svg)
    assert [float(a or b) for a, b in heights] == [round(24 + 216 * (1 - float(v) / 100), 1) for _d, v in shown]
    # each point's label is written in the chart beside it, not told by colour alone
    for *_rest, label in listed:
        assert f">{label}</text>" in svg


def test_the_chart_puts_higher_values_higher_and_draws_the_target_line(world):
    goal = make_goal(world)
    rows = [measure(goal, 20, "50"), measure(goal, 10, "90")]
    chart = chart_of(goal, rows)
    low, high = chart.points
    assert high.y < chart.target_y < low.y  # SVG y grows downwards
    assert low.x < high.x and not low.meets and high.meets
    assert chart_of(goal, []).description == "Inga mätningar ännu."


# --- Query counts ----------------------------------------------------------------------------------------------


def test_the_follow_up_pages_make_a_constant_number_of_queries(client, world, queries):
    def grow(n, start=0):
        for i in range(start, start + n):
            goal = make_goal(world, f"G{i:03}", project=f"Projekt {i}", owner_body=None)
            for d in range(3):
                measure(goal, d * 7 + 1, 50 + i % 40)
            if i % 5 == 0:  # the work the measures count grows too
                item = decision_item(world.forum, day=TODAY - timedelta(days=20 + i % 300))
                Attendance.objects.create(
                    meeting=item.meeting, person=world.member_person, principal=world.town, status="present"
                )
                recommend(item)
                assign(item)

    grow(3)
    area = reverse("followup_public:area", args=[world.area.slug])
    queries.assert_constant(client, area + "?sida=2", lambda: grow(30, 100), at_most=11)
    goal = Goal.objects.get(code="G100")
    queries.assert_constant(
        client, public_goal_url(goal), lambda: [measure(goal, d, 60) for d in range(20, 40)], at_most=8
    )
    client.force_login(world.coordinator)
    queries.assert_constant(client, area, lambda: grow(5, 200), at_most=15)
    staff = reverse("followup:area", args=[world.area.slug])
    queries.assert_constant(client, staff, lambda: grow(5, 300), at_most=8)
    queries.assert_constant(
        client,
        reverse("followup:goal", args=[goal.pk]),
        lambda: [measure(goal, d, 61) for d in range(50, 70)],
        at_most=14,
    )


def test_the_pages_name_each_measure_its_unit_and_its_breakdown(client, world):
    goal = make_goal(world, source=Source.COMPUTED, measure="adjusted_in_time", unit="%")
    make_meeting(world.forum, TODAY - timedelta(days=30), status="published")
    page = client.get(reverse("followup_public:area", args=[world.area.slug])).content.decode()
    assert "<h3>Protokoll justerade inom 14 dagar</h3>" in page
    assert 'aria-label="Närvaro per huvudman"' in page and "<h3></h3>" not in page
    assert '<th scope="col">Huvudman</th>' in page and '<th scope="col">Organ</th>' in page
    shown = client.get(public_goal_url(goal)).content.decode()
    assert "Beräknat: Protokoll justerade inom 14 dagar" in shown


def test_a_public_goal_measured_for_an_internal_body_does_not_name_it_to_outsiders(client, world):
    goal = make_goal(world, source=Source.COMPUTED, measure="adjusted_in_time", measure_body=world.secret)
    shown = client.get(public_goal_url(goal)).content.decode()
    assert "Beräknat: Protokoll justerade inom 14 dagar" in shown and world.secret.name not in shown
    client.force_login(world.coordinator)
    assert world.secret.name in client.get(public_goal_url(goal)).content.decode()
    assert world.secret.name in client.get(reverse("followup:goal", args=[goal.pk])).content.decode()


def test_a_wrong_year_or_page_is_never_an_error(client, world):
    make_goal(world)
    area = reverse("followup_public:area", args=[world.area.slug])
    for query in ("?ar=abc", "?ar=1800", "?ar=99999999999999999999", "?sida=-1", "?ar=%00"):
        response = client.get(area + query)
        assert response.status_code == 200, query
        assert f"Uppföljning {TODAY.year}" in response.content.decode()
    goal = Goal.objects.get()
    assert client.get(public_goal_url(goal) + "?ar=zz").status_code == 200


# --- Demo ------------------------------------------------------------------------------------------------------


def test_the_demo_has_effect_and_project_goals_with_a_year_of_computed_readings(client, demo):
    from samverkan.demo.county import DEMO_AREA_SLUG

    goals = {g.code: g for g in Goal.objects.filter(area__slug=DEMO_AREA_SLUG)}
    assert sorted(goals) == ["E1", "E2", "E3", "E4", "E5", "P1", "P2", "P3", "P4", "P5"]
    assert goals["E3"] in goals["P1"].traces_to.all() and goals["P1"] in goals["E3"].traced_from.all()
    e1 = goals["E1"].measurements.get(source=Source.SURVEY)  # the demo survey's share answering 4–5
    assert e1.measured_on == timezone.localdate() and "svarande" in e1.note
    computed = [g for g in goals.values() if g.source == Source.COMPUTED]
    assert len(computed) == 6
    readings = {g.code: list(g.measurements.values_list("measured_on", flat=True)) for g in computed}
    today = timezone.localdate()
    for code, days in readings.items():  # month ends without a gap, where there was anything to count yet, and today
        month_ends = sorted(d for d in days if d != today)
        assert today in days and len(month_ends) >= 4, code
        for earlier, later in itertools.pairwise(month_ends):
            assert (later + timedelta(days=1)).day == 1 and (earlier + timedelta(days=1)).day == 1, code
            assert (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) == 1, code
    assert sum(len(days) == 13 for days in readings.values()) >= 2  # charters and agreements: every month
    area = reverse("followup_public:area", args=[DEMO_AREA_SLUG])
    page = client.get(area).content.decode()
    for code in ("E1", "E5", "P4"):
        assert f">{code}</a>" in page
    assert ">P5</a>" not in page  # internal
    assert client.get(public_goal_url(goals["P5"])).status_code == 404
    shown = client.get(public_goal_url(goals["E2"])).content.decode()
    assert 'role="img"' in shown and "Beräknat" in shown
