"""The stored deciding area of assignments and recommendations (issue 11): equal to the area of the item's meeting's
body after every way of creating or moving them, and what the area lists read instead of a path through the
agenda items."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough.access import (
    in_area,
    public_assignments,
    visible_assignments,
    visible_recommendations,
)
from samverkan.followthrough.models import Assignment, Recommendation
from samverkan.meetings.models import AgendaItem
from samverkan.structure.models import Body
from tests.followthrough_helpers import assign, decision_item, recommend
from tests.meetings_helpers import make_item, make_meeting

ITEMS = AgendaItem._meta.db_table


def computed(row):
    """The area of the row's item's meeting's body, read from the database as it is now."""
    return type(row).objects.filter(pk=row.pk).values_list("item__meeting__body__area_id", flat=True).get()


def stored(row):
    return type(row).objects.filter(pk=row.pk).values_list("area_id", flat=True).get()


def assert_in_step(*rows):
    for row in rows:
        assert stored(row) == computed(row), row


def test_created_rows_store_their_items_area(world):
    here = decision_item(world.forum)
    there = decision_item(world.other_body)
    rows = [assign(here), recommend(here), recommend(there, principals=[])]
    assert [stored(r) for r in rows] == [world.area.pk, world.area.pk, world.other_area.pk]
    # An instance whose item was fetched without its meeting and body asks the database once.
    bare = AgendaItem.objects.get(pk=there.pk)
    with CaptureQueriesContext(connection) as captured:
        made = Assignment.objects.create(
            item=bare, assignee_body=world.other_body, report_to=world.other_body, description="x", due_date=None
        )
    assert stored(made) == world.other_area.pk
    assert any(ITEMS in q["sql"] and "INSERT" not in q["sql"] for q in captured.captured_queries)


def test_bulk_create_stores_the_area(world):
    here, there = decision_item(world.forum), decision_item(world.other_body)
    day = timezone.localdate()
    made = Assignment.objects.bulk_create(
        Assignment(item=i, assignee_body=i.meeting.body, report_to=i.meeting.body, description="x", due_date=day)
        for i in (here, there)
    )
    recs = Recommendation.objects.bulk_create(
        Recommendation(item=i, title="r", text="t", decided_on=day, deadline=day) for i in (here, there)
    )
    assert [stored(r) for r in made + recs] == [world.area.pk, world.other_area.pk] * 2


def test_moving_an_item_a_meeting_or_a_body_keeps_the_area_in_step(world):
    item = decision_item(world.forum)
    rows = [assign(item), recommend(item)]
    # An item moved to a meeting of another area.
    elsewhere = make_meeting(world.other_body, timezone.localdate() - timedelta(days=5), status="published")
    item = AgendaItem.objects.get(pk=item.pk)
    item.meeting = elsewhere
    item.save()
    assert {stored(r) for r in rows} == {world.other_area.pk}
    assert_in_step(*rows)
    # That meeting moved to a body of the first area.
    elsewhere.body = world.group
    elsewhere.save()
    assert {stored(r) for r in rows} == {world.area.pk}
    # That body moved to the other area (the admin offers each of these).
    group = Body.objects.get(pk=world.group.pk)
    group.area = world.other_area
    group.save()
    assert {stored(r) for r in rows} == {world.other_area.pk}
    assert_in_step(*rows)


def test_saving_without_a_move_writes_no_area(world):
    item = decision_item(world.forum)
    assign(item)
    item = AgendaItem.objects.get(pk=item.pk)
    with CaptureQueriesContext(connection) as captured:
        item.title = "Ny rubrik"
        item.save()
        world.forum.save()
    assert not [q for q in captured.captured_queries if q["sql"].startswith('UPDATE "followthrough_')]


def test_an_assignment_given_another_item_takes_its_area(world):
    assignment = assign(decision_item(world.forum))
    assignment = Assignment.objects.get(pk=assignment.pk)
    assignment.item = decision_item(world.other_body)
    assignment.save(update_fields=["item"])
    assert stored(assignment) == world.other_area.pk
    recommendation = Recommendation.objects.get(pk=recommend(decision_item(world.forum, number="2")).pk)
    recommendation.item_id = make_item(
        make_meeting(world.other_body, timezone.localdate(), status="published"), "1", "Annan"
    ).pk
    recommendation.save()
    assert stored(recommendation) == world.other_area.pk


