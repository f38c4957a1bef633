"""Reminders: the cron command queues them, the real django-tasks database worker sends them, each exactly once
— also when the command runs twice, a task is queued twice, or the worker is restarted."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samverkan import cli
from samverkan.followthrough import reminders, tasks
from samverkan.followthrough.models import SentReminder
from samverkan.structure.models import Person, Role
from tests.followthrough_helpers import assign, decide, decision_item, recommend
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due(transactional_db):
    """A world where four reminders are due: an assignment soon due and one overdue, a recommendation whose
    deadline is near (the town's contact) and one whose deadline has passed (the village's contact too)."""
    w = World.build()
    today = timezone.localdate()
    village_contact = get_user_model().objects.create_user("byn", "byn-kontakt@test.example", "x")
    Role.objects.create(user=village_contact, kind="contact", principal=w.village)
    person = Person.objects.create(first_name="Ulla", last_name="Uppdrag", slug="ulla", email="ulla@test.example")
    item = decision_item(w.forum, today - timedelta(days=20))
    soon = assign(item, assignee_person=person, due_date=today + timedelta(days=3), description="Snart klart")
    late = assign(item, assignee_principal=w.town, due_date=today - timedelta(days=2), description="Försenat")
    later = assign(item, assignee_person=person, due_date=today + timedelta(days=60), description="Långt kvar")
    near = recommend(item, title="Nära svarsdatum", deadline=today + timedelta(days=4), principals=[w.town])
    passed = recommend(item, title="Passerat svarsdatum", deadline=today - timedelta(days=1))
    decide(passed, w.region, "adopted")  # decided: no reminder for the region
    return {"world": w, "soon": soon, "late": late, "later": later, "near": near, "passed": passed}


def run_worker():
    """The real worker, as `manage.py db_worker --batch` runs it, against the test database."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


def outbox():
    return sorted((m.subject, tuple(m.to)) for m in mail.outbox)


def test_the_command_queues_and_the_worker_sends_each_reminder_once(due):
    call_command("send_reminders", verbosity=0)
    assert DBTaskResult.objects.filter(status="READY").count() == 5
    assert mail.outbox == []  # nothing is sent until the worker runs
    run_worker()
    assert outbox() == [
        ("Försenat uppdrag: Försenat", ("contact@test.example",)),
        ("Påminnelse om beslut: Nära svarsdatum", ("contact@test.example",)),
        ("Påminnelse om uppdrag: Snart klart", ("ulla@test.example",)),
        ("Svarsdatum passerat: Passerat svarsdatum", ("byn-kontakt@test.example",)),
        ("Svarsdatum passerat: Passerat svarsdatum", ("contact@test.example",)),
    ]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 5
    assert SentReminder.objects.filter(sent_at__isnull=False).count() == 5
    body = next(m.body for m in mail.outbox if "Snart klart" in m.subject)
    assert "/hantera/uppfoljning/uppdrag/" in body and "Ledningsforum" in body

    # Cron runs again, the worker runs again: nothing new goes out.
    call_command("send_reminders", verbosity=0)
    run_worker()
    assert len(mail.outbox) == 5


def test_a_task_queued_twice_sends_once(due):
    """As after a worker restart that re-queues, or two cron runs before the worker wakes up."""
    for _ in range(3):
        tasks.send_reminder.enqueue(SentReminder.Kind.ASSIGNMENT_DUE, due["soon"].pk)
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Påminnelse om uppdrag: Snart klart"]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


def test_a_fresh_claim_left_by_a_killed_worker_is_not_sent_again(due):
    """A worker killed after claiming (the row is committed before the e-mail) leaves the claim; until it is older
    than WORKER_RECLAIM_MINUTES a restarted worker sends nothing for it, so a reminder is not sent twice."""
    SentReminder.objects.create(
        kind=SentReminder.Kind.ASSIGNMENT_OVERDUE, assignment=due["late"], claimed_at=timezone.now(), claimed_by="x"
    )
    call_command("send_reminders", verbosity=0)
    run_worker()
    assert not any("Försenat uppdrag" in m.subject for m in mail.outbox)
    assert len(mail.outbox) == 4


def test_an_e_mail_that_cannot_be_sent_is_tried_again(due, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    call_command("send_reminders", verbosity=0)
    run_worker()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 5
    assert not SentReminder.objects.exists()  # the claims were given back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_reminders", verbosity=0)
    run_worker()
    assert len(mail.outbox) == 5


def test_a_decided_or_reported_object_gets_no_reminder(due):
    w = due["world"]
    decide(due["near"], w.town, "adopted")
    due["late"].status = "done"
    due["late"].save()
    kinds = {kind for kind, _pk in reminders.due_reminders()}
    assert kinds == {SentReminder.Kind.ASSIGNMENT_DUE, SentReminder.Kind.DECISION_OVERDUE}


def test_without_recipients_nothing_is_claimed(due):
    Role.objects.filter(kind="contact").delete()
    call_command("send_reminders", "--now", verbosity=0)
    assert [m.subject for m in mail.outbox] == ["Påminnelse om uppdrag: Snart klart"]
    assert SentReminder.objects.count() == 1  # the others wait until someone can be told


def test_the_now_option_and_the_date_option(due, capsys):
    today = timezone.localdate()
    call_command("send_reminders", "--now", "--date", (today + timedelta(days=100)).isoformat())
    assert "påminnelser skickade" in capsys.readouterr().out
    # 100 days on, even the far assignment is overdue; everything overdue went out once.
    assert any("Försenat uppdrag: Långt kvar" == m.subject for m in mail.outbox)
    before = len(mail.outbox)
    call_command("send_reminders", "--now", "--date", (today + timedelta(days=100)).isoformat(), verbosity=0)
    assert len(mail.outbox) == before


def test_a_bad_date_is_a_clear_error(due):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ogiltigt datum"):
        call_command("send_reminders", "--date", "2026-02-30")


def test_the_samverkan_command_runs_the_pass(due, capsys):
    assert cli.main(["send-reminders", "--now"]) == 0
    assert "5 påminnelser skickade." in capsys.readouterr().out
    assert len(mail.outbox) == 5


def test_an_old_claim_left_by_a_killed_worker_is_given_back_and_sent(due, settings):
    """Older than WORKER_RECLAIM_MINUTES, the claim is given back when the worker starts (`recover_interrupted`,
    which `samverkan worker` runs first), so the next pass sends the reminder: at least once, not never."""
    long_ago = timezone.now() - timedelta(minutes=settings.WORKER_RECLAIM_MINUTES + 1)
    SentReminder.objects.create(
        kind=SentReminder.Kind.ASSIGNMENT_OVERDUE, assignment=due["late"], claimed_at=long_ago, claimed_by="x"
    )
    call_command("recover_interrupted", verbosity=0)
    call_command("send_reminders", verbosity=0)
    run_worker()
    assert any("Försenat uppdrag" in m.subject for m in mail.outbox)
    assert len(mail.outbox) == 5
