"""The invitation (kallelse): who gets it, what it says (and never says), the calendar file, answers, substitutes.

The e-mails go through the real django-tasks database worker: settings.TASKS is the database backend (no
immediate backend, in tests too), the request only queues a task per e-mail after its transaction commits, and
`deliver` runs the commit callbacks and then `manage.py db_worker --batch`, as the reminder tests do. The worker
closes its database connection when it is done, so the tests that run it commit for real (`mailing`, which is
transaction=True, as the reminder tests are); on PostgreSQL a test inside one rolled-back transaction would
lose it. Tests about what follows an invitation only queue it (`invite`)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from icalendar import Calendar

from samverkan.meetings.models import Invitation, InvitationAnswer, Meeting, MeetingMail
from samverkan.structure.models import Membership, Person
from tests.access_helpers import ACTORS, assert_access
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.test_bad_input import GARBAGE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


_on_commit = None


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks):
    global _on_commit
    _on_commit = django_capture_on_commit_callbacks


def run_worker():
    """The real worker, as `manage.py db_worker --batch` runs it, against the test database."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


mailing = pytest.mark.django_db(transaction=True)


def deliver(request):
    """Make the request, run what waits for its commit (queueing the e-mails), then the worker; the response."""
    with _on_commit(execute=True):
        response = request()
    run_worker()
    return response


def link(path):
    return settings.SITE_URL + path


def soon(days=30):
    return timezone.localdate() + timedelta(days=days)


def person(first, last, principal, email=""):
    return Person.objects.create(
        first_name=first, last_name=last, slug=slugify(f"{first} {last}"), employer=principal, email=email
    )


@pytest.fixture
def forum(world):
    """A two-day forum meeting a month ahead, with items of every visibility, documents and substitutes."""
    meeting = make_meeting(world.forum, soon(), soon(31), place="Regionhuset")
    public = make_item(meeting, "1", "Budget för samverkan", presenters="Anna Ekonom")
    internal = make_item(meeting, "2", "Personalläget i chefsgruppen", visibility="internal")
    secret = make_item(meeting, "3", "Hälsouppgifter om en namngiven brukare", visibility="confidential")
    docs = {
        "public": make_document(meeting, "Budgetunderlag", item=public, name="budget.pdf"),
        "internal": make_document(meeting, "Intern lägesrapport", item=internal),
        "secret": make_document(meeting, "Journalutdrag", item=secret),
        "confidential": make_document(meeting, "Hemlig promemoria", visibility="confidential"),
        "general": make_document(meeting, "Mötets bildspel"),
    }
    named = person("Sara", "Ersättare", world.town, "sara@stadby.example")
    Membership.objects.create(
        person=named, body=world.forum, role="substitute", principal=world.town, substitute_for=world.member_person
    )
    quiet = person("Nils", "Utanmejl", world.village)
    Membership.objects.create(person=quiet, body=world.forum, role="member", principal=world.village)
    regional = person("Rut", "Regionersättare", world.region, "rut@region.example")
    Membership.objects.create(person=regional, body=world.forum, role="substitute", principal=world.region)
    gone = person("Gustav", "Avgått", world.town, "gustav@stadby.example")
    Membership.objects.create(
        person=gone, body=world.forum, role="member", principal=world.town, end=soon() - timedelta(days=1)
    )
    return {
        "meeting": meeting,
        "items": (public, internal, secret),
        "docs": docs,
        "named": named,
        "quiet": quiet,
        "regional": regional,
        "gone": gone,
    }


def send_url(meeting):
    return reverse("meetings:invitation_send", args=[meeting.pk])


def answer_url(meeting):
    return reverse("meetings:answer", args=[meeting.pk])


def send(client, world, meeting, actor="coordinator"):
    """Send the invitation as `actor` and run the worker (needs a test that commits: `mailing`)."""
    world.client_for(client, actor)
    return deliver(lambda: client.post(send_url(meeting)))


def invite(client, world, meeting):
    """Send the invitation without delivering it: for tests about what follows, not about the e-mail."""
    world.client_for(client, "coordinator")
    with _on_commit(execute=True):
        return client.post(send_url(meeting))


@mailing
def test_confirmation_page_lists_recipients_and_those_who_cannot_be_reached(client, world, forum):
    client.force_login(world.coordinator)
    html = client.get(send_url(forum["meeting"])).content.decode()
    for name in ("Maja Ledamot", "Olle Ordförande", "Sara Ersättare", "Rut Regionersättare"):
        assert name in html
    assert "Kan inte nås per e-post" in html and "Nils Utanmejl" in html
    assert "Gustav Avgått" not in html  # his seat ended before the meeting
    assert "maja.ledamot@stadby.example" not in html
    assert "Hälsouppgifter om en namngiven brukare" not in html
    assert not mail.outbox and not Invitation.objects.exists()


