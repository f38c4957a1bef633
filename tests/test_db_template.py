"""The test database starts from a cached migrated copy (tests/db_template.py): it must be what `migrate` makes; how
conftest.py connects to it and cleans it up after a test that commits."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate

from samverkan.structure.models import Area
from tests.conftest import DATABASE_FREE_ELSEWHERE, _post_migrate_unless_kept
from tests.db_template import migrations_key


def test_the_test_database_has_every_migration_and_every_table(db):
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    expected = set(connection.introspection.django_table_names(only_existing=False, include_views=False))
    assert expected <= set(connection.introspection.table_names())


def test_the_key_follows_the_migrations_and_the_database():
    assert migrations_key("sqlite") == migrations_key("sqlite") != migrations_key("postgresql")
    assert len(migrations_key("sqlite")) == 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgres_test_connections_do_not_wait_for_commits_to_reach_the_disk(db):
    """tests/conftest.py: this connection and one opened in another thread (as the live server's and the worker's
    are) commit with synchronous_commit off."""
    seen = []

    def in_thread():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                seen.append(cursor.fetchone()[0])
        finally:
            connections.close_all()

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert seen == ["off"]


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_committing_test_keeps_content_types_and_permissions_and_sends_no_post_migrate():
    """tests/conftest.py `_flush_by_delete`: the flush that cleans up after a test that commits (as pytest-django
    calls it) deletes the test's rows but keeps every content type and permission as they were, without the
    post_migrate that would make them again; a post_migrate after another flush still goes out."""
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs["app_config"].label)

    post_migrate.connect(receiver, weak=False, dispatch_uid="test-flush-receiver")
    try:
        content_types = sorted(ContentType.objects.values_list("pk", "app_label", "model"))
        permissions = sorted(Permission.objects.values_list("pk", "codename"))
        Area.objects.create(name="Raderat län", slug="raderat")
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False)
        assert not Area.objects.exists()
        assert sorted(ContentType.objects.values_list("pk", "app_label", "model")) == content_types
        assert sorted(Permission.objects.values_list("pk", "codename")) == permissions
        assert sent == []
        _post_migrate_unless_kept(0, False, "default")
        assert "structure" in sent
    finally:
        post_migrate.disconnect(dispatch_uid="test-flush-receiver")


def test_the_postgresql_lane_of_make_test_leaves_out_only_the_tests_that_use_no_database(tmp_path):
    """tests/conftest.py DATABASE_FREE_ELSEWHERE (set by `make test` for its PostgreSQL lane): the tests without a
    database are left out there, since the SQLite lane beside it runs them; every test that reads or writes the
    database (a `db` test, one that commits, one on a shared build) stays. Without the variable nothing is left out."""
    root = Path(__file__).resolve().parent.parent
    files = ["tests/test_db_template.py", "tests/test_addresses.py", "tests/test_outsider_walk.py"]

    def collected(**extra):
        env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", **extra}
        if not extra:
            env.pop(DATABASE_FREE_ELSEWHERE, None)
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", *files],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return {line for line in done.stdout.splitlines() if "::" in line}, done.stdout

    everything, _ = collected()
    kept, output = collected(**{DATABASE_FREE_ELSEWHERE: "1"})
    left_out = everything - kept
    here = "tests/test_db_template.py::"
    assert here + "test_the_key_follows_the_migrations_and_the_database" in left_out
    assert here + "test_the_test_database_has_every_migration_and_every_table" in kept  # db
    committing = "test_the_flush_after_a_committing_test_keeps_content_types_and_permissions_and_sends_no_post_migrate"
    assert here + committing in kept
    assert any(name.startswith("tests/test_outsider_walk.py::test_outsiders_get_404[") for name in kept)  # shared build
    assert "tests/test_outsider_walk.py::test_every_pattern_is_walked" in kept  # a shared build, read in Python
    assert "tests/test_addresses.py::test_every_record_gets_the_address_reverse_gives[meetings:version-2]" in left_out
    assert kept and left_out and kept < everything
    assert f"{len(left_out)} tests that use no database were left out" in output
