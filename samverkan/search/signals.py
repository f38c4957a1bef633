"""The index follows every change: receivers on save, delete and named readers of every indexed model note the
records concerned, and the entries are rebuilt once, in the same transaction, just before it commits
(`samverkan.lib.db.defer`; at once outside a transaction). A reader of the index (`SearchEntry.objects`,
`models.EntryManager`) first rebuilds what its own transaction noted. Saving a meeting and its forty items in one
transaction rebuilds each entry once, not once per save. `QuerySet.update()` sends no signal; the one such
changes that matter, a document's or an agreement version's text read by the worker, send
`meetings.tasks.text_read` and `agreements.tasks.version_text_read`.

`paused()` turns the receivers off for bulk building (the demo), which then calls `index.reindex_all()`.
"""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from samverkan.agreements.models import Agreement, AgreementVersion
from samverkan.agreements.tasks import version_text_read
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.lib.db import defer
from samverkan.meetings.models import AgendaItem, Document, Meeting, MeetingDay
from samverkan.meetings.tasks import text_read
from samverkan.search.index import refresh
from samverkan.search.models import INDEX_WORK, SearchEntry
from samverkan.structure.models import Body, Membership, Person, Principal

Kind = SearchEntry.Kind
_state = threading.local()


@contextmanager
def paused() -> Iterator[None]:
    """Within this block saves do not touch the index (this thread only); rebuild it afterwards."""
    before = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = before


def _active() -> bool:
    return not getattr(_state, "paused", False)


# What a note names: a record of an indexed kind (`Kind`), or one whose entries reach further (MEETING, ITEM,
# BODY, PRINCIPAL, RECOMMENDATION: the records whose levels, dates or text come from it).
Note = tuple[str, int]


def _note(kind: str, pks: Iterable[int | None]) -> None:
    defer(INDEX_WORK, _rebuild, [(kind, pk) for pk in pks if pk is not None])


# Whose entries follow a noted record's, in an order where each source kind is complete before it is read:
# (noted kind, kind rebuilt with it, the model of the latter, its field naming the former, the column of its id).
WIDENED: list[tuple[str, str, type[Model], str, str]] = [
    (Kind.BODY, Kind.AGREEMENT, Agreement, "owner_id", "pk"),
    (Kind.BODY, Kind.MEETING, Meeting, "body_id", "pk"),
    (Kind.BODY, Kind.PERSON, Membership, "body_id", "person_id"),
    (Kind.PRINCIPAL, Kind.AGREEMENT, Agreement, "parties", "pk"),
    (Kind.MEETING, Kind.ITEM, AgendaItem, "meeting_id", "pk"),
    (Kind.MEETING, Kind.DOCUMENT, Document, "meeting_id", "pk"),
    (Kind.ITEM, Kind.DOCUMENT, Document, "item_id", "pk"),
    (Kind.ITEM, Kind.ASSIGNMENT, Assignment, "item_id", "pk"),
    (Kind.ITEM, Kind.RECOMMENDATION, Recommendation, "item_id", "pk"),
    (Kind.RECOMMENDATION, Kind.DECISION, PrincipalDecision, "recommendation_id", "pk"),
]


def _rebuild(notes: set[Note]) -> None:
    """The entries of every noted record and of those whose entries come from it (`WIDENED`): one query per
    step that has records, and a fixed number per `index.BATCH` records of each kind."""
    ids: dict[str, set[int]] = {}
    for kind, pk in notes:
        ids.setdefault(kind, set()).add(pk)
    for source, target, model, field, column in WIDENED:
        if ids.get(source):
            related = model._default_manager.filter(**{f"{field}__in": ids[source]}).values_list(column, flat=True)
            ids.setdefault(target, set()).update(related)
    for kind, pks in ids.items():
        refresh(kind, pks)


def _body(instance: Body, **kwargs: Any) -> None:
    _note(Kind.BODY, [instance.pk])


def _meeting(instance: Meeting, **kwargs: Any) -> None:
    _note(Kind.MEETING, [instance.pk])


def _day(instance: MeetingDay, **kwargs: Any) -> None:
    _note(Kind.MEETING, [instance.meeting_id])


def _item(instance: AgendaItem, **kwargs: Any) -> None:
    _note(Kind.ITEM, [instance.pk])


