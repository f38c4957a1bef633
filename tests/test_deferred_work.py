"""Work done once just before commit (samverkan/lib/db), and the search index built on it: the entries of what a
transaction changed are made once, inside it, and a reader sees its own transaction's changes."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from samverkan.lib.db import defer, run_deferred
from samverkan.meetings.models import AgendaItem
from samverkan.search.models import SearchEntry
from samverkan.structure.models import Area, Body
from tests.meetings_helpers import make_item, make_meeting

pytestmark = pytest.mark.django_db


class Calls:
    """A piece of work that records the keys of each call."""

    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def __call__(self, keys):
        self.calls.append(set(keys))
        if self.fail:
            raise RuntimeError("the work failed")


def _stored(kind, pk):
    """Whether the index holds the entry, read past the manager (which would first make what is noted)."""
    return SearchEntry._base_manager.filter(kind=kind, object_id=pk).exists()


def _body(name="Kanotrådet"):
    area = Area.objects.get_or_create(slug="testlan", defaults={"name": "Testlän"})[0]
    return Body.objects.create(area=area, name=name, slug=name.lower().replace("å", "a").replace("ö", "o"))


def test_the_backends_are_djangos_with_work_before_commit():
    assert connection.settings_dict["ENGINE"] in {"samverkan.lib.db.sqlite3", "samverkan.lib.db.postgresql"}
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_work_runs_at_once():
    work = Calls()
    defer("test", work, [1, 2])
    assert work.calls == [{1, 2}]
    body = _body()
    assert _stored("body", body.pk)


@pytest.mark.django_db(transaction=True)
def test_the_work_runs_once_before_commit_with_every_key():
    work = Calls()
    with transaction.atomic():
        for key in range(5):
            defer("test", work, [key, key])
        assert work.calls == []
        body = _body()
        assert not _stored("body", body.pk)  # noted, not yet made
    assert work.calls == [{0, 1, 2, 3, 4}]
    assert _stored("body", body.pk)
    run_deferred()
    assert work.calls == [{0, 1, 2, 3, 4}]  # done, and forgotten


@pytest.mark.django_db(transaction=True)
def test_a_transaction_of_many_saves_builds_the_index_the_same_number_of_times_as_one():
    body = _body()
    meeting = make_meeting(body, date(2026, 5, 4))

    def index_writes(count):
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            for n in range(count):
                make_item(meeting, f"{count}.{n}", f"Ärende om kanoter {n}")
        writes = [q["sql"] for q in ctx.captured_queries if "search_searchentry" in q["sql"]]
        return len(writes)

    one, many = index_writes(1), index_writes(12)
    assert one == many
    items = AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True)
    assert SearchEntry._base_manager.filter(kind="item", object_id__in=items).count() == len(items) == 13


@pytest.mark.django_db(transaction=True)
def test_failing_work_rolls_back_the_change_it_was_noted_for():
    with pytest.raises(RuntimeError), transaction.atomic():
        _body("Forsrådet")
        defer("test", Calls(fail=True), [1])
    assert not Body.objects.filter(name="Forsrådet").exists()
    assert connection.get_autocommit() and not connection.in_atomic_block
    _body("Sjörådet")  # the connection works on
    assert Body.objects.filter(name="Sjörådet").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_forgets_what_it_noted():
    work = Calls()
    with transaction.atomic():
        defer("test", work, [1])
        transaction.set_rollback(True)
    with transaction.atomic():
        defer("test", work, [2])
    assert work.calls == [{2}]


def test_a_reader_sees_its_own_transactions_changes_and_a_rolled_back_savepoint_undoes_them():
    body = _body()
    meeting = make_meeting(body, date(2026, 5, 4))
    item = make_item(meeting, "1", "Ärende om paddlar")
    assert not _stored("item", item.pk)
    with transaction.atomic():
        assert SearchEntry.objects.filter(kind="item", object_id=item.pk).exists()  # the read made it
        transaction.set_rollback(True)
    assert not _stored("item", item.pk)  # the savepoint that made it is gone...
    assert SearchEntry.objects.filter(kind="item", object_id=item.pk).exists()  # ...so it is made again
    AgendaItem.objects.get(pk=item.pk).delete()
    assert not SearchEntry.objects.filter(kind="item", object_id=item.pk).exists()


def test_a_read_with_nothing_noted_makes_no_extra_query():
    run_deferred()
    with CaptureQueriesContext(connection) as ctx:
        list(SearchEntry.objects.filter(kind="body")[:1])
    assert len(ctx.captured_queries) == 1
