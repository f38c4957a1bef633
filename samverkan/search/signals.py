"""The index follows every change: receivers on save, delete and named readers of every indexed model refresh the
entries concerned in the same transaction (`index.refresh`). `QuerySet.update()` sends no signal; the one such
changes that matter, a document's or an agreement version's text read by the worker, send
`meetings.tasks.text_read` and `agreements.tasks.version_text_read`.

`paused()` turns the receivers off for bulk building (the demo), which then calls `index.reindex_all()`.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from samverkan.agreements.models import Agreement, AgreementVersion
from samverkan.agreements.tasks import version_text_read
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.meetings.models import AgendaItem, Document, Meeting, MeetingDay
from samverkan.meetings.tasks import text_read
from samverkan.search.index import refresh
from samverkan.search.models import SearchEntry
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


def refresh_meetings(meeting_ids: list[int]) -> None:
    """A meeting and everything whose levels, dates or text come from it."""
    refresh(Kind.MEETING, meeting_ids)
    items = list(AgendaItem.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    refresh(Kind.ITEM, items)
    refresh(Kind.DOCUMENT, Document.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    _refresh_decided_at(items)


def _refresh_decided_at(item_ids: list[int]) -> None:
    refresh(Kind.ASSIGNMENT, Assignment.objects.filter(item_id__in=item_ids).values_list("pk", flat=True))
    recommendations = list(Recommendation.objects.filter(item_id__in=item_ids).values_list("pk", flat=True))
    refresh(Kind.RECOMMENDATION, recommendations)
    refresh(
        Kind.DECISION,
        PrincipalDecision.objects.filter(recommendation_id__in=recommendations).values_list("pk", flat=True),
    )


def refresh_items(item_ids: list[int]) -> None:
    """Items and what hangs on them (documents, assignments, recommendations, principals' decisions)."""
    refresh(Kind.ITEM, item_ids)
    refresh(Kind.DOCUMENT, Document.objects.filter(item_id__in=item_ids).values_list("pk", flat=True))
    _refresh_decided_at(item_ids)


def _body(instance: Body, **kwargs: Any) -> None:
    refresh(Kind.BODY, [instance.pk])
    refresh(Kind.AGREEMENT, Agreement.objects.filter(owner_id=instance.pk).values_list("pk", flat=True))
    refresh_meetings(list(Meeting.objects.filter(body_id=instance.pk).values_list("pk", flat=True)))
    refresh(Kind.PERSON, Membership.objects.filter(body_id=instance.pk).values_list("person_id", flat=True))


def _meeting(instance: Meeting, **kwargs: Any) -> None:
    refresh_meetings([instance.pk])


def _day(instance: MeetingDay, **kwargs: Any) -> None:
    refresh_meetings([instance.meeting_id])


def _item(instance: AgendaItem, **kwargs: Any) -> None:
    refresh_items([instance.pk])


def _document(instance: Document, **kwargs: Any) -> None:
    refresh(Kind.DOCUMENT, [instance.pk])


def _document_readers(instance: Any, pk_set: set[int] | None, reverse: bool, **kwargs: Any) -> None:
    refresh(Kind.DOCUMENT, pk_set or [] if reverse else [instance.pk])


def _item_readers(instance: Any, pk_set: set[int] | None, reverse: bool, **kwargs: Any) -> None:
    refresh_items(list(pk_set or []) if reverse else [instance.pk])


def _person(instance: Person, **kwargs: Any) -> None:
    refresh(Kind.PERSON, [instance.pk])


def _membership(instance: Membership, **kwargs: Any) -> None:
    refresh(Kind.PERSON, [instance.person_id])


def _principal(instance: Principal, **kwargs: Any) -> None:
    refresh(Kind.PRINCIPAL, [instance.pk])
    refresh(Kind.AGREEMENT, Agreement.objects.filter(parties=instance.pk).values_list("pk", flat=True))


def _agreement(instance: Agreement, **kwargs: Any) -> None:
    refresh(Kind.AGREEMENT, [instance.pk])


def _version(instance: AgreementVersion, **kwargs: Any) -> None:
    refresh(Kind.AGREEMENT, [instance.agreement_id])


def _parties(instance: Any, action: str, pk_set: set[int] | None, reverse: bool, **kwargs: Any) -> None:
    """An agreement's parties changed, or from the principal's side its agreements: refresh them once the link
    rows are written. A principal's `agreements.clear()` names no agreements afterwards, so they are noted before."""
    if not reverse:
        if action.startswith("post_"):
            refresh(Kind.AGREEMENT, [instance.pk])
        return
    if action == "pre_clear":
        instance._search_cleared = list(Agreement.objects.filter(parties=instance.pk).values_list("pk", flat=True))
    elif action.startswith("post_"):
        refresh(Kind.AGREEMENT, [*(pk_set or []), *getattr(instance, "_search_cleared", [])])


def _version_text_read(agreement_id: int, **kwargs: Any) -> None:
    refresh(Kind.AGREEMENT, [agreement_id])


def _assignment(instance: Assignment, **kwargs: Any) -> None:
    refresh(Kind.ASSIGNMENT, [instance.pk])


def _recommendation(instance: Recommendation, **kwargs: Any) -> None:
    refresh(Kind.RECOMMENDATION, [instance.pk])
    refresh(Kind.DECISION, PrincipalDecision.objects.filter(recommendation_id=instance.pk).values_list("pk", flat=True))


def _decision(instance: PrincipalDecision, **kwargs: Any) -> None:
    refresh(Kind.DECISION, [instance.pk])


def _text_read(document_id: int, **kwargs: Any) -> None:
    refresh(Kind.DOCUMENT, [document_id])


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
