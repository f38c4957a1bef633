"""The test database starts from a cached migrated copy (tests/db_template.py): it must be what `migrate` makes."""

import threading

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

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