@mailing
def test_sending_mails_each_reachable_member_and_substitute_and_marks_the_meeting_invited(client, world, forum):
    meeting = forum["meeting"]
    response = send(client, world, meeting)
    assert response.status_code == 302
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = ["maja.ledamot@stadby.example", "olle@region.example", "rut@region.example", "sara@stadby.example"]
    assert recipients == expected
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)
    invitation = Invitation.objects.get()
    assert (invitation.meeting, invitation.sent_by, invitation.recipients) == (meeting, world.coordinator, 4)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INVITED and meeting.invited_at is not None
    assert meeting.history.first().history_user == world.coordinator
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("4 mottagare" in m for m in messages)
    assert any("Nils Utanmejl" in m for m in messages)


@mailing
def test_the_mail_carries_the_agenda_members_may_see_and_never_a_confidential_title(client, world, forum):
    send(client, world, forum["meeting"])
    docs = forum["docs"]
    for message in mail.outbox:
        text = message.subject + message.body
        assert message.subject.startswith("Kallelse: Ledningsforum")
        assert "Budget för samverkan" in text and "Föredragande: Anna Ekonom" in text
        assert "Personalläget i chefsgruppen" in text  # internal items are for members
        assert "3  Sekretess" in text
        for secret in ("Hälsouppgifter om en namngiven brukare", "Journalutdrag", "Hemlig promemoria"):
            assert secret not in text
            for attachment in message.attachments:
                assert secret not in attachment.get_payload(decode=True).decode()
        public_link = link(
            reverse("meetings_public:document", args=["testlan", forum["meeting"].pk, docs["public"].pk])
        )
        assert public_link in text
        assert settings.SITE_URL + reverse("meetings:document_file", args=[docs["internal"].pk]) in text
        assert "Mötets bildspel" in text
        assert settings.SITE_URL + "/kallelse/svar/" in text  # the personal link (test_participation.py)
        assert "Regionhuset" in text and soon().isoformat() in text


@mailing
def test_the_ics_attachment_is_a_request_with_every_day_of_the_meeting(client, world, forum):
    send(client, world, forum["meeting"])
    message = next(m for m in mail.outbox if m.to == ["maja.ledamot@stadby.example"])
    (attachment,) = message.attachments
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "kallelse.ics"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST"
    events = calendar.walk("VEVENT")
    assert sorted(e.decoded("dtstart").astimezone(timezone.get_current_timezone()).date() for e in events) == [
        soon(),
        soon(31),
    ]
    days = {f"meetingday-{d.pk}@samverkan" for d in forum["meeting"].days.all()}
    assert {str(e["UID"]) for e in events} == days  # the same events as the public feed, so clients update them
    for event in events:
        assert str(event["ATTENDEE"]) == "mailto:maja.ledamot@stadby.example"
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert str(event["LOCATION"]) == "Regionhuset"


@mailing
def test_sending_again_after_a_change_says_new_invitation(client, world, forum):
    meeting = forum["meeting"]
    send(client, world, meeting)
    make_item(meeting, "4", "Tillagd punkt")
    mail.outbox.clear()
    client.force_login(world.coordinator)
    assert "Skicka ny kallelse" in client.get(send_url(meeting)).content.decode()
    assert client.post(send_url(meeting)).status_code == 302
    assert Invitation.objects.filter(meeting=meeting).count() == 2
    assert all(m.subject.startswith("Ny kallelse:") for m in mail.outbox)
    assert all("ersätter den tidigare kallelsen" in m.body and "Tillagd punkt" in m.body for m in mail.outbox)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INVITED


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": "cancelled"}, "Mötet är inställt"),
        ({"status": "held"}, "Mötet har redan hållits"),
        ({"status": "published"}, "Mötet har redan hållits"),
        ({"past": True}, "Mötet har redan hållits"),
        ({"no_days": True}, "Mötet har inga dagar"),
    ],
)
@mailing
def test_cancelled_held_or_dayless_meetings_cannot_be_invited(client, world, forum, change, message):
    meeting = forum["meeting"]
    if change.get("past"):
        meeting.days.order_by("pk").last().delete()
        meeting.days.update(date=timezone.localdate() - timedelta(days=3))
    elif change.get("no_days"):
        meeting.days.all().delete()
    else:
        Meeting.objects.filter(pk=meeting.pk).update(status=change["status"])
    response = send(client, world, meeting)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not mail.outbox and not Invitation.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).invited_at is None


