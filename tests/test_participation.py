"""Issue 12, part 1: logins from the person register, answer links without a password, and the notifications.

Mail goes through the real django-tasks database worker after commit (`deliver`, as in
test_meetings_invitations.py), so the tests that run it commit for real (`mailing`)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from samverkan.meetings import actions
from samverkan.meetings.answer_links import answer_token
from samverkan.meetings.models import InvitationAnswer, Meeting, MeetingMail, Signatory
from samverkan.structure import logins
from samverkan.structure.models import LoginInvitation, Membership, Person
from tests.meetings_helpers import make_meeting, sent
from tests.worker_helpers import run_worker

mailing = pytest.mark.django_db(transaction=True)
_on_commit = None
PASSWORD = "Ett-långt-lösenord-42"


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks):
    global _on_commit
    _on_commit = django_capture_on_commit_callbacks


def deliver(request):
    with _on_commit(execute=True):
        response = request()
    run_worker()
    return response


def link_in(message, name):
    found = re.search(rf"https?://\S+{name}\S*", message.body)
    assert found, message.body
    return found.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def logs_in(client, username, password):
    """Whether the login page lets `username` in (through the real login form, throttling and all)."""
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("dashboard")


def chair(world):
    return Person.objects.get(slug="olle-ordforande")


def invite_url(person):
    return reverse("structure:login_invite", args=[person.pk])


def soon(days=30):
    return timezone.localdate() + timedelta(days=days)


# Logins from the person register ---------------------------------------------------------------------------


@mailing
def test_a_coordinator_invites_and_the_person_chooses_a_password_once(client, world):
    olle = chair(world)
    client.force_login(world.coordinator)
    response = deliver(lambda: client.post(invite_url(olle), {"next": "/hantera/"}))
    assert response.status_code == 302 and response.url == "/hantera/"
    (message,) = mail.outbox
    assert message.to == ["olle@region.example"] and "olle@region.example" in message.body
    accept = link_in(message, "/konto/inbjudan/")
    client.logout()
    assert client.get(accept).status_code == 200
    weak = client.post(accept, {"new_password1": "kort", "new_password2": "kort"})
    assert weak.status_code == 400 and not get_user_model().objects.filter(username="olle@region.example").exists()
    response = client.post(accept, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    olle.refresh_from_db()
    assert olle.user.username == "olle@region.example" and olle.user.check_password(PASSWORD)
    assert "Mina sidor" in client.get(reverse("dashboard")).content.decode()
    # The link is spent: the same 404 page as for any other bad link.
    client.logout()
    again = client.get(accept)
    assert again.status_code == 404 and "Länken fungerar inte" in again.content.decode()
    assert client.post(accept, {"new_password1": PASSWORD + "x", "new_password2": PASSWORD + "x"}).status_code == 404
    assert logs_in(client, "olle@region.example", PASSWORD)


@pytest.mark.django_db
def test_tampered_expired_and_superseded_links_answer_the_same_404(client, world):
    olle = chair(world)
    with _on_commit(execute=False):
        first = logins.invite(olle, world.coordinator)
        second = logins.invite(olle, world.coordinator)
    url = lambda inv: reverse("login_accept", args=[logins.token_for(inv)])  # noqa: E731
    assert client.get(url(second)).status_code == 200
    pages = [client.get(url(first))]  # superseded by the second
    token = logins.token_for(second)
    pages.append(client.get(reverse("login_accept", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])))
    other_purpose = signing.dumps({"i": second.pk, "n": second.nonce}, salt="samverkan.meetings.answer-link")
    pages.append(client.get(reverse("login_accept", args=[other_purpose])))
    LoginInvitation.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    pages.append(client.get(url(second)))
    assert {p.status_code for p in pages} == {404}
    # No hint which: the pages differ only in the address they were asked for (the language form's return path).
    assert len({re.sub(r'value="[^"]*"', "", p.content.decode()) for p in pages}) == 1
    assert olle.login_invitations.count() == 2 and not Person.objects.get(pk=olle.pk).user_id


@pytest.mark.django_db
def test_who_may_invite(client, world):
    olle = chair(world)  # seated in the forum, a public body: visible to everyone
    newcomer = Person.objects.create(first_name="Nea", last_name="Ny", slug="nea-ny", email="nea@byn.example")
    Membership.objects.create(person=newcomer, body=world.group, role="member", principal=world.village)
    with _on_commit(execute=False):
        for actor, person, status in [
            ("secretary", olle, 403),  # not in the secretary's body
            ("contact", olle, 403),
            ("member", olle, 403),
            ("outsider", world.insider, 404),  # seated only in an internal body
            ("secretary", newcomer, 302),  # their own body's member
        ]:
            client.force_login(getattr(world, actor))
            assert client.post(invite_url(person)).status_code == status, (actor, person)
    assert list(LoginInvitation.objects.values_list("person__slug", flat=True)) == ["nea-ny"]
    client.logout()
    assert client.post(invite_url(olle)).status_code == 302 and not olle.login_invitations.exists()  # to login


@pytest.mark.django_db
def test_no_invitation_without_an_address_or_for_someone_with_a_login(client, world):
    client.force_login(world.coordinator)
    quiet = Person.objects.create(first_name="Tyst", last_name="Person", slug="tyst", employer=world.town)
    for person in (quiet, world.member_person):
        response = client.post(invite_url(person), follow=True)
        assert response.status_code == 200
    assert not LoginInvitation.objects.exists()
    page = client.get(reverse("structure:area", args=[world.area.slug])).content.decode()
    assert "Har inloggning" in page and "Ingen inloggning, saknar e-postadress" in page


@pytest.mark.django_db
def test_a_coordinator_switches_a_login_off_and_on_and_the_person_stays(client, world):
    url = reverse("structure:login_switch", args=[world.member_person.pk])
    client.force_login(world.secretary)
    assert client.post(url, {"active": "0"}).status_code == 403
    client.force_login(world.coordinator)
    assert client.post(url, {"active": "0"}).status_code == 302
    world.member.refresh_from_db()
    assert not world.member.is_active and Person.objects.get(pk=world.member_person.pk).user_id == world.member.pk
    assert not logs_in(client, "member", "test-password-123")
    client.force_login(world.coordinator)
    client.post(url, {"active": "1"})
    assert logs_in(client, "member", "test-password-123")
    reasons = [h.history_change_reason for h in world.member_person.history.all()]
    assert "Inloggningen avstängd" in reasons and "Inloggningen öppnad igen" in reasons


@pytest.mark.django_db
def test_a_coordinator_cannot_switch_off_a_login_with_rights_the_coordinator_lacks(client, world):
    """An administrator's login, or a coordinator's of another area too, is not the coordinator's to close: 403,
    the login stays open, and the person's page offers no button (a coordinator switched off the only admin)."""
    from samverkan.structure.models import Role

    admin_person = Person.objects.create(
        first_name="Elin", last_name="Holmgren", slug="elin-holmgren", employer=world.town, user=world.admin
    )
    peer = get_user_model().objects.create_user("kollega", password="test-password-123")
    peer_person = Person.objects.create(
        first_name="Kim", last_name="Kollega", slug="kim", employer=world.town, user=peer
    )
    Role.objects.create(user=peer, kind="coordinator", area=world.area)
    Role.objects.create(user=peer, kind="coordinator", area=world.other_area)
    client.force_login(world.coordinator)
    for person, login in ((admin_person, world.admin), (peer_person, peer)):
        page = client.get(reverse("structure:person", args=[world.area.slug, person.pk])).content.decode()
        assert "Stäng av inloggningen" not in page, person
        assert client.post(reverse("structure:login_switch", args=[person.pk]), {"active": "0"}).status_code == 403
        login.refresh_from_db()
        assert login.is_active, person
    # A coordinator of this area alone is the coordinator's peer, and may be switched off and on.
    Role.objects.filter(user=peer, area=world.other_area).delete()
    assert client.post(reverse("structure:login_switch", args=[peer_person.pk]), {"active": "0"}).status_code == 302
    peer.refresh_from_db()
    assert not peer.is_active


