"""Shared fixtures: fast hashing, the named actors of a small county (built once, rolled back per test), the demo
county (built once per date), and a query counter."""

import compileall
import copy
import gc
import inspect
import os
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from pytest_django.plugin import blocking_manager_key

from samverkan.lib.db import run_deferred
from samverkan.lib.process import settle
from tests.db_template import cached_migrations
from tests.world import World

# Bytecode caches: with PYTHONDONTWRITEBYTECODE set (as in this machine's environment) every run, and every child
# process it starts (the upload sandbox, manage.py, the serve supervisor), compiled all of Samverkan and the test
# modules from source again. The suite writes them like any Python run; the modules Django imported before this
# file are compiled here (compileall skips those whose cache is current).
if sys.dont_write_bytecode:
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "samverkan", quiet=2)

# The garbage collector's full passes walked every object of the run again and again: Django, the libraries and
# the shared builds, which live until the end. They are moved out of its sight once made (gc.freeze; what they
# free by reference counting is still freed), which takes most of the time it spent (about 7 % of the CPU).
gc.freeze()

# The access helper's asserts explain themselves like a test's own.
pytest.register_assert_rewrite("tests.access_helpers")

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


GC_YOUNG = 10_000  # allocations between collections of the youngest generation (CPython's default: 700)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's own set-up of the test database, started from a cached migrated copy when there is one
    (tests/db_template.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    # Kept databases and --nomigrations go pytest-django's way.
    keepdb = django_db_keepdb and not django_db_createdb
    if connection.vendor == "postgresql":
        _no_wait_for_commits(connection)
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock(), cached_migrations(keepdb=keepdb or not django_db_use_migrations):
        config = setup_databases(
            verbosity, False, aliases=aliases, serialized_aliases=serialized_aliases, keepdb=keepdb
        )
    _flush_by_delete(type(connection.ops))
    # As a served process does (samverkan/lib/process.py): what the run has loaded by now (Django, our code, the
    # migrations' state) is frozen out of the collector's full collections, and the youngest generation is
    # collected every GC_YOUNG allocations instead of 700 (a whole SQLite run spent 16 s of 437 in the collector,
    # 10.5 of them in 197 full collections of up to 700,000 objects).
    settle()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)


