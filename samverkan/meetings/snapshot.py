"""Minutes as one JSON document: what a MinutesVersion stores, and what the minutes pages and the PDF render.

`minutes_snapshot(meeting)` reads the minutes from the database (a fixed number of queries); once they are
locked, pages render the stored version instead (`shown_content`). The live minutes and every stored version
render from that same shape, so a version made at locking reads exactly
like the minutes did then: `present_minutes(content, may_read)` turns it into what the HTML pages show,
`redacted(snapshot, user, body)` into what the PDF shows to a given reader. Both leave out the text of
items the reader may not see.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import item_reader
from samverkan.meetings.models import (
    APPEAL_DAYS,
    AgendaItem,
    Attendance,
    Meeting,
    PaperAdjustment,
    Signatory,
    decision_clauses,
)

SCHEMA = 1


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
    "signatories": [rows]}; dates and times are ISO strings, choices their stored values. Built by `shape` and
    its row functions, which the data generator (demo/generate.py) calls too.
    """
    meeting = Meeting.objects.select_related("body__area", "chair", "secretary").get(pk=meeting.pk)
    body = meeting.body
    items = list(meeting.items.select_related("matter__body", "deferred_to").prefetch_related("deferred_to__days"))
    attendance = meeting.attendance.select_related("person", "principal", "substitute_for").prefetch_related(
        "days", Prefetch("not_during", queryset=AgendaItem.objects.order_by("position", "pk"))
    )
    return shape(
        meeting_header(meeting, body, body.area.name, meeting.days.all(), _paper(meeting)),
        [
            attendance_row(row, [day.date for day in row.days.all()], [item.number for item in row.not_during.all()])
            for row in attendance
        ],
        [item_row(item) for item in items],
        [
            signatory_row(s.role, s.person, s.signed_at)
            for s in meeting.signatories.select_related("person").order_by(*Signatory.SIGNING_ORDER)
        ],
    )


def shape(header: dict, attendance: list[dict], items: list[dict], signatories: list[dict]) -> dict:
    """A minutes snapshot (schema `SCHEMA`) from its parts, each made by the functions below. No query."""
    return {"schema": SCHEMA, "meeting": header, "attendance": attendance, "items": items, "signatories": signatories}


def meeting_header(meeting, body, area_name: str, days, paper: dict | None) -> dict:
    """A snapshot's "meeting": `meeting` as it stands (chair and secretary loaded), its `body`, the area's name,
    its MeetingDay rows in order and the paper adjustment (`_paper`). No query."""
    return {
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
        "appealable": body.appealable,
        "area": area_name,
        "days": [{"date": _iso(day.date), "start": _iso(day.start), "end": _iso(day.end)} for day in days],
        "chair": _name(meeting.chair),
        "secretary": _name(meeting.secretary),
        "locked_at": _iso(meeting.locked_at),
        "paper_adjustment": paper,
        "notice_date": _iso(meeting.notice_date),
        "published_at": _iso(meeting.published_at),
    }


def attendance_row(row: Attendance, days: list[date], not_during: list[str]) -> dict:
    """One attendance row of a snapshot: `row` with person, principal and substitute_for loaded, the days it is
    limited to and the numbers of the items it was away for. No query."""
    return {
        "name": row.person.name,
        "group": row.group,
        "status": row.status,
        "principal": row.principal.name if row.principal else "",
        "party": row.party,
        "role": row.role,
        "substitute_for": _name(row.substitute_for),
        "days": [_iso(day) for day in days],
        "not_during": not_during,
        "note": row.note,
    }


def item_row(item: AgendaItem) -> dict:
    """One item of a snapshot: `item` with its matter loaded and, when it was deferred, the meeting it went to with
    that meeting's days (no query for an item never deferred)."""
    return {
        "id": item.pk,
        "number": item.number,
        "title": item.title,
        "kind": item.kind,
        "visibility": item.visibility,
        "outcome": item.outcome,
        "presenters": item.presenters,
        "minutes": item.minutes,
        "decision": item.decision,
        "case_number": item.matter.case_number if item.matter else "",
        "case_visibility": item.matter.visibility if item.matter else "",
        "deferred_to": _first_day(item.deferred_to),
    }


def signatory_row(role: str, person, signed_at: datetime | None) -> dict:
    """One signatory of a snapshot: the role's stored value, the person and when they signed (None: not yet)."""
    return {"role": role, "name": person.name, "signed_at": _iso(signed_at)}


def _paper(meeting):
    """The paper adjustment as {"date", "signed_by"}, or None when the minutes were not adjusted on paper. Only
    locked minutes can have one (recording it locks them), so unlocked minutes cost no query."""
    if meeting.locked_at is None:
        return None
    paper = PaperAdjustment.objects.filter(meeting=meeting).first()
    return {"date": _iso(paper.adjusted_on), "signed_by": paper.signed_by} if paper else None


def with_notice(content: dict, meeting: Meeting) -> dict:
    """A copy of a minutes snapshot (`snapshot.minutes_snapshot`, or a stored version's content) whose header
    carries the notice as it stands now: the meeting's notice date (set when it was published, after version 1
    was stored) and whether the body's decisions can be appealed. No query with meeting.body loaded."""
    notice = meeting.notice_date.isoformat() if meeting.notice_date else None
    header = dict(content["meeting"], notice_date=notice, appealable=meeting.body.appealable)
    return dict(content, meeting=header)