@pytest.mark.django_db
def test_invite_all_signatories_of_a_meeting(client, world):
    meeting = make_meeting(world.forum, soon(-1))
    olle = chair(world)
    Signatory.objects.create(meeting=meeting, person=olle, role="chair")
    Signatory.objects.create(meeting=meeting, person=world.member_person, role="adjuster")
    client.force_login(world.coordinator)
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Bjud in den som saknar inloggning" in page
    with _on_commit(execute=False):
        client.post(reverse("meetings:invite_signatories", args=[meeting.pk]))
    assert list(LoginInvitation.objects.values_list("person", flat=True)) == [olle.pk]
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Inbjuden " in page and "Bjud in den som saknar" not in page
    client.force_login(world.contact)
    assert client.post(reverse("meetings:invite_signatories", args=[meeting.pk])).status_code in (403, 404)


# Answer links without a password ------------------------------------------------------------------------


@pytest.fixture
def invited(world):
    meeting = make_meeting(world.forum, soon(), **sent())
    meeting.invitations.create(sent_at=timezone.now(), recipients=2)
    return meeting


def link_url(meeting, person):
    return reverse("meetings_public:answer_link", args=[answer_token(meeting, person)])


@pytest.mark.django_db
def test_a_member_answers_from_the_link_without_logging_in(client, world, invited):
    url = link_url(invited, world.member_person)
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer": "absent", "comment": "Sjuk"})
    assert response.status_code == 302
    answer = InvitationAnswer.objects.get(meeting=invited, person=world.member_person)
    assert answer.answer == "absent" and answer.comment == "Sjuk"
    assert client.post(url, {"answer": "nonsense"}).status_code == 400


