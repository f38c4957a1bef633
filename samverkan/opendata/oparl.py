"""Our records as OParl 1.1 objects (docs/OPARL.md): one function per type, `request` for absolute URLs.

Only public data: the querysets come from the functions the public pages use (`listed_meetings(None)`,
`visible_bodies(None)`, `visible_people(None)`, `visible_matters(None)`), and an agenda item the public may not read
gives only its number, order and `public: false`, as on the portal. `created`/`modified` come from the history
table's first and last row (`with_history_times`), one subquery each, so a list page has a fixed number of queries.
"""

import mimetypes
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from samverkan.agreements.models import Agreement, AgreementVersion
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.lib.addresses import MARKS, Address, WebAddressed
from samverkan.meetings.access import can_read_item
from samverkan.meetings.models import Document, Meeting
from samverkan.meetings.numbering import paragraph_label
from samverkan.structure.models import Area, Body, Membership, Person, Principal

OPARL = "https://schema.oparl.org/1.1/"
# OParl's meetingState for our statuses (docs/OPARL.md).
MEETING_STATE = {
    "planned": "terminiert",
    "invited": "eingeladen",
    "held": "durchgeführt",
    "drafted": "durchgeführt",
    "adjusted": "durchgeführt",
    "published": "durchgeführt",
    "cancelled": "terminiert",
}


