"""Our records as OParl 1.1 objects (docs/OPARL.md): one function per type, `request` for absolute URLs.

Only public data: the querysets come from the functions the public pages use (`listed_meetings(None)`,
`visible_bodies(None)`, `visible_people(None)`, `visible_matters(None)`), and an agenda item the public may not read
gives only its number, order and `public: false`, as on the portal. `created`/`modified` come from the history
table's first and last row (`with_history_times`), one subquery each, so a list page has a fixed number of queries.
"""

from datetime import datetime
from typing import Any

from django.db.models import Min, Model, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse

from samverkan.meetings.access import can_read_item
from samverkan.meetings.models import Meeting
from samverkan.meetings.numbering import paragraph_label
from samverkan.structure.models import Area, Body, Person, Principal

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
    """The absolute address of API view `name`."""
    return request.build_absolute_uri(reverse(f"api:{name}", args=args))


def _common(request: HttpRequest, record: Model, kind: str, name: str, *args: object) -> dict[str, Any]:
    web = record.get_absolute_url() if hasattr(record, "get_absolute_url") else None
    out: dict[str, Any] = {"id": url(request, name, *args or (record.pk,)), "type": OPARL + kind}
    if web:
        out["web"] = request.build_absolute_uri(web)
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
    return with_history_times(
        meetings.select_related("body__area").annotate(first_day=Min("days__date")).prefetch_related("days")
    )


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
        first, last = days[0], days[-1]
        out["start"] = datetime.combine(first.date, first.start or datetime.min.time()).isoformat()
        out["end"] = datetime.combine(last.date, last.end or last.start or datetime.min.time()).isoformat()
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