@pytest.mark.django_db
def test_answer_links_are_bound_to_person_meeting_and_time(client, world, invited):
    other = make_meeting(world.forum, soon(40), **sent())
    token = answer_token(invited, world.member_person)
    data = signing.loads(token, salt="samverkan.meetings.answer-link")
    forged = token.replace(token.split(":")[0], signing.dumps({**data, "m": other.pk}).split(":")[0])
    bad = [
        forged,
        token[:-3] + "abc",
        signing.dumps({**data, "m": other.pk}, salt="samverkan.structure.logins.invitation"),
        answer_token(invited, world.insider),  # not called to the forum
        answer_token(other, world.member_person),  # no invitation has gone out
        "x",
    ]
    for value in bad:
        response = client.post(reverse("meetings_public:answer_link", args=[value]), {"answer": "attend"})
        assert response.status_code == 404, value
    past = make_meeting(world.forum, soon(-2), **sent())
    past.invitations.create(sent_at=timezone.now(), recipients=1)
    assert client.get(link_url(past, world.member_person)).status_code == 404  # expired after the meeting
    assert not InvitationAnswer.objects.exists()


@mailing
def test_the_invitation_mail_carries_the_personal_link(client, world):
    meeting = make_meeting(world.forum, soon())
    client.force_login(world.coordinator)
    deliver(lambda: client.post(reverse("meetings:invitation_send", args=[meeting.pk])))
    message = next(m for m in mail.outbox if m.to == ["maja.ledamot@stadby.example"])
    client.logout()
    url = link_in(message, "/kallelse/svar/")
    assert client.post(url, {"answer": "attend"}).status_code == 302
    assert InvitationAnswer.objects.get(person=world.member_person).answer == "attend"


# Notifications ----------------------------------------------------------------------------------------------


def calendar_of(message):
    (part,) = [a for a in message.attachments if "calendar" in str(a.get_content_type())]
    return Calendar.from_ical(part.get_payload(decode=True))


def step(client, meeting, name):
    return deliver(lambda: client.post(reverse("meetings:step", args=[meeting.pk]), {"step": name}))


