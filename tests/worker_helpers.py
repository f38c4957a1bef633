"""The background worker in tests: the real django-tasks database worker, run until its queue is empty."""

from django.core.management import call_command


def run_worker():
    """Run every queued task once, in this process, as `samverkan worker` would (one batch, no waiting)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
