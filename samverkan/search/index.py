"""What the search index holds for each record, and how it is refreshed (`refresh`) or rebuilt (`reindex_all`).

An entry is built from the live record, as the public pages show it: an item's minutes and decision only once the
minutes are published (locked minutes cannot change, so the live text is the stored version's text); nothing of an
imported meeting before its minutes are published (`meetings.models.unlisted_rule`, as the public lists). Who
finds an entry is decided by its levels and readers (`models.SearchEntry`), set here from the same rules the pages
use: `meetings.access.document_visibility`'s stricter-of, a draft agenda counting as internal
(`Meeting.agenda_is_public`).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from samverkan.agreements.models import Agreement, AgreementVersion
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import AgendaItem, Document, Meeting, unlisted_rule
from samverkan.meetings.numbering import paragraph_label
from samverkan.search.models import SearchEntry
from samverkan.search.text import plain_words, stems
from samverkan.structure.models import Body, Membership, Person, Principal

Kind = SearchEntry.Kind
# Text longer than this (a long document) is indexed and kept for snippets only up to here.
MAX_TEXT = 200_000


@dataclass
class Built:
    """An unsaved entry and the ids of the people named as its readers."""

    entry: SearchEntry
    readers: set[int] = field(default_factory=set)


def _entry(
    kind: str, pk: int, title: str, text: Iterable[str], url: str, *, context: str = "", **fields: object
) -> SearchEntry:
    body_text = "\n".join(t for t in text if t)[:MAX_TEXT]
    searchable = f"{title}\n{title}\n{context}\n{body_text}"  # the title twice: it weighs more in both rankings
    return SearchEntry(
        kind=kind,
        object_id=pk,
        title=title[:400],
        context=context[:400],
        text=body_text,
        url=url[:400],
        stems=stems(searchable),
        words=plain_words(searchable),
        **fields,
    )


def _container(meeting: Meeting) -> str:
    """The level of what holds a meeting's records: its body, itself and a draft agenda (internal)."""
    draft = Visibility.PUBLIC if meeting.agenda_is_public else Visibility.INTERNAL
    return Visibility.stricter(meeting.body.visibility, meeting.visibility, draft)


def _meeting_date(meeting: Meeting) -> date | None:
    return getattr(meeting, "first_day", None)


def _meeting_fields(meeting: Meeting) -> dict[str, object]:
    day = _meeting_date(meeting)
    return {
        "area_id": meeting.body.area_id,
        "body_id": meeting.body_id,
        "year": day.year if day else meeting.plan_year,
        "date": day,
        "container": _container(meeting),
    }


def _meeting_label(meeting: Meeting) -> str:
    day = _meeting_date(meeting)
    return f"{meeting.body.name} {day:%Y-%m-%d}" if day else str(meeting.body.name)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("body__area")


def _item_url(item: AgendaItem) -> str:
    """The item's own public page (`item_page.py`)."""
    return reverse("search:item", args=[item.meeting.body.area.slug, item.meeting_id, item.pk])


# --- One builder per kind: a queryset of records in, entries out ----------------------------------------------


def build_bodies(pks: Iterable[int] | None) -> Iterator[Built]:
    bodies = Body.objects.select_related("area")
    for body in bodies if pks is None else bodies.filter(pk__in=pks):
        title = f"{body.name} ({body.abbreviation})" if body.abbreviation else body.name
        yield Built(
            _entry(
                Kind.BODY,
                body.pk,
                title,
                [body.charter, body.mandate, body.reporting_route],
                body.get_absolute_url(),
                context=body.area.name,
                area_id=body.area_id,
                body_id=body.pk,
                visibility=body.visibility,
                container=Visibility.PUBLIC,
            )
        )


def build_people(pks: Iterable[int] | None) -> Iterator[Built]:
    """A person is public when seated (now or before) in a public body, as `structure.access.visible_people`."""
    seats = Prefetch("memberships", Membership.objects.select_related("body"))
    people = Person.objects.select_related("employer").prefetch_related(seats)
    for person in people if pks is None else people.filter(pk__in=pks):
        bodies = [m.body for m in person.memberships.all()]
        public = any(b.visibility == Visibility.PUBLIC for b in bodies)
        employer = person.employer
        area_id = employer.area_id if employer else (bodies[0].area_id if bodies else None)
        yield Built(
            _entry(
                Kind.PERSON,
                person.pk,
                f"{person.first_name} {person.last_name}",
                [],
                reverse("portal:person", args=[person.slug]),
                context=", ".join(x for x in [person.title, employer.name if employer else ""] if x),
                area_id=area_id,
                principal_id=employer.pk if employer else None,
                visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
                container=Visibility.PUBLIC,
            )
        )