@mailing
def test_cancelling_mails_every_invitee_a_cancel_ics_with_the_same_uid(client, world):
    meeting = make_meeting(world.forum, soon())
    client.force_login(world.coordinator)
    deliver(lambda: client.post(reverse("meetings:invitation_send", args=[meeting.pk])))
    invitation = next(m for m in mail.outbox if m.to == ["olle@region.example"])
    first = next(iter(calendar_of(invitation).walk("VEVENT")))
    mail.outbox.clear()
    step(client, meeting, "cancelled")
    assert sorted(m.to[0] for m in mail.outbox) == ["maja.ledamot@stadby.example", "olle@region.example"]
    cal = calendar_of(mail.outbox[0])
    event = next(iter(cal.walk("VEVENT")))
    assert cal["method"] == "CANCEL" and event["status"] == "CANCELLED"
    assert event["uid"] == first["uid"] and event["sequence"] > first["sequence"]
    assert MeetingMail.objects.filter(kind="cancelled", sent_at__isnull=False).count() == 2
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Skickad e-post" in page and "Mötet är inställt" in page


@mailing
def test_a_new_time_mails_a_request_with_a_higher_sequence(client, world):
    meeting = make_meeting(world.forum, soon())
    client.force_login(world.coordinator)
    deliver(lambda: client.post(reverse("meetings:invitation_send", args=[meeting.pk])))
    before = next(iter(calendar_of(mail.outbox[0]).walk("VEVENT")))
    mail.outbox.clear()
    day = meeting.days.get()
    url = reverse("meetings:day_edit", args=[day.pk])
    data = {"date": soon().isoformat(), "start": "13:00", "end": "15:00"}
    assert deliver(lambda: client.post(url, data)).status_code == 302
    assert len(mail.outbox) == 2
    cal = calendar_of(mail.outbox[0])
    event = next(iter(cal.walk("VEVENT")))
    assert cal["method"] == "REQUEST" and event["uid"] == before["uid"] and event["sequence"] > before["sequence"]
    assert "13:00" in mail.outbox[0].body and "/kallelse/svar/" in mail.outbox[0].body


def first_event(message):
    return next(iter(calendar_of(message).walk("VEVENT")))


@mailing
def test_each_mailed_change_raises_the_sequence_by_one_and_the_feed_carries_it(client, world):
    """RFC 5545 3.8.7.4: a counter, one more for each revision sent, however quickly they follow each other."""
    meeting = make_meeting(world.forum, soon())
    client.force_login(world.coordinator)
    deliver(lambda: client.post(reverse("meetings:invitation_send", args=[meeting.pk])))
    assert {first_event(m)["sequence"] for m in mail.outbox} == {0}
    url = reverse("meetings:day_edit", args=[meeting.days.get().pk])
    for sequence, start in enumerate(["13:00", "14:00", "15:00"], start=1):
        mail.outbox.clear()
        deliver(lambda start=start: client.post(url, {"date": soon().isoformat(), "start": start, "end": "16:00"}))
        assert len(mail.outbox) == 2 and {first_event(m)["sequence"] for m in mail.outbox} == {sequence}
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 3
    feed = client.get(reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug]))
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert event["sequence"] == 3
    # A change that mails nobody (the place of a meeting not yet invited) leaves the counter alone.
    other = make_meeting(world.forum, soon(40))
    day_url = reverse("meetings:day_edit", args=[other.days.get().pk])
    assert client.post(day_url, {"date": soon(41).isoformat(), "start": "10:00"}).status_code == 302
    other.refresh_from_db()
    assert other.ical_sequence == 0


