"""Minutes as one JSON document: what a MinutesVersion stores, and what the minutes pages render.

`minutes_snapshot(meeting)` reads the minutes from the database (a fixed number of queries);
`present_minutes(content, ...)` turns a snapshot — live or stored — into what the templates show, leaving
out the text of items the reader may not see. Every minutes page renders through these two, so a stored
version looks exactly like the minutes did when it was made.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Min, OuterRef, Subquery

from samverkan.meetings.models import (
    APPEAL_DAYS,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingDay,
    Signatory,
    decision_clauses,
)

FORMAT = 1


def _name(person):
    return str(person) if person else None


def _time(value):
    return value.strftime("%H:%M") if value else None


def minutes_snapshot(meeting):
    """The minutes of `meeting` as JSON-ready data: header, attendance, items, signatories."""
    meeting = Meeting.objects.select_related("body__area", "chair", "secretary").get(pk=meeting.pk)
    body = meeting.body
    days = list(meeting.days.all())
    attendance = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "principal", "substitute_for")
        .prefetch_related("days", "not_during")
        .order_by("pk")
    )
    later_day = MeetingDay.objects.filter(meeting=OuterRef("deferred_to")).values("meeting").annotate(d=Min("date"))
    items = meeting.items.annotate(deferred_day=Subquery(later_day.values("d")[:1])).order_by("position", "pk")
    signatories = Signatory.objects.filter(meeting=meeting).select_related("person").order_by(*Signatory.SIGNING_ORDER)
    return {
        "format": FORMAT,
        "meeting": {
            "id": meeting.pk,
            "body": body.name,
            "body_abbreviation": body.abbreviation,
            "area": body.area.name,
            "numbering": body.numbering,
            "title": meeting.title,
            "kind": meeting.kind,
            "place": meeting.place,
            "visibility": meeting.visibility,
            "days": [{"date": d.date.isoformat(), "start": _time(d.start), "end": _time(d.end)} for d in days],
            "chair": _name(meeting.chair),
            "secretary": _name(meeting.secretary),
            "notice_date": meeting.notice_date.isoformat() if meeting.notice_date else None,
        },
        "attendance": [
            {
                "person_id": row.person_id,
                "person": _name(row.person),
                "status": row.status,
                "group": row.group,
                "principal": row.principal.name if row.principal else None,
                "party": row.party,
                "role": row.role,
                "substitute_for": _name(row.substitute_for),
                "days": sorted(d.date.isoformat() for d in row.days.all()),
                "not_during": [i.number for i in sorted(row.not_during.all(), key=lambda i: (i.position, i.pk))],
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
                "presenters": item.presenters,
                "minutes": item.minutes,
                "decision": item.decision,
                "outcome": item.outcome,
                "deferred_to": item.deferred_day.isoformat() if item.deferred_day else None,
            }
            for item in items
        ],
        "signatories": [
            {
                "person": _name(s.person),
                "role": s.role,
                "signed_at": s.signed_at.isoformat() if s.signed_at else None,
            }
            for s in signatories
        ],
    }


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

    @property
    def appeal_end(self):
        return self.notice_date + timedelta(APPEAL_DAYS) if self.notice_date else None


def _day(value):
    return date.fromisoformat(value) if value else None


def _label(choices, value):
    return dict(choices).get(value, value)


def present_minutes(content, may_read):
    """What a minutes page shows of `content`; `may_read(visibility)` says which items the reader may read.
    An item the reader may not read keeps only its number and the word for why."""
    header = content["meeting"]
    rows = [
        {
            **row,
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
        if may_read(item["visibility"]):
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
                )
            )
        else:
            items.append(ShownItem(number=item["number"], readable=False, visibility=item["visibility"]))
    signatories = [
        {
            "person": s["person"],
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
        continuous=header["numbering"] == "continuous",
    )
