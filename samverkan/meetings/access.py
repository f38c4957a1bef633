"""Who may see and plan meetings, and which agenda items and documents they may read; the gates every staff
page fetches its meeting, day, item, attendance row or document through. Pages and feeds use these."""

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Meeting,
    MeetingDay,
    MinutesVersion,
    Signatory,
    unlisted_rule,
)
from samverkan.structure.access import (
    can_edit_memberships,
    level_rule,
    may_read,
    readable_rule,
    visible_people,
)
from samverkan.structure.models import Body, Person
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer

# A record that belongs to a meeting (its `meeting` foreign key), as `_get_part` fetches it.
Part = TypeVar("Part", AgendaItem, MeetingDay, Attendance, Document)


def visible_meetings(user: "Viewer") -> QuerySet[Meeting]:
    """Public meetings of bodies the user may see; internal meetings for the body's members and staff
    (`structure.access.READERS`)."""
    if scope_of(user).is_admin:
        return Meeting.objects.all()
    return Meeting.objects.filter(meeting_visible_rule(user))


def meeting_visible_rule(user: "Viewer", prefix: str = "") -> Q:
    """Q for the meetings `user` may see (`visible_meetings`), reached through `prefix` ("" on Meeting, "meeting__"
    on an agenda item, "item__meeting__" on an assignment …): the meeting's and its body's visibility by
    `structure.access.READERS`, checked on the joined rows. No IN over every visible body or meeting of the nation,
    so a list narrowed to one area or body weighs only its own rows. Builds no query of its own."""
    body = f"{prefix}body__"
    return readable_rule(user, field=f"{body}visibility", body=body) & readable_rule(
        user, field=f"{prefix}visibility", body=body
    )


def listed_meetings(user: "Viewer") -> QuerySet[Meeting]:
    """The meetings the portal names to `user` (calendars, body pages, meeting pages): `visible_meetings`
    without imported meetings whose minutes are not published yet (`MeetingQuerySet.listed`)."""
    return visible_meetings(user).exclude(unlisted_rule())


def public_meetings() -> QuerySet[Meeting]:
    """What a feed may carry: public meetings of public bodies, whoever asks; never an imported meeting before
    its minutes are published."""
    return Meeting.objects.filter(visibility=Visibility.PUBLIC, body__visibility=Visibility.PUBLIC).exclude(
        unlisted_rule()
    )


def agenda_public_rule(prefix: str = "") -> Q:
    """Q for meetings (through `prefix`, e.g. "meeting__") whose agenda is public (`Meeting.agenda_is_public`):
    the invitation is sent, the agenda is published or the minutes are published (a meeting held without an
    invitation does not open its agenda by being held); an imported meeting only once its minutes are
    published. No query."""
    published = Q(**{f"{prefix}status": Meeting.Status.PUBLISHED})
    native = Q(**{f"{prefix}invited_at__isnull": False}) | Q(**{f"{prefix}agenda_published_at__isnull": False})
    return (Q(**{f"{prefix}imported": False}) & native) | published


def can_plan_meetings(user: "Viewer", body: Body) -> bool:
    """The body's secretary, the area's coordinators and administrators plan meetings and agendas."""
    return can_edit_memberships(user, body)


class NamedRecords(NamedTuple):
    """The ids of the agenda items and documents a login is a named reader of."""

    items: frozenset[int]
    documents: frozenset[int]


def named_records(user: "Viewer") -> NamedRecords:
    """What `user` is a named reader of (through the person linked to the login); one query the first time
    per request, none after, none for a visitor."""
    if user is None or not user.is_authenticated:
        return NamedRecords(frozenset(), frozenset())
    cached: NamedRecords | None = getattr(user, "_samverkan_named", None)
    if cached is None:
        # One query: the item links and the document links as (kind, id) rows of one UNION.
        items = AgendaItem.readers.through.objects.filter(person__user_id=user.pk).values_list(
            Value("item", output_field=CharField()), "agendaitem_id"
        )
        documents = Document.readers.through.objects.filter(person__user_id=user.pk).values_list(
            Value("document", output_field=CharField()), "document_id"
        )
        rows = list(items.union(documents, all=True))
        cached = NamedRecords(
            frozenset(pk for kind, pk in rows if kind == "item"),
            frozenset(pk for kind, pk in rows if kind == "document"),
        )
        user._samverkan_named = cached  # type: ignore[attr-defined]  # the per-request cache rides on the user object
    return cached