def build_principals(pks: Iterable[int] | None) -> Iterator[Built]:
    principals = Principal.objects.select_related("area")
    for principal in principals if pks is None else principals.filter(pk__in=pks):
        yield Built(
            _entry(
                Kind.PRINCIPAL,
                principal.pk,
                principal.name,
                [],
                principal.get_absolute_url(),
                context=principal.area.name,
                area_id=principal.area_id,
                principal_id=principal.pk,
                visibility=Visibility.PUBLIC,
                container=Visibility.PUBLIC,
            )
        )


def build_meetings(pks: Iterable[int] | None) -> Iterator[Built]:
    meetings = _meetings().exclude(unlisted_rule())
    for meeting in meetings if pks is None else meetings.filter(pk__in=pks):
        fields = _meeting_fields(meeting)
        fields["container"] = Visibility.stricter(meeting.body.visibility)
        yield Built(
            _entry(
                Kind.MEETING,
                meeting.pk,
                meeting.title or _meeting_label(meeting),
                [meeting.place],
                meeting.get_absolute_url(),
                context=_meeting_label(meeting),
                visibility=meeting.visibility,
                **fields,
            )
        )


def _items() -> QuerySet[AgendaItem]:
    meetings = Prefetch("meeting", _meetings())
    return AgendaItem.objects.exclude(meeting__in=Meeting.objects.filter(unlisted_rule())).prefetch_related(
        meetings, "readers"
    )


def build_items(pks: Iterable[int] | None) -> Iterator[Built]:
    """An item: title, presenters, background; its minutes and decision once the minutes are published."""
    for item in _items() if pks is None else _items().filter(pk__in=pks):
        meeting = item.meeting
        text = [item.presenters, item.background]
        if meeting.is_published:
            text += [item.minutes, item.decision]
        continuous = meeting.body.numbering == Body.Numbering.CONTINUOUS
        number = paragraph_label(item.number, continuous)
        yield Built(
            _entry(
                Kind.ITEM,
                item.pk,
                f"{number} {item.title}".strip(),
                text,
                _item_url(item),
                context=_meeting_label(meeting),
                matter_id=item.matter_id,
                visibility=item.visibility,
                **_meeting_fields(meeting),
            ),
            {p.pk for p in item.readers.all()} if item.visibility == Visibility.CONFIDENTIAL else set(),
        )


def build_documents(pks: Iterable[int] | None) -> Iterator[Built]:
    """A document's title, number, file name and extracted text, as closed as it and its item (and its
    meeting, through `container`); named readers must be named on every confidential record it hangs on."""
    documents = (
        Document.objects.exclude(meeting__in=Meeting.objects.filter(unlisted_rule()))
        .select_related("item")
        .prefetch_related(Prefetch("meeting", _meetings()), "readers", "item__readers")
    )
    for document in documents if pks is None else documents.filter(pk__in=pks):
        meeting, item = document.meeting, document.item
        levels = [document.visibility] + ([item.visibility] if item else [])
        named: set[int] | None = None
        if document.visibility == Visibility.CONFIDENTIAL:
            named = {p.pk for p in document.readers.all()}
        if item is not None and item.visibility == Visibility.CONFIDENTIAL:
            on_item = {p.pk for p in item.readers.all()}
            named = on_item if named is None else named & on_item
        url = reverse("meetings_public:document", args=[meeting.body.area.slug, meeting.pk, document.pk])
        yield Built(
            _entry(
                Kind.DOCUMENT,
                document.pk,
                document.title,
                [document.number, document.original_name, document.text],
                url,
                context=_meeting_label(meeting),
                matter_id=item.matter_id if item else None,
                visibility=Visibility.stricter(*levels),
                **_meeting_fields(meeting),
            ),
            named or set(),
        )


