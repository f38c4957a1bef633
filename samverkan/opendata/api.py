"""The open data API under `/api/` (django-ninja): OParl 1.1 objects of public data, read only.

Lists answer OParl's shape, `{"data": [...], "pagination": {...}, "links": {...}}`, `PER_PAGE` objects a page,
narrowed by OParl's `created_since`, `created_until`, `modified_since` and `modified_until` (ISO 8601); each list
page makes a fixed number of queries. A bad parameter answers 400 with a Swedish `error`, an unknown or non-public
object 404 with one; never 500. The OpenAPI description is
`/api/openapi.json`. The mapping is docs/OPARL.md.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel, ConfigDict, Field

from samverkan.agreements.access import visible_agreements
from samverkan.agreements.models import ADOPTED
from samverkan.followthrough.access import public_assignments, public_recommendations, visible_matters
from samverkan.followthrough.models import PrincipalDecision
from samverkan.lib.years import FIRST_YEAR, LAST_YEAR
from samverkan.meetings.access import listed_meetings, public_documents, readable_items_rule
from samverkan.meetings.models import AgendaItem
from samverkan.opendata import oparl
from samverkan.opendata.schemas import AgreementOut, AssignmentOut, PrincipalDecisionOut, RecommendationOut
from samverkan.structure.access import visible_bodies, visible_memberships, visible_people
from samverkan.structure.models import Area, Membership, Person, Principal

PER_PAGE = 100

api = NinjaAPI(
    title="Samverkan – öppna data (OParl 1.1)",
    version="1.0",
    description="Offentliga uppgifter om organ, möten, ärenden och personer, som OParl 1.1-objekt.",
    urls_namespace="api",
    docs_url=None,
)


class OParlObject(BaseModel):
    """Any OParl object: `id` and `type` always, the rest as the type has it (docs/OPARL.md)."""

    model_config = ConfigDict(extra="allow")
    id: str
    type: str


class Pagination(Schema):
    totalElements: int
    elementsPerPage: int
    currentPage: int
    totalPages: int


class Links(BaseModel):
    model_config = ConfigDict(extra="allow")
    self: str
    first: str
    last: str


class OParlList(Schema):
    """OParl's list: a page of objects, where it is in the whole, and the links to the other pages."""

    data: list[OParlObject]
    pagination: Pagination
    links: Links


class RecommendationList(OParlList):
    data: list[RecommendationOut]  # type: ignore[assignment]  # narrower than OParlList's, as pydantic allows


class PrincipalDecisionList(OParlList):
    data: list[PrincipalDecisionOut]  # type: ignore[assignment]  # as above


class AssignmentList(OParlList):
    data: list[AssignmentOut]  # type: ignore[assignment]  # as above


class AgreementList(OParlList):
    data: list[AgreementOut]  # type: ignore[assignment]  # as above


class Problem(Schema):
    """Why a request was refused, in Swedish."""

    error: str


# An object's number in an address: a whole number the databases can hold (a larger one answers 400, never 500).
Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="Objektets nummer.")]


class ListFilter(Schema):
    """A list's parameters: the page, and OParl 1.1's filters of a list by when its objects were created and last
    modified (each an ISO 8601 date and time, inclusive; a date alone is its midnight, a time without an offset
    Swedish time), read from the records' history (`oparl.with_history_times`)."""

    page: int = Field(1, ge=1, le=1_000_000, description="Sidnummer, från 1.")
    created_since: datetime | None = Field(None, description="Bara det som skapats sedan (ISO 8601).")
    created_until: datetime | None = Field(None, description="Bara det som skapats till och med (ISO 8601).")
    modified_since: datetime | None = Field(None, description="Bara det som ändrats sedan (ISO 8601).")
    modified_until: datetime | None = Field(None, description="Bara det som ändrats senast (ISO 8601).")


# OParl 1.1's list filters (the ListFilter fields) -> the lookup each makes on the annotated history times.
TIME_FILTERS = {
    "created_since": "api_created__gte",
    "created_until": "api_created__lte",
    "modified_since": "api_modified__gte",
    "modified_until": "api_modified__lte",
}


@api.exception_handler(ValidationError)
def bad_parameter(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    names = sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors})
    return api.create_response(request, {"error": _bad_parameters(names)}, status=400)


def _bad_parameters(names: Iterable[str]) -> str:
    """The Swedish 400 message naming the parameters `names` and what each kind must be."""
    return (
        f"Ogiltig parameter: {', '.join(names)}. Nummer och sidnummer är heltal från 1; created_since, created_until,"
        f" modified_since och modified_until ett datum och en tid enligt ISO 8601, åren {FIRST_YEAR}–{LAST_YEAR}."
    )


