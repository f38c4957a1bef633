"""Work gathered during a transaction and done once, inside it, just before it commits (`defer`, `run_deferred`).

Why: some derived rows must change in the same transaction as the records they are made from (the search index:
an item made confidential must not stay findable if the index write failed after the change committed), but
refreshing them on every save did the same work again and again — an import saves each of a meeting's forty
items, and each save rebuilt the meeting's entries. Django offers `transaction.on_commit` (after the commit, in
another transaction) and nothing before it, so the database backends Samverkan uses are Django's own with one
addition (`DeferredWorkMixin`, in `samverkan.lib.db.sqlite3` and `samverkan.lib.db.postgresql`, the subclassing
Django documents under "Subclassing the built-in database backends"):

- `defer(name, work, keys)` notes `keys` for the work `name` on the connection. Outside a transaction (autocommit)
  the work runs at once with those keys, as a plain call would.
- Just before the transaction commits, each name's work runs once with every key noted since (`commit()`); an
  error there rolls the whole transaction back, the records' change with it.
- `run_deferred(name)` does the noted work now, in the open transaction: a reader of the derived rows calls it
  first, so it sees its own transaction's changes.
- A rollback forgets what was noted. Work done (by `run_deferred`) inside a savepoint that is later rolled back
  is noted again, since its writes are gone. Work must therefore be safe to do twice: it rebuilds its rows from
  the records as they are, which is also why keys noted in a rolled-back savepoint may stay noted.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

Work = Callable[[set[Any]], None]


@dataclass
class _Noted:
    """One name's work on one connection: the keys still to do, and the keys done at which savepoints."""

    work: Work
    keys: set[Any] = field(default_factory=set)
    done: list[tuple[tuple[str, ...], set[Any]]] = field(default_factory=list)


def _noted(connection: BaseDatabaseWrapper) -> dict[str, _Noted]:
    noted: dict[str, _Noted] | None = getattr(connection, "_deferred_work", None)
    if noted is None:
        noted = {}
        connection._deferred_work = noted  # type: ignore[attr-defined]  # our own note on the connection
    return noted


def defer(name: str, work: Work, keys: Iterable[Hashable], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Note `keys` for `work` (called as `work(set_of_keys)`), done once before the transaction on `using`
    commits, or at once outside a transaction. `name` tells the kinds of work apart (one `work` per name)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        work(set(keys))
        return
    noted = _noted(connection)
    if name not in noted:
        noted[name] = _Noted(work)
    noted[name].keys.update(keys)


def run_deferred(name: str | None = None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Do the work noted under `name` (every name when None) now, in the open transaction. No query when nothing
    is noted. If the work raises, its keys stay noted."""
    connection = connections[using]
    noted = getattr(connection, "_deferred_work", None)
    if not noted:
        return
    for current in [noted.get(name)] if name is not None else list(noted.values()):
        while current is not None and current.keys:
            keys, current.keys = current.keys, set()
            try:
                current.work(keys)
            except BaseException:
                current.keys |= keys
                raise
            if connection.in_atomic_block and connection.savepoint_ids:
                current.done.append((tuple(sid for sid in connection.savepoint_ids if sid), keys))


class DeferredWorkMixin:
    """The additions to a Django `DatabaseWrapper`: noted work runs before `commit()`, is forgotten on
    `rollback()` and noted again when a savepoint it was done in is rolled back."""

    def commit(self) -> None:
        if not self.get_autocommit():  # type: ignore[attr-defined]  # a transaction is open
            try:
                run_deferred(using=self.alias)  # type: ignore[attr-defined]
            except BaseException:
                # Django's atomic() rolls back only on a DatabaseError, and then turns autocommit on, which on
                # SQLite would commit the records without their derived rows: the change goes, whatever failed.
                self.rollback()
                raise
        super().commit()  # type: ignore[misc]
        self._forget_deferred()

    def rollback(self) -> None:
        super().rollback()  # type: ignore[misc]
        self._forget_deferred()

    def close(self) -> None:
        super().close()  # type: ignore[misc]
        self._forget_deferred()

    def savepoint_rollback(self, sid: str) -> None:
        super().savepoint_rollback(sid)  # type: ignore[misc]
        for noted in _noted(self).values():  # type: ignore[arg-type]
            undone = [keys for sids, keys in noted.done if sid in sids]
            noted.done = [(sids, keys) for sids, keys in noted.done if sid not in sids]
            for keys in undone:
                noted.keys |= keys

    def _forget_deferred(self) -> None:
        self._deferred_work: dict[str, _Noted] = {}
