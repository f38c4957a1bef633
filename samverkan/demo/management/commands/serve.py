"""`samverkan serve`: migrate, load the demo county into an empty database, and run gunicorn and the worker.

The embedded default (`make run`): gunicorn with a few workers and threads serves the site (static files through
WhiteNoise), the django-tasks worker sends what is queued (invitations, reminders, password-reset mail, alerts)
and the alerts' pass runs once an hour (`send_alerts --every 3600`), all children of this command. Ctrl-C
(SIGINT) or SIGTERM stops all of them; if one of them dies, the others are stopped too.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

import samverkan
from samverkan.demo.county import DEMO_LOGINS, DEMO_PASSWORD
from samverkan.search.index import analyse

# How long the children get to finish after Ctrl-C before they are killed (seconds).
STOP_GRACE = 10


def ensure_secret_key_file(path: Path) -> None:
    """Write a random key to `path` (mode 0600) unless SECRET_KEY is set or the file exists.

    settings.py reads the file when SECRET_KEY is unset, so the embedded server, its worker and any later
    `samverkan manage …` share one real key instead of the built-in development key.
    """
    if os.environ.get("SECRET_KEY") or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50) + "\n")


def child_environment(mail_dir: Path | None = None, address: str | None = None) -> dict[str, str]:
    """The environment for gunicorn and the worker: this process's, importing the same Samverkan code. Unless
    `EMAIL_URL` is set, the mail they send is written to `mail_dir`, one file per message (Django's file
    backend), not printed among the server's log lines, which the demo's many invitations and surveys drowned.
    Unless `SITE_URL` is set, the links in those mails point at `address` (the served address, port included)."""
    root = str(Path(samverkan.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH", "")]))
    env.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    if mail_dir is not None and not env.get("EMAIL_URL"):
        # django-environ reads the path after "filemail://" without its first slash: one more keeps it absolute.
        env["EMAIL_URL"] = "filemail:///" + str(mail_dir.resolve())
    if address is not None and not env.get("SITE_URL"):
        env["SITE_URL"] = address.rstrip("/")
    return env


def gunicorn_command(host: str, port: str, workers: int, threads: int) -> list[str]:
    """gunicorn's command line for the embedded server: `workers` processes of `threads` threads each."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "samverkan.wsgi",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--timeout=120",
        f"--graceful-timeout={STOP_GRACE}",
        "--log-level=warning",
    ]


def worker_command() -> list[str]:
    """The django-tasks database worker, as `samverkan worker` runs it."""
    return [sys.executable, "-m", "django", "db_worker", "--no-reload", "--interval=1"]


def alerts_command() -> list[str]:
    """The alerts' pass once an hour (`manage.py send_alerts --every 3600`): it queues the digests due, which the
    worker sends; each period goes out once however often it runs. In production cron runs it instead."""
    return [sys.executable, "-m", "django", "send_alerts", "--every=3600", "--verbosity=0"]


def _wait_all(children: list[subprocess.Popen], seconds: float) -> None:
    """Wait up to `seconds` for every child to exit."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(child.poll() is None for child in children):
        time.sleep(0.1)


def run_together(commands: list[list[str]], env: dict[str, str]) -> int:
    """Start every command; return when one exits or on Ctrl-C/SIGTERM, after stopping all of them.

    Ctrl-C in a terminal reaches every child by itself (one process group), so after a signal the children get
    a moment to stop on their own before they are sent SIGTERM, and killed after STOP_GRACE. Returns 0 after a
    signal, otherwise the exit code of the child that stopped first.
    """
    received: list[int] = []

    def stop(signum, frame):
        received.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    children = [subprocess.Popen(command, env=env) for command in commands]
    code = 0
    try:
        while not received:
            finished = [child for child in children if child.poll() is not None]
            if finished:
                code = finished[0].returncode or 1
                break
            time.sleep(0.2)
    finally:
        _wait_all(children, 2 if received else 0)
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE + 2
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


class Command(BaseCommand):
    help = "Migrera, ladda demolänet om databasen är tom och starta servern (gunicorn) och bakgrundsarbetaren."

    def add_arguments(self, parser):
        parser.add_argument("port", nargs="?", default="8000")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, port, host, workers, threads, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        ensure_secret_key_file(settings.SECRET_KEY_FILE)
        call_command("migrate", interactive=False, verbosity=0)
        if not get_user_model().objects.exists():
            self.stdout.write("Tom databas: skapar demolänet …")
            call_command("demo", verbosity=0)
        analyse()  # the search index's planner figures (search/index.py)
        address = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nSamverkan körs på {address}\n"))
        self.stdout.write(f"Demoinloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {description}")
        mail_dir = settings.VAR_DIR / "mail"
        env = child_environment(mail_dir, address)
        if env["EMAIL_URL"].startswith("filemail:"):
            mail_dir.mkdir(exist_ok=True)
            sent = f"bakgrundsarbetaren skriver e-posten till {mail_dir}/, en fil per meddelande"
        else:
            sent = "bakgrundsarbetaren skickar e-posten (EMAIL_URL)"
        self.stdout.write(f"\ngunicorn: {workers} processer × {threads} trådar; {sent}. Avsluta med Ctrl-C.\n")
        self.stdout.flush()
        commands = [gunicorn_command(host, port, workers, threads), worker_command(), alerts_command()]
        code = run_together(commands, env)
        if code:
            sys.exit(code)