def _time_filter(name: str, value: datetime) -> datetime:
    """A list filter's time in UTC (a time without an offset is Swedish time). HttpError 400 outside the years
    Samverkan takes, or when the offset takes it past what Python can hold: PostgreSQL refused an offset beyond
    ±15:59 ("-20:15", which ISO 8601 allows), a server error the API's fuzzing found."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise HttpError(400, _bad_parameters([name])) from None
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise HttpError(400, _bad_parameters([name]))
    return utc


NOT_FOUND = "Finns inte, eller är inte offentligt."


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404 | None = None) -> HttpResponse:
    """404 with the Swedish `error`: an unknown or non-public object, and (through the site's 404 handler,
    `portal.views.page_not_found`) an address under /api/ that the API does not have."""
    return api.create_response(request, {"error": NOT_FOUND}, status=404)


def method_refused(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    """The body of the 405 a method the API does not take gets (`lib.methods.MethodMiddleware` sets the status
    and `Allow`): the Swedish `error`, naming the methods it takes."""
    message = f"Metoden {request.method} tas inte emot här; API:t tar bara emot {', '.join(allowed)}."
    return api.create_response(request, {"error": message}, status=405)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


def _page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    filters: ListFilter,
    build: Any,
    order: tuple[str, ...],
    *,
    prepare: Callable[[list[Any]], Any] | None = None,
    keys_once: bool = False,
) -> dict[str, Any]:
    """One OParl list page of `queryset` (annotated with history times), each object made by `build(record)`, or
    by `build(record, prepared)` when `prepare(rows)` is given: what the page's objects may link to, read once for
    the whole page in a fixed number of queries.

    `keys_once`, for a list of at most some thousands per area whose rows are found through joins (an area's
    documents, meetings, people): every key is read in order in one query and counted in Python, and only the
    page's rows are then read whole, where a count and a page each found every row (the nation's file list: two
    passes of 7,000 documents, their meetings and items). Raises HttpError 400 for a page past the end."""
    times = {name: getattr(filters, name) for name in TIME_FILTERS if getattr(filters, name) is not None}
    for name, value in times.items():
        queryset = queryset.filter(**{TIME_FILTERS[name]: _time_filter(name, value)})
    ordered = queryset.order_by(*order)
    paginator = Paginator(list(ordered.values_list("pk", flat=True)) if keys_once else ordered, PER_PAGE)
    if filters.page > paginator.num_pages:
        pages = "1 sida" if paginator.num_pages == 1 else f"{paginator.num_pages} sidor"
        raise HttpError(400, f"Sidan {filters.page} finns inte; listan har {pages}.")
    page = paginator.page(filters.page)
    if keys_once:  # the page's rows, in the keys' order ([-1]: the same queries for an empty list)
        by_pk = {row.pk: row for row in queryset.filter(pk__in=list(page.object_list) or [-1])}
        page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    base = request.build_absolute_uri(request.path)
    extra = {name: value.isoformat() for name, value in times.items()}

    def link(number: int) -> str:
        return base + "?" + urlencode({**extra, "page": number})

    links = {"self": link(page.number), "first": link(1), "last": link(paginator.num_pages)}
    if page.has_previous():
        links["prev"] = link(page.previous_page_number())
    if page.has_next():
        links["next"] = link(page.next_page_number())
    rows = list(page.object_list)
    if prepare is not None:
        prepared = prepare(rows)
        data = [oparl.kept(build(record, prepared)) for record in rows]
    else:
        data = [oparl.kept(build(record)) for record in rows]
    return {
        "data": data,
        "pagination": {
            "totalElements": paginator.count,
            "elementsPerPage": PER_PAGE,
            "currentPage": page.number,
            "totalPages": paginator.num_pages,
        },
        "links": links,
    }


def _area(pk: int) -> Area:
    area = Area.objects.filter(pk=pk).first()
    if area is None:
        raise Http404
    return area


def _one(queryset: QuerySet[Any], pk: int) -> Any:
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


ERRORS: dict[int, type[Schema]] = {400: Problem, 404: Problem}


@api.get("/", response=OParlObject, url_name="system", summary="System")
def system(request: HttpRequest) -> dict[str, Any]:
    return oparl.kept(oparl.system(request, settings.SITE_NAME))


@api.get("/body", response={200: OParlList, **ERRORS}, url_name="body_list", summary="Områden (Body)")
def body_list(request: HttpRequest, filters: Query[ListFilter]) -> dict[str, Any]:
    areas = oparl.with_history_times(Area.objects.all())
    return _page(request, areas, filters, lambda a: oparl.body(request, a), ("name", "pk"))


@api.get("/body/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="body", summary="Område (Body)")
def body(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return oparl.kept(oparl.body(request, _one(oparl.with_history_times(Area.objects.all()), pk)))


def _bodies() -> QuerySet[Any]:
    return oparl.with_history_times(visible_bodies(None).select_related("area", "reports_to"))


@api.get("/body/{int:pk}/organization", response={200: OParlList, **ERRORS}, url_name="organization_list")
def organization_list(request: HttpRequest, pk: Id, filters: Query[ListFilter]) -> dict[str, Any]:
    """The area's public bodies (Gremium); its principals are at `/body/{int:pk}/institution`."""
    bodies = _bodies().filter(area=_area(pk))
    return _page(request, bodies, filters, lambda b: oparl.organization(request, b), ("name", "pk"))


