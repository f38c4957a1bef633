"""Meetings: validation, numbering, the year plan, agendas and deferred items, through the staff pages."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from samverkan.meetings.numbering import propose_number
from tests.meetings_helpers import make_item, make_meeting


def test_end_time_must_be_after_start(world):
    meeting = make_meeting(world.group)
    day = MeetingDay(meeting=meeting, date=date(2026, 3, 1), start=time(13), end=time(9))
    with pytest.raises(ValidationError) as error:
        day.full_clean()
    assert "Sluttiden måste ligga efter starttiden." in error.value.message_dict["end"]


def test_one_day_per_date_and_meeting(world):
    meeting = make_meeting(world.group, date(2026, 3, 1))
    with pytest.raises(ValidationError) as error:
        MeetingDay(meeting=meeting, date=date(2026, 3, 1), start=time(9)).full_clean()
    assert "Mötet har redan en dag med det datumet." in error.value.message_dict["date"]


def test_item_numbers_are_unique_per_meeting(world):
    meeting = make_meeting(world.group, date(2026, 3, 1))
    make_item(meeting, "1", "Öppnande")
    with pytest.raises(ValidationError) as error:
        AgendaItem(meeting=meeting, number=" 1 ", title="Igen").full_clean()
    assert "numret 1" in error.value.message_dict["number"][0]
    other = make_meeting(world.group, date(2026, 4, 1))
    AgendaItem(meeting=other, number="1", title="Öppnande").full_clean()


def test_continuous_numbering_runs_through_the_year(world):
    forum = world.forum  # continuous by default
    spring = make_meeting(forum, date(2025, 3, 1))
    autumn = make_meeting(forum, date(2025, 10, 1))
    for n in range(1, 15):
        make_item(spring if n < 8 else autumn, str(n), f"Ärende {n}")
    assert propose_number(autumn) == "15"
    assert propose_number(make_meeting(forum, date(2025, 12, 1))) == "15"
    assert propose_number(make_meeting(forum, date(2026, 1, 20))) == "1"


def test_per_meeting_numbering_restarts_each_meeting(world):
    group = world.group
    group.numbering = "per_meeting"
    group.save()
    first = make_meeting(group, date(2025, 3, 1))
    make_item(first, "1", "Öppnande")
    make_item(first, "2", "Lägesbild")
    make_item(first, "2.1", "Underpunkt")
    assert propose_number(first) == "3"
    assert propose_number(make_meeting(group, date(2025, 4, 1))) == "1"


def test_numbering_ignores_text_that_is_not_a_number(world):
    meeting = make_meeting(world.forum, date(2025, 3, 1))
    make_item(meeting, "§ 7", "Med tecken")
    make_item(meeting, "övrigt", "Utan siffra")
    assert propose_number(meeting) == "8"


def _plan(client, world, dates, **extra):
    data = {"year": 2026, "dates": dates, "start": "09:00", "end": "12:00", "place": "Regionhuset"}
    data.update({"kind": "minutes", "visibility": "public"}, **extra)
    return client.post(reverse("meetings:year_plan", args=[world.group.pk]), data)


def test_secretary_creates_a_year_plan(client, world):
    client.force_login(world.secretary)
    response = _plan(client, world, "2026-02-10\n\n2026-04-14\r\n 2026-06-09 \n")
    assert response.status_code == 302
    meetings = Meeting.objects.filter(body=world.group).order_by("first_day")
    assert [m.first_day for m in meetings] == [date(2026, 2, 10), date(2026, 4, 14), date(2026, 6, 9)]
    assert {(m.status, m.place, m.plan_year) for m in meetings} == {("planned", "Regionhuset", 2026)}
    assert meetings[0].history.first().history_user == world.secretary
    page = client.get(reverse("meetings:list", args=[world.group.pk])).content.decode()
    assert "2026-04-14" in page


def test_a_plan_of_one_meeting_says_so_in_the_singular(client, world):
    client.force_login(world.secretary)
    page = client.get(_plan(client, world, "2026-02-10")["Location"]).content.decode()
    assert "1 möte är planerat." in page


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ("2026-02-10\n2026-13-01", "Rad 2: ”2026-13-01” är inte ett datum"),
        ("2026-02-10\nnästa tisdag", "Rad 2: ”nästa tisdag” är inte ett datum"),
        ("2025-02-10", "Rad 1: 2025-02-10 ligger inte år 2026"),
        ("2026-W07-2", "Rad 1: ”2026-W07-2” är inte ett datum"),
        ("20260210", "Rad 1: ”20260210” är inte ett datum"),
        ("2026-02-10\n2026-02-10", "Rad 2: 2026-02-10 står redan på rad 1"),
        ("\n \n", "Mötesdatum:"),
    ],
)
def test_bad_year_plan_names_the_line_and_creates_nothing(client, world, dates, message):
    client.force_login(world.secretary)
    response = _plan(client, world, dates)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Inget har sparats" in html and message in html
    assert not Meeting.objects.exists()


def test_year_plan_refuses_a_day_the_body_already_meets(client, world):
    make_meeting(world.group, date(2026, 4, 14))
    client.force_login(world.coordinator)
    response = _plan(client, world, "2026-02-10\n2026-04-14")
    assert response.status_code == 400
    assert "Rad 2: organet har redan ett möte 2026-04-14" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_meeting_can_be_edited_but_its_status_only_moves_by_the_workflow(client, world):
    meeting = make_meeting(world.group, date(2026, 3, 1))
    client.force_login(world.secretary)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    response = client.post(url, {"title": "", "kind": "notes", "place": "Teams"})
    assert response.status_code == 400  # visibility missing
    assert 'name="status"' not in client.get(url).content.decode()
    data = {"title": "", "kind": "notes", "status": "published", "place": "Teams", "visibility": "public"}
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.kind, meeting.place) == ("planned", "notes", "Teams")


def test_days_can_be_added_and_changed(client, world):
    meeting = make_meeting(world.group, date(2026, 3, 1))
    client.force_login(world.secretary)
    add = reverse("meetings:day_create", args=[meeting.pk])
    assert client.post(add, {"date": "2026-03-02", "start": "09:00", "end": "15:00"}).status_code == 302
    assert client.post(add, {"date": "2026-03-02", "start": "09:00"}).status_code == 400
    day = meeting.days.get(date=date(2026, 3, 1))
    response = client.post(reverse("meetings:day_edit", args=[day.pk]), {"date": "2026-03-01", "start": "10:00"})
    assert response.status_code == 302
    assert [str(d) for d in meeting.days.all()] == ["2026-03-01 10:00", "2026-03-02 09:00"]


def test_new_item_form_proposes_the_next_number(client, world):
    meeting = make_meeting(world.forum, date(2026, 3, 1))
    make_item(meeting, "14", "Föregående")
    client.force_login(world.coordinator)
    url = reverse("meetings:item_create", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert 'name="number" value="15"' in html
    data = {"number": "15", "position": "2", "title": "Lägesbild", "kind": "information", "visibility": "public"}
    assert client.post(url, data).status_code == 302
    # The same § number again on a provisional agenda puts the new item there; the first moves on to § 16.
    assert client.post(url, {**data, "title": "Insatt"}).status_code == 302
    assert list(meeting.items.order_by("position").values_list("number", "title")) == [
        ("14", "Föregående"), ("15", "Insatt"), ("16", "Lägesbild"),
    ]  # fmt: skip
    # Numbered per meeting, a number is just a label: the same one twice is refused.
    world.group.numbering = "per_meeting"
    world.group.save()
    per_meeting = make_meeting(world.group, date(2026, 3, 1))
    make_item(per_meeting, "2", "Första")
    response = client.post(reverse("meetings:item_create", args=[per_meeting.pk]), {**data, "number": "2"})
    assert response.status_code == 400 and "Mötet har redan ett ärende med numret 2." in response.content.decode()


def test_deferred_item_is_offered_at_the_next_meeting_and_linked_back(client, world):
    first = make_meeting(world.group, date(2026, 2, 1))
    make_meeting(world.group, date(2026, 2, 15), status="cancelled")  # skipped when finding the previous
    second = make_meeting(world.group, date(2026, 3, 1))
    deferred = make_item(first, "4", "Budget 2027", kind="decision", background="Underlag saknas.", outcome="deferred")
    make_item(first, "5", "Klar", outcome="handled")
    client.force_login(world.secretary)
    page = client.get(reverse("meetings:meeting", args=[second.pk])).content.decode()
    assert "Bordlagda ärenden" in page and "Budget 2027" in page and "Klar" not in page
    take = reverse("meetings:take_up", args=[second.pk, deferred.pk])
    assert client.get(take).status_code == 405
    assert client.post(take).status_code == 302
    copy = second.items.get()
    assert (copy.title, copy.kind, copy.background, copy.continues) == (
        "Budget 2027",
        "decision",
        "Underlag saknas.",
        deferred,
    )
    assert copy.number == "6"  # continuous § through the year
    assert "Bordlagda ärenden" not in client.get(reverse("meetings:meeting", args=[second.pk])).content.decode()
    assert client.post(take).status_code == 404  # only once
    assert second.items.count() == 1


def test_item_can_be_deferred_to_a_later_meeting_only(client, world):
    first = make_meeting(world.group, date(2026, 2, 1), status="held")  # decided at the meeting
    later = make_meeting(world.group, date(2026, 5, 1))
    earlier = make_meeting(world.group, date(2026, 1, 1))
    item = make_item(first, "1", "Flyttas")
    client.force_login(world.secretary)
    url = reverse("meetings:item_edit", args=[item.pk])
    data = {"number": "1", "position": "1", "title": "Flyttas", "kind": "information", "visibility": "public"}
    assert client.post(url, {**data, "outcome": "deferred", "deferred_to": earlier.pk}).status_code == 400
    assert client.post(url, {**data, "outcome": "handled", "deferred_to": later.pk}).status_code == 400
    assert client.post(url, {**data, "outcome": "deferred", "deferred_to": later.pk}).status_code == 302
    item.refresh_from_db()
    assert item.deferred_to == later
    assert "Flyttas" in client.get(reverse("meetings:meeting", args=[later.pk])).content.decode()


def test_a_day_can_be_removed_but_not_the_last(client, world):
    meeting = make_meeting(world.group, date(2026, 3, 1), date(2026, 3, 2))
    first, second = meeting.days.all()
    client.force_login(world.secretary)
    assert client.get(reverse("meetings:day_remove", args=[first.pk])).status_code == 405
    assert client.post(reverse("meetings:day_remove", args=[first.pk])).status_code == 302
    response = client.post(reverse("meetings:day_remove", args=[second.pk]), follow=True)
    assert "Ett möte måste ha minst en dag" in response.content.decode()
    assert list(meeting.days.all()) == [second]
    assert first.history.filter(history_type="-").get().history_user == world.secretary


def _stored_dates(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    return meeting.first_day, meeting.last_day


def test_a_meetings_stored_first_and_last_day_follow_its_days_through_every_writer(client, world):
    """`Meeting.first_day`/`last_day` are stored (issue 11: lists sort and window by them): the staff pages, the
    year plan, bulk inserts and updates, a removed day and a meeting's own save with a stale instance all keep
    them equal to the days' dates."""
    client.force_login(world.secretary)
    plan = reverse("meetings:year_plan", args=[world.group.pk])
    data = {"year": "2031", "dates": "2031-02-10\n2031-03-10", "start": "09:00", "place": "Sal", "kind": "minutes"}
    assert client.post(plan, {**data, "visibility": "public"}).status_code == 302
    planned = Meeting.objects.filter(body=world.group, plan_year=2031).order_by("first_day")
    assert [(m.first_day, m.last_day) for m in planned] == [
        (date(2031, 2, 10), date(2031, 2, 10)), (date(2031, 3, 10), date(2031, 3, 10)),
    ]  # fmt: skip
    meeting = make_meeting(world.group, date(2026, 3, 1))
    stale = Meeting.objects.get(pk=meeting.pk)
    assert _stored_dates(meeting) == (date(2026, 3, 1), date(2026, 3, 1))
    add = reverse("meetings:day_create", args=[meeting.pk])
    assert client.post(add, {"date": "2026-03-02", "start": "09:00"}).status_code == 302
    assert _stored_dates(meeting) == (date(2026, 3, 1), date(2026, 3, 2))
    day = meeting.days.get(date=date(2026, 3, 1))
    edit = reverse("meetings:day_edit", args=[day.pk])
    assert client.post(edit, {"date": "2026-02-27", "start": "10:00"}).status_code == 302
    assert _stored_dates(meeting) == (date(2026, 2, 27), date(2026, 3, 2))
    stale.place = "Annan sal"
    stale.save()  # an instance loaded before the days changed writes its own fields, never the days' dates
    assert _stored_dates(meeting) == (date(2026, 2, 27), date(2026, 3, 2))
    assert client.post(reverse("meetings:day_remove", args=[day.pk])).status_code == 302
    assert _stored_dates(meeting) == (date(2026, 3, 2), date(2026, 3, 2))
    MeetingDay.objects.bulk_create([MeetingDay(meeting=meeting, date=date(2026, 3, 5), start=time(9))])
    assert _stored_dates(meeting) == (date(2026, 3, 2), date(2026, 3, 5))
    MeetingDay.objects.filter(meeting=meeting, date=date(2026, 3, 2)).update(date=date(2026, 3, 3))
    assert _stored_dates(meeting) == (date(2026, 3, 3), date(2026, 3, 5))
    MeetingDay.objects.filter(meeting=meeting).delete()
    assert _stored_dates(meeting) == (None, None)
