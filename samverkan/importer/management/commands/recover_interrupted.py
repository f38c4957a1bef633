"""`manage.py recover_interrupted`: put right what a killed worker or request left half done. `samverkan worker`
runs it before the worker starts."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from samverkan.followthrough import reminders
from samverkan.importer import actions as importer_actions
from samverkan.meetings import actions as meeting_actions


class Command(BaseCommand):
    help = (
        "Ger tillbaka e-post och påminnelser som en avbruten arbetare lämnade påbörjade, köar om textutläsning "
        "och städar ZIP-importer som avbröts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.WORKER_RECLAIM_MINUTES,
            help="hur många minuter gammalt ett påbörjat jobb ska vara för att tas tillbaka",
        )

    def handle(self, *args, older_than, **options):
        now = timezone.now()
        cutoff = now - timedelta(minutes=older_than)
        mails = meeting_actions.reclaim_stale_mail(cutoff)
        texts = meeting_actions.requeue_stale_text(cutoff)
        claims = reminders.reclaim_stale(cutoff)
        batches = importer_actions.clean_interrupted(now)
        if options["verbosity"]:
            self.stdout.write(
                f"E-post åter i kön: {mails}. Textutläsning åter i kön: {texts}. "
                f"Påminnelser frigjorda: {claims}. Avbrutna ZIP-importer: {batches}."
            )
