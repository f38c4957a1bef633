"""The minutes of a meeting as one JSON-serialisable dict: what a MinutesVersion stores and what the PDF renders.

The live minutes and every stored version are rendered from the same shape, so a version made at locking
reads exactly like the minutes did then. `redacted()` makes the public rendition of a snapshot.
"""

from datetime import datetime, time
from types import SimpleNamespace

from django.db.models import Prefetch
from django.utils import timezone

from samverkan.meetings.access import can_read_item
from samverkan.meetings.models import AgendaItem, Meeting

SCHEMA = 1
_RANK = {v: n for n, v in enumerate(AgendaItem.Visibility.values)}  # public < internal < confidential


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _name(person):
    return person.name if person else ""


def minutes_snapshot(meeting) -> dict:
    """Everything the minutes say, read in a fixed number of queries however many items and people.

    Shape (schema 1): {"schema", "meeting": {header}, "attendance": [rows], "items": [items],
    "signatories": [rows]}; dates and times are ISO strings, choices their stored values.
    """
    meeting = Meeting.objects.select_related("body__area", "chair", "secretary").get(pk=meeting.pk)
    body = meeting.body
    items = list(meeting.items.select_related("matter", "deferred_to").prefetch_related("deferred_to__days"))
    attendance = meeting.attendance.select_related("person", "principal", "substitute_for").prefetch_related(
        "days", Prefetch("not_during", queryset=AgendaItem.objects.order_by("position", "pk"))
    )
    return {
        "schema": SCHEMA,
        "meeting": {
            "id": meeting.pk,
            "kind": meeting.kind,
            "status": meeting.status,
            "title": meeting.title,
            "place": meeting.place,
            "visibility": meeting.visibility,
            "body": {
                "name": body.name,
                "abbreviation": body.abbreviation,
                "numbering": body.numbering,
                "visibility": body.visibility,
            },
            "area": body.area.name,
            "days": [
                {"date": _iso(day.date), "start": _iso(day.start), "end": _iso(day.end)} for day in meeting.days.all()
            ],
            "chair": _name(meeting.chair),
            "secretary": _name(meeting.secretary),
            "locked_at": _iso(meeting.locked_at),
            "notice_date": _iso(meeting.notice_date),
            "published_at": _iso(meeting.published_at),
        },
        "attendance": [
            {
                "name": row.person.name,
                "group": row.group,
                "status": row.status,
                "principal": row.principal.name if row.principal else "",
                "party": row.party,
                "role": row.role,
                "substitute_for": _name(row.substitute_for),
                "days": [_iso(day.date) for day in row.days.all()],
                "not_during": [item.number for item in row.not_during.all()],
                "note": row.note,
            }
            for row in attendance
        ],
        "items": [
            {
                "id": item.pk,
                "number": item.number,
                "title": item.title,
                "kind": item.kind,
                "visibility": item.visibility,
                "outcome": item.outcome,
                "presenters": item.presenters,
                "minutes": item.minutes,
                "decision": item.decision,
                "case_number": f"{item.matter.year}/{item.matter.serial}" if item.matter else "",
                "case_visibility": item.matter.visibility if item.matter else "",
                "deferred_to": _first_day(item.deferred_to),
            }
            for item in items
        ],
        "signatories": [
            {"role": s.role, "name": s.person.name, "signed_at": _iso(s.signed_at)}
            for s in meeting.signatories.select_related("person")
        ],
    }


def _first_day(meeting):
    if meeting is None:
        return None
    days = [day.date for day in meeting.days.all()]
    return _iso(min(days)) if days else None


def stricter(*visibilities):
    """The most restrictive of the given item visibilities (unknown values count as confidential)."""
    return max(visibilities, key=lambda v: _RANK.get(v, len(_RANK)))


def redacted(snapshot, user, body, live_visibility=None) -> dict:
    """The snapshot as `user` may read it: an item they may not read keeps only its number and visibility.

    `live_visibility` maps item ids to their visibility now; the stricter of then and now wins, so an item
    marked confidential after its minutes were stored is hidden from the stored version too.
    """
    live_visibility = live_visibility or {}
    items = []
    for item in snapshot["items"]:
        visibility = stricter(item["visibility"], live_visibility.get(item["id"], item["visibility"]))
        if can_read_item(user, SimpleNamespace(visibility=visibility), body):
            kept = dict(item)
            case = SimpleNamespace(visibility=item.get("case_visibility") or "public")
            if not can_read_item(user, case, body):
                kept["case_number"] = ""
            items.append(kept)
        else:
            items.append({"id": item["id"], "number": item["number"], "visibility": visibility, "hidden": True})
    return {**snapshot, "items": items}
