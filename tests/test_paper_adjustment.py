"""Minutes adjusted on paper, recorded by the secretary from the meeting's staff page (issue 12: "Paper
adjustment"): the minutes are then locked and versioned as after digital signing; bad input changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.meetings_helpers import make_item, make_meeting

pytestmark = pytest.mark.django_db


def page(meeting):
    return reverse("meetings:paper_adjustment", args=[meeting.pk])


def test_the_secretary_records_a_paper_adjustment_and_the_minutes_lock(client, world):
    day = timezone.localdate() - timedelta(days=5)
    meeting = make_meeting(world.group, day, status="held", kind="minutes")
    make_item(meeting, "1", "Budget", minutes="Diskuterades.", decision="att godkänna budgeten")
    client.force_login(world.secretary)
    staff = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert page(meeting) in staff
    assert client.get(page(meeting)).status_code == 200
    response = client.post(
        page(meeting), {"adjusted_on": (day + timedelta(days=2)).isoformat(), "signed_by": "Anna Berg", "confirm": "on"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "adjusted" and meeting.is_locked and meeting.versions.count() == 1
    assert meeting.paper_adjustment.signed_by == "Anna Berg"
    shown = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Justerat på papper" in shown and page(meeting) not in shown
    # Once locked, the page refuses a second record with a Swedish message and changes nothing.
    again = client.post(page(meeting), {"adjusted_on": day.isoformat(), "signed_by": "X", "confirm": "on"})
    assert (
        again.status_code == 400
        and "Bara ett protokoll som är genomfört eller klart för justering" in again.content.decode()
    )
    assert meeting.versions.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"adjusted_on": "", "signed_by": "Anna Berg", "confirm": "on"}, "Detta fält måste fyllas i"),
        ({"adjusted_on": "igår", "signed_by": "Anna Berg", "confirm": "on"}, "giltigt datum"),
        ({"adjusted_on": "2099-01-01", "signed_by": "Anna Berg", "confirm": "on"}, "framtiden"),
        ({"adjusted_on": "2001-01-01", "signed_by": "Anna Berg", "confirm": "on"}, "före mötet"),
        ({"adjusted_on": "TODAY", "signed_by": "   ", "confirm": "on"}, "Detta fält måste fyllas i"),
        ({"adjusted_on": "TODAY", "signed_by": "Anna Berg"}, "Detta fält måste fyllas i"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_changes_nothing(client, world, data, message):
    day = timezone.localdate() - timedelta(days=5)
    meeting = make_meeting(world.group, day, status="held", kind="minutes")
    data = {k: (timezone.localdate().isoformat() if v == "TODAY" else v) for k, v in data.items()}
    client.force_login(world.secretary)
    response = client.post(page(meeting), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "held" and not meeting.is_locked and meeting.versions.count() == 0


def test_only_planners_reach_the_page(client, world):
    day = timezone.localdate() - timedelta(days=5)
    meeting = make_meeting(world.group, day, status="held", kind="minutes")
    client.force_login(world.member)
    assert client.get(page(meeting)).status_code in (403, 404)
    assert client.post(
        page(meeting), {"adjusted_on": day.isoformat(), "signed_by": "X", "confirm": "on"}
    ).status_code in (
        403,
        404,
    )
    meeting.refresh_from_db()
    assert not meeting.is_locked


def test_the_notice_and_its_feed_give_the_day_written_on_the_paper(client, world):
    """A paper adjustment is registered later than it was signed: the public notice and its feed state the day
    written on the paper, as the minutes and the PDF do, not the day it was registered (which locked them)."""
    from samverkan.meetings import actions
    from samverkan.meetings.models import Meeting

    day = timezone.localdate() - timedelta(days=5)
    meeting = make_meeting(world.forum, day, status="held", kind="minutes")
    make_item(meeting, "1", "Budget", minutes="Diskuterades.", decision="att godkänna budgeten")
    signed = day + timedelta(days=2)
    client.force_login(world.coordinator)
    client.post(page(meeting), {"adjusted_on": signed.isoformat(), "signed_by": "Anna Berg", "confirm": "on"})
    actions.take_step(Meeting.objects.get(pk=meeting.pk), actions.PUBLISH, world.coordinator)
    client.logout()
    board = client.get(reverse("meetings_public:notice_board", args=[world.area.slug])).content.decode()
    assert f"<dd>{signed:%Y-%m-%d}</dd>" in board
    assert f"<dd>{timezone.localdate():%Y-%m-%d}</dd>" in board  # the notice went up today
    assert board.count(f"<dd>{timezone.localdate():%Y-%m-%d}</dd>") == 1  # and only that is today
    feed = client.get(reverse("meetings_public:notice_feed", args=[world.area.slug])).content.decode()
    assert f"Protokollet justerades {signed:%Y-%m-%d}." in feed
