"""A migrated test database, kept between runs: the schema is made by `migrate` once per set of migrations.

The key is a hash of every installed app's migration files (ours and third-party ones, so a new release counts)
and the database vendor. The first run migrates as usual and stores the result; later runs start from it:

- PostgreSQL: a template database `samverkan_test_template_<key>`, from which the test database is created
  (`CREATE DATABASE … TEMPLATE …`, Django's own TEST["TEMPLATE"]). Templates of other keys are left alone (a
  run of another branch may be about to copy one); drop old ones by hand.
- SQLite in memory: a file `<tempdir>/samverkan-test-db/<key>.sqlite3`, copied into the in-memory database
  with SQLite's backup API before `migrate` runs.

`migrate` still runs on every start; with every migration already recorded it only checks, so a stale or broken
cache fails loudly instead of passing unnoticed. Other SQLite set-ups (a file, `--reuse-db`) go the usual way.
"""

import hashlib
import importlib
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DatabaseError

TEMPLATE_PREFIX = "samverkan_test_template_"
SQLITE_CACHE = Path(tempfile.gettempdir()) / "samverkan-test-db"


def migrations_key(vendor):
    """A 16-hex-digit hash of the migration files of every installed app, Django's version and `vendor`."""
    digest = hashlib.sha256(f"{django.__version__} {vendor}".encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        try:
            module = importlib.import_module(f"{app.name}.migrations")
        except ModuleNotFoundError:
            continue
        folder = Path(module.__file__).parent
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def cached_migrations(alias=DEFAULT_DB_ALIAS, *, keepdb=False):
    """Around Django's `setup_databases`: starts the test database `alias` from the cached migrated state, or
    stores that state once it is made. Does nothing with `keepdb`."""
    connection = connections[alias]
    vendor = connection.vendor
    if keepdb or vendor not in ("postgresql", "sqlite"):
        yield
        return
    key = migrations_key(vendor)
    if vendor == "postgresql":
        with _postgres_template(connection, key):
            yield
    elif connection.creation.is_in_memory_db(connection.creation._get_test_db_name()):
        with _sqlite_copy(connection, SQLITE_CACHE / f"{key}.sqlite3"):
            yield
    else:
        yield


@contextmanager
def _postgres_template(connection, key):
    template = TEMPLATE_PREFIX + key
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        found = cursor.fetchone() is not None
    test = connection.settings_dict["TEST"]
    if found:
        test["TEMPLATE"] = template
    try:
        yield
    finally:
        test.pop("TEMPLATE", None)
    if found:
        return
    # The database just migrated becomes the template; no session may be connected to it while it is copied.
    test_name = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        quote = connection.ops.quote_name
        try:
            cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(test_name)}")
        except DatabaseError:
            pass  # another run made it first


@contextmanager
def _sqlite_copy(connection, path):
    from django.core import management

    call_command = management.call_command
    found = path.exists()

    def migrate_from_copy(name, *args, **options):
        if name == "migrate" and found:
            connection.ensure_connection()
            source = sqlite3.connect(path)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        return call_command(name, *args, **options)

    management.call_command = migrate_from_copy  # create_test_db imports it from here when it runs
    try:
        yield
    finally:
        management.call_command = call_command
    if not found:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, path)  # whole or not at all, also with two runs at once
