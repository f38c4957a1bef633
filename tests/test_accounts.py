"""Accounts: login with Argon2, throttling, logout, password change and reset by e-mail."""

import re
import subprocess
import sys

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.world import PASSWORD


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


def test_password_reset_by_email(client, world):
    response = client.post(reverse("password_reset"), {"email": "member@test.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@test.example"]
    assert mail.outbox[0].subject == "Nytt lösenord till Samverkan"
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Välj nytt lösenord" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Helt-Nytt-2025!", "new_password2": "Helt-Nytt-2025!"}
    )
    assert done.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("Helt-Nytt-2025!")


def test_password_reset_does_not_reveal_unknown_addresses(client, world):
    response = client.post(reverse("password_reset"), {"email": "okand@nowhere.example"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
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
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