def readable_items_rule(user: "Viewer", prefix: str = "") -> Q:
    """Q for the agenda items `user` may read, reached through `prefix` ("" on AgendaItem, "item__" on an
    assignment …): the item's own visibility by `structure.access.READERS`, named readers included, and a meeting
    the user may see, whose agenda is public unless the user reads the body's internal records. The queryset twin
    of `can_read_item`; builds no query of its own."""
    named = None
    if user is not None and user.is_authenticated:
        mine = AgendaItem.readers.through.objects.filter(person__user_id=user.pk).values("agendaitem_id")
        named = Q(**{f"{prefix}pk__in": mine})
    rule = readable_rule(user, field=f"{prefix}visibility", body=f"{prefix}meeting__body__", named=named)
    # A draft agenda (not yet sent or published) is read only by those who read the body's internal records.
    drafts = level_rule(user, Visibility.INTERNAL, body=f"{prefix}meeting__body__")
    published = agenda_public_rule(f"{prefix}meeting__")
    rule &= published | drafts if drafts is not None else published
    if scope_of(user).is_admin:
        return rule
    # The meeting's own rule on the joined rows, not `meeting__in=visible_meetings(…)`: that IN listed every
    # visible meeting of the nation before the area narrowed it (issue 11).
    return rule & meeting_visible_rule(user, f"{prefix}meeting__")


def decisions_readable_rule(user: "Viewer", prefix: str = "") -> Q:
    """Q for the items (through `prefix`) whose decisions `user` may read — outcome, decision, and the
    assignments and recommendations given at them: once the meeting's minutes are published, or before that for
    those who read the body's internal records or are named readers of the item (held minutes are a draft until
    published). Combine with
    `readable_items_rule`. No query of its own."""
    rule = Q(**{f"{prefix}meeting__status": Meeting.Status.PUBLISHED})
    drafts = level_rule(user, Visibility.INTERNAL, body=f"{prefix}meeting__body__")
    if drafts is not None:
        rule |= drafts
    if user is not None and user.is_authenticated:  # a named reader of the item reads it as its keepers do
        mine = AgendaItem.readers.through.objects.filter(person__user_id=user.pk).values("agendaitem_id")
        rule |= Q(**{f"{prefix}pk__in": mine})
    return rule


def can_read_internal(user: "Viewer", body: Body) -> bool:
    """Members of the body, its secretary, the area's coordinators and administrators. No query after the scope."""
    return may_read(user, Visibility.INTERNAL, body)


def possible_readers(user: "Viewer", meeting: Meeting) -> QuerySet[Person]:
    """The people `user` may name as readers of a confidential record of `meeting`: those of the body's area
    that `structure.access.visible_people` shows them (seated in a body they may see, or employed by a principal
    of an area they coordinate), by name. A queryset; no query until read."""
    area = meeting.body.area_id
    of_area = Person.objects.filter(Q(memberships__body__area_id=area) | Q(employer__area_id=area)).values("pk")
    return visible_people(user).filter(pk__in=of_area).order_by("last_name", "first_name", "pk")


def item_reader(user: "Viewer", body: Body) -> Callable[[str, int | None], bool]:
    """`may_read(visibility, item_id)` for the items of a minutes snapshot of a meeting of `body`, as
    `snapshot.present_minutes` takes it: the item's visibility as stored, and named readers by the item's id
    (None for a record without named readers). No query after the scope, but for named readers (`named_records`)."""
    return lambda visibility, item_id: may_read(
        user, visibility, body, named=lambda: item_id in named_records(user).items
    )


