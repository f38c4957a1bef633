"""Accounts: login with Argon2, throttling, logout, password change and reset by e-mail."""

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from tests.world import PASSWORD, World


def test_login_goes_to_the_dashboard(client, world):
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_wrong_password_says_so_in_swedish(client, world):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "fel"})
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "coordinator", "password": "fel"})
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert "För många inloggningsförsök" in response.content.decode()


SETTINGS_FILE = Path(__file__).resolve().parent.parent / "samverkan" / "settings.py"
THROTTLE_SETTINGS = (
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "IPWARE_STRICT",
)
PROXY = "10.0.0.2"  # the reverse proxy: every request arrives from it


def throttle_settings_from(monkeypatch, settings, **environment):
    """Apply the throttling settings settings.py computes under `environment` (so the test runs its logic)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    computed = runpy.run_path(str(SETTINGS_FILE))
    for name in THROTTLE_SETTINGS:
        setattr(settings, name, computed[name])


def login(client, password, forwarded_for=None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": "coordinator", "password": password}, **extra)


def test_behind_a_proxy_one_clients_failures_do_not_lock_the_account_for_another(client, world, monkeypatch, settings):
    throttle_settings_from(monkeypatch, settings, BEHIND_PROXY="true")
    attacker = "203.0.113.5"
    for _ in range(5):
        assert login(client, "fel", attacker).status_code in (200, 429)  # the fifth failure locks
    # The proxy appends the address it saw; what the attacker writes in front of it changes nothing.
    assert login(client, PASSWORD, f"198.51.100.7, {attacker}").status_code == 429
    assert login(client, PASSWORD, attacker).status_code == 429
    assert login(client, PASSWORD, "198.51.100.7").status_code == 302


def test_without_behind_proxy_the_forwarded_header_is_ignored(client, world, monkeypatch, settings):
    throttle_settings_from(monkeypatch, settings, BEHIND_PROXY="false")
    for number in range(5):
        assert login(client, "fel", f"203.0.113.{number}").status_code in (200, 429)
    # A new X-Forwarded-For per try does not dodge the lock: the connecting address is what counts.
    assert login(client, PASSWORD, "198.51.100.7").status_code == 429


def test_passwords_are_hashed_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user("hashed", password="ett-langt-losenord")
    assert user.password.startswith("argon2")


def test_logout_is_a_post(client, world):
    client.force_login(world.member)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change(client, world):
    client.force_login(world.member)
    url = reverse("password_change")
    bad = client.post(url, {"old_password": "fel", "new_password1": "x", "new_password2": "y"})
    assert bad.status_code == 200 and "Formuläret innehåller fel" in bad.content.decode()
    good = client.post(
        url, {"old_password": PASSWORD, "new_password1": "Ny-Lang-Fras-2025", "new_password2": "Ny-Lang-Fras-2025"}
    )
    assert good.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("Ny-Lang-Fras-2025")


def run_worker():
    """The real worker, as `samverkan worker --batch` runs it, against the test database."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


def ask_for_reset(client, email):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password_reset"), {"email": email})
    # The statements without their values (the address, the task's id and time differ).
    return response, [re.sub(r"'[^']*'", "?", q["sql"]) for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_is_sent_by_the_worker_and_the_response_is_the_same_for_unknown_addresses(client):
    World.build()
    known, known_queries = ask_for_reset(client, "member@test.example")
    unknown, unknown_queries = ask_for_reset(client, "okand@nowhere.example")
    # The same answer from the same work: the request only queues a task, it looks nobody up.
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] and known.content == unknown.content
    assert known_queries == unknown_queries
    assert not any("auth_user" in sql for sql in known_queries)
    assert mail.outbox == [] and DBTaskResult.objects.count() == 2

    run_worker()
    assert [m.to for m in mail.outbox] == [["member@test.example"]]
    assert mail.outbox[0].subject == "Nytt lösenord till Samverkan"
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    assert link.startswith("/konto/nytt-losenord/")
    form = client.get(link, follow=True)
    assert form.redirect_chain[-1][0].endswith("/valj/")
    assert "Välj nytt lösenord" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Helt-Nytt-2025!", "new_password2": "Helt-Nytt-2025!"}
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(username="member").check_password("Helt-Nytt-2025!")


def test_the_password_reset_pages_have_swedish_addresses():
    assert reverse("password_reset") == "/konto/glomt-losenord/"
    assert reverse("password_reset_done") == "/konto/glomt-losenord/skickat/"
    assert reverse("password_reset_confirm", args=["MQ", "abc-123"]) == "/konto/nytt-losenord/MQ/abc-123/"
    assert reverse("password_reset_complete") == "/konto/nytt-losenord/klart/"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/konto/password_reset/", "/konto/glomt-losenord/"),
        ("/konto/losenord/aterstall/", "/konto/glomt-losenord/"),
        ("/konto/password_reset/done/", "/konto/glomt-losenord/skickat/"),
        ("/konto/reset/MQ/abc-123/", "/konto/nytt-losenord/MQ/abc-123/"),
        ("/konto/reset/done/", "/konto/nytt-losenord/klart/"),
        ("/konto/password_reset/?next=/hantera/", "/konto/glomt-losenord/?next=/hantera/"),
    ],
)
def test_the_old_english_addresses_redirect_permanently(client, db, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert client.get(new).status_code in (200, 302)  # the reset link with a bad token moves on to its page


def test_a_link_mailed_before_the_move_still_sets_a_password(client, world):
    uid, token = urlsafe_base64_encode(force_bytes(world.member.pk)), default_token_generator.make_token(world.member)
    page = client.get(f"/konto/reset/{uid}/{token}/", follow=True)
    assert [status for _, status in page.redirect_chain] == [301, 302]
    assert "Välj nytt lösenord" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Helt-Nytt-2025!", "new_password2": "Helt-Nytt-2025!"}
    )
    assert done.status_code == 302 and done["Location"] == "/konto/nytt-losenord/klart/"
    world.member.refresh_from_db()
    assert world.member.check_password("Helt-Nytt-2025!")


def test_password_reset_with_a_bad_address_changes_nothing(client, world):
    response = client.post(reverse("password_reset"), {"email": "inte en adress"})
    assert response.status_code == 200 and "Fyll i en giltig e-postadress" in response.content.decode()
    assert DBTaskResult.objects.count() == 0


def production_environment(tmp_path):
    """The README's production settings (without a database server: the check needs none)."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "Production-Secret-Key-With-Enough-Entropy-123456789",
        "ALLOWED_HOSTS": "samverkan.example",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "BEHIND_PROXY": "true",
        "STATIC_MANIFEST": "true",
        "SAMVERKAN_VAR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }


def deploy_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = deploy_check(production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_without_secret_key_fail_the_deploy_check(tmp_path):
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]
    result = deploy_check(env)
    assert result.returncode == 1
    assert "samverkan.E001" in result.stderr
    assert "SECRET_KEY är inte satt" in result.stderr and "SECRET_KEY is not set" in result.stderr


def test_gunicorn_refuses_to_start_on_the_development_key(tmp_path):
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "-c", "import samverkan.wsgi"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY är inte satt" in result.stderr


def test_embedded_database_is_sqlite_in_wal_mode(tmp_path):
    import sqlite3

    db = tmp_path / "samverkan.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "SAMVERKAN_VAR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # Opening one connection with the settings is what sets the mode (no need to migrate the whole schema).
    connect = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    env["DJANGO_SETTINGS_MODULE"] = "samverkan.settings"
    result = subprocess.run([sys.executable, "-c", connect], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
