"""Every computed measure against a small data set counted by hand, in the public and the full scope, on both
databases; the measures page makes a constant number of queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from samverkan.agreements import actions as agreement_actions
from samverkan.agreements.models import Agreement
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.followup.measures import MEASURES, all_measures
from samverkan.meetings.models import Attendance, Meeting, PaperAdjustment
from samverkan.structure.models import Body, Person
from tests.meetings_helpers import make_item, make_meeting

TODAY = date(2025, 12, 31)  # the measures are asked "as of" this day
PUBLISHED, HELD = Meeting.Status.PUBLISHED, Meeting.Status.HELD


def at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


def lock(meeting, day, status=PUBLISHED):
    Meeting.objects.filter(pk=meeting.pk).update(locked_at=at(day), status=status)


def attend(meeting, person, principal, status="present", group="voting"):
    Attendance.objects.create(meeting=meeting, person=person, principal=principal, status=status, group=group)


def recommendation(item, decided_on, answers):
    """A recommendation decided on `decided_on` with one decision per (principal, outcome, day) in `answers`."""
    rec = Recommendation.objects.create(
        item=item, title="R", text="Anta.", decided_on=decided_on, deadline=decided_on + timedelta(days=200)
    )
    for principal, outcome, day in answers:
        PrincipalDecision.objects.create(recommendation=rec, principal=principal, outcome=outcome, decided_on=day)
    return rec


@pytest.fixture
def counted(world):
    """The hand-counted set (see each test for the count)."""
    w = world
    chair = Person.objects.get(slug="olle-ordforande")
    villager = Person.objects.create(first_name="Vera", last_name="By", slug="vera-by", employer=w.village)
    # 2024: one published forum meeting, adjusted after 20 days.
    m1 = make_meeting(w.forum, date(2024, 3, 10), status=HELD)
    attend(m1, chair, w.region)
    attend(m1, w.member_person, w.town, "absent")
    attend(m1, villager, w.village)
    attend(m1, w.insider, w.region, group="other")  # others present are not counted
    item1 = make_item(m1, "1", "Överenskommelse", kind="decision")
    lock(m1, date(2024, 3, 30))
    # 2025
    m2 = make_meeting(w.forum, date(2025, 2, 10), status=HELD)
    attend(m2, chair, w.region)
    attend(m2, w.member_person, w.town)
    item2 = make_item(m2, "1", "Beslut", kind="decision")
    m3 = make_meeting(w.forum, date(2025, 4, 10), status=HELD)  # held, never adjusted
    attend(m3, chair, w.region, "absent_notice")
    attend(m3, w.member_person, w.town)
    item3 = make_item(m3, "1", "Återrapport")
    m4 = make_meeting(w.secret, date(2025, 5, 10), status=HELD)  # an internal body
    attend(m4, w.insider, w.region)
    attend(m4, w.member_person, w.town, "absent")
    attend(m4, villager, w.village, "absent")
    item4 = make_item(m4, "1", "Internt beslut", kind="decision")
    m6 = make_meeting(w.group, date(2025, 6, 1), status=HELD)  # adjusted on paper on day 9
    item6 = make_item(m6, "1", "Återrapport")
    m5 = make_meeting(w.forum, date(2025, 9, 1), status=Meeting.Status.CANCELLED)
    attend(m5, chair, w.region)
    make_meeting(w.forum, date(2025, 12, 28), status=HELD)  # its 14 days have not run out
    lock(m2, date(2025, 2, 20))
    lock(m4, date(2025, 6, 1))
    PaperAdjustment.objects.create(meeting=m6, adjusted_on=date(2025, 6, 10), signed_by="Olle Ordförande")
    lock(m6, date(2025, 7, 1), status=Meeting.Status.ADJUSTED)

    def assignment(item, due, reported=None, status="open"):
        Assignment.objects.create(
            item=item,
            assignee_body=w.group,
            report_to=item.meeting.body,
            description="Följ upp.",
            due_date=due,
            reported_item=reported,
            status="reported" if reported else status,
        )

    assignment(item2, date(2025, 3, 31), item3)  # reported 10 days late
    assignment(item2, date(2025, 5, 1), item3)  # on time
    assignment(item2, date(2025, 6, 1))  # never reported
    assignment(item4, date(2025, 6, 15), item6)  # on time, internal
    assignment(item2, date(2026, 3, 1))  # not due yet
    assignment(item2, date(2025, 4, 1), status="cancelled")

    adopted, will_not = PrincipalDecision.Outcome.ADOPTED, PrincipalDecision.Outcome.WILL_NOT_DECIDE
    feb10 = date(2025, 2, 10)
    recommendation(item2, feb10, [(w.region, adopted, feb10 + timedelta(30)), (w.town, adopted, feb10 + timedelta(60))])
    recommendation(item2, feb10, [(w.region, adopted, feb10 + timedelta(10)), (w.town, will_not, None)])
    recommendation(
        item2, feb10, [(w.region, adopted, feb10 + timedelta(100)), (w.town, PrincipalDecision.Outcome.PENDING, None)]
    )
    recommendation(item4, date(2025, 5, 10), [(w.region, adopted, date(2025, 5, 30))])
    recommendation(item2, feb10, [(w.region, adopted, feb10 + timedelta(40)), (w.town, adopted, feb10 + timedelta(40))])

    full = {"charter": "Uppdrag.", "mandate": "Mandat.", "reporting_route": "Till forum."}
    Body.objects.create(
        area=w.area,
        name="Gammal",
        slug="gammal",
        dissolved=date(2024, 6, 30),
        rules_next_review=date(2030, 1, 1),
        **full,
    )
    Body.objects.create(
        area=w.area, name="Ny", slug="ny", established=date(2025, 3, 1), rules_next_review=date(2025, 6, 30), **full
    )
    Body.objects.create(
        area=w.area,
        name="Ny två",
        slug="ny-tva",
        established=date(2025, 1, 1),
        rules_adopted=date(2025, 2, 1),
        rules_next_review=date(2027, 1, 1),
        **full,
    )

    def agreement(title, follow_up, **fields):
        return Agreement.objects.create(area=w.area, owner=w.forum, title=title, next_follow_up=follow_up, **fields)

    agreement("Försenad", date(2025, 10, 1))
    agreement("I tid", date(2026, 2, 1))
    agreement("Intern och försenad", date(2025, 1, 1), visibility="internal")
    expired = agreement("Upphörd", date(2025, 5, 1), valid_to=date(2025, 6, 30))
    expired.parties.set([w.region])
    expired = agreement_actions.send_for_adoption(
        expired, item1, None, title="Anta", text="Anta.", decided_on=date(2024, 3, 10), deadline=date(2024, 6, 1)
    )
    # adopted after 30 days: also the one recommendation of 2024 in the median
    expired.adoption.decisions.update(outcome=adopted, decided_on=date(2024, 4, 9))
    return w


def figures(world, key, public, years=(2024, 2025)):
    return MEASURES[key](world.area, list(years), public=public, today=TODAY)


def by_name(result, year):
    return {name: cells[year].value for name, _pk, cells in result.groups if year in cells}


@pytest.mark.parametrize("public", [False, True])
def test_attendance_per_principal(counted, public):
    result = figures(counted, "attendance", public)
    # 2024: region present, town absent, village present (the "other present" row is not counted).
    assert result.total[2024].value == Decimal("66.7")
    assert (result.total[2024].hits, result.total[2024].counted) == (2, 3)
    if public:  # only the published minutes of public bodies: M2
        assert (result.total[2025].hits, result.total[2025].counted) == (2, 2)
        assert by_name(result, 2025) == {"Region Test": Decimal("100.0"), "Stadby kommun": Decimal("100.0")}
    else:  # M2, M3 (held), M4 (internal body); the cancelled meeting not
        assert (result.total[2025].hits, result.total[2025].counted) == (4, 7)
        assert result.total[2025].value == Decimal("57.1")
        assert by_name(result, 2025) == {
            "Byn kommun": Decimal("0.0"),
            "Region Test": Decimal("66.7"),
            "Stadby kommun": Decimal("66.7"),
        }


@pytest.mark.parametrize("public", [False, True])
def test_assignments_reported_on_time(counted, public):
    result = figures(counted, "assignments_on_time", public)
    assert 2024 not in {y for y, f in result.total.items() if f.counted}
    if public:
        assert (result.total[2025].hits, result.total[2025].counted) == (1, 3)
        assert by_name(result, 2025) == {"Ledningsforum": Decimal("33.3")}
    else:
        assert (result.total[2025].hits, result.total[2025].counted) == (2, 4)
        assert by_name(result, 2025) == {"Hemliga gruppen": Decimal("100.0"), "Ledningsforum": Decimal("33.3")}


@pytest.mark.parametrize("public", [False, True])
def test_median_days_to_last_decision(counted, public):
    result = figures(counted, "decision_days", public)
    assert (result.total[2024].counted, result.total[2024].value) == (1, Decimal("30.0"))  # the agreement's adoption
    if public:  # 60, 10, 40 days
        assert (result.total[2025].counted, result.total[2025].value) == (3, Decimal("40.0"))
        assert by_name(result, 2025) == {"Ledningsforum": Decimal("40.0")}
    else:  # 10, 20, 40, 60: the middle two's mean
        assert (result.total[2025].counted, result.total[2025].value) == (4, Decimal("30.0"))
        assert by_name(result, 2025) == {"Hemliga gruppen": Decimal("20.0"), "Ledningsforum": Decimal("40.0")}


@pytest.mark.parametrize("public", [False, True])
def test_bodies_with_complete_charter_and_current_rules(counted, public):
    result = figures(counted, "charters", public)
    if public:  # forum, group, Ny, Ny två in 2025
        assert (result.total[2024].hits, result.total[2024].counted) == (1, 2)
        assert (result.total[2025].hits, result.total[2025].counted) == (2, 4)
        assert result.total[2025].value == Decimal("50.0")
    else:
        assert (result.total[2024].hits, result.total[2024].counted) == (1, 3)
        assert (result.total[2025].hits, result.total[2025].counted) == (2, 5)
        assert result.total[2025].value == Decimal("40.0")


@pytest.mark.parametrize("public", [False, True])
def test_minutes_adjusted_within_14_days(counted, public):
    result = figures(counted, "adjusted_in_time", public)
    assert (result.total[2024].hits, result.total[2024].counted) == (0, 1)
    if public:  # M2 in time, M3 never, M6 on paper in time
        assert (result.total[2025].hits, result.total[2025].counted) == (2, 3)
        assert by_name(result, 2025) == {"Chefsgruppen": Decimal("100.0"), "Ledningsforum": Decimal("50.0")}
    else:  # and M4 after 22 days
        assert (result.total[2025].hits, result.total[2025].counted) == (2, 4)
        assert result.total[2025].value == Decimal("50.0")
        assert by_name(result, 2025)["Hemliga gruppen"] == Decimal("0.0")


@pytest.mark.parametrize("public", [False, True])
def test_agreements_overdue_for_follow_up(counted, public):
    result = figures(counted, "agreements_overdue", public)
    assert 2024 not in result.total  # not stored for earlier days
    assert result.total[2025].value == (Decimal(1) if public else Decimal(2))


def test_every_measure_in_seven_queries(counted, django_assert_num_queries):
    with django_assert_num_queries(7):
        results = all_measures(counted.area, [2021, 2022, 2023, 2024, 2025], public=False, today=TODAY)
    assert [r.measure.key for r in results] == list(MEASURES)