def reason_reader(user: "Viewer", meeting: Meeting) -> Callable[[MinutesVersion], str]:
    """`reason_of(version)`: the reason of a stored version of `meeting`'s minutes as `user` may read it, else "".

    A correction's reason speaks of the item it corrects, so it follows that item's visibility like the item's
    own text (`item_reader`): an internal or confidential item's reason is shown only to those who may read the
    item. A correction whose item is not known (`MinutesVersion.item` empty, see migration 0006) is shown only
    to a reader who may read every item of the minutes. One query (the items' visibility) the first time a
    version with a reason is weighed, none before or after. A correction of a document (`MinutesVersion.document`)
    follows the document as it is now, at the stricter of it and its item (one query more, the first time)."""
    may_read = item_reader(user, meeting.body)
    known: dict[int, str] = {}
    documents: dict[int, tuple[str, int | None]] = {}

    def reason_of(version: MinutesVersion) -> str:
        if not version.reason:
            return ""
        if not known:
            known.update(meeting.items.values_list("pk", "visibility"))
        visibility = known
        if version.document_id:
            if not documents:
                rows = meeting.documents.values_list("pk", "visibility", "item_id")
                documents.update((pk, (level, item)) for pk, level, item in rows)
            # A document no longer kept counts as confidential, like an item no longer in the minutes.
            level, item_id = documents.get(version.document_id, (Visibility.CONFIDENTIAL, None))
            if item_id is not None:
                level = Visibility.stricter(level, visibility.get(item_id, Visibility.CONFIDENTIAL))
            return version.reason if may_read(level, None) else ""  # named readers of the item are not enough
        concerned = [version.item_id] if version.item_id else list(visibility)
        # An item no longer in these minutes counts as confidential: only those who keep the records read it.
        if all(may_read(visibility.get(pk, Visibility.CONFIDENTIAL), pk) for pk in concerned):
            return version.reason
        return ""

    return reason_of


def can_read_confidential(user: "Viewer", body: Body) -> bool:
    """Whether the user keeps the body's records and so reads every confidential record of it without being
    named (secretary, the area's coordinators, administrators). No query after the scope."""
    return may_read(user, Visibility.CONFIDENTIAL, body)


def draft_closed(user: "Viewer", meeting: Meeting, body: Body) -> bool:
    """Whether the meeting's agenda is a draft (`Meeting.agenda_is_public`) that `user` may not read: a draft is
    read only by those who read the body's internal records (a named reader of one item is not enough). No
    query after the scope."""
    return not meeting.agenda_is_public and not may_read(user, Visibility.INTERNAL, body)


def can_read_item(user: "Viewer", item: AgendaItem, body: Body) -> bool:
    """Whether the user may read the agenda item (of a meeting of `body`) in full; nothing of a draft agenda
    for those who may not read it (`draft_closed`). No query after the scope with item.meeting loaded, and two
    once per request when a confidential item is weighed for someone who does not keep the records."""
    if draft_closed(user, item.meeting, body):
        return False
    return may_read(user, item.visibility, body, named=lambda: item.pk in named_records(user).items)


def published_meetings(user: "Viewer") -> QuerySet[Meeting]:
    """Meetings whose minutes the user may read in the portal: visible to them and published."""
    return visible_meetings(user).filter(status=Meeting.Status.PUBLISHED)


def meetings_to_sign(user: "Viewer") -> QuerySet[Meeting]:
    """Minutes waiting for the user's own signature: they are the chair or an adjuster and have not signed."""
    if user is None or not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        kind=Meeting.Kind.MINUTES,
        status=Meeting.Status.DRAFTED,
        signatories__person__user=user,
        signatories__signed_at__isnull=True,
    ).distinct()


# --- Documents --------------------------------------------------------------------------------------------


def document_visibility(document: Document) -> Visibility:
    """The visibility that counts: a public document on an internal item, in an internal meeting or on a draft
    agenda (`Meeting.agenda_is_public`) is internal.

    Needs document.item and document.meeting loaded (select_related) to cost no query."""
    levels = [document.visibility]
    if document.item is not None:  # no query without an item, nor with it loaded
        levels.append(document.item.visibility)
    if not document.meeting.is_public or not document.meeting.agenda_is_public:
        levels.append(Visibility.INTERNAL)  # an internal meeting, or a draft agenda
    return Visibility.stricter(*levels)


def _named_on_document(user: "Viewer", document: Document) -> bool:
    """A confidential document is read by name only by someone named on every confidential record it hangs on:
    the document itself and its item."""
    named = named_records(user)
    if document.visibility == Visibility.CONFIDENTIAL and document.pk not in named.documents:
        return False
    item = document.item
    if item is not None and item.visibility == Visibility.CONFIDENTIAL and item.pk not in named.items:
        return False
    return True


def can_read_document(user: "Viewer", document: Document, body: Body) -> bool:
    """Whether the user may open the document of a meeting of `body` (the meeting itself must be visible to
    them; `visible_meetings` decides that). No query with item and meeting loaded, but for named readers
    (`named_records`, once per request)."""
    if draft_closed(user, document.meeting, body):
        return False
    return may_read(user, document_visibility(document), body, named=lambda: _named_on_document(user, document))


