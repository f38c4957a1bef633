"""The secretary's minutes workflow through the staff pages: status steps, attendance, minutes per item,
chair and adjusters, adjustment by signing, versions and corrections, and the 14-day flag."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings import actions
from samverkan.meetings.models import Attendance, InvitationAnswer, Meeting, MinutesVersion, Signatory
from samverkan.structure.models import Person
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, attendance_of, held_meeting, seat_group


@shared_fixture
def seats(world):
    return seat_group(world)


def _step(client, meeting, step):
    return client.post(reverse("meetings:step", args=[meeting.pk]), {"step": step}, follow=True)


def _page(client, meeting):
    return client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()


# mark_invited, for the invitation (kallelse) ------------------------------------------------------------


def test_mark_invited_sets_the_time_and_moves_only_a_planned_meeting(world):
    meeting = make_meeting(world.group, timezone.localdate() + timedelta(days=7))
    actions.mark_invited(meeting, world.secretary)
    meeting.refresh_from_db()
    first_sent = meeting.invited_at
    assert meeting.status == "invited" and first_sent is not None
    assert meeting.history.first().history_user == world.secretary
    actions.mark_invited(meeting, world.secretary)  # sent again after a changed agenda
    meeting.refresh_from_db()
    assert meeting.status == "invited" and meeting.invited_at >= first_sent
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    actions.mark_invited(meeting, world.secretary)
    meeting.refresh_from_db()
    assert meeting.status == "held"


# The workflow steps --------------------------------------------------------------------------------------


def test_the_page_offers_the_steps_of_the_current_status(client, world):
    client.force_login(world.secretary)
    meeting = make_meeting(world.group, timezone.localdate())
    html = _page(client, meeting)
    assert "Markera som genomfört" in html and "Ställ in mötet" in html and ">Publicera<" not in html
    assert "Publicera dagordningen" in html  # the agenda is a draft until it is sent or published
    assert "Protokollet är klart för justering" not in html
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    html = _page(client, meeting)
    assert "Protokollet är klart för justering" in html and "Ställ in mötet" not in html
    Meeting.objects.filter(pk=meeting.pk).update(kind="notes")
    assert "Anteckningarna är klara" in _page(client, meeting)


def test_a_meeting_is_held_only_once_its_first_day_has_come(client, world):
    client.force_login(world.secretary)
    coming = make_meeting(world.group, timezone.localdate() + timedelta(days=2))
    response = _step(client, coming, "held")
    assert "Mötet har inte ägt rum ännu" in response.content.decode()
    assert "Inget har ändrats." in response.content.decode()
    no_days = make_meeting(world.group)
    assert "Mötet har inga dagar" in _step(client, no_days, "held").content.decode()
    today = make_meeting(world.group, timezone.localdate())
    assert "Mötet är markerat som genomfört." in _step(client, today, "held").content.decode()
    for m, status in ((coming, "planned"), (no_days, "planned"), (today, "held")):
        m.refresh_from_db()
        assert m.status == status
    assert today.history.first().history_user == world.secretary


def test_cancel_before_held_and_plan_again(client, world):
    client.force_login(world.secretary)
    meeting = make_meeting(world.group, timezone.localdate() + timedelta(days=2), status="invited")
    _step(client, meeting, "cancelled")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert "Planera mötet igen" in _page(client, meeting)
    _step(client, meeting, "planned")
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    html = _step(client, meeting, "cancelled").content.decode()
    assert "Det steget går inte att ta" in html
    meeting.refresh_from_db()
    assert meeting.status == "held"


@pytest.mark.parametrize("step", ["", "adjusted", "published", "x" * 500, "\x00"])
def test_steps_that_are_not_open_change_nothing(client, world, step):
    client.force_login(world.secretary)
    meeting = make_meeting(world.group, timezone.localdate())
    response = _step(client, meeting, step)
    assert response.status_code == 200 and "Inget har ändrats." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    assert client.get(reverse("meetings:step", args=[meeting.pk])).status_code == 405


def test_minutes_are_ready_for_adjustment_only_with_a_chair_and_attendance(client, world, seats):
    client.force_login(world.secretary)
    meeting = make_meeting(world.group, timezone.localdate(), status="held")
    html = _step(client, meeting, "drafted").content.decode()
    assert "Välj ordförande" in html and "Fyll i närvaron" in html
    meeting.refresh_from_db()
    assert meeting.status == "held"
    actions.fetch_members(meeting, world.secretary)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[seats.substitute])
    html = _step(client, meeting, "drafted").content.decode()
    assert "Sara Ersättare har ingen inloggning och kan därför inte justera" in html
    assert "Saknar inloggning" in _page(client, meeting)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[])
    assert "väntar på justering" in _step(client, meeting, "drafted").content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "drafted"


def test_notes_skip_adjustment_and_publishing_locks_them(client, world, seats):
    client.force_login(world.secretary)
    meeting = held_meeting(world, seats, kind="notes")
    _step(client, meeting, "drafted")
    meeting.refresh_from_db()
    assert meeting.status == "drafted" and "Publicera" in _page(client, meeting)
    _step(client, meeting, "published")
    meeting.refresh_from_db()
    assert meeting.status == "published" and meeting.is_locked and meeting.published_at
    assert meeting.notice_date is None  # notes are not adjusted, so there is no notice of adjustment
    version = meeting.versions.get()
    assert version.number == 1 and [i["number"] for i in version.content["items"]] == ["1", "2", "3"]


def test_minutes_are_published_only_after_adjustment(client, world, seats):
    client.force_login(world.secretary)
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[seats.adjuster])
    _step(client, meeting, "drafted")
    assert "Det steget går inte att ta" in _step(client, meeting, "published").content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "drafted" and meeting.published_at is None


# Attendance ----------------------------------------------------------------------------------------------


def test_fetching_members_fills_the_list_from_the_current_seats(client, world, seats):
    meeting = make_meeting(world.group, timezone.localdate())
    client.force_login(world.secretary)
    response = client.post(reverse("meetings:attendance_fetch", args=[meeting.pk]), follow=True)
    assert "5 personer har lagts till i närvarolistan." in response.content.decode()
    rows = attendance_of(meeting)
    assert set(rows) == {"Cecilia Chef", "Adam Justerare", "Maja Ledamot", "Sara Ersättare", "Stina Skrivare"}
    chair = rows["Cecilia Chef"]
    assert (chair.group, chair.principal, chair.party, chair.role, chair.status) == (
        "voting",
        world.region,
        "S",
        "Ordförande",
        "present",
    )
    assert (rows["Maja Ledamot"].group, rows["Maja Ledamot"].role) == ("voting", "")
    assert rows["Sara Ersättare"].group == "substitute" and rows["Sara Ersättare"].substitute_for is None
    assert (rows["Stina Skrivare"].group, rows["Stina Skrivare"].role) == ("other", "Sekreterare")
    assert chair.history.first().history_user == world.secretary
    again = client.post(reverse("meetings:attendance_fetch", args=[meeting.pk]), follow=True)
    assert "finns redan i närvarolistan" in again.content.decode()
    assert meeting.attendance.count() == 5


def test_an_absence_answered_in_advance_is_absent_with_notice_and_the_substitute_serves(world, seats):
    meeting = make_meeting(world.group, timezone.localdate())
    InvitationAnswer.objects.create(
        meeting=meeting, person=world.member_person, answer="absent", answered_at=timezone.now()
    )
    actions.fetch_members(meeting, world.secretary)
    rows = attendance_of(meeting)
    assert rows["Maja Ledamot"].status == "absent_notice"
    assert rows["Sara Ersättare"].group == "voting"
    assert rows["Sara Ersättare"].substitute_for == world.member_person


def test_attendance_rows_are_edited_added_and_removed(client, world, seats):
    meeting = held_meeting(world, seats)
    second_day = meeting.days.create(date=meeting.days.get().date + timedelta(days=1), start="09:00")
    item = meeting.items.get(number="2")
    rows = attendance_of(meeting)
    client.force_login(world.secretary)
    edit = reverse("meetings:attendance_edit", args=[rows["Adam Justerare"].pk])
    data = {
        "status": "present",
        "group": "voting",
        "principal": world.village.pk,
        "party": "C",
        "days": [second_day.pk],
        "not_during": [item.pk],
        "note": "från kl. 10.30",
    }
    assert client.post(edit, data).status_code == 302
    html = _page(client, meeting)
    assert f"Endast {second_day.date:%Y-%m-%d}" in html and "Inte närvarande under ärende 2" in html
    assert "från kl. 10.30" in html
    bad = {**data, "substitute_for": rows["Adam Justerare"].person.pk}
    response = client.post(edit, bad)
    assert response.status_code == 400 and "ersättare för sig själv" in response.content.decode()
    other_meeting_item = make_item(make_meeting(world.group, timezone.localdate()), "9", "Annat möte")
    assert client.post(edit, {**data, "not_during": [other_meeting_item.pk]}).status_code == 400

    official = _official(world)
    create = reverse("meetings:attendance_create", args=[meeting.pk])
    data = {"person": official.pk, "status": "present", "group": "other", "role": "föredragande"}
    assert client.post(create, data).status_code == 302
    assert attendance_of(meeting)["Olga Tjänsteperson"].role == "föredragande"
    response = client.post(create, data)
    assert response.status_code == 400  # already on the list, so no longer offered

    remove = reverse("meetings:attendance_remove", args=[rows["Stina Skrivare"].pk])
    assert client.get(remove).status_code == 405
    assert "Stina Skrivare är borttagen" in client.post(remove, follow=True).content.decode()
    assert "Stina Skrivare" not in attendance_of(meeting)


def _official(world):
    return Person.objects.create(first_name="Olga", last_name="Tjänsteperson", slug="olga", employer=world.region)


# Minutes per item ----------------------------------------------------------------------------------------


def test_minutes_and_decision_of_an_item(client, world, seats):
    meeting = held_meeting(world, seats)
    item = meeting.items.get(number="1")
    client.force_login(world.secretary)
    url = reverse("meetings:item_minutes", args=[item.pk])
    data = {
        "minutes": "Förvaltningen redovisade.",
        "decision": "att godkänna rapporten\r\n\r\natt uppdra åt chefsgruppen att återkomma",
        "outcome": "handled",
    }
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.decision_clauses == ["att godkänna rapporten", "att uppdra åt chefsgruppen att återkomma"]
    html = _page(client, meeting)
    assert "<li>att godkänna rapporten</li>" in html and "<li>att uppdra åt chefsgruppen att återkomma</li>" in html
    assert item.history.first().history_user == world.secretary


def test_filing_an_item_is_one_click(client, world, seats):
    meeting = held_meeting(world, seats)
    item = meeting.items.get(number="2")
    client.force_login(world.secretary)
    url = reverse("meetings:item_file", args=[item.pk])
    assert client.get(url).status_code == 405
    assert "läggs till handlingarna" in client.post(url, follow=True).content.decode()
    item.refresh_from_db()
    assert (item.decision, item.outcome) == ("att lägga informationen till handlingarna", "handled")
    decided = meeting.items.get(number="1")  # already has a decision: not overwritten
    assert (
        "har redan ett beslut"
        in client.post(reverse("meetings:item_file", args=[decided.pk]), follow=True).content.decode()
    )
    decided.refresh_from_db()
    assert decided.decision == "att notera lägesbilden"


def test_chair_secretary_and_adjusters_are_chosen(client, world, seats):
    meeting = held_meeting(world, seats)
    client.force_login(world.secretary)
    url = reverse("meetings:signatories", args=[meeting.pk])
    data = {"chair": seats.chair.pk, "secretary": seats.secretary.pk, "adjusters": [seats.adjuster.pk]}
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.secretary) == (seats.chair, seats.secretary)
    assert {(s.person, s.role) for s in meeting.signatories.all()} == {
        (seats.chair, "chair"),
        (seats.adjuster, "adjuster"),
    }
    # Another adjuster instead, and the chair may not also adjust.
    bad = {**data, "adjusters": [seats.chair.pk]}
    response = client.post(url, bad)
    assert response.status_code == 400 and "kan inte också vara justerare" in response.content.decode()
    assert client.post(url, {**data, "adjusters": [seats.member.pk]}).status_code == 302
    assert {(s.person, s.role) for s in meeting.signatories.all()} == {
        (seats.chair, "chair"),
        (seats.member, "adjuster"),
    }
    stranger = _official(world)  # not on the list, not seated
    assert client.post(url, {**data, "adjusters": [stranger.pk]}).status_code == 400
    assert "Frans Förre" not in client.get(url).content.decode()  # his seat ended before the meeting
    assert client.post(url, {**data, "adjusters": [seats.former.pk]}).status_code == 400


# Adjustment ----------------------------------------------------------------------------------------------


def _sign(client, meeting):
    return client.post(reverse("meetings:sign", args=[meeting.pk]), follow=True)


def test_chair_and_adjuster_sign_and_the_last_signature_locks_the_minutes(client, world, seats):
    meeting = held_meeting(world, seats)
    actions.set_signatories(
        meeting, world.secretary, chair=seats.chair, secretary=seats.secretary, adjusters=[seats.adjuster]
    )
    actions.take_step(meeting, actions.DRAFTED, world.secretary)

    client.force_login(seats.chair_user)
    todo = client.get(reverse("meetings:to_sign")).content.decode()
    assert "Protokoll från Chefsgruppen" in todo
    assert "Att justera" in client.get(reverse("dashboard")).content.decode()
    page = client.get(reverse("meetings:sign", args=[meeting.pk])).content.decode()
    assert "Personalärende" in page and "Patientärende" in page  # the signatories read everything they sign
    assert "Du har justerat protokollet." in _sign(client, meeting).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "drafted" and not meeting.is_locked
    assert "Inga protokoll väntar" in client.get(reverse("meetings:to_sign")).content.decode()
    assert "Det finns inget för dig att justera" in _sign(client, meeting).content.decode()

    client.force_login(seats.adjuster_user)
    assert "Alla har nu justerat" in _sign(client, meeting).content.decode()
    meeting.refresh_from_db()
    today = timezone.localdate()
    assert meeting.status == "adjusted" and meeting.is_locked
    assert meeting.notice_date is None and meeting.appeal_end is None  # the notice goes up when published
    signed = {s.person: s for s in meeting.signatories.all()}
    assert signed[seats.chair].signed_by == seats.chair_user and signed[seats.adjuster].signed_at
    assert signed[seats.adjuster].history.first().history_user == seats.adjuster_user

    version = meeting.versions.get()
    content = version.content
    assert version.number == 1 and version.created_by == seats.adjuster_user
    assert content["meeting"]["place"] == "Regionhuset" and content["meeting"]["chair"] == "Cecilia Chef"
    assert content["meeting"]["notice_date"] is None
    assert {r["name"] for r in content["attendance"]} >= {"Cecilia Chef", "Maja Ledamot"}
    first = content["items"][0]
    assert (first["number"], first["minutes"], first["decision"]) == (
        "1",
        "Läget redovisades.",
        "att notera lägesbilden",
    )
    assert [s["signed_at"] is not None for s in content["signatories"]] == [True, True]

    reasons = list(meeting.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == [
        "Adam Justerare justerade som justerare. Alla har justerat; protokollet är låst.",
        "Cecilia Chef justerade som ordförande.",
    ]

    client.force_login(world.secretary)
    html = _page(client, meeting)
    # No notice until the minutes are published: only the day it must go up by (KL 8:12).
    assert "Anslag om justering" not in html and "Version 1" in html
    assert "Publiceras senast" in html and (today + timedelta(days=2)).isoformat() in html
    assert "Publicera" in html


def test_taking_minutes_back_clears_the_signatures(client, world, seats):
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[seats.adjuster])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    actions.sign_minutes(meeting, seats.chair_user)
    client.force_login(world.secretary)
    # While they wait for signatures, the minutes are not edited.
    item = meeting.items.get(number="1")
    response = client.post(reverse("meetings:item_minutes", args=[item.pk]), {"minutes": "Ny text", "outcome": ""})
    assert response.status_code == 400 and "väntar på justering" in response.content.decode()
    said = _step(client, meeting, "reopen").content.decode()
    assert "Justeringar som redan gjorts gäller inte längre, så protokollet justeras på nytt" in said
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert not meeting.signatories.exclude(signed_at=None).exists()
    assert client.post(reverse("meetings:item_minutes", args=[item.pk]), {"minutes": "Ny text"}).status_code == 302


def test_who_may_not_sign(client, world, seats):
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[])
    url = reverse("meetings:sign", args=[meeting.pk])
    for actor in ("secretary", "outsider", "member"):  # they can see the meeting, but do not sign it
        client.force_login(getattr(world, actor))
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    secret = make_meeting(world.secret, timezone.localdate())
    client.force_login(world.outsider)
    assert client.get(reverse("meetings:sign", args=[secret.pk])).status_code == 404
    # The chair, before the minutes are ready, cannot sign yet.
    client.force_login(seats.chair_user)
    assert "väntar inte på justering" in _sign(client, meeting).content.decode()
    assert not meeting.signatories.exclude(signed_at=None).exists()


# Corrections and versions --------------------------------------------------------------------------------


def test_a_correction_is_a_new_version_with_its_reason(client, world, seats):
    meeting = adjusted_meeting(world, seats)
    item = meeting.items.get(number="1")
    client.force_login(world.secretary)
    url = reverse("meetings:item_correct", args=[item.pk])
    assert "Rätta" in _page(client, meeting)
    page = client.get(url).content.decode()
    assert "Läget redovisades." in page and "Skäl till rättelsen" in page
    data = {"minutes": "Läget redovisades av förvaltningen.", "decision": "att notera lägesbilden", "reason": ""}
    response = client.post(url, data)
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    unchanged = {**data, "minutes": "Läget redovisades.", "reason": "Ingen ändring"}
    assert "Texten är oförändrad" in client.post(url, unchanged).content.decode()
    assert meeting.versions.count() == 1

    assert client.post(url, {**data, "reason": "Fel i protokollstexten"}).status_code == 302
    item.refresh_from_db()
    assert item.minutes == "Läget redovisades av förvaltningen."
    assert item.history.first().history_change_reason == "Fel i protokollstexten"
    first, second = meeting.versions.order_by("number")
    assert first.content["items"][0]["minutes"] == "Läget redovisades."
    assert (second.number, second.reason) == (2, "Fel i protokollstexten")
    assert second.content["items"][0]["minutes"] == "Läget redovisades av förvaltningen."

    v1 = client.get(reverse("meetings:version", args=[meeting.pk, 1])).content.decode()
    v2 = client.get(reverse("meetings:version", args=[meeting.pk, 2])).content.decode()
    assert "Läget redovisades.</p>" in v1 and "av förvaltningen" not in v1
    assert "Läget redovisades av förvaltningen." in v2 and "Fel i protokollstexten" in v2
    assert client.get(reverse("meetings:version", args=[meeting.pk, 3])).status_code == 404


def test_correcting_unlocked_minutes_is_just_an_edit(client, world, seats):
    meeting = held_meeting(world, seats)
    item = meeting.items.get(number="1")
    client.force_login(world.secretary)
    response = client.get(reverse("meetings:item_correct", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meetings:item_minutes", args=[item.pk])
    assert not MinutesVersion.objects.exists()


def test_the_first_correction_of_minutes_locked_without_a_version_keeps_the_original(world, seats):
    """Minutes locked some other way (an import) get the original stored as version 1 before version 2."""
    meeting = held_meeting(world, seats)
    Meeting.objects.filter(pk=meeting.pk).update(status="adjusted", locked_at=timezone.now())
    item = meeting.items.get(number="1")
    actions.correct_minutes(item, world.secretary, minutes="Rättad.", decision=item.decision, reason="Stavfel")
    first, second = meeting.versions.order_by("number")
    assert first.content["items"][0]["minutes"] == "Läget redovisades." and first.reason == ""
    assert second.content["items"][0]["minutes"] == "Rättad."


# The 14-day flag -----------------------------------------------------------------------------------------


def test_minutes_not_adjusted_within_14_days_are_flagged(client, world, seats):
    late = held_meeting(world, seats, days_ago=20)
    recent = make_meeting(world.group, timezone.localdate() - timedelta(days=10), status="held")
    notes = make_meeting(world.group, timezone.localdate() - timedelta(days=30), status="held", kind="notes")
    cancelled = make_meeting(world.group, timezone.localdate() - timedelta(days=30), status="cancelled")
    assert list(Meeting.objects.adjustment_overdue()) == [late]
    client.force_login(world.secretary)
    assert "Justering försenad" in _page(client, late)
    for other in (recent, notes, cancelled):
        assert "Justering försenad" not in _page(client, other)
    listing = client.get(reverse("meetings:list", args=[world.group.pk])).content.decode()
    assert listing.count("Justering försenad") == 1
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Protokoll som inte justerats inom 14 dagar" in dashboard
    deadline = (timezone.localdate() - timedelta(days=6)).isoformat()
    assert f"Skulle ha justerats senast {deadline}" in dashboard
    client.force_login(world.contact)  # keeps no minutes: no such list
    assert "inte justerats inom 14 dagar" not in client.get(reverse("dashboard")).content.decode()
    # Adjusting removes the flag.
    actions.set_signatories(late, world.secretary, chair=seats.chair, secretary=None, adjusters=[])
    actions.take_step(late, actions.DRAFTED, world.secretary)
    actions.sign_minutes(late, seats.chair_user)
    assert not Meeting.objects.adjustment_overdue().exists()


def test_attendance_and_signatories_are_listed_on_the_staff_page(client, world, seats):
    meeting = adjusted_meeting(world, seats)
    client.force_login(world.secretary)
    html = _page(client, meeting)
    for text in ("Beslutande", "Ersättare", "Övriga närvarande", "Cecilia Chef", "Region Test (S)"):
        assert text in html, text
    assert "Justerare" in html and "Adam Justerare" in html
    assert "Hämta ledamöter och ersättare" not in html  # locked: nothing to fill in
    assert Attendance.objects.filter(meeting=meeting).count() == 5
    assert Signatory.objects.filter(meeting=meeting, signed_at__isnull=False).count() == 2


def test_a_decided_item_links_to_its_follow_through_even_when_locked(client, world):
    client.force_login(world.secretary)
    meeting = make_meeting(world.group, timezone.localdate() - timedelta(days=3))
    decided = make_item(meeting, "1", "Handlingsplan", decision="att anta handlingsplanen")
    make_item(meeting, "2", "Information", decision="")
    follow = reverse("followthrough:item", args=[decided.pk])
    html = _page(client, meeting)
    assert html.count('href="/hantera/uppfoljning/punkt/') == 1 and follow in html
    Meeting.objects.filter(pk=meeting.pk).update(locked_at=timezone.now(), status="adjusted")
    assert follow in _page(client, meeting)
    assert client.get(follow).status_code == 200


@pytest.mark.parametrize("status", ["absent_notice", "absent"])
def test_one_recorded_as_not_present_cannot_be_chair_or_adjuster(client, world, seats, status):
    """Only one who was there can attest the minutes: the attendance list says who was not (an adjuster who had
    sent word of absence was accepted). Refused in Swedish, nothing saved; present, the same choice is saved."""
    from tests.form_fields import form_data

    meeting = held_meeting(world, seats)
    Attendance.objects.filter(meeting=meeting, person=seats.adjuster).update(status=status)
    client.force_login(world.secretary)
    url = reverse("meetings:signatories", args=[meeting.pk])
    data = form_data(client.get(url).content.decode())
    data.update({"chair": [str(seats.chair.pk)], "adjusters": [str(seats.adjuster.pk)]})
    response = client.post(url, data)
    assert response.status_code == 400
    assert f"{seats.adjuster} var inte närvarande enligt närvarolistan" in response.content.decode()
    assert not meeting.signatories.exists()
    swapped = {**data, "chair": [str(seats.adjuster.pk)], "adjusters": [str(seats.chair.pk)]}
    assert client.post(url, swapped).status_code == 400 and not meeting.signatories.exists()
    Attendance.objects.filter(meeting=meeting, person=seats.adjuster).update(status="present")
    assert client.post(url, data).status_code == 302
    assert set(meeting.signatories.values_list("person_id", flat=True)) == {seats.chair.pk, seats.adjuster.pk}
    # Chosen while present, then recorded as away: sending the minutes for adjustment is refused.
    Attendance.objects.filter(meeting=meeting, person=seats.adjuster).update(status=status)
    response = client.post(reverse("meetings:step", args=[meeting.pk]), {"step": "drafted"}, follow=True)
    assert f"{seats.adjuster} var inte närvarande enligt närvarolistan" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