@mailing
def test_removing_a_day_of_a_multi_day_meeting_cancels_that_day_alone(client, world):
    meeting = make_meeting(world.forum, soon(), soon(31))
    kept, struck = meeting.days.order_by("date")
    client.force_login(world.coordinator)
    deliver(lambda: client.post(reverse("meetings:invitation_send", args=[meeting.pk])))
    mail.outbox.clear()
    assert deliver(lambda: client.post(reverse("meetings:day_remove", args=[struck.pk]))).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["maja.ledamot@stadby.example", "olle@region.example"]
    for message in mail.outbox:
        cal = calendar_of(message)
        (event,) = cal.walk("VEVENT")
        assert cal["method"] == "CANCEL" and str(event["uid"]) == f"meetingday-{struck.pk}@samverkan"
        assert event["status"] == "CANCELLED" and event["sequence"] == 1
        assert event.decoded("dtstart").date() == struck.date
        assert struck.date.isoformat() in message.body and kept.date.isoformat() in message.body
    assert MeetingMail.objects.filter(kind="day_removed", sent_at__isnull=False).count() == 2
    # The day that stays keeps its UID, now with the new SEQUENCE, in the next mail and the feed.
    feed = client.get(reverse("meetings_public:body_ical", args=[world.area.slug, world.forum.slug]))
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["uid"]) == f"meetingday-{kept.pk}@samverkan" and event["sequence"] == 1


def drafted(world, meeting_date):
    meeting = make_meeting(world.forum, meeting_date, status="held")
    Signatory.objects.create(meeting=meeting, person=world.member_person, role="chair")
    meeting.attendance.create(person=world.member_person)
    return meeting


@mailing
def test_ready_for_adjustment_mails_the_signers_once_with_the_signing_link(client, world):
    meeting = drafted(world, timezone.localdate() - timedelta(days=1))
    client.force_login(world.coordinator)
    step(client, meeting, "drafted")
    (message,) = mail.outbox
    assert message.to == ["maja.ledamot@stadby.example"]
    assert reverse("meetings:sign", args=[meeting.pk]) in message.body
    run_worker()
    assert len(mail.outbox) == 1


@mailing
def test_reminder_to_sign_after_ten_days_once_per_signer(world):
    meeting = drafted(world, timezone.localdate() - timedelta(days=9))
    Meeting.objects.filter(pk=meeting.pk).update(status="drafted")
    call_command("send_reminders", verbosity=0)
    run_worker()
    assert not mail.outbox
    call_command("send_reminders", date=timezone.localdate() + timedelta(days=1), verbosity=0)
    call_command("send_reminders", date=timezone.localdate() + timedelta(days=2), verbosity=0)
    run_worker()
    (message,) = mail.outbox
    assert "Påminnelse" in message.subject and message.to == ["maja.ledamot@stadby.example"]


@mailing
def test_publishing_mails_the_members(client, world):
    meeting = make_meeting(world.forum, timezone.localdate() - timedelta(days=1), status="held", kind="notes")
    meeting.attendance.create(person=world.member_person)
    client.force_login(world.coordinator)
    step(client, meeting, "drafted")
    step(client, meeting, "published")
    assert sorted(m.to[0] for m in mail.outbox) == ["maja.ledamot@stadby.example", "olle@region.example"]
    assert all("publicerat" in m.subject for m in mail.outbox)


@mailing
def test_a_failed_send_is_retried_and_a_rolled_back_change_sends_nothing(world, settings):
    meeting = drafted(world, timezone.localdate() - timedelta(days=1))
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.take_step(meeting, "drafted", world.coordinator)
        raise RuntimeError("rolled back")
    run_worker()
    assert not MeetingMail.objects.exists() and not mail.outbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with _on_commit(execute=True):
        actions.take_step(meeting, "drafted", world.coordinator)
    run_worker()
    row = MeetingMail.objects.get()
    assert row.sent_at is None and row.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with _on_commit(execute=True):
        call_command("send_reminders", verbosity=0)
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1 and MeetingMail.objects.get().sent_at is not None


@pytest.mark.django_db
def test_the_header_leads_every_logged_in_person_to_mina_sidor(client, world):
    for actor in ("member", "contact", "coordinator"):
        client.force_login(getattr(world, actor))
        page = client.get("/").content.decode()
        assert f'href="{reverse("dashboard")}">Mina sidor' in page