def test_the_area_lists_read_the_stored_area_not_the_items(world):
    """The staff lists of an area's keepers reach no agenda item at all; the public lists filter on the stored
    area (the visibility rule still reads each row's item)."""
    staff = [
        in_area(visible_assignments(world.coordinator), world.coordinator, world.area),
        in_area(visible_recommendations(world.coordinator), world.coordinator, world.area),
    ]
    for listed in staff:
        sql = str(listed.order_by("pk").query)
        assert ITEMS not in sql and f'"{listed.model._meta.db_table}"."area_id" = ' in sql.replace("`", '"'), sql
    for listed in (
        in_area(visible_assignments(world.member), world.member, world.area),
        public_assignments().filter(area=world.area),
    ):
        sql = str(listed.query)
        assert '"followthrough_assignment"."area_id" = ' in sql and '"structure_body"."area_id"' not in sql, sql


def test_the_public_lists_filter_on_the_stored_area(client, world):
    """Each public list of an area, the assignments' export and a principal's decisions filter their rows on the
    stored area."""
    item = decision_item(world.forum)
    assign(item)
    recommend(item)
    principal = world.area.principals.order_by("pk").first()
    for name, table, args in (
        ("assignments", "followthrough_assignment", [world.area.slug]),
        ("assignments_csv", "followthrough_assignment", [world.area.slug]),
        ("board", "followthrough_recommendation", [world.area.slug]),
        ("principal", "followthrough_recommendation", [world.area.slug, principal.slug]),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(f"followthrough_public:{name}", args=args))
            assert response.status_code == 200
            b"".join(response.streaming_content) if response.streaming else response.content
        listing = [q["sql"].replace("`", '"') for q in captured.captured_queries]
        assert any(f'"{table}"."area_id" = ' in sql for sql in listing), (name, listing)


def test_an_update_of_the_item_stores_the_area(world):
    here, there = decision_item(world.forum), decision_item(world.other_body)
    rows = [assign(here), recommend(here)]
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(item=there)
    assert {stored(r) for r in rows} == {world.other_area.pk}
    Assignment.objects.filter(pk=rows[0].pk).update(item_id=here.pk, description="tillbaka")
    assert_in_step(*rows)


def test_an_item_loaded_without_its_meeting_moves_its_rows_too(world):
    item = decision_item(world.forum)
    row = assign(item)
    partial = AgendaItem.objects.only("pk", "title").get(pk=item.pk)
    partial.meeting = make_meeting(world.other_body, timezone.localdate(), status="published")
    partial.save()
    assert stored(row) == world.other_area.pk
    # A save naming other fields leaves the rows alone (nothing of theirs changed).
    with CaptureQueriesContext(connection) as captured:
        partial.title = "Annan rubrik"
        partial.save(update_fields=["title"])
    assert not [q for q in captured.captured_queries if q["sql"].startswith('UPDATE "followthrough_')]


# -- the stored public flag (`StoresArea.public`) ------------------------------------------------------------------


def stored_public(row):
    return type(row).objects.filter(pk=row.pk).values_list("public", flat=True).get()


def computed_public(row):
    """The visitor's rule (`readable_items_rule(None)` and `decisions_readable_rule(None)` on the row's item), read
    from the database as it is now: not the stored flag and not `public_item_rule`, so a drift of either shows."""
    from samverkan.meetings.access import decisions_readable_rule, readable_items_rule

    rule = readable_items_rule(None, "item__") & decisions_readable_rule(None, "item__")
    return type(row).objects.filter(rule, pk=row.pk).exists()


def assert_public_in_step(*rows):
    for row in rows:
        assert stored_public(row) == computed_public(row), row