@mailing
def test_nothing_is_mailed_before_the_worker_runs(client, world, forum):
    client.force_login(world.coordinator)
    with _on_commit(execute=True):
        assert client.post(send_url(forum["meeting"])).status_code == 302
    assert not mail.outbox  # the request only queued the e-mails
    assert MeetingMail.objects.filter(sent_at=None).count() == 4
    run_worker()
    assert len(mail.outbox) == 4 and not MeetingMail.objects.filter(sent_at=None).exists()
    run_worker()  # a second run sends nothing again
    assert len(mail.outbox) == 4


@mailing
def test_a_mail_server_that_refuses_leaves_the_invitation_recorded_and_the_mails_unsent(client, world, forum, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    response = send(client, world, forum["meeting"])
    assert response.status_code == 302
    # The invitation and "invited" were committed first; the mails are recorded as not sent, with why.
    assert Invitation.objects.get().recipients == 4
    meeting = Meeting.objects.get(pk=forum["meeting"].pk)
    assert meeting.status == Meeting.Status.INVITED and meeting.invited_at is not None
    unsent = list(MeetingMail.objects.all())
    assert len(unsent) == 4 and all(m.sent_at is None and m.claimed_at is None and m.error for m in unsent)
    # The staff meeting page says so, and queueing them again once the server is back sends each once.
    client.force_login(world.coordinator)
    page = client.get(meeting_url(meeting)).content.decode()
    assert "4 e-postmeddelanden har inte gått fram ännu" in page
    # Each by name (not address) with the mail server's last word.
    assert "Senaste fel" in page and escape(unsent[0].error) in page and str(unsent[0].membership.person) in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = deliver(lambda: client.post(retry_url(meeting)))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.address for m in unsent)
    assert not MeetingMail.objects.filter(sent_at=None).exists()


def meeting_url(meeting):
    return reverse("meetings:meeting", args=[meeting.pk])


def retry_url(meeting):
    return reverse("meetings:invitation_retry", args=[meeting.pk])


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_send_the_invitation(client, world, forum, actor):
    group_meeting = make_meeting(world.group, soon(10))
    may_send = {"forum": {"coordinator", "admin"}, "group": {"coordinator", "admin", "secretary"}}
    for key, meeting in (("forum", forum["meeting"]), ("group", group_meeting)):
        world.client_for(client, actor)
        assert_access(client.get(send_url(meeting)), actor, may_send[key], what=key)
        if actor not in may_send[key] and actor != "anonymous":
            assert client.post(send_url(meeting)).status_code == 403
    if actor not in may_send["forum"]:
        assert not Invitation.objects.filter(meeting=forum["meeting"]).exists()


def test_members_answer_for_themselves(client, world, forum):
    meeting = forum["meeting"]
    invite(client, world, meeting)
    client.force_login(world.member)
    page = client.get(answer_url(meeting))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Personalläget i chefsgruppen" in html and "Hälsouppgifter" not in html
    response = client.post(answer_url(meeting), {"answer": "attend", "comment": "Kommer kl. 10", "person": 1})
    assert response.status_code == 302
    answer = InvitationAnswer.objects.get()
    assert (answer.person, answer.answer, answer.comment) == (world.member_person, "attend", "Kommer kl. 10")
    assert answer.history.get().history_user == world.member
    assert "Kommer" in client.get(answer_url(meeting)).content.decode()


@pytest.mark.parametrize("actor", ["outsider", "contact", "secretary", "coordinator", "admin"])
def test_people_not_invited_cannot_answer(client, world, forum, actor):
    meeting = forum["meeting"]
    invite(client, world, meeting)
    world.client_for(client, actor)
    assert client.get(answer_url(meeting)).status_code == 404
    assert client.post(answer_url(meeting), {"answer": "attend"}).status_code == 404
    assert not InvitationAnswer.objects.exists()


def test_no_answer_before_an_invitation_and_none_for_a_seat_that_ended(client, world, forum):
    meeting = forum["meeting"]
    client.force_login(world.member)
    assert client.get(answer_url(meeting)).status_code == 404
    invite(client, world, meeting)
    gone = forum["gone"]
    gone.user = world.outsider
    gone.save()
    client.force_login(world.outsider)
    assert client.post(answer_url(meeting), {"answer": "attend"}).status_code == 404
    assert client.get(answer_url(meeting)).status_code == 404
    client.logout()
    response = client.get(answer_url(meeting))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@mailing