def public_documents() -> QuerySet[Document]:
    """Documents anyone may open, the queryset twin of `can_read_document(None, …)` on a listed meeting
    (`document_visibility` public): a public document, on no item or a public item, of a public meeting of a
    public body whose agenda is public and that is listed (`listed_meetings`). The meeting's rules are checked on
    the joined rows, not as `meeting__in=listed_meetings(…)`, which joined every document to the nation's listed
    meetings a second time (the API's file list of an area: 170 ms). No query of its own."""
    return Document.objects.filter(
        Q(item__isnull=True) | Q(item__visibility=Visibility.PUBLIC),
        agenda_public_rule("meeting__"),
        meeting_visible_rule(None, "meeting__"),  # `listed_meetings(None)`'s rule on the joined rows
        visibility=Visibility.PUBLIC,
    ).exclude(unlisted_rule("meeting__"))


def meeting_documents(meeting: Meeting) -> QuerySet[Document]:
    """Every document of the meeting in agenda order, with what document_visibility needs; one query."""
    return meeting.documents.select_related("item", "meeting").order_by("item__position", "item_id", "number", "pk")


def readable_documents(user: "Viewer", meeting: Meeting) -> list[Document]:
    """The meeting's documents that `user` may open (the meeting itself must already be visible to them)."""
    return [d for d in meeting_documents(meeting) if can_read_document(user, d, meeting.body)]


# --- Gates: fetch and check in one call -------------------------------------------------------------------
#
# Each answers Http404 when the object does not exist *or* the user may not see it, so an internal meeting is
# as absent to an outsider as a missing one, and PermissionDenied (403) only when `change=True` and the user
# may see it but not plan the body's meetings. The shape of structure.access.get_body_for_user.


def get_meeting_for_user(
    user: "Viewer", pk: object, *, change: bool = False, queryset: QuerySet[Meeting] | None = None
) -> Meeting:
    """The meeting `pk` as `user` may reach it; with `change=True` they must plan the body's meetings.

    `queryset` narrows, annotates or prefetches (default `Meeting.objects.select_related("body__area")`).
    Raises Http404 / PermissionDenied as above. One query, plus the user's scope once per request."""
    queryset = Meeting.objects.select_related("body__area") if queryset is None else queryset
    # EXISTS on the one row asked for: `pk__in=visible_meetings(...)` built the list of every visible meeting.
    visible = Exists(visible_meetings(user).filter(pk=OuterRef("pk")))
    meeting: Meeting = get_object_or_404(queryset.filter(visible), pk=pk)
    if change and not can_plan_meetings(user, meeting.body):
        raise PermissionDenied
    return meeting


def _get_part(
    model: type[Part],
    user: "Viewer",
    pk: object,
    change: bool,
    queryset: QuerySet[Part] | None,
    readable: Callable[[Part], bool] | None = None,
) -> Part:
    """A record that belongs to a meeting (`meeting` foreign key), gated by that meeting; `readable(record)`
    answers whether a reader who may not plan may read this record, else 404."""
    queryset = model.objects.all() if queryset is None else queryset
    record: Part = get_object_or_404(
        queryset.filter(Exists(visible_meetings(user).filter(pk=OuterRef("meeting_id")))).select_related(
            "meeting__body__area"
        ),
        pk=pk,
    )
    body = record.meeting.body
    planner = can_plan_meetings(user, body)
    if readable is not None and not planner and not readable(record):
        raise Http404
    if change and not planner:
        raise PermissionDenied
    return record


def get_item_for_user(
    user: "Viewer", pk: object, *, change: bool = False, queryset: QuerySet[AgendaItem] | None = None
) -> AgendaItem:
    """The agenda item `pk` with its meeting (select_related `meeting__body__area`): 404 when it does not
    exist, its meeting is not visible, or the user may not read the item (an internal or confidential item);
    403 only when `change=True` and the user may read it but not plan the meetings. One query."""
    return _get_part(AgendaItem, user, pk, change, queryset, lambda item: can_read_item(user, item, item.meeting.body))


def get_day_for_user(
    user: "Viewer", pk: object, *, change: bool = False, queryset: QuerySet[MeetingDay] | None = None
) -> MeetingDay:
    """The meeting day `pk` with its meeting; 404/403 as get_meeting_for_user. One query."""
    return _get_part(MeetingDay, user, pk, change, queryset)


