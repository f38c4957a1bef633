"""`samverkan serve`: gunicorn and the worker start together and stop together; the embedded key file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samverkan.demo.management.commands.serve import (
    child_environment,
    ensure_secret_key_file,
    gunicorn_command,
    worker_command,
)

ROOT = Path(__file__).resolve().parent.parent
# Runs serve.run_together over two children that write their pid and sleep (or the first exits at once).
SUPERVISOR = """
import sys, django
django.setup()
from samverkan.demo.management.commands.serve import run_together
child = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(float(sys.argv[2]))"
first, second = sys.argv[1:3]
sys.exit(run_together([[sys.executable, "-c", child, first, sys.argv[3]], [sys.executable, "-c", child, second, "600"]],
                      dict(__import__("os").environ)))
"""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited too; only its parent has not read its status yet.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def supervise(tmp_path, first_lasts):
    pids = [tmp_path / "first.pid", tmp_path / "second.pid"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="samverkan.settings", SAMVERKAN_VAR=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-c", SUPERVISOR, *map(str, pids), str(first_lasts)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while not all(p.exists() and p.read_text() for p in pids) and process.poll() is None:
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.1)
    return process, [int(p.read_text()) for p in pids if p.exists() and p.read_text()]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_both_children(tmp_path, stop):
    process, children = supervise(tmp_path, 600)
    assert len(children) == 2 and all(alive(pid) for pid in children)
    process.send_signal(stop)
    assert process.wait(timeout=30) == 0
    assert not any(alive(pid) for pid in children)


def test_when_one_child_dies_the_other_is_stopped(tmp_path):
    process, children = supervise(tmp_path, 0)
    assert process.wait(timeout=30) != 0
    assert not any(alive(pid) for pid in children)


def test_the_commands_are_gunicorn_with_threads_and_the_task_worker():
    assert gunicorn_command("127.0.0.1", "8000", 3, 4)[1:4] == ["-m", "gunicorn", "samverkan.wsgi"]
    assert {"--workers=3", "--threads=4", "--worker-class=gthread", "--bind=127.0.0.1:8000"} <= set(
        gunicorn_command("127.0.0.1", "8000", 3, 4)
    )
    assert worker_command()[1:4] == ["-m", "django", "db_worker"]


def test_the_embedded_key_file_is_private_and_is_the_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key_file = tmp_path / "secret_key"
    ensure_secret_key_file(key_file)
    key = key_file.read_text().strip()
    assert len(key) >= 50 and key_file.stat().st_mode & 0o777 == 0o600
    ensure_secret_key_file(key_file)
    assert key_file.read_text().strip() == key  # kept: sessions and reset links survive a restart
    env = {"SAMVERKAN_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "samverkan.settings", "PATH": "/usr/bin:/bin"}
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, samverkan.wsgi; from django.conf import settings; print(settings.SECRET_KEY,"
            " gc.get_freeze_count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    served_key, frozen = printed.stdout.split()
    assert served_key == key  # and gunicorn's entry point accepts it
    assert int(frozen) > 10_000  # the served process settled (lib/process.py)


def test_the_embedded_server_writes_mail_to_files_unless_a_mail_server_is_set(tmp_path, monkeypatch):
    """`samverkan serve`'s children write each mail to var/mail/ (the demo queues hundreds), unless EMAIL_URL
    names a mail server."""
    monkeypatch.delenv("EMAIL_URL", raising=False)
    read = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"

    def settings_of(env):
        out = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=env, capture_output=True, text=True)
        return out.stdout.split()

    backend, path = settings_of(child_environment(tmp_path / "mail"))
    assert backend == "django.core.mail.backends.filebased.EmailBackend" and path == str(tmp_path / "mail")
    monkeypatch.setenv("EMAIL_URL", "smtp://mail.example:25")
    env = child_environment(tmp_path / "mail")
    assert env["EMAIL_URL"] == "smtp://mail.example:25"


def test_the_mails_links_point_at_the_served_port_unless_site_url_is_set(monkeypatch):
    """`samverkan serve 8130` mailed links to :8000, the default SITE_URL."""
    monkeypatch.delenv("SITE_URL", raising=False)
    assert child_environment(None, "http://127.0.0.1:8130/")["SITE_URL"] == "http://127.0.0.1:8130"
    monkeypatch.setenv("SITE_URL", "https://samverkan.example.se")
    assert child_environment(None, "http://127.0.0.1:8130/")["SITE_URL"] == "https://samverkan.example.se"


# Two requests' worth of Django's own connection handling (request_started / request_finished close a connection
# that is past its age or broken) on a database file, in a process of its own: the test database is in memory, where
# Django never closes a connection.
KEPT_CONNECTION = """
import django
django.setup()
from django.core import signals
from django.db import connection
ids = []
for _ in range(2):
    signals.request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    ids.append(id(connection.connection))
    signals.request_finished.send(sender=None)
print(connection.vendor, ids[0] == ids[1])
"""


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
@pytest.mark.parametrize(("command", "kept"), [("serve", "True"), ("runserver", "False")])
def test_a_served_thread_keeps_its_database_connection_between_requests(tmp_path, database, command, kept):
    """Opening an SQLite connection for every request (file, WAL, pragmas, Django's SQL functions) held cached public
    pages to 288 requests a second against the floor view's 2,500 (`ab -c 8`, gunicorn as `serve` runs it); kept
    for a minute, they answer 2,200. PostgreSQL keeps its sessions the same way. `manage.py runserver` starts a
    thread per request, so there each request closes its connection (kept ones used up PostgreSQL's connections)."""
    url = (
        f"sqlite:///{tmp_path / 'kept.sqlite3'}"
        if database == "sqlite"
        else "postgres://postgres@127.0.0.1:5432/postgres"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "samverkan.settings"}
    env.pop("CONN_MAX_AGE", None)
    done = subprocess.run(  # sys.argv is ["-c", command], as settings.py reads manage.py's
        [sys.executable, "-c", KEPT_CONNECTION, command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [database, kept]