def test_absence_tells_the_named_substitute_once_and_coming_after_all_stands_them_down(client, world, forum):
    """An absence tells the substitute once, however often it is repeated; when the member then comes after all,
    the substitute is told they are not needed (both expected to take the same seat), and a new absence tells
    them again."""
    meeting = forum["meeting"]
    send(client, world, meeting)
    mail.outbox.clear()
    client.force_login(world.member)
    deliver(lambda: client.post(answer_url(meeting), {"answer": "absent", "comment": "Sjuk"}))
    assert [m.to for m in mail.outbox] == [["sara@stadby.example"]]
    assert "Maja Ledamot har anmält förhinder" in mail.outbox[0].body
    assert "Hälsouppgifter" not in mail.outbox[0].body
    answer = InvitationAnswer.objects.get()
    told = answer.substitute_told_at
    assert told is not None
    deliver(lambda: client.post(answer_url(meeting), {"answer": "absent"}))
    assert len(mail.outbox) == 1
    answer.refresh_from_db()
    assert answer.substitute_told_at == told

    response = deliver(lambda: client.post(answer_url(meeting), {"answer": "attend"}, follow=True))
    assert "Din ersättare har fått besked att hen inte behöver tjänstgöra" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["sara@stadby.example"]] * 2
    released = mail.outbox[1]
    assert released.subject.startswith("Du behöver inte tjänstgöra")
    assert "Maja Ledamot kommer till mötet" in released.body and "Sjuk" not in released.body
    answer.refresh_from_db()
    assert answer.substitute_told_at is None and answer.answer == "attend"
    staff = client.__class__()
    staff.force_login(world.coordinator)
    page = staff.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    maja = re.search(r"<tr><td>Maja Ledamot</td>.*?</tr>", page, re.S).group(0)
    assert maja.endswith("<td>–</td></tr>"), maja  # "substitute told" is empty again

    deliver(lambda: client.post(answer_url(meeting), {"answer": "attend"}))
    assert len(mail.outbox) == 2  # coming again tells nobody anything
    deliver(lambda: client.post(answer_url(meeting), {"answer": "absent"}))
    assert len(mail.outbox) == 3 and "har anmält förhinder" in mail.outbox[2].body


@mailing
def test_without_a_named_substitute_the_principals_substitutes_are_told(client, world, forum):
    meeting = forum["meeting"]
    olle = Person.objects.get(slug="olle-ordforande")
    olle.user = world.outsider
    olle.save()
    send(client, world, meeting)
    mail.outbox.clear()
    client.force_login(world.outsider)
    response = deliver(lambda: client.post(answer_url(meeting), {"answer": "absent"}, follow=True))
    # Olle sits for the region: the region's substitute is told, not the town's.
    assert [m.to for m in mail.outbox] == [["rut@region.example"]]
    assert "Rut Regionersättare" in response.content.decode()


@mailing
def test_a_substitutes_absence_tells_nobody(client, world, forum):
    meeting = forum["meeting"]
    forum["named"].user = world.outsider
    forum["named"].save()
    send(client, world, meeting)
    mail.outbox.clear()
    client.force_login(world.outsider)
    assert deliver(lambda: client.post(answer_url(meeting), {"answer": "absent"})).status_code == 302
    assert not mail.outbox
    assert InvitationAnswer.objects.get().substitute_told_at is None


