"""Shared fixtures: fast hashing, the named actors of a small county, and a query counter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.world import World


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, _media_root):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files of a test run never land in var/media (the SQLite and PostgreSQL runs go side by side).
    settings.MEDIA_ROOT = _media_root
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def world(db):
    return World.build()


class QueryCount:
    """Counts the SQL queries of one request; says which ones on failure."""

    def __call__(self, client, url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    def assert_constant(self, client, url, grow):
        """The page's query count must not change when `grow()` adds more data to it."""
        before, _ = self(client, url)
        grow()
        after, sql = self(client, url)
        assert before == after, f"{url}: {before} queries before, {after} after growing:\n" + "\n".join(sql)
        return after


@pytest.fixture
def queries():
    return QueryCount()