def _no_wait_for_commits(connection):
    """Every connection to the PostgreSQL test database (this one, the live server's, the worker's after it closed
    its own) commits without waiting for the WAL to reach the disk (`synchronous_commit = off`, sent at connection
    start-up, so no query is added to any count). A test that commits for real (`transactional_db`, the worker,
    the browser journeys) committed once per row it saved, each waiting for a flush to disk; a committed row is
    still seen by every other connection at once, only a crash of the server could lose the last ones, and the
    test database is dropped after the run anyway."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    setting = "-c synchronous_commit=off"
    if setting not in options.get("options", ""):
        options["options"] = f"{options.get('options', '')} {setting}".strip()
    connection.close()  # a connection opened before (e.g. by the migrations cache) starts again with it


# What `flush`'s post_migrate signal would write back row for row at once (every model's content type and
# permissions): kept instead of deleted and made again. No test makes rows of its own in them.
KEPT_TABLES = frozenset({"django_content_type", "auth_permission"})


def _flush_by_delete(operations):
    """Empties the tables after a test that commits for real (`transactional_db`, `live_server`) with one DELETE per
    table but KEPT_TABLES, on both databases, and skips the post_migrate signal that would only find those rows
    there (`_post_migrate_unless_kept`).

    On PostgreSQL this replaces Django's single TRUNCATE of every table: TRUNCATE gives each of the ~150 tables and
    their indexes new files, which took 3-15 s a test on this machine; deleting the few rows a test made takes well
    under one. On SQLite Django deletes too, but every table, and post_migrate then made every content type and
    permission again (about 40 ms a test, most of the clean-up). Django's foreign keys are DEFERRABLE INITIALLY
    DEFERRED, and `flush` runs the statements in one transaction, so the order of the tables does not matter. A
    flush that resets sequences or cascades (neither is asked for by pytest-django's tests) keeps Django's own
    statements and its post_migrate."""
    own = operations.sql_flush
    if getattr(own, "deletes", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        self.kept_tables = not (reset_sequences or allow_cascade)
        if not self.kept_tables:
            return own(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables if table not in KEPT_TABLES]

    sql_flush.deletes = True
    operations.sql_flush = sql_flush
    flush.emit_post_migrate_signal = _post_migrate_unless_kept


def _post_migrate_unless_kept(verbosity, interactive, db, **kwargs):
    """`flush`'s post_migrate, skipped when its flush kept KEPT_TABLES: its only receivers (contenttypes' and auth's)
    would make the rows that are still there."""
    operations = connections[db].ops
    if getattr(operations, "kept_tables", False):
        operations.kept_tables = False
        return
    emit_post_migrate_signal(verbosity, interactive, db, **kwargs)


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, _media_root):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Uploaded files of a test run never land in var/media (the SQLite and PostgreSQL runs go side by side).
    settings.MEDIA_ROOT = _media_root
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "sv"
    # Every test client loads the middleware anew, and WhiteNoise would then list and stat every static file
    # (about 130, 30 ms a client); with autorefresh it looks a file up only when a /static/ address is asked for.
    settings.WHITENOISE_AUTOREFRESH = True
    # The page cache's invalidation runs after commit, which a test's rolled-back transaction never reaches; its
    # own tests (tests/test_page_cache.py) switch it on and run the commit callbacks.
    settings.PAGE_CACHE_SECONDS = 0


# ---- Data built once, shared by consecutive tests --------------------------------------------------------------
#
# The world and the demo county are built inside an outer transaction that stays open while consecutive tests ask
# for the same data; each test then runs in its own savepoint (pytest-django's `db` is a django.test.TestCase),
# which is rolled back, so every test starts from the data exactly as built. This is Django's own
# TestCase.setUpTestData pattern, kept open across test functions instead of one class. The outer transaction is
# rolled back as soon as a test needs other data, an empty database or real transactions (`transactional_db`,
# `live_server`), and at the end of the session. pytest-django runs the `db` tests first and keeps file order,
# so a file's tests mostly share one build.
#
# A test module's own data on top of the world (or a demo) is shared the same way when its fixture is declared
# with `@shared_fixture` instead of `@pytest.fixture`: the world and that fixture are built once, in the same
# outer transaction, for all the tests that ask for it. Such a fixture takes only shared fixtures, builds database
# rows and returns Python objects (deep-copied per test, like the world); it must not depend on other fixtures or
# settings of the test, nor may a test delete the files it stores, and what it mails is not in the tests' outbox.


def _build_world():
    return World.build()


def _build_demo(today):
    from samverkan.demo.county import build_demo

    return build_demo(today=today)


DEMO_DAY = date(2026, 3, 15)


class SharedData:
    """The one shared build open at a time: its fixture name, the open outer atomic block, what the build
    returned, and how many times the session built each (shown at the end of the run)."""

    name = None
    atomic = None
    value = None  # build name -> value, for the build and the builds it stands on
    builds = {}

    @classmethod
    def close(cls):
        if cls.atomic is not None:
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            cls.atomic.__exit__(None, None, None)
        cls.name = cls.atomic = cls.value = None

    @classmethod
    def open(cls, name):
        cls.atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
        # Code under test may open `atomic(durable=True)`; Django allows that inside blocks marked as a test's.
        cls.atomic._from_testcase = True
        cls.atomic.__enter__()
        cls.name = name
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                cls.value = _build(name)
            # The build's search entries are made here, at the outer level, so no test's rollback takes them
            # (they would be made again by every test that reads the index).
            run_deferred()
            mail.outbox = []
            gc.freeze()
        except BaseException:
            cls.close()  # the next test that asks tries again, and no test gets a half-built world
            raise
        cls.builds[name] = cls.builds.get(name, 0) + 1


# Fixture name -> what builds it. Each of these fixtures hands every test a deep copy of the built objects.
SHARED_BUILDS = {
    "world": _build_world,
    "demo": lambda: _build_demo(None),  # the demo county as `manage.py demo` builds it today
    "demo_2026_03_15": lambda: _build_demo(DEMO_DAY),  # the same, built as if today were DEMO_DAY
}
# Build name ("module.fixture") -> (the build it stands on, the fixture function, its parameters' build names):
# the fixtures declared with `shared_fixture`.
DERIVED_BUILDS = {}


def _chain(name):
    """The builds that `name` provides: the ones it stands on first, itself last."""
    return [*_chain(DERIVED_BUILDS[name][0]), name] if name in DERIVED_BUILDS else [name]


def _build(name):
    """Builds `name` and what it stands on; returns {build name: value}."""
    if name not in DERIVED_BUILDS:
        return {name: SHARED_BUILDS[name]()}
    base, function, parameters = DERIVED_BUILDS[name]
    values = _build(base)
    values[name] = function(**{parameter: values[build] for parameter, build in parameters.items()})
    return values


def shared_fixture(function):
    """Declares a test module's fixture, in place of `@pytest.fixture`, as built once for the consecutive tests
    that ask for it (see above). Its parameters must be shared fixtures themselves (`world`, a demo, or shared
    fixtures of the same module, one standing on the other). The fixture keeps its name and value: each test gets
    a deep copy of its objects, and the rows are rolled back after each test. A test that commits for real gets
    the fixture built for it, as before."""
    module = function.__module__
    name = f"{module}.{function.__name__}"
    names = inspect.signature(function).parameters
    parameters = {p: p if p in SHARED_BUILDS else f"{module}.{p}" for p in names}
    unknown = [build for build in parameters.values() if build not in SHARED_BUILDS and build not in DERIVED_BUILDS]
    assert parameters and not unknown, f"{name}: parameters that are no shared fixture (declared above it): {unknown}"
    base = max(parameters.values(), key=lambda build: len(_chain(build)))
    stray = set(parameters.values()) - set(_chain(base))
    assert not stray, f"{name}: {base} does not stand on {stray}"
    DERIVED_BUILDS[name] = (base, function, parameters)

    def fixture(request, db):
        if _is_transactional(request.node):
            return function(**{parameter: request.getfixturevalue(parameter) for parameter in parameters})
        return _shared_copy(request, name)

    fixture.shared_build = name
    fixture.__doc__ = function.__doc__
    return pytest.fixture(name=function.__name__)(fixture)


def _is_transactional(node):
    """Whether the test item `node` commits for real (its own database state, no shared build)."""
    real = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
    if real & set(getattr(node, "fixturenames", ())):
        return True
    marker = node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))


# Set by `make test` for its PostgreSQL lane only: the tests that use no database run in the SQLite lane beside it.
DATABASE_FREE_ELSEWHERE = "SAMVERKAN_DATABASE_FREE_TESTS_ELSEWHERE"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After pytest-django has put the tests that use the database in a rolled-back transaction first, group
    those by the shared build they ask for (tests that want an empty database first, then each build in the
    order it first appears; file order is kept within a group), so each build is made once per run.

    With DATABASE_FREE_ELSEWHERE set (`make test`'s PostgreSQL lane), the tests that use no database are left
    out: neither `_uses_db` (a `db` test, a marked one, one on a shared build) nor `_is_transactional` (one that
    commits; `live_server`). pytest-django blocks the database for them, so they check the same in either lane, and
    the SQLite lane beside it runs them all."""
    if os.environ.get(DATABASE_FREE_ELSEWHERE) == "1":
        free = [item for item in items if not (_uses_db(item) or _is_transactional(item))]
        if free:
            config.hook.pytest_deselected(items=free)
            items[:] = [item for item in items if _uses_db(item) or _is_transactional(item)]
            config.stash[_database_free_key] = len(free)
    split = next((i for i, item in enumerate(items) if _is_transactional(item) or not _uses_db(item)), len(items))
    head = items[:split]
    first_seen = {}
    for item in head:
        first_seen.setdefault(_build_of(item), len(first_seen))
    head.sort(key=lambda item: (_build_of(item) is not None, first_seen[_build_of(item)]))
    items[:split] = head


def _build_of(item):
    """The shared build a test asks for: the deepest of the shared fixtures it uses (the others must be under
    it), or None."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = [info.name2fixturedefs.get(name) for name in item.fixturenames] if info else []
    names = [defs[-1].func.shared_build for defs in definitions if defs and hasattr(defs[-1].func, "shared_build")]
    if not names:
        return None
    deepest = max(names, key=lambda name: len(_chain(name)))
    stray = set(names) - set(_chain(deepest))
    assert not stray, f"{item.nodeid} asks for shared builds that do not stand on each other: {deepest}, {stray}"
    return deepest


def _uses_db(item):
    return bool(item.get_closest_marker("django_db")) or "db" in item.fixturenames or _build_of(item) is not None


_database_free_key = pytest.StashKey[int]()  # how many tests DATABASE_FREE_ELSEWHERE left out


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test, roll the shared build back already when the next test is transactional (or wants another
    build, or there is none): session fixtures such as `live_server` are set up before any function fixture of
    the next test, and must not find the shared transaction still open on the connection."""
    yield
    if SharedData.name is None:
        return
    wanted = None if nextitem is None else _build_of(nextitem)
    if nextitem is None or _is_transactional(nextitem) or wanted not in (None, SharedData.name):
        with item.config.stash[blocking_manager_key].unblock():
            SharedData.close()


@pytest.fixture(scope="session")
def _shared_data_session(django_db_setup, django_db_blocker):
    """Rolls the last shared build back before the test database goes away."""
    yield
    with django_db_blocker.unblock():
        SharedData.close()


@pytest.fixture(autouse=True)
def _shared_data(request, _fast_and_quiet):
    """Opens (or keeps open) the shared build this test asks for, before its own `db` savepoint; rolls back any
    other when the test uses the database. Runs before `db`: autouse fixtures come first within a scope."""
    transactional = _is_transactional(request.node)
    wanted = None if transactional else _build_of(request.node)
    uses_db = transactional or "db" in request.fixturenames or request.node.get_closest_marker("django_db")
    if SharedData.name is not None and SharedData.name != wanted and (wanted or uses_db):
        with request.getfixturevalue("django_db_blocker").unblock():
            SharedData.close()
    if wanted is not None and SharedData.name is None:
        request.getfixturevalue("_shared_data_session")
        with request.getfixturevalue("django_db_blocker").unblock():
            SharedData.open(wanted)


@pytest.fixture(autouse=True)
def _django_db_marker(request, _shared_data):
    """pytest-django's own marker fixture, run after `_shared_data` so that a test's savepoint nests in the
    shared build's transaction also for `@pytest.mark.django_db` tests."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")


def pytest_terminal_summary(terminalreporter):
    left_out = terminalreporter.config.stash.get(_database_free_key, 0)
    if left_out:
        terminalreporter.write_line(f"{left_out} tests that use no database were left out: the SQLite lane runs them")
    if SharedData.builds:
        builds = sorted(SharedData.builds.items())
        built = ", ".join(f"{name.removeprefix('tests.')} {count}×" for name, count in builds)
        terminalreporter.write_line(f"shared test data built: {built}")


def _shared_copy(request, name):
    """This test's deep copy of the value of build `name` (open now). One copy of all the open build's values per
    test, so objects they share stay shared (a shared fixture's objects point into the same world as `world`):
    what one test changes on these Python objects never reaches the next one, and the database under them is
    rolled back."""
    assert SharedData.value is not None and name in SharedData.value, f"the shared build {name!r} is not open"
    copies = request.node.stash.setdefault(SHARED_COPY, {})
    if SharedData.name not in copies:
        copies[SharedData.name] = copy.deepcopy(SharedData.value)
    return copies[SharedData.name][name]


SHARED_COPY = pytest.StashKey()


def _shared_value(name):
    def fixture(request, db):
        if _is_transactional(request.node):
            # A test that commits for real (the task worker, a live server) gets its own build, as before.
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                return SHARED_BUILDS[name]()
        return _shared_copy(request, name)

    fixture.shared_build = name
    fixture.__doc__ = f"A deep copy of what {SHARED_BUILDS[name].__name__} built, in a rolled-back transaction."
    return pytest.fixture(name=name)(fixture)


world = _shared_value("world")
demo = _shared_value("demo")
demo_2026_03_15 = _shared_value("demo_2026_03_15")


class QueryCount:
    """Counts the SQL queries of one request; says which ones on failure."""

    def __call__(self, client, url):
        # Work a committed transaction would have done before the request (the search index's entries of what
        # the test made) is not the page's.
        run_deferred()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    def assert_constant(self, client, url, grow, *, at_most):
        """The page's query count must not change when `grow()` adds more data to it, and must not exceed
        `at_most` (required: a page that goes from 5 to 12 queries for all sizes fails too). Returns the count;
        the failure message lists the SQL."""
        before, sql = self(client, url)
        assert before <= at_most, f"{url}: {before} queries, at most {at_most} allowed:\n" + "\n".join(sql)
        grow()
        after, sql = self(client, url)
        assert before == after, f"{url}: {before} queries before, {after} after growing:\n" + "\n".join(sql)
        return after


@pytest.fixture
def queries():
    return QueryCount()