def get_attendance_for_user(
    user: "Viewer", pk: object, *, change: bool = False, queryset: QuerySet[Attendance] | None = None
) -> Attendance:
    """The attendance row `pk` with its meeting; 404/403 as get_meeting_for_user. One query."""
    return _get_part(Attendance, user, pk, change, queryset)


def get_document_for_user(
    user: "Viewer", pk: object, *, change: bool = False, queryset: QuerySet[Document] | None = None
) -> Document:
    """The document `pk` with its meeting and item loaded: 404 when it does not exist, its meeting is not
    visible or the user may not read it (`can_read_document`); 403 only when `change=True` and the user may read
    it but not plan the meetings. One query."""
    queryset = Document.objects.select_related("item") if queryset is None else queryset
    return _get_part(Document, user, pk, change, queryset, lambda doc: can_read_document(user, doc, doc.meeting.body))


class MeetingToSign(NamedTuple):
    """What `get_meeting_to_sign` answers: the meeting, the user's own Signatory rows of it (chair, adjuster),
    never empty, whether their signature is still awaited, and `may_read(visibility, item_id)` for the minutes
    shown on the signing page (`signer_reader`)."""

    meeting: Meeting
    mine: list[Signatory]
    waiting: bool
    may_read: Callable[[str, int | None], bool]


def awaits_signature(meeting: Meeting, mine: list[Signatory]) -> bool:
    """Whether the minutes wait for one of `mine` (the user's own Signatory rows): drafted minutes, not signed
    by them yet. No query."""
    return (
        meeting.kind == Meeting.Kind.MINUTES
        and meeting.status == Meeting.Status.DRAFTED
        and any(s.signed_at is None for s in mine)
    )


def signer_reader(user: "Viewer", meeting: Meeting, mine: list[Signatory]) -> Callable[[str, int | None], bool]:
    """`may_read(visibility, item_id)` for the signing page. A signer attests the whole minutes (the chair and
    the adjusters, as Kommunallagen 2017:725 has minutes adjusted), so while their signature is
    awaited they read every item, internal and confidential too, also when they are not members of the body.
    Once they have signed, or the minutes were taken back, locked or published, their ordinary rights apply
    (`item_reader`). No query after the scope, but for named readers."""
    if awaits_signature(meeting, mine):
        return lambda visibility, item_id: True
    return item_reader(user, meeting.body)


def get_meeting_to_sign(user: "Viewer", pk: object) -> MeetingToSign:
    """The meeting whose minutes `user` signs, their own Signatory rows (chair, adjuster), and what they may read.

    A signatory whose signature is awaited reaches the meeting even where it is otherwise hidden from them; once
    it is not (signed, taken back, locked), they reach it only as anyone else would (`get_meeting_for_user`).
    Anyone else gets Http404 when they may not see it and PermissionDenied when they may. Two queries, three
    for a signer who no longer signs."""
    meeting: Meeting | None = Meeting.objects.all().select_related("body__area").filter(pk=pk).first()
    mine: list[Signatory] = []
    if meeting is not None and user is not None and user.is_authenticated:
        mine = list(meeting.signatories.filter(person__user_id=user.pk))
    if meeting is None or not mine:  # no meeting, no signatory rows
        get_meeting_for_user(user, pk)
        raise PermissionDenied
    waiting = awaits_signature(meeting, mine)
    if not waiting:
        get_meeting_for_user(user, pk)  # 404 for a signer who may no longer see the meeting
    return MeetingToSign(meeting, mine, waiting, signer_reader(user, meeting, mine))


def then_and_now_reader(
    may_read: Callable[[str, int | None], bool], meeting: Meeting
) -> Callable[[str, int | None], bool]:
    """Wrap a reader (`item_reader`, `signer_reader`) for a stored version of `meeting`'s minutes: each item is
    weighed at the stricter of its visibility then (in the version) and now, so an item made confidential by a
    later correction is hidden in every earlier version too, as in the public PDF. One query."""
    now: dict[int, str] = dict(meeting.items.values_list("pk", "visibility"))

    def read(visibility: str, item_id: int | None) -> bool:
        live = now.get(item_id, visibility) if item_id is not None else visibility
        return may_read(Visibility.stricter(visibility, live), item_id)

    return read