def with_history_times(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """`queryset` annotated `api_created` and `api_modified`: the times of the record's first and last history
    row (None when it has none, as for generated data). Two correlated subqueries, no query of their own."""
    history = queryset.model.history.model.objects.filter(id=OuterRef("pk"))
    return queryset.annotate(
        api_created=Subquery(history.order_by("history_date").values("history_date")[:1]),
        api_modified=Subquery(history.order_by("-history_date").values("history_date")[:1]),
    )


def kept(value: Any) -> Any:
    """`value` without the properties that are None (OParl leaves out what is unknown), nested lists and dicts
    too."""
    if isinstance(value, dict):
        return {k: kept(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [kept(v) for v in value]
    return value


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def url(request: HttpRequest, name: str, *args: object) -> str:
    """The absolute address of API view `name` with `args`. Each view's address is reversed once per request
    (`lib.addresses.Address`) and filled in for each record: a list of 100 meetings asked for 400 addresses, and
    `reverse` with `build_absolute_uri` was a third of its time. Other arguments are reversed each time."""
    if not all(type(arg) is int for arg in args) or len(args) > len(MARKS):
        return request.build_absolute_uri(reverse(f"api:{name}", args=args))
    return _address(request, f"api:{name}")(*args)  # type: ignore[arg-type]  # all ints, checked above


def _address(request: HttpRequest, view: str) -> Address:
    """The request's one `Address` of `view`, absolute (`build_absolute_uri`)."""
    made: dict[str, Address] = request.__dict__.setdefault("_api_addresses", {})
    if view not in made:
        made[view] = Address(view, finish=request.build_absolute_uri)
    return made[view]


def web(request: HttpRequest, record: Model) -> str | None:
    """The absolute address of `record`'s public page, or None. A `WebAddressed` record's view is reversed once
    per request (a list of 100 meetings reversed each meeting's page: a tenth of its time); the rest through
    `get_absolute_url`."""
    if isinstance(record, WebAddressed):
        view, args = record.web_address()
        return _address(request, view)(*args)
    if hasattr(record, "get_absolute_url"):
        return request.build_absolute_uri(record.get_absolute_url())
    return None


def _common(request: HttpRequest, record: Model, kind: str, name: str, *args: object) -> dict[str, Any]:
    address = web(request, record)
    out: dict[str, Any] = {"id": url(request, name, *args or (record.pk,)), "type": OPARL + kind}
    if address:
        out["web"] = address
    for key, attr in (("created", "api_created"), ("modified", "api_modified")):
        value = _time(getattr(record, attr, None))
        if value:
            out[key] = value
    return out


def system(request: HttpRequest, site_name: str) -> dict[str, Any]:
    """The System object: this installation."""
    return {
        "id": url(request, "system"),
        "type": OPARL + "System",
        "oparlVersion": OPARL,
        "body": url(request, "body_list"),
        "name": site_name,
        "website": request.build_absolute_uri("/"),
        "product": "Samverkan",
    }


def body(request: HttpRequest, area: Area) -> dict[str, Any]:
    """An area as an OParl Body."""
    return {
        **_common(request, area, "Body", "body"),
        "system": url(request, "system"),
        "name": area.name,
        "shortName": area.county or None,
        "classification": "Samverkansområde",
        "organization": url(request, "organization_list", area.pk),
        "person": url(request, "person_list", area.pk),
        "meeting": url(request, "meeting_list", area.pk),
        "paper": url(request, "paper_list", area.pk),
        "legislativeTerm": [],
        "samverkan:institution": url(request, "institution_list", area.pk),
        "samverkan:membership": url(request, "membership_list", area.pk),
        "samverkan:file": url(request, "file_list", area.pk),
        "samverkan:recommendation": url(request, "recommendation_list", area.pk),
        "samverkan:principalDecision": url(request, "principal_decision_list", area.pk),
        "samverkan:assignment": url(request, "assignment_list", area.pk),
        "samverkan:agreement": url(request, "agreement_list", area.pk),
    }


def organization(request: HttpRequest, record: Body) -> dict[str, Any]:
    """A public body as an OParl Organization (organizationType "Gremium"); `reports_to` loaded."""
    parent = record.reports_to
    return {
        **_common(request, record, "Organization", "organization"),
        "body": url(request, "body", record.area_id),
        "name": record.name,
        "shortName": record.abbreviation or None,
        "organizationType": "Gremium",
        "classification": record.get_kind_display(),
        "startDate": record.established.isoformat() if record.established else None,
        "endDate": record.dissolved.isoformat() if record.dissolved else None,
        "subOrganizationOf": url(request, "organization", parent.pk) if parent and parent.is_public else None,
    }


def institution(request: HttpRequest, record: Principal) -> dict[str, Any]:
    """A principal as an OParl Organization (organizationType "Institution")."""
    return {
        **_common(request, record, "Organization", "institution"),
        "body": url(request, "body", record.area_id),
        "name": record.name,
        "organizationType": "Institution",
        "classification": record.get_kind_display(),
        "website": record.website or None,
    }


def person(request: HttpRequest, record: Person, area_id: int | None) -> dict[str, Any]:
    """A person the public may see: name only (never e-mail or phone; OParl's `title` is academic, so empty)."""
    out = {
        **_common(request, record, "Person", "person"),
        "name": f"{record.first_name} {record.last_name}",
        "givenName": record.first_name,
        "familyName": record.last_name,
        "status": [record.title] if record.title else [],
    }
    if area_id is not None:
        out["body"] = url(request, "body", area_id)
    return out


def meeting_queryset(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """What `meeting` needs, in a fixed number of queries: the body, the first day, the days."""
    return with_history_times(meetings.select_related("body__area").prefetch_related("days"))


def meeting(request: HttpRequest, record: Meeting, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A public meeting; `items` (AgendaItem objects) only on the meeting's own address."""
    days = sorted(record.days.all(), key=lambda d: (d.date, d.start or datetime.min.time()))
    out = {
        **_common(request, record, "Meeting", "meeting"),
        "name": record.title or (f"{record.body.name} {days[0].date:%Y-%m-%d}" if days else record.body.name),
        "meetingState": MEETING_STATE.get(record.status, "terminiert"),
        "cancelled": record.status == Meeting.Status.CANCELLED,
        "organization": [url(request, "organization", record.body_id)],
    }
    if days:
        # OParl 1.1 (Meeting.start, end): a date-time of RFC 3339, which carries its offset from UTC; a day's times
        # are Swedish local time (+01:00, or +02:00 in summer), as the iCal feeds convert them.
        first, last = days[0], days[-1]
        zone = timezone.get_default_timezone()
        out["start"] = datetime.combine(first.date, first.start or datetime.min.time(), tzinfo=zone).isoformat()
        out["end"] = datetime.combine(last.date, last.end or last.start or datetime.min.time(), tzinfo=zone).isoformat()
    if record.place:
        out["location"] = {
            "id": url(request, "meeting", record.pk) + "#plats",
            "type": OPARL + "Location",
            "description": record.place,
        }
    if items is not None:
        out["agendaItem"] = items
    return out


def agenda_items(request: HttpRequest, record: Meeting) -> list[dict[str, Any]]:
    """The meeting's items as the public reads them: live until the minutes are published, then the stored
    version's text (`snapshot.shown_content`), each hidden item as its number, order and `public: false`."""
    from samverkan.meetings.snapshot import present_minutes, shown_content

    continuous = record.body.numbering == Body.Numbering.CONTINUOUS
    base = url(request, "meeting", record.pk)
    out: list[dict[str, Any]] = []
    if record.is_published:
        shown = present_minutes(shown_content(record), lambda visibility, _id: visibility == "public")
        for order, item in enumerate(shown.items, start=1):
            entry = {
                "id": url(request, "agenda_item", item.id or 0),
                "type": OPARL + "AgendaItem",
                "meeting": base,
                "number": paragraph_label(item.number, continuous),
                "order": order,
                "public": item.readable,
            }
            if item.readable:
                entry.update(name=item.title, result=item.outcome or None)
                if item.clauses:
                    entry["resolutionText"] = "\n".join(item.clauses)
            out.append(entry)
        return out
    for order, agenda_item in enumerate(record.items.order_by("position", "pk"), start=1):
        agenda_item.meeting = record
        readable = can_read_item(None, agenda_item, record.body)
        entry = {
            "id": url(request, "agenda_item", agenda_item.pk),
            "type": OPARL + "AgendaItem",
            "meeting": base,
            "number": paragraph_label(agenda_item.number, continuous),
            "order": order,
            "public": readable,
        }
        if readable:
            entry["name"] = agenda_item.title
        out.append(entry)
    return out


def paper(request: HttpRequest, record: Any) -> dict[str, Any]:
    """A public matter as an OParl Paper; its responsible body only when that body is public."""
    public_body = record.body is not None and record.body.is_public
    return {
        **_common(request, record, "Paper", "paper"),
        "body": url(request, "body", record.area_id),
        "name": record.title,
        "reference": record.case_number,
        "date": record.raised_on.isoformat() if record.raised_on else None,
        "paperType": "Ärende",
        "underDirectionOf": [url(request, "organization", record.body_id)] if public_body else [],
    }


class Seen(NamedTuple):
    """Ids of what the public may see among a page's references (each set filled by one query per page)."""

    bodies: frozenset[int] = frozenset()
    people: frozenset[int] = frozenset()
    papers: frozenset[int] = frozenset()
    items: frozenset[int] = frozenset()
    recommendations: frozenset[int] = frozenset()
    agreements: frozenset[int] = frozenset()
    # A page's recommendations' principal decisions, in their order: {recommendation id: [decision id, …]}.
    decisions: Mapping[int, list[int]] = {}


# --- Membership and File ------------------------------------------------------------------------------------


def membership(request: HttpRequest, record: Membership, seen: Seen) -> dict[str, Any]:
    """A seat in a public body as an OParl Membership. The person it substitutes for is linked only when the public
    may see them (`seen.people`). No query."""
    substitute_for = record.substitute_for_id if record.substitute_for_id in seen.people else None
    return {
        **_common(request, record, "Membership", "membership"),
        "person": url(request, "person", record.person_id),
        "organization": url(request, "organization", record.body_id),
        "role": record.get_role_display(),
        "votingRight": record.role in Membership.SEATED_ROLES,
        "startDate": _date(record.start),
        "endDate": _date(record.end),
        "onBehalfOf": url(request, "institution", record.principal_id) if record.principal_id else None,
        "samverkan:substituteFor": url(request, "person", substitute_for) if substitute_for else None,
    }


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def document_file(request: HttpRequest, record: Document, *, with_text: bool = False) -> dict[str, Any]:
    """A document the public may open (`meetings.access.public_documents`) as an OParl File; `meeting__body__area`
    loaded. Its extracted text only on its own address (`with_text`), so a list page stays small."""
    meeting = record.meeting
    download = _address(request, "meetings_public:document")(meeting.body.area.slug, meeting.pk, record.pk)
    return {
        **_common(request, record, "File", "file"),
        "name": record.title,
        "fileName": record.original_name,
        "mimeType": record.content_type or None,
        "size": record.size,
        "date": _date(timezone.localdate(record.uploaded_at)) if record.uploaded_at else None,
        "text": (record.text or None) if with_text else None,
        "accessUrl": download,
        "downloadUrl": download,
        "meeting": [url(request, "meeting", record.meeting_id)],
        "agendaItem": [url(request, "agenda_item", record.item_id)] if record.item_id else [],
        "samverkan:sha256": record.sha256 or None,
    }


def version_file(request: HttpRequest, record: AgreementVersion, agreement: Agreement) -> dict[str, Any]:
    """A version of a public agreement as an OParl File, embedded in the agreement (its `id` is the agreement's
    address with `#version-<n>`); `agreement.area` loaded. No query."""
    download = request.build_absolute_uri(
        reverse("agreements_public:version_file", args=[agreement.area.slug, agreement.pk, record.pk])
    )
    name = record.original_name or record.file.name.rsplit("/", 1)[-1]
    return {
        "id": f"{url(request, 'agreement', agreement.pk)}#version-{record.number}",
        "type": OPARL + "File",
        "name": f"{agreement.title}, version {record.number}",
        "fileName": name,
        "mimeType": mimetypes.guess_type(name)[0],
        "date": _date(record.dated),
        "accessUrl": download,
        "downloadUrl": download,
        "samverkan:version": record.number,
        "samverkan:note": record.note or None,
    }


# --- Our own types: follow-through and agreements (docs/OPARL.md, "What OParl lacks") ------------------------


def own_type(kind: str) -> str:
    """The type URL of one of our own object types (not OParl's): `<SITE_URL>/oparl/schema/1.0/<kind>`."""
    return f"{settings.SITE_URL}/oparl/schema/1.0/{kind}"


def _own(request: HttpRequest, record: Model, kind: str, name: str) -> dict[str, Any]:
    return {**_common(request, record, kind, name), "type": own_type(kind)}


def recommendation(request: HttpRequest, record: Recommendation, seen: Seen) -> dict[str, Any]:
    """A public recommendation (`followthrough.access.public_recommendations`) with its decisions (`seen.decisions`),
    its matter linked when public (`seen.papers`). No query."""
    matter = record.matter_id or record.item.matter_id
    matter = matter if matter in seen.papers else None
    return {
        **_own(request, record, "Recommendation", "recommendation"),
        "name": record.title,
        "text": record.text,
        "decidedOn": _date(record.decided_on),
        "deadline": _date(record.deadline),
        "agendaItem": url(request, "agenda_item", record.item_id),
        "paper": url(request, "paper", matter) if matter else None,
        "principalDecision": [url(request, "principal_decision", pk) for pk in seen.decisions.get(record.pk, [])],
    }


def principal_decision(request: HttpRequest, record: PrincipalDecision) -> dict[str, Any]:
    """A principal's decision on a public recommendation; `recommendation__item__meeting__body__area` loaded."""
    document = None
    if record.document:
        area = record.recommendation.item.meeting.body.area
        document = request.build_absolute_uri(
            reverse("followthrough_public:decision_document", args=[area.slug, record.recommendation_id, record.pk])
        )
    return {
        **_own(request, record, "PrincipalDecision", "principal_decision"),
        "recommendation": url(request, "recommendation", record.recommendation_id),
        "organization": url(request, "institution", record.principal_id),
        "outcome": record.outcome,
        "outcomeLabel": record.get_outcome_display(),
        "decidingBody": record.deciding_body or None,
        "decidedOn": _date(record.decided_on),
        "reference": record.reference or None,
        "link": record.link or None,
        "comment": record.comment or None,
        "downloadUrl": document,
    }


def assignment(request: HttpRequest, record: Assignment, seen: Seen) -> dict[str, Any]:
    """A public assignment (`followthrough.access.public_assignments`, annotated `due`). An assignee, a body it
    reports to, a matter or the item it was reported at is linked only when the public may see it (`seen`)."""
    assignee = None
    if record.assignee_principal_id:
        assignee = url(request, "institution", record.assignee_principal_id)
    elif record.assignee_body_id in seen.bodies:
        assignee = url(request, "organization", record.assignee_body_id)
    elif record.assignee_person_id in seen.people:
        assignee = url(request, "person", record.assignee_person_id)
    matter = record.matter_id or record.item.matter_id
    due = getattr(record, "due", None)
    return {
        **_own(request, record, "Assignment", "assignment"),
        "description": record.description,
        "agendaItem": url(request, "agenda_item", record.item_id),
        "paper": url(request, "paper", matter) if matter in seen.papers else None,
        "assignee": assignee,
        "reportTo": url(request, "organization", record.report_to_id) if record.report_to_id in seen.bodies else None,
        "dueDate": _date(due),
        "status": record.status,
        "statusLabel": record.get_status_display(),
        "reportedAt": url(request, "agenda_item", record.reported_item_id)
        if record.reported_item_id in seen.items
        else None,
    }


def agreement(request: HttpRequest, record: Agreement, adopted: set[tuple[int, int]], seen: Seen) -> dict[str, Any]:
    """A public agreement (`agreements.access.visible_agreements(None)`, annotated `with_state`; `area`, `parties`
    and `versions` loaded). `adopted` holds (recommendation id, principal id) of adopting decisions; each party says
    whether it has adopted, as the public page does; the adoption recommendation (and through it each party's
    decision) and the agreement it replaces are linked when public (`seen`). No query."""
    parties = [
        {
            "organization": url(request, "institution", p.pk),
            "name": p.name,
            "adopted": (record.adoption_id, p.pk) in adopted,
        }
        for p in record.parties.all()
    ]
    status = record.status()
    return {
        **_own(request, record, "Agreement", "agreement"),
        "body": url(request, "body", record.area_id),
        "name": record.title,
        "kind": record.kind,
        "kindLabel": record.get_kind_display(),
        "fieldOfWork": record.field_of_work or None,
        "summary": record.summary or None,
        "organization": url(request, "organization", record.owner_id),
        "party": parties,
        "status": str(status.value),
        "statusLabel": str(status.label),
        "validFrom": _date(record.valid_from),
        "validTo": _date(record.valid_to),
        "reviewOn": _date(record.review_on),
        "nextFollowUp": _date(record.next_follow_up),
        "recommendation": url(request, "recommendation", record.adoption_id)
        if record.adoption_id in seen.recommendations
        else None,
        "replaces": url(request, "agreement", record.replaces_id) if record.replaces_id in seen.agreements else None,
        "file": [version_file(request, v, record) for v in record.versions.all()],
    }
