"""`manage.py record_measures`: queue, for every goal whose values come from a source (computed now; a survey
once wired), a worker task that records today's value. Run it from cron, e.g. monthly."""

from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from samverkan.followup.actions import readable_goals
from samverkan.followup.tasks import record_reading


class Command(BaseCommand):
    help = "Queue a worker task per goal with a computed (or survey) source that records today's value."

    def handle(self, *args, **options):
        today = timezone.localdate().isoformat()
        with transaction.atomic():
            pks = list(readable_goals().values_list("pk", flat=True))
            for pk in pks:
                transaction.on_commit(partial(record_reading.enqueue, pk, today))
        self.stdout.write(f"{len(pks)}")