@api.get("/organization/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="organization")
def organization(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return oparl.kept(oparl.organization(request, _one(_bodies(), pk)))


@api.get("/body/{int:pk}/institution", response={200: OParlList, **ERRORS}, url_name="institution_list")
def institution_list(request: HttpRequest, pk: Id, filters: Query[ListFilter]) -> dict[str, Any]:
    """The area's principals as Organizations of type Institution."""
    principals = oparl.with_history_times(Principal.objects.filter(area=_area(pk)).select_related("area"))
    return _page(request, principals, filters, lambda p: oparl.institution(request, p), ("name", "pk"))


@api.get("/institution/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="institution")
def institution(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return oparl.kept(
        oparl.institution(request, _one(oparl.with_history_times(Principal.objects.select_related("area")), pk))
    )


@api.get("/body/{int:pk}/person", response={200: OParlList, **ERRORS}, url_name="person_list")
def person_list(request: HttpRequest, pk: Id, filters: Query[ListFilter]) -> dict[str, Any]:
    """People seated (now or before) in a public body of the area."""
    area = _area(pk)
    # Seated in one of the area's public bodies, which is what makes a person public (`visible_people`): one
    # EXISTS on the person's seats, where a join of every seat with DISTINCT, and visible_people's own rule beside
    # it, made PostgreSQL hash the seats of the whole nation once per body of the area (0.3 s; 36 s on stale
    # statistics).
    seated = Membership.objects.filter(person=OuterRef("pk"), body__in=visible_bodies(None).filter(area=area))
    people = oparl.with_history_times(Person.objects.filter(Exists(seated)))
    return _page(
        request,
        people,
        filters,
        lambda p: oparl.person(request, p, area.pk),
        ("last_name", "first_name", "pk"),
        keys_once=True,
    )


@api.get("/person/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="person")
def person(request: HttpRequest, pk: Id) -> dict[str, Any]:
    record = _one(oparl.with_history_times(visible_people(None).select_related("employer")), pk)
    return oparl.kept(oparl.person(request, record, record.employer.area_id if record.employer else None))


def _meetings() -> QuerySet[Any]:
    return oparl.meeting_queryset(listed_meetings(None))


@api.get("/body/{int:pk}/meeting", response={200: OParlList, **ERRORS}, url_name="meeting_list")
def meeting_list(request: HttpRequest, pk: Id, filters: Query[ListFilter]) -> dict[str, Any]:
    """The area's public meetings, newest first; each meeting's items are on its own address."""
    meetings = _meetings().filter(body__area=_area(pk))
    return _page(request, meetings, filters, lambda m: oparl.meeting(request, m), ("-first_day", "-pk"), keys_once=True)


@api.get("/meeting/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="meeting")
def meeting(request: HttpRequest, pk: Id) -> dict[str, Any]:
    record = _one(_meetings(), pk)
    return oparl.kept(oparl.meeting(request, record, oparl.agenda_items(request, record)))


@api.get("/agendaitem/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="agenda_item")
def agenda_item(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """One item as its meeting lists it (number, order and `public: false` only, if the public may not read it)."""
    item = AgendaItem.objects.filter(pk=pk).values("meeting_id").first()
    if item is None:
        raise Http404
    record = _one(_meetings(), item["meeting_id"])
    wanted = oparl.url(request, "agenda_item", pk)
    found = next((entry for entry in oparl.agenda_items(request, record) if entry["id"] == wanted), None)
    if found is None:
        raise Http404
    return oparl.kept(found)


def _papers() -> QuerySet[Any]:
    return oparl.with_history_times(visible_matters(None).select_related("area", "body"))


@api.get("/body/{int:pk}/paper", response={200: OParlList, **ERRORS}, url_name="paper_list")
def paper_list(request: HttpRequest, pk: Id, filters: Query[ListFilter]) -> dict[str, Any]:
    papers = _papers().filter(area=_area(pk))
    return _page(request, papers, filters, lambda p: oparl.paper(request, p), ("-year", "-serial", "pk"))


@api.get("/paper/{int:pk}", response={200: OParlObject, **ERRORS}, url_name="paper")
def paper(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return oparl.kept(oparl.paper(request, _one(_papers(), pk)))


# --- Memberships, files, follow-through and agreements: a list per area and one object, the same way for each ----


def _serve(
    kind: str,
    name: str,
    description: str,
    rows: Callable[[], QuerySet[Any]],
    in_area: str,
    order: tuple[str, ...],
    build: Callable[[HttpRequest, Any, Any], dict[str, Any]],
    *,
    prepare: Callable[[list[Any]], Any] = lambda rows: None,
    schemas: tuple[type[BaseModel], type[BaseModel]] = (OParlObject, OParlList),
    build_one: Callable[[HttpRequest, Any, Any], dict[str, Any]] | None = None,
    keys_once: bool = False,
) -> None:
    """Register `/body/{int:pk}/<kind>` (the area's list, URL name `<name>_list`) and `/<kind>/{int:pk}` (one object,
    URL name `<name>`). `rows()` is the public queryset (from the app's access rules), `in_area` its path to the area;
    `build(request, record, prepare(page_rows))` makes each object (`build_one` instead on the object's own
    address); `schemas` are the object's and the list's response schemas. The list pages in a fixed number of
    queries when `prepare` does; absent properties are left out."""
    one_schema, list_schema = schemas

    def listing(request: HttpRequest, pk: Id, filters: Query[ListFilter]) -> dict[str, Any]:
        found = rows().filter(**{in_area: _area(pk)})
        return _page(
            request, found, filters, lambda r, p: build(request, r, p), order, prepare=prepare, keys_once=keys_once
        )

    def single(request: HttpRequest, pk: Id) -> dict[str, Any]:
        record = _one(rows(), pk)
        return oparl.kept((build_one or build)(request, record, prepare([record])))

    for path, view, schema, url_name in (
        (f"/body/{{int:pk}}/{kind}", listing, list_schema, f"{name}_list"),
        (f"/{kind}/{{int:pk}}", single, one_schema, name),
    ):
        api.get(
            path,
            response={200: schema, **ERRORS},
            url_name=url_name,
            operation_id=url_name,
            description=description,
            exclude_none=True,
        )(view)


def _ids(values: Iterable[int | None]) -> list[int]:
    """The ids among `values`, [-1] when none, so a page's query count does not depend on its content."""
    return sorted({v for v in values if v is not None}) or [-1]


def _seen_people(ids: Iterable[int | None]) -> frozenset[int]:
    return frozenset(visible_people(None).filter(pk__in=_ids(ids)).values_list("pk", flat=True))


def _seen_papers(ids: Iterable[int | None]) -> frozenset[int]:
    return frozenset(visible_matters(None).filter(pk__in=_ids(ids)).values_list("pk", flat=True))


_serve(
    "membership",
    "membership",
    "Uppdrag (platser) i områdets offentliga organ, nu och tidigare.",
    lambda: oparl.with_history_times(visible_memberships(None)),
    "body__area",
    ("body_id", "person__last_name", "person__first_name", "pk"),
    oparl.membership,
    prepare=lambda rows: oparl.Seen(people=_seen_people(m.substitute_for_id for m in rows)),
)


FILE_LISTED = (
    *("title", "original_name", "content_type", "size", "uploaded_at", "meeting", "item", "sha256"),
    *("meeting__body", "meeting__body__area__slug"),
)


def _files() -> QuerySet[Any]:
    return oparl.with_history_times(public_documents().select_related("meeting__body__area"))


_serve(
    "file",
    "file",
    "Offentliga handlingar till områdets möten, nyast först; texten bara på handlingens egen adress.",
    # What a list's File shows, no more (the text only on the File's own address; of the meeting, body and area
    # what its addresses need): four model objects a row, each of a few fields.
    lambda: _files().only(*FILE_LISTED),
    "meeting__body__area",
    ("-uploaded_at", "-pk"),
    lambda request, d, _: oparl.document_file(request, d),
    build_one=lambda request, d, _: oparl.document_file(request, d, with_text=True),
    keys_once=True,  # some thousands a year in an area, each found through its meeting and item
)


def _recommendations() -> QuerySet[Any]:
    return oparl.with_history_times(public_recommendations().select_related("item__meeting__body__area"))


def _recommendation_seen(rows: list[Any]) -> oparl.Seen:
    """The page's recommendations' public matters and their decisions' ids (by principal's name), two queries. The
    ids alone: a page of 100 recommendations has 1,600 decisions in a county of 16 principals, and made as model
    objects (a prefetch) they were a third of its time."""
    decisions: dict[int, list[int]] = {}
    ids = PrincipalDecision.objects.filter(recommendation_id__in=_ids(r.pk for r in rows))
    for recommendation_id, pk in ids.order_by("principal__name", "pk").values_list("recommendation_id", "pk"):
        decisions.setdefault(recommendation_id, []).append(pk)
    return oparl.Seen(papers=_seen_papers(r.matter_id or r.item.matter_id for r in rows), decisions=decisions)


_serve(
    "recommendation",
    "recommendation",
    "Offentliga rekommendationer till huvudmännen, senast beslutade först.",
    _recommendations,
    "area",
    ("-decided_on", "-pk"),
    oparl.recommendation,
    prepare=_recommendation_seen,
    schemas=(RecommendationOut, RecommendationList),
)
_serve(
    "principaldecision",
    "principal_decision",
    "Varje huvudmans beslut om de offentliga rekommendationerna (beslutsstatus som lista).",
    lambda: oparl.with_history_times(
        # The recommendation's stored public flag on the joined row (`public_recommendations`' rule), not an IN
        # over every public recommendation of the nation.
        PrincipalDecision.objects.filter(recommendation__public=True).select_related(
            "recommendation__item__meeting__body__area"
        )
    ),
    "recommendation__area",
    ("-recommendation__decided_on", "pk"),
    lambda request, d, _: oparl.principal_decision(request, d),
    schemas=(PrincipalDecisionOut, PrincipalDecisionList),
)


def _assignment_seen(rows: list[Any]) -> oparl.Seen:
    """What the page's assignments may link to: four queries whatever the page holds."""
    bodies = _ids([a.assignee_body_id for a in rows] + [a.report_to_id for a in rows])
    reported = AgendaItem.objects.filter(
        readable_items_rule(None), meeting__in=listed_meetings(None), pk__in=_ids(a.reported_item_id for a in rows)
    )
    return oparl.Seen(
        bodies=frozenset(visible_bodies(None).filter(pk__in=bodies).values_list("pk", flat=True)),
        people=_seen_people(a.assignee_person_id for a in rows),
        papers=_seen_papers(a.matter_id or a.item.matter_id for a in rows),
        items=frozenset(reported.values_list("pk", flat=True)),
    )


_serve(
    "assignment",
    "assignment",
    "Offentliga uppdrag, efter när de ska vara klara.",
    lambda: oparl.with_history_times(public_assignments().select_related("item__meeting__body__area")),
    "area",
    ("due", "pk"),
    oparl.assignment,
    prepare=_assignment_seen,
    schemas=(AssignmentOut, AssignmentList),
)


class AgreementPage(NamedTuple):
    """What a page of agreements links to (`seen`) and which parties adopted (recommendation id, principal id)."""

    seen: oparl.Seen
    adopted: set[tuple[int, int]]


def _agreement_page(rows: list[Any]) -> AgreementPage:
    """Three queries whatever the page holds: public adoption recommendations, public predecessors, adoptions."""
    adoptions = _ids(a.adoption_id for a in rows)
    seen = oparl.Seen(
        recommendations=frozenset(public_recommendations().filter(pk__in=adoptions).values_list("pk", flat=True)),
        agreements=frozenset(
            visible_agreements(None).filter(pk__in=_ids(a.replaces_id for a in rows)).values_list("pk", flat=True)
        ),
    )
    adopted = PrincipalDecision.objects.filter(recommendation_id__in=adoptions, outcome=ADOPTED)
    return AgreementPage(seen, set(adopted.values_list("recommendation_id", "principal_id")))


_serve(
    "agreement",
    "agreement",
    "Områdets offentliga överenskommelser (registret), efter rubrik; versionerna som filer (File).",
    lambda: oparl.with_history_times(
        visible_agreements(None)
        .with_state()
        .select_related("area")
        .prefetch_related(Prefetch("parties", Principal.objects.order_by("name", "pk")), "versions")
    ),
    "area",
    ("title", "pk"),
    lambda request, a, page: oparl.agreement(request, a, page.adopted, page.seen),
    prepare=_agreement_page,
    schemas=(AgreementOut, AgreementList),
)