def _item_fields(item: AgendaItem) -> tuple[dict[str, object], set[int]]:
    """What a record decided at `item` takes from it: levels, body, year, and its named readers. What was decided
    is a draft until the minutes are published, for the body's internal readers only
    (`meetings.access.decisions_readable_rule`), so before that the container counts as internal."""
    fields = _meeting_fields(item.meeting)
    if not item.meeting.is_published:
        fields["container"] = Visibility.stricter(str(fields["container"]), Visibility.INTERNAL)
    fields["visibility"] = item.visibility
    readers = {p.pk for p in item.readers.all()} if item.visibility == Visibility.CONFIDENTIAL else set()
    return fields, readers


def _item_prefetch(prefix: str) -> list[Any]:
    """The item's meeting (with its first day) and readers, reached through `prefix`."""
    return [Prefetch(f"{prefix}meeting", _meetings()), f"{prefix}readers"]


def build_assignments(pks: Iterable[int] | None) -> Iterator[Built]:
    assignments = Assignment.objects.select_related(
        "item", "assignee_body", "assignee_person", "assignee_principal"
    ).prefetch_related(*_item_prefetch("item__"))
    for assignment in assignments if pks is None else assignments.filter(pk__in=pks):
        fields, readers = _item_fields(assignment.item)
        assignee = assignment.assignee_body or assignment.assignee_person or assignment.assignee_principal
        first_line = (assignment.description.strip().splitlines() or [""])[0]
        yield Built(
            _entry(
                Kind.ASSIGNMENT,
                assignment.pk,
                first_line[:200],
                [assignment.description],
                _item_url(assignment.item),
                context=f"{_meeting_label(assignment.item.meeting)} → {assignee}",
                matter_id=assignment.matter_id or assignment.item.matter_id,
                principal_id=assignment.assignee_principal_id,
                **fields,
            ),
            readers,
        )


def build_recommendations(pks: Iterable[int] | None) -> Iterator[Built]:
    recommendations = Recommendation.objects.select_related("item").prefetch_related(*_item_prefetch("item__"))
    for recommendation in recommendations if pks is None else recommendations.filter(pk__in=pks):
        item = recommendation.item
        fields, readers = _item_fields(item)
        url = reverse("followthrough_public:recommendation", args=[item.meeting.body.area.slug, recommendation.pk])
        yield Built(
            _entry(
                Kind.RECOMMENDATION,
                recommendation.pk,
                recommendation.title,
                [recommendation.text],
                url,
                context=_meeting_label(item.meeting),
                matter_id=recommendation.matter_id or item.matter_id,
                **fields,
            ),
            readers,
        )


def build_decisions(pks: Iterable[int] | None) -> Iterator[Built]:
    decisions = PrincipalDecision.objects.select_related("principal", "recommendation__item").prefetch_related(
        *_item_prefetch("recommendation__item__")
    )
    for decision in decisions if pks is None else decisions.filter(pk__in=pks):
        recommendation = decision.recommendation
        item = recommendation.item
        fields, readers = _item_fields(item)
        if decision.decided_on:
            fields.update(year=decision.decided_on.year, date=decision.decided_on)
        url = reverse("followthrough_public:recommendation", args=[item.meeting.body.area.slug, recommendation.pk])
        yield Built(
            _entry(
                Kind.DECISION,
                decision.pk,
                f"{decision.principal.name}: {recommendation.title}",
                [decision.get_outcome_display(), decision.deciding_body, decision.reference, decision.comment],
                url,
                context=decision.get_outcome_display(),
                matter_id=recommendation.matter_id or item.matter_id,
                principal_id=decision.principal_id,
                **fields,
            ),
            readers,
        )


def build_agreements(pks: Iterable[int] | None) -> Iterator[Built]:
    """An agreement as its public register shows it: title, kind, field of work, summary, parties, and each
    version's note, file name and text. It is as closed as the stricter of itself and its owner body
    (`agreements.access.visible_agreements`): its own level on the entry, the owner's as the container, the owner
    as the body whose readers count. Dated by its validity's start, else its registration."""
    versions = Prefetch("versions", AgreementVersion.objects.order_by("-number"))
    agreements = Agreement.objects.select_related("area", "owner").prefetch_related("parties", versions)
    for agreement in agreements if pks is None else agreements.filter(pk__in=pks):
        day = agreement.valid_from or timezone.localdate(agreement.created_at)
        parties = ", ".join(p.name for p in agreement.parties.all())
        text = [agreement.get_kind_display(), agreement.field_of_work, agreement.summary, parties]
        for version in agreement.versions.all():
            text += [version.note, version.original_name, version.text]
        yield Built(
            _entry(
                Kind.AGREEMENT,
                agreement.pk,
                agreement.title,
                text,
                agreement.get_absolute_url(),
                context=f"{agreement.get_kind_display()} · {agreement.owner.name}",
                area_id=agreement.area_id,
                body_id=agreement.owner_id,
                year=day.year,
                date=day,
                visibility=agreement.visibility,
                container=Visibility.stricter(agreement.owner.visibility),
            )
        )


