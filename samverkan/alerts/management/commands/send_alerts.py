"""`manage.py send_alerts`: the alerts' pass for cron (or `samverkan serve`'s loop): queue the digests due, retry
refused ones, and forget expired unconfirmed subscriptions."""

import logging
import time as clock
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from samverkan.alerts import actions, digest, tasks

log = logging.getLogger(__name__)


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltig tidpunkt: {value!r} (skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTHH:MM).") from error
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = (
        "Bevakningar: lägger sammanställningarna som är klara (dagliga efter midnatt, veckovisa efter måndag "
        "00:00) i kön i omgångar, försöker igen med dem som inte gick att skicka och raderar obekräftade "
        "bevakningar som gått ut. Varje period skickas en gång, hur ofta kommandot än körs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Skicka i den här processen i stället för via kön.")
        parser.add_argument("--at", type=moment, help="Räkna som om klockan vore detta (ÅÅÅÅ-MM-DDTHH:MM).")
        parser.add_argument(
            "--every", type=int, metavar="SEKUNDER", help="Kör om och om igen med så här många sekunders mellanrum."
        )

    def handle(self, *args, now=False, at=None, every=None, verbosity=1, **options):
        if not every:
            self.run_once(at or timezone.now(), now, verbosity)
            return
        try:
            while True:  # `samverkan serve`'s loop: a failed pass (the database away a moment) waits for the next
                try:
                    self.run_once(timezone.now(), now, verbosity)
                except Exception:
                    log.exception("The alerts' pass failed; the next one runs in %s s", every)
                clock.sleep(max(60, every))
        except KeyboardInterrupt:  # Ctrl-C in `samverkan serve` reaches every child
            return

    def run_once(self, at, now, verbosity):
        expired, _attempts = actions.forget_old(at)
        due = digest.due_subscriptions(at)
        batches = [due[i : i + settings.ALERT_BATCH] for i in range(0, len(due), settings.ALERT_BATCH)]
        with transaction.atomic():
            retried = digest.requeue_failed(at)
            if not now:
                for pk in retried:
                    transaction.on_commit(partial(tasks.send_digest_again.enqueue, pk))
                for batch in batches:
                    transaction.on_commit(partial(tasks.send_digests.enqueue, batch, at.isoformat()))
        sent = 0
        if now:
            sent = sum(digest.send_again(pk) for pk in retried)
            sent += sum(digest.send_batch(batch, at) for batch in batches)
        if verbosity:
            line = f"{len(due)} bevakningar att sammanställa i {len(batches)} omgångar, {len(retried)} försöks igen"
            self.stdout.write(line + (f", {sent} skickade" if now else "") + f"; {expired} obekräftade raderade.")