def _document(instance: Document, **kwargs: Any) -> None:
    _note(Kind.DOCUMENT, [instance.pk])


def _document_readers(instance: Any, pk_set: set[int] | None, reverse: bool, **kwargs: Any) -> None:
    _note(Kind.DOCUMENT, pk_set or [] if reverse else [instance.pk])


def _item_readers(instance: Any, pk_set: set[int] | None, reverse: bool, **kwargs: Any) -> None:
    _note(Kind.ITEM, pk_set or [] if reverse else [instance.pk])


def _person(instance: Person, **kwargs: Any) -> None:
    _note(Kind.PERSON, [instance.pk])


def _membership(instance: Membership, **kwargs: Any) -> None:
    _note(Kind.PERSON, [instance.person_id])


def _principal(instance: Principal, **kwargs: Any) -> None:
    _note(Kind.PRINCIPAL, [instance.pk])


def _agreement(instance: Agreement, **kwargs: Any) -> None:
    _note(Kind.AGREEMENT, [instance.pk])


def _version(instance: AgreementVersion, **kwargs: Any) -> None:
    _note(Kind.AGREEMENT, [instance.agreement_id])


def _parties(instance: Any, action: str, pk_set: set[int] | None, reverse: bool, **kwargs: Any) -> None:
    """An agreement's parties changed, or from the principal's side its agreements: refresh them once the link
    rows are written. A principal's `agreements.clear()` names no agreements afterwards, so they are noted before."""
    if not reverse:
        if action.startswith("post_"):
            _note(Kind.AGREEMENT, [instance.pk])
        return
    if action == "pre_clear":
        instance._search_cleared = list(Agreement.objects.filter(parties=instance.pk).values_list("pk", flat=True))
    elif action.startswith("post_"):
        _note(Kind.AGREEMENT, [*(pk_set or []), *getattr(instance, "_search_cleared", [])])


def _version_text_read(agreement_id: int, **kwargs: Any) -> None:
    _note(Kind.AGREEMENT, [agreement_id])


def _assignment(instance: Assignment, **kwargs: Any) -> None:
    _note(Kind.ASSIGNMENT, [instance.pk])


def _recommendation(instance: Recommendation, **kwargs: Any) -> None:
    _note(Kind.RECOMMENDATION, [instance.pk])


def _decision(instance: PrincipalDecision, **kwargs: Any) -> None:
    _note(Kind.DECISION, [instance.pk])


def _text_read(document_id: int, **kwargs: Any) -> None:
    _note(Kind.DOCUMENT, [document_id])


RECEIVERS: list[tuple[type, Any]] = [
    (Body, _body),
    (Person, _person),
    (Membership, _membership),
    (Principal, _principal),
    (Meeting, _meeting),
    (MeetingDay, _day),
    (AgendaItem, _item),
    (Document, _document),
    (Assignment, _assignment),
    (Recommendation, _recommendation),
    (PrincipalDecision, _decision),
    (Agreement, _agreement),
    (AgreementVersion, _version),
]


def _guarded(receiver: Any) -> Any:
    def run(*args: Any, raw: bool = False, **kwargs: Any) -> None:
        if _active() and not raw:  # `raw`: loading a fixture
            receiver(*args, **kwargs)

    return run


_connected: list[Any] = []  # strong references: signals hold weak ones


def connect() -> None:
    """Connect the receivers (AppConfig.ready)."""
    for model, receiver in RECEIVERS:
        guarded = _guarded(receiver)
        _connected.append(guarded)
        post_save.connect(guarded, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(guarded, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    for through, receiver in [
        (AgendaItem.readers.through, _item_readers),
        (Document.readers.through, _document_readers),
        (Agreement.parties.through, _parties),
    ]:
        guarded = _guarded(receiver)
        _connected.append(guarded)
        m2m_changed.connect(guarded, sender=through, dispatch_uid=f"search-readers-{through.__name__}")
    guarded = _guarded(_text_read)
    _connected.append(guarded)
    text_read.connect(guarded, dispatch_uid="search-text-read")
    guarded = _guarded(_version_text_read)
    _connected.append(guarded)
    version_text_read.connect(guarded, dispatch_uid="search-version-text-read")