BUILDERS: dict[str, Callable[[Iterable[int] | None], Iterator[Built]]] = {
    Kind.BODY: build_bodies,
    Kind.PERSON: build_people,
    Kind.PRINCIPAL: build_principals,
    Kind.MEETING: build_meetings,
    Kind.ITEM: build_items,
    Kind.DOCUMENT: build_documents,
    Kind.ASSIGNMENT: build_assignments,
    Kind.RECOMMENDATION: build_recommendations,
    Kind.DECISION: build_decisions,
    Kind.AGREEMENT: build_agreements,
}


def _store(kind: str, built: list[Built], pks: Iterable[int] | None, *, replace: bool = True) -> None:
    if replace:
        old = SearchEntry.objects.filter(kind=kind)
        if pks is not None:
            old = old.filter(object_id__in=pks)
        old.delete()
    saved = SearchEntry.objects.bulk_create([b.entry for b in built], batch_size=500)
    through = SearchEntry.readers.through
    links = [through(searchentry_id=e.pk, person_id=p) for e, b in zip(saved, built, strict=True) for p in b.readers]
    if links:
        through.objects.bulk_create(links, batch_size=1000)


BATCH = 500  # records built and stored at a time: memory stays flat however many there are


def refresh(kind: str, pks: Iterable[int], *, replace: bool = True) -> None:
    """Rebuild the entries of `kind` for the records `pks`: a deleted record or one no longer indexed loses its
    entry. A fixed number of queries per `BATCH` records, whatever their number (a body's rename rebuilds every
    item of its meetings: thousands in a county, which in one piece also passed SQLite's limit on the depth of an
    expression). Runs in the caller's transaction (or its own). `replace=False` when the caller has removed the
    kind's entries already (`reindex_all`): each batch's old entries are then not looked for (Django's delete
    first reads every row it would delete, a tenth of a nation's rebuild)."""
    pks = sorted(set(pks))
    if not pks:
        return
    with transaction.atomic():
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            _store(kind, list(BUILDERS[kind](batch)), batch, replace=replace)


# The records each kind's entries are made from (their ids are the entries' `object_id`).
SOURCES: dict[str, type[Any]] = {
    Kind.BODY: Body,
    Kind.PERSON: Person,
    Kind.PRINCIPAL: Principal,
    Kind.MEETING: Meeting,
    Kind.ITEM: AgendaItem,
    Kind.DOCUMENT: Document,
    Kind.ASSIGNMENT: Assignment,
    Kind.RECOMMENDATION: Recommendation,
    Kind.DECISION: PrincipalDecision,
    Kind.AGREEMENT: Agreement,
}


def reindex_all() -> int:
    """Empty the index and build it again from every record, `BATCH` records at a time; returns the number of
    entries. One transaction."""
    with transaction.atomic():
        for kind in BUILDERS:
            SearchEntry.objects.filter(kind=kind).delete()
            refresh(kind, SOURCES[kind].objects.values_list("pk", flat=True), replace=False)
        count = SearchEntry.objects.count()
    analyse()
    return count


ANALYSIS_ROWS = 1000  # rows per index SQLite samples for the planner's figures (`analyse`)


def analyse() -> None:
    """Give the database's query planner fresh figures for the index table (a few ms: SQLite samples at most
    `ANALYSIS_ROWS` rows per index, PostgreSQL its usual sample). On SQLite this is what makes a search join each
    full-text match through the covering index `search_entry_short` (migration 0005) instead of the wide table
    row: without any figures its planner takes the primary key. Run after `reindex_all` and when `samverkan serve`
    starts. Does nothing on PostgreSQL inside a caller's transaction (a test's): the row counts ANALYZE writes are
    not rolled back with the rows, and a later search planned on counts of rows rolled back ran for minutes (as
    `generate` does); SQLite's figures are rolled back with the transaction."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_ROWS}")
        cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