@mailing
def test_answers_close_when_the_meeting_is_held(client, world, forum):
    meeting = forum["meeting"]
    send(client, world, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    client.force_login(world.member)
    assert "Svaret kan inte längre ändras" in client.get(answer_url(meeting)).content.decode()
    response = client.post(answer_url(meeting), {"answer": "absent"})
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert not InvitationAnswer.objects.exists() and not mail.outbox[4:]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_answers_change_nothing(client, world, forum, value):
    meeting = forum["meeting"]
    invite(client, world, meeting)
    client.force_login(world.member)
    response = client.post(answer_url(meeting), {"answer": value, "comment": value})
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert not InvitationAnswer.objects.exists()


def test_the_secretary_sees_the_answers_on_the_meeting_page(client, world, forum):
    meeting = forum["meeting"]
    invite(client, world, meeting)
    client.force_login(world.member)
    client.post(answer_url(meeting), {"answer": "absent", "comment": "På semester"})
    client.force_login(world.coordinator)
    html = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Kallelse och svar" in html
    assert "Anmäler förhinder" in html and "På semester" in html
    assert "Inget svar" in html  # the others have not answered
    assert "Skicka ny kallelse" in html


def test_the_dashboard_lists_invitations_to_answer(client, world, forum):
    meeting = forum["meeting"]
    client.force_login(world.member)
    assert "Kallelser att svara på" not in client.get(reverse("dashboard")).content.decode()
    invite(client, world, meeting)
    client.force_login(world.member)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Kallelser att svara på" in html and answer_url(meeting) in html and "Inte svarat" in html
    client.post(answer_url(meeting), {"answer": "attend"})
    html = client.get(reverse("dashboard")).content.decode()
    assert "Inte svarat" not in html and "Kommer" in html


def test_invitation_pages_and_sections_have_a_constant_number_of_queries(client, world, forum, queries):
    meeting = forum["meeting"]
    invite(client, world, meeting)
    counter = iter(range(1000))

    def grow():
        for _ in range(5):
            n = next(counter)
            extra = person(f"Extra{n}", "Ledamot", world.town, f"extra{n}@stadby.example")
            Membership.objects.create(person=extra, body=world.forum, role="substitute", principal=world.town)
            InvitationAnswer.objects.create(meeting=meeting, person=extra, answer="attend", answered_at=timezone.now())
            item = make_item(meeting, f"10{n}", f"Punkt {n}")
            make_document(meeting, f"Bilaga {n}", item=item)
            later = make_meeting(world.forum, soon(40 + n))
            Invitation.objects.create(meeting=later, sent_at=timezone.now(), sent_by=world.coordinator)

    client.force_login(world.coordinator)
    # The meeting page reads the agenda as it was sent (numbering.renumbered_since_sent) and the mails sent.
    for url, at_most in ((reverse("meetings:meeting", args=[meeting.pk]), 22), (send_url(meeting), 12)):
        queries.assert_constant(client, url, grow, at_most=at_most)
    client.force_login(world.member)
    for url, at_most in ((answer_url(meeting), 14), (reverse("dashboard"), 10)):
        queries.assert_constant(client, url, grow, at_most=at_most)


@pytest.mark.parametrize("path", ["/hantera/moten/999999/kallelse/", "/hantera/moten/999999/svar/"])
def test_odd_invitation_addresses_answer_404(client, world, path):
    client.force_login(world.admin)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


class OutsideTransactionBackend(locmem.EmailBackend):
    """The test outbox, which also notes whether each e-mail was handed over inside a database transaction."""

    inside = []

    def send_messages(self, messages):
        OutsideTransactionBackend.inside.append(connection.in_atomic_block)
        return super().send_messages(messages)


@mailing
def test_no_e_mail_is_handed_over_inside_a_transaction(client, world, forum, settings):
    settings.EMAIL_BACKEND = f"{__name__}.OutsideTransactionBackend"
    OutsideTransactionBackend.inside = []
    send(client, world, forum["meeting"])
    client.force_login(world.member)
    deliver(lambda: client.post(answer_url(forum["meeting"]), {"answer": "absent"}))
    assert len(mail.outbox) == 5  # four invitations, then the word to the named substitute
    assert OutsideTransactionBackend.inside == [False] * 5


@mailing
def test_a_mail_claimed_by_a_killed_worker_is_sent_when_the_worker_starts_again(client, world, forum, settings):
    """The worker was killed between claiming the mail and sending it: the claim stays. `samverkan worker` first
    gives back claims older than WORKER_RECLAIM_MINUTES (the staff page shows why) and then sends them."""
    from samverkan.cli import main

    response = invite(client, world, forum["meeting"])
    assert response.status_code == 302
    long_ago = timezone.now() - timedelta(minutes=settings.WORKER_RECLAIM_MINUTES + 1)
    stuck = MeetingMail.objects.order_by("pk").first()
    MeetingMail.objects.filter(pk=stuck.pk).update(claimed_at=long_ago)
    fresh = MeetingMail.objects.order_by("pk")[1]
    MeetingMail.objects.filter(pk=fresh.pk).update(claimed_at=timezone.now())  # may still be sending: left alone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the killed worker's tasks are gone with it
    assert main(["worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload"]) == 0
    stuck.refresh_from_db()
    assert stuck.sent_at is not None and [m.to[0] for m in mail.outbox] == [stuck.address]
    assert "stoppades" in stuck.error or stuck.error == ""
    fresh.refresh_from_db()
    assert fresh.sent_at is None and fresh.claimed_at is not None