def test_created_rows_store_whether_the_public_sees_them(world):
    shown = decision_item(world.forum)
    internal_item = decision_item(world.forum, number="2", visibility="internal")
    secret_body = decision_item(world.secret)
    held = decision_item(world.forum, number="3", meeting_fields={"status": "held"})
    rows = [assign(i) for i in (shown, internal_item, secret_body, held)]
    rows += [recommend(i, principals=[]) for i in (shown, internal_item, held)]
    assert [stored_public(r) for r in rows] == [True, False, False, False, True, False, False]
    assert_public_in_step(*rows)
    day = timezone.localdate()
    made = Assignment.objects.bulk_create(
        Assignment(item=i, assignee_body=world.forum, report_to=world.forum, description="x", due_date=day, public=True)
        for i in (shown, internal_item)
    )
    assert [stored_public(r) for r in made] == [True, False]  # never taken as given


def test_every_change_of_what_the_public_sees_stores_the_flag_again(world):
    from samverkan.meetings import actions as meeting_actions

    item = decision_item(world.forum, meeting_fields={"status": "held"})
    meeting = item.meeting
    rows = [assign(item), recommend(item, principals=[])]
    assert {stored_public(r) for r in rows} == {False}
    # The minutes published through the meetings' action (locked row, the action's own save).
    meeting = type(meeting).objects.get(pk=meeting.pk)
    meeting.status = "adjusted"  # signed: what the signing action leaves
    meeting.save(update_fields=["status"])
    meeting_actions.take_step(meeting, meeting_actions.PUBLISH, world.secretary)
    assert {stored_public(r) for r in rows} == {True}
    # The item made internal, and public again.
    for visibility, expected in (("internal", False), ("public", True)):
        loaded = AgendaItem.objects.get(pk=item.pk)
        loaded.visibility = visibility
        loaded.save(update_fields=["visibility"])
        assert {stored_public(r) for r in rows} == {expected}
    # The meeting made internal; the body made internal; each restored.
    meeting = type(meeting).objects.get(pk=meeting.pk)
    meeting.visibility = "internal"
    meeting.save()
    assert {stored_public(r) for r in rows} == {False}
    meeting.visibility = "public"
    meeting.save()
    body = Body.objects.get(pk=world.forum.pk)
    body.visibility = "internal"
    body.save()
    assert {stored_public(r) for r in rows} == {False}
    body.visibility = "public"
    body.save()
    assert {stored_public(r) for r in rows} == {True}
    # The item moved to an internal body's meeting; the assignment given another item (update and save).
    loaded = AgendaItem.objects.get(pk=item.pk)
    loaded.meeting = make_meeting(world.secret, timezone.localdate(), status="published")
    loaded.save()
    assert {stored_public(r) for r in rows} == {False}
    Assignment.objects.filter(pk=rows[0].pk).update(item=decision_item(world.forum, number="9"))
    assert stored_public(rows[0]) is True
    assert_public_in_step(*rows)


def test_a_visitors_lists_read_the_stored_flag_and_no_agenda_item(client, world):
    """A visitor's assignments and recommendations of an area are the rows whose stored flag is set: no join to
    the agenda items, meetings or bodies, and the same rows as the rule on the items."""
    from django.contrib.auth.models import AnonymousUser

    items = [decision_item(world.forum), decision_item(world.forum, number="2", visibility="internal")]
    rows = [assign(i) for i in items] + [recommend(i, principals=[]) for i in items]
    visitor = AnonymousUser()
    for listed in (
        in_area(visible_assignments(visitor), visitor, world.area),
        in_area(visible_recommendations(visitor), visitor, world.area),
    ):
        sql = str(listed.query)
        assert ITEMS not in sql and '."public"' in sql, sql
        assert {r.pk for r in listed} == {r.pk for r in rows if type(r) is listed.model and computed_public(r)}
    response = client.get(reverse("followthrough_public:assignments", args=[world.area.slug]))
    assert response.status_code == 200
    assert rows[0].description.encode() in response.content


