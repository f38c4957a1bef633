"""Nation scale on PostgreSQL (issue 11): the visibility rules are bounded by the area's own rows (no IN over
every visible meeting of the nation), and an assignment's effective due date is stored, kept in step with its
due date and report-back meeting, so its lists sort by a stored column."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough.models import Assignment
from samverkan.meetings.access import readable_items_rule, visible_meetings
from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from samverkan.meetings.views import deferred_candidates
from samverkan.structure.access import may_read, visible_bodies
from samverkan.structure.models import Body
from samverkan.workspace.views import BODIES_PAGE
from tests.access_helpers import ACTORS
from tests.followthrough_helpers import assign, decision_item
from tests.meetings_helpers import make_item, make_meeting


@pytest.mark.parametrize("actor", ACTORS)
def test_the_item_and_meeting_rules_list_no_meetings_of_the_nation(world, actor):
    user = getattr(world, actor, None)  # anonymous: None
    for sql in (
        str(AgendaItem.objects.filter(readable_items_rule(user)).query),
        str(visible_meetings(user).query),
    ):
        # The meeting's and its body's visibility are checked on the joined rows; an IN over a subquery of
        # meetings or bodies made PostgreSQL build that list for the whole nation before narrowing to the area.
        assert not re.search(r'IN \(SELECT [^()]* FROM "(meetings_meeting|structure_body)"', sql), sql


@pytest.mark.parametrize("actor", ACTORS)
def test_visible_meetings_are_those_of_visible_bodies_the_user_may_read(world, actor):
    user = getattr(world, actor, None)  # anonymous: None
    make_meeting(world.secret, timezone.localdate(), visibility="internal")
    make_meeting(world.forum, timezone.localdate(), visibility="internal")
    make_meeting(world.forum, timezone.localdate())
    bodies = set(visible_bodies(user).values_list("pk", flat=True))
    shown = set(visible_meetings(user).values_list("pk", flat=True))
    for meeting in Meeting.objects.select_related("body"):
        readable = may_read(user, meeting.visibility, meeting.body)
        assert (meeting.pk in shown) == (meeting.body_id in bodies and readable), (actor, meeting)


def _stored_matches_computed():
    first_day = Meeting.objects.filter(pk=OuterRef("report_back_meeting_id")).values("first_day")[:1]
    rows = Assignment.objects.annotate(computed=Coalesce("due_date", Subquery(first_day))).values_list(
        "due", "computed"
    )
    return all(due == computed for due, computed in rows)


def test_the_stored_due_date_follows_the_due_date_and_the_report_back_meeting(world):
    item = decision_item(world.forum)
    today = timezone.localdate()
    meeting = make_meeting(world.forum, today + timedelta(days=12))
    dated = assign(item, due_in=40)
    by_meeting = assign(item, due_date=None, report_back_meeting=meeting)
    assert dated.due == dated.due_date and by_meeting.due == today + timedelta(days=12)

    day = meeting.days.get()  # the meeting moves: its first day, then the assignment's due date follow
    day.date = today + timedelta(days=20)
    day.save()
    assert Assignment.objects.get(pk=by_meeting.pk).due == today + timedelta(days=20)
    MeetingDay.objects.filter(meeting=meeting).update(date=today + timedelta(days=25))
    assert Assignment.objects.get(pk=by_meeting.pk).due == today + timedelta(days=25)

    Assignment.objects.filter(pk=by_meeting.pk).update(due_date=today + timedelta(days=3))  # a date of its own
    assert Assignment.objects.get(pk=by_meeting.pk).due == today + timedelta(days=3)
    day.date = today + timedelta(days=30)
    day.save()  # the meeting no longer decides
    assert Assignment.objects.get(pk=by_meeting.pk).due == today + timedelta(days=3)

    by_meeting.refresh_from_db()
    by_meeting.due_date = None
    by_meeting.save(update_fields=["due_date"])
    assert Assignment.objects.get(pk=by_meeting.pk).due == today + timedelta(days=30)

    made = Assignment.objects.bulk_create([Assignment(**_copy(by_meeting)), Assignment(**_copy(dated))])
    assert [a.due for a in made] == [today + timedelta(days=30), dated.due_date]
    assert _stored_matches_computed()

    meeting.delete()  # SET_NULL on the assignment: no date is left
    assert Assignment.objects.get(pk=by_meeting.pk).due is None
    assert Assignment.objects.get(pk=dated.pk).due == dated.due_date
    assert _stored_matches_computed()


def _copy(assignment):
    fields = ("item_id", "assignee_body_id", "description", "due_date", "report_back_meeting_id", "report_to_id")
    return {f: getattr(assignment, f) for f in fields}


def test_the_public_assignment_list_sorts_by_the_stored_due_date(client, world):
    item = decision_item(world.forum)
    today = timezone.localdate()
    meeting = make_meeting(world.forum, today + timedelta(days=15))
    made = [assign(item, due_in=n, description=f"Uppdrag nummer {n}.") for n in (40, 5, 20)]
    made.append(assign(item, due_date=None, report_back_meeting=meeting, description="Uppdrag vid mötet."))
    url = reverse("followthrough_public:assignments", args=[world.area.slug])
    with connection.execute_wrapper(_capture := _Capture()):
        body = client.get(url).content.decode()
    by_due = sorted(made, key=lambda a: (a.due, a.pk))  # due 25 and 10 days ago, in 10 days, the meeting in 15
    assert by_due[-1].description == "Uppdrag vid mötet."
    positions = [body.index(a.description) for a in by_due]
    assert positions == sorted(positions)
    keys = [sql for sql in _capture.sql if 'ORDER BY "followthrough_assignment"."due" ASC' in sql]
    # The keys come ordered by the stored column: no COALESCE over a join to every report-back meeting.
    assert len(keys) == 1 and "COALESCE" not in keys[0].upper(), _capture.sql


class _Capture:
    def __init__(self):
        self.sql = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def test_deferred_candidates_are_two_index_lookups_and_keep_what_they_found(world):
    earlier = make_meeting(world.forum, date(2026, 1, 10))
    cancelled = make_meeting(world.forum, date(2026, 1, 20), status="cancelled")
    meeting = make_meeting(world.forum, date(2026, 2, 1))
    older = make_meeting(world.forum, date(2025, 12, 1))
    kept = make_item(earlier, "1", "Bordlagt förra mötet", outcome="deferred")
    make_item(cancelled, "1", "Bordlagt vid inställt möte", outcome="deferred")
    make_item(older, "1", "Bordlagt för länge sedan", outcome="deferred")
    sent = make_item(older, "2", "Bordlagt till detta möte", outcome="deferred", deferred_to=meeting)
    make_item(make_meeting(world.group, date(2026, 1, 15)), "1", "Annat organ", outcome="deferred")
    found = deferred_candidates(meeting)
    assert {i.pk for i in found} == {kept.pk, sent.pk}
    # The previous meeting is a scalar subquery: an IN (SELECT …) inside the OR made PostgreSQL scan every item.
    assert "IN (SELECT" not in str(found.query), str(found.query)
    assert {i.pk for i in deferred_candidates(make_meeting(world.forum))} == set()  # no day: only deferred_to


def test_the_start_page_lists_the_bodies_a_page_at_a_time(client, world, queries):
    client.force_login(world.admin)
    url = reverse("dashboard")
    # Complete charters, so the new bodies are not listed again among the charter problems.
    full = {"charter": "Uppdrag.", "mandate": "Mandat.", "reporting_route": "Till forum."}
    full["rules_next_review"] = date(2099, 1, 1)

    def grow():
        Body.objects.bulk_create(
            Body(area=world.other_area, name=f"Organ {n:03}", slug=f"organ-{n:03}", **full)
            for n in range(BODIES_PAGE + 5)
        )

    queries.assert_constant(client, url, grow, at_most=14)
    first = client.get(url).content.decode()
    shown = [n for n in range(BODIES_PAGE + 5) if f">Organ {n:03}<" in first]
    total = Body.objects.count()
    assert len(re.findall(r'href="/hantera/organ/\d+/"', first)) <= BODIES_PAGE + 10  # not every body of the nation
    assert "?organ=2" in first
    rest = client.get(url + "?organ=2").content.decode()
    later = [n for n in range(BODIES_PAGE + 5) if f">Organ {n:03}<" in rest]
    assert shown and later and not set(shown) & set(later) and total > BODIES_PAGE


def test_the_coming_meetings_start_near_today_not_at_the_oldest_meeting(world):
    """The coming meetings are read from the earliest first day of any meeting with a day ahead: without that bound
    PostgreSQL read the first-day index from the oldest meeting of every area (17,600 past meetings of three areas
    for one calendar, 10 ms, growing with history). A meeting that began before today and goes on is still coming."""
    from samverkan.meetings.public import upcoming

    today = timezone.localdate()
    for years in range(1, 4):
        make_meeting(world.forum, today - timedelta(days=365 * years))  # the past
    going_on = make_meeting(world.forum, today - timedelta(days=2), today + timedelta(days=1))
    soon = make_meeting(world.group, today + timedelta(days=3))
    coming = list(upcoming(Meeting.objects.all()))
    assert [m.pk for m in coming] == [going_on.pk, soon.pk]
    sql, params = upcoming(Meeting.objects.all()).query.sql_with_params()
    assert re.search(r'"meetings_meeting"\."first_day" >= \(SELECT MIN\(U0\."first_day"\) FILTER', sql), sql
