"""`manage.py send_reminders`: the reminder pass for cron; queues the e-mails for the task worker by default."""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from samverkan.followthrough import dispatch, reminders, tasks
from samverkan.meetings import invitation_mail, notices, notifications
from samverkan.structure import logins


def iso_day(value):
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltigt datum: {value!r} (skriv ÅÅÅÅ-MM-DD).") from error


class Command(BaseCommand):
    help = (
        "Påminnelser om uppdrag och rekommendationer, och varningar om justerade protokoll som inte publicerats "
        "inom två dagar (anslaget är försenat). Lägger en uppgift per e-post i kön (körs av "
        "`manage.py db_worker`), eller skickar direkt med --now. Varje påminnelse skickas bara en gång."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Skicka i den här processen i stället för via kön.")
        parser.add_argument("--date", type=iso_day, help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD).")

    def handle(self, *args, now=False, date=None, verbosity=1, **options):
        warnings = notices.queue_notice_warnings(date)  # queued for the worker once committed
        signers = notifications.queue_sign_reminders(date)  # 10 of the 14 days have passed
        retried = (
            notifications.requeue_failed()
            + dispatch.requeue_failed()
            + logins.requeue_unsent(timezone.now() - timedelta(minutes=settings.WORKER_RECLAIM_MINUTES))
        )
        if now:
            for pk in [*warnings, *signers]:
                invitation_mail.send_queued(pk)
        if verbosity:
            self.stdout.write(f"{len(signers)} påminnelser om justering, {retried} e-postmeddelanden försöks igen.")
        if verbosity:
            self.stdout.write(f"{len(warnings)} varningar om försenade anslag.")
        for _receiver, line in reminders.reminder_pass.send(sender=Command, today=date, now=now):
            if verbosity and line:
                self.stdout.write(line)
        if now:
            sent = reminders.run_reminder_pass(date, worker="send_reminders")
            if verbosity:
                self.stdout.write(f"{sent} påminnelser skickade.")
            return
        due = reminders.due_reminders(date)
        for kind, pk in due:
            tasks.send_reminder.enqueue(kind, pk)
        if verbosity:
            self.stdout.write(f"{len(due)} påminnelser lagda i kön.")
