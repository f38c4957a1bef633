"""The test database starts from a cached migrated copy (tests/db_template.py): it must be what `migrate` makes."""

from django.db import connection
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