def shown_content(meeting) -> dict:
    """The minutes every page and PDF shows: once they are locked (adjusted, or notes published), the latest
    stored `MinutesVersion` with the notice as it stands now (`with_notice`), so renaming a person or a body later
    never rewrites published minutes; before that the live minutes (`minutes_snapshot`). Locked minutes without a
    stored version (data locked by other means before versions existed) fall back to the live minutes. One query
    when locked, the snapshot's otherwise."""
    if meeting.is_locked:
        version = meeting.versions.order_by("-number").only("content").first()
        if version is not None:
            return with_notice(version.content, meeting)
    return minutes_snapshot(meeting)


def _first_day(meeting):
    if meeting is None:
        return None
    days = [day.date for day in meeting.days.all()]
    return _iso(min(days)) if days else None


def redacted(snapshot, user, body, live_visibility=None) -> dict:
    """The snapshot as `user` may read it: an item they may not read keeps only its number and visibility.

    `live_visibility` maps item ids to their visibility now; the stricter of then and now wins, so an item
    marked confidential after its minutes were stored is hidden from the stored version too.
    """
    live_visibility = live_visibility or {}
    items = []
    may_read = item_reader(user, body)
    for item in snapshot["items"]:
        visibility = Visibility.stricter(item["visibility"], live_visibility.get(item["id"], item["visibility"]))
        if may_read(visibility, item["id"]):
            kept = dict(item)
            if not may_read(item.get("case_visibility") or "public", None):  # the case has no named readers
                kept["case_number"] = ""
            items.append(kept)
        else:
            items.append({"id": item["id"], "number": item["number"], "visibility": visibility, "hidden": True})
    return {**snapshot, "items": items}


@dataclass
class ShownItem:
    number: str
    readable: bool
    visibility: str
    title: str = ""
    kind: str = ""
    presenters: str = ""
    minutes: str = ""
    clauses: list = field(default_factory=list)
    outcome: str = ""
    deferred_to: date | None = None
    id: int | None = None  # the live item's id (the page's anchor `punkt-<id>`); None in very old snapshots


@dataclass
class ShownMinutes:
    meeting: dict
    days: list
    notice_date: date | None
    groups: list  # (label, rows) of those present, per attendance group
    absent: list  # (label, rows) of those absent with notice, and absent
    items: list
    signatories: list
    continuous: bool
    appealable: bool = False
    paper: dict | None = None  # adjusted on paper: {"date": date, "signed_by": str}

    @property
    def appeal_end(self):
        """Three weeks after the notice, only where the body's decisions can be appealed."""
        return self.notice_date + timedelta(APPEAL_DAYS) if self.notice_date and self.appealable else None


def _day(value):
    return date.fromisoformat(value) if value else None


def _label(choices, value):
    return dict(choices).get(value, value)


def present_minutes(content, may_read):
    """What a minutes page shows of `content`; `may_read(visibility, item_id)` says which items the reader may
    read (`meetings.access.item_reader`).
    An item the reader may not read keeps only its number and the word for why."""
    header = content["meeting"]
    rows = [
        {
            **row,
            "person": row["name"],
            "days": [_day(d) for d in row["days"]],
            "status_label": _label(Attendance.Status.choices, row["status"]),
        }
        for row in content["attendance"]
    ]
    groups = [
        (label, [r for r in rows if r["group"] == value and r["status"] == Attendance.Status.PRESENT])
        for value, label in Attendance.Group.choices
    ]
    absent = [
        (label, [r for r in rows if r["status"] == value])
        for value, label in Attendance.Status.choices
        if value != Attendance.Status.PRESENT
    ]
    items = []
    for item in content["items"]:
        if may_read(item["visibility"], item.get("id")):
            items.append(
                ShownItem(
                    number=item["number"],
                    readable=True,
                    visibility=item["visibility"],
                    title=item["title"],
                    kind=_label(AgendaItem.Kind.choices, item["kind"]),
                    presenters=item["presenters"],
                    minutes=item["minutes"],
                    clauses=decision_clauses(item["decision"]),
                    outcome=_label(AgendaItem.Outcome.choices, item["outcome"]) if item["outcome"] else "",
                    deferred_to=_day(item["deferred_to"]),
                    id=item.get("id"),
                )
            )
        else:
            items.append(
                ShownItem(number=item["number"], readable=False, visibility=item["visibility"], id=item.get("id"))
            )
    signatories = [
        {
            "person": s["name"],
            "role": _label(Signatory.Role.choices, s["role"]),
            "signed_at": datetime.fromisoformat(s["signed_at"]) if s["signed_at"] else None,
        }
        for s in content["signatories"]
    ]
    days = [
        {
            "date": _day(d["date"]),
            "start": time.fromisoformat(d["start"]) if d["start"] else None,
            "end": time.fromisoformat(d["end"]) if d["end"] else None,
        }
        for d in header["days"]
    ]
    return ShownMinutes(
        meeting=header,
        days=days,
        notice_date=_day(header["notice_date"]),
        groups=[(label, group) for label, group in groups if group],
        absent=[(label, group) for label, group in absent if group],
        items=items,
        signatories=signatories,
        continuous=header["body"]["numbering"] == "continuous",
        appealable=bool(header.get("appealable")),  # versions stored before the flag existed show no appeal
        paper=_shown_paper(header.get("paper_adjustment")),
    )


def _shown_paper(paper):
    return {"date": _day(paper["date"]), "signed_by": paper["signed_by"]} if paper else None