def test_a_queryset_update_of_an_item_meeting_or_body_stores_the_flag_again(world):
    """QuerySet.update and bulk_update send no post_save; `lib.watched` tells follow-through all the same. An update
    of fields nothing copies costs no query more."""
    from samverkan.meetings.models import Meeting

    item = decision_item(world.forum, meeting_fields={"status": "held"})
    rows = [assign(item), recommend(item, principals=[])]
    Meeting.objects.filter(pk=item.meeting_id).update(status="published")
    assert {stored_public(r) for r in rows} == {True}
    AgendaItem.objects.filter(pk=item.pk).update(visibility="internal")
    assert {stored_public(r) for r in rows} == {False}
    loaded = AgendaItem.objects.get(pk=item.pk)
    loaded.visibility = "public"
    AgendaItem.objects.bulk_update([loaded], ["visibility"])
    assert {stored_public(r) for r in rows} == {True}
    Body.objects.filter(pk=world.forum.pk).update(visibility="internal")
    assert {stored_public(r) for r in rows} == {False}
    Body.objects.filter(pk=world.forum.pk).update(area=world.other_area, visibility="public")
    assert {stored(r) for r in rows} == {world.other_area.pk}
    assert_in_step(*rows)
    assert_public_in_step(*rows)
    with CaptureQueriesContext(connection) as captured:
        Meeting.objects.filter(pk=item.meeting_id).update(place="Annan lokal")
    keys_or_copies = [
        q["sql"]
        for q in captured.captured_queries
        if "followthrough_" in q["sql"] or q["sql"].startswith('SELECT "meetings_meeting"."id" AS "pk"')
    ]
    assert not keys_or_copies


def test_a_list_of_assignments_reads_the_areas_apart_from_its_rows(client, world):
    """The rows of an assignment list come without the five joins to the areas (PostgreSQL's planner spent more on
    them than on the rows, issue 11); the areas come in one query of their own, and the links still name them."""
    item = decision_item(world.forum)
    assign(item, assignee_principal=world.town, assignee_body=None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("followthrough_public:assignments", args=[world.area.slug]))
    assert response.status_code == 200
    rows = [q["sql"] for q in captured.captured_queries if 'FROM "followthrough_assignment"' in q["sql"]]
    assert rows and not [sql for sql in rows if "structure_area" in sql], rows
    assert world.town.get_absolute_url().encode() in response.content
    assert world.forum.get_absolute_url().encode() in response.content


def test_the_overview_reads_the_meetings_stored_days_not_every_meeting_day(client, world):
    """The overview's years and a year's decisions come from the meetings' stored first and last days (issue 11);
    no query reads the meeting days of the area's whole history."""
    item = decision_item(world.forum, day=timezone.localdate() - timedelta(days=400))
    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("followthrough:overview", args=[world.area.slug]))
    assert response.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "meetings_meetingday" in q["sql"]]
    year = item.meeting.first_day.year
    response = client.get(reverse("followthrough:overview", args=[world.area.slug]) + f"?ar={year}")
    assert item.title.encode() in response.content


def test_every_recommendation_the_overview_links_opens_for_the_user(client, world):
    """The overview lists every recommendation the user may see, and each link opens for that user: the staff page
    where the user follows up the body (its secretary, the area's coordinator), the public page otherwise. A
    secretary of another body got "Ingen behörighet" (403) from the staff link of every other body's one."""
    forum = recommend(decision_item(world.forum, title="Forumets handlingsplan"))
    group = recommend(decision_item(world.group, number="2", title="Gruppens handlingsplan"))

    def staff(r):
        return reverse("followthrough:recommendation", args=[r.pk])

    def public(r):
        return reverse("followthrough_public:recommendation", args=[world.area.slug, r.pk])

    for user, followed, not_followed in ((world.secretary, [group], [forum]), (world.coordinator, [forum, group], [])):
        client.force_login(user)
        html = client.get(reverse("followthrough:overview", args=[world.area.slug])).content.decode()
        links = [staff(r) for r in followed] + [public(r) for r in not_followed]
        assert all(f'href="{link}"' in html for link in links), (user, links)
        assert not [r for r in not_followed if f'href="{staff(r)}"' in html]
        assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_the_start_pages_warnings_can_read_their_partial_indexes(world):
    """`adjustment_overdue` and `notice_overdue` match the partial indexes of the few unlocked or adjusted minutes
    (meetings 0017), so the database need not scan every locked meeting of the nation (issue 11). PostgreSQL is
    told not to scan the table, so the plan shows whether the index can answer the query at all."""
    from samverkan.meetings.models import Meeting

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for listed, index in (
            (Meeting.objects.adjustment_overdue(), "meeting_unlocked_first_day"),
            (Meeting.objects.notice_overdue(), "meeting_adjusted_locked"),
        ):
            assert index in listed.order_by().explain(), index
