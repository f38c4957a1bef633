"""What an import will create, worked out from the parse: the preview shows it and saving follows it."""

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import NamedTuple

from django.utils.translation import gettext as _

from samverkan.importer.matching import fold, name_key
from samverkan.lib.personal_numbers import find_personal_numbers
from samverkan.lib.text import is_digits
from samverkan.meetings.models import AgendaItem, Attendance, Meeting, Signatory
from samverkan.minutes.dates import find_dates
from samverkan.structure.models import Membership

KINDS = {"protokoll": Meeting.Kind.MINUTES, "anteckningar": Meeting.Kind.NOTES}
GROUPS = {
    "ledamot": Attendance.Group.VOTING,
    "ersattare": Attendance.Group.SUBSTITUTE,
    "ovriga": Attendance.Group.OTHER,
    "sekreterare": Attendance.Group.OTHER,
}
# The parser does not tell "anmält förhinder" from "frånvarande"; absent is true of both.
STATUSES = {"present": Attendance.Status.PRESENT, "absent": Attendance.Status.ABSENT}
OUTCOMES = {
    "handled": AgendaItem.Outcome.HANDLED,
    "deferred": AgendaItem.Outcome.DEFERRED,
    "struck": AgendaItem.Outcome.STRUCK,
}
# A new att-clause starts after a comma, semicolon or colon ("… beslutar att godkänna X, att överlämna Y").
CLAUSE = re.compile(r"(?<=[,;:])\s+(?=att\s)")
SUPPORT_ROLES = (Membership.Role.SECRETARY, Membership.Role.PROCESS_SUPPORT, Membership.Role.CO_OPTED)


@dataclass
class Attendee:
    name: str
    person: object  # an existing Person, or None: a new one is created
    ambiguous: bool
    group: str
    status: str
    principal: object
    principal_written: str | None
    party: str
    role: str
    substitute_for: object
    note: str
    proposed: bool = False  # `person` was found by a looser spelling only: the user confirms it

    @property
    def group_label(self):
        return Attendance.Group(self.group).label

    @property
    def status_label(self):
        return Attendance.Status(self.status).label


@dataclass
class Signer:
    role: str
    name: str
    person: object
    proposed: bool = False  # `person` was found by a looser spelling only

    @property
    def role_label(self):
        return Signatory.Role(self.role).label if self.role in Signatory.Role.values else _("Sekreterare")


@dataclass
class PlannedItem:
    number: str
    number_given: bool
    title: str
    kind: str
    outcome: str
    presenters: str
    minutes: str
    decision: str
    attachments: list

    @property
    def outcome_label(self):
        return AgendaItem.Outcome(self.outcome).label

    @property
    def kind_label(self):
        return AgendaItem.Kind(self.kind).label


@dataclass
class Plan:
    body_written: str | None
    kind: str
    kind_known: bool
    dates: list
    start: time | None
    end: time | None
    place: str
    secretary: Signer | None
    signers: list
    attendees: list
    items: list
    assignments: list
    recommendations: list
    attachments: list
    next_meeting: str | None
    warnings: list = field(default_factory=list)
    other_dates: list = field(default_factory=list)  # the document's dates that are not meeting days
    reviewed: bool = False  # the secretary decided every name (review.apply_review): nothing is matched again

    @property
    def new_people(self):
        return [a for a in self.attendees if a.person is None]


def read_date(value: object) -> date | None:
    """The ISO date the parser wrote, or None (not a string, a masked year "XXXX-…", not a date)."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and not value.startswith("XXXX") else None
    except ValueError:
        return None


# Days of one meeting lie close together; more days than this between two of them is worth a second look.
MAX_DAYS_BETWEEN = 3
# A meeting day this far (in days) from every other date the document names is worth a second look.
MAX_DAYS_FROM_OTHERS = 366


def other_dates(parsed: dict) -> list[date]:
    """The dates the parse names besides the meeting days: the next meeting, the report-back dates, and every
    date with a year written in the items' titles, text and decisions (`minutes.dates.find_dates`: "14 maj 2025",
    "2025-05-14"; a date without a year says nothing about which year the meeting was)."""
    written = [parsed.get("next_meeting")]
    written += [a.get("due") for a in parsed.get("assignments") or [] if isinstance(a, dict)]
    for item in parsed.get("items") or []:
        if not isinstance(item, dict):
            continue
        texts = [item.get("title"), item.get("text"), *(item.get("decisions") or [])]
        written += [found.iso for text in texts if isinstance(text, str) for found in find_dates(text)]
    return sorted({d for d in map(read_date, written) if d})


def future_day(days: list[date], today: date) -> str:
    """Why minutes of `days` cannot be imported, in Swedish, when the last day is after `today` (minutes record a
    meeting that was held; a meeting yet to come is planned, not imported); "" otherwise. Not a flag the user may
    confirm: a meeting saved so was listed among the held ones, with draft minutes, months before it met."""
    if days and days[-1] > today:
        return _("Ett protokoll kan bara gälla ett möte som har hållits: %(day)s har inte inträffat än.") % {
            "day": days[-1].isoformat()
        }
    return ""


def date_flags(days: list[date], others: list[date], today: date) -> list[str]:
    """Why the meeting days look wrong, in Swedish (empty when they look right): days more than
    MAX_DAYS_BETWEEN apart, a day more than MAX_DAYS_FROM_OTHERS from every other date of the document, or a day
    after `today` (old minutes are imported, not future ones). The user must confirm flagged days."""
    flags = []
    for before, after in zip(days, days[1:], strict=False):
        if (after - before).days > MAX_DAYS_BETWEEN:
            flags.append(
                _("Mötesdagarna %(first)s och %(second)s ligger %(n)s dagar isär.")
                % {"first": before.isoformat(), "second": after.isoformat(), "n": (after - before).days}
            )
    if days and others and all(abs((d - days[0]).days) > MAX_DAYS_FROM_OTHERS for d in others):
        flags.append(
            _("Mötesdatumet %(day)s ligger långt från dokumentets övriga datum (%(others)s).")
            % {"day": days[0].isoformat(), "others": ", ".join(d.isoformat() for d in _nearest(others, days[0]))}
        )
    if days and days[-1] > today:
        flags.append(_("Mötesdatumet %(day)s har inte inträffat än.") % {"day": days[-1].isoformat()})
    return flags


def _nearest(others: list[date], day: date, n: int = 5) -> list[date]:
    """The `n` dates of `others` nearest to `day`, in date order."""
    return sorted(sorted(others, key=lambda d: abs((d - day).days))[:n])


def read_time(value: object) -> time | None:
    """The ISO time the parser wrote, or None (not a string, not a time)."""
    try:
        return time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def is_person_name(name) -> bool:
    """A name we may create a person from: a first and a last name that fit the fields."""
    words = (name or "").split()
    return len(words) >= 2 and len(" ".join(words[:-1])) <= 100 and len(words[-1]) <= 100


class SplitName(NamedTuple):
    """A written name cut into the Person fields: all but the last word, and the last word."""

    first: str
    last: str


def split_name(name: str) -> SplitName:
    """`SplitName(first, last)` of a name of at least one word (`is_person_name` checks it); IndexError if empty."""
    words = name.split()
    return SplitName(" ".join(words[:-1]), words[-1])


def decision_lines(decisions) -> str:
    """One att-clause per line, as AgendaItem.decision wants."""
    lines = []
    for decision in decisions:
        lines += [part.strip() for part in CLAUSE.split(decision) if part.strip()]
    return "\n".join(lines)


def item_numbers(items):
    """(number, given) per item. An item without a number (or with a repeated one) gets the next free number
    in its place when there is room ("Mötet öppnas" before § 2 becomes 1), else its neighbour's with a letter."""
    written = [str(item.get("number") or "")[:20] for item in items]
    taken, used, out, previous = set(written), set(), [], None
    for index, number in enumerate(written):
        given = bool(number) and number not in used
        if not given:
            following = next((n for n in written[index + 1 :] if n), None)
            number = _free_number(number, previous, following, used | taken)
        used.add(number)
        out.append((number, given))
        if given or is_digits(number):
            previous = number
    return out


def _free_number(written, previous, following, taken):
    if not written and is_digits(previous or "0") and (following is None or is_digits(following)):
        step = int(previous or 0) + 1
        if str(step) not in taken and (following is None or step < int(following)):
            return str(step)
    base = (written or previous or "0")[:17]
    for suffix in [*"abcdefghijklmnopqrstuvwxyz", *(f"-{n}" for n in range(1, 1000))]:
        if base + suffix not in taken:
            return base + suffix
    raise ValueError("no free item number")  # a thousand items with one number: the document is not minutes


def prepare(parsed: dict, directory) -> Plan:
    """The plan for one parsed document in the directory's body."""
    body = directory.body
    warnings: list[str] = []
    dates = sorted({d for d in map(read_date, parsed.get("dates") or []) if d})
    plan = Plan(
        body_written=parsed.get("body"),
        kind=KINDS.get(parsed.get("document_kind") or "", Meeting.Kind.MINUTES),
        kind_known=parsed.get("document_kind") in KINDS,
        dates=dates,
        start=read_time(parsed.get("start_time")),
        end=read_time(parsed.get("end_time")),
        place=(parsed.get("location") or "")[:200],
        secretary=None,
        signers=[],
        attendees=[],
        items=[],
        assignments=list(parsed.get("assignments") or []),
        recommendations=list(parsed.get("recommendations") or []),
        attachments=list(parsed.get("attachments") or []),
        next_meeting=parsed.get("next_meeting"),
        warnings=warnings,
        other_dates=other_dates(parsed),
    )
    _header_warnings(plan, parsed, body, warnings)
    _attendance(plan, parsed, directory, warnings)
    _signers(plan, parsed, directory, warnings)
    _items(plan, parsed, warnings)
    _personal_numbers(plan, warnings)
    for assignment in plan.assignments:
        if str(assignment.get("due") or "").startswith("XXXX"):
            warnings.append(
                _("Uppdraget i ärende %(item)s: året för återrapporteringen framgår inte (%(due)s).")
                % {"item": assignment.get("item") or "–", "due": assignment["due"]}
            )
    return plan


def _personal_numbers(plan, warnings):
    """Warn where the minutes hold a Swedish personal identity number (lib.personal_numbers: SKV 704/707), which
    must be removed, or the item made confidential, before the minutes are published."""
    places = [plan.place] if find_personal_numbers(plan.place) else []
    for item in plan.items:
        if any(find_personal_numbers(t) for t in (item.title, item.presenters, item.minutes, item.decision)):
            places.append(f"{item.number} {item.title}")
    if any(find_personal_numbers(attendee.note) for attendee in plan.attendees):
        places.append(_("närvarolistan"))
    if places:
        warnings.append(
            _(
                "Personnummer eller samordningsnummer finns i: %(places)s. Ta bort dem eller sekretessmarkera "
                "ärendet innan protokollet publiceras."
            )
            % {"places": "; ".join(places)}
        )


def _header_warnings(plan, parsed, body, warnings):
    written_dates = parsed.get("dates") or []
    if any(str(d).startswith("XXXX") for d in written_dates):
        shown = ", ".join(map(str, written_dates))
        warnings.append(_("Året framgår inte av mötesdatumet (%(dates)s). Ange datumet nedan.") % {"dates": shown})
    elif not plan.dates:
        warnings.append(_("Mötesdatum framgår inte. Ange datumet nedan."))
    if plan.start is None:
        warnings.append(_("Starttiden framgår inte. Ange den nedan."))
    if not plan.place:
        warnings.append(_("Mötesplatsen framgår inte."))
    if not plan.kind_known:
        warnings.append(_("Det framgår inte om dokumentet är ett protokoll eller minnesanteckningar. Välj nedan."))
    written = fold(plan.body_written or "")
    names = [fold(body.name)] + ([fold(body.abbreviation)] if getattr(body, "abbreviation", "") else [])
    if written and not any(name and (name in written or written in name) for name in names):
        warnings.append(
            _("Dokumentet nämner organet ”%(written)s”, inte %(body)s. Kontrollera att du importerar till rätt organ.")
            % {"written": plan.body_written, "body": body.name}
        )


def _attendance(plan, parsed, directory, warnings):
    roles = {}
    for name in parsed.get("adjusters") or []:
        roles[name_key(name)] = "justerare"
    if parsed.get("secretary"):
        roles[name_key(parsed["secretary"])] = "sekreterare"
    if parsed.get("chair"):
        roles[name_key(parsed["chair"])] = "ordförande"
    seen, unknown_principals = set(), []
    for entry in parsed.get("attendance") or []:
        name = " ".join(str(entry.get("name") or "").split())
        if not is_person_name(name):
            warnings.append(_("”%(name)s” kunde inte läsas som ett namn och tas inte med.") % {"name": name[:100]})
            continue
        written = entry.get("principal")
        principal = directory.principal(written)
        match = directory.person(name, principal)
        person, ambiguous = match.person, match.ambiguous
        key = ("pk", person.pk) if person else name_key(name)
        if key in seen:
            warnings.append(_("%(name)s står två gånger i närvarolistan; den första tas med.") % {"name": name})
            continue
        seen.add(key)
        if ambiguous:
            warnings.append(
                _("Flera personer i området heter %(name)s; den som sitter i organet eller registrerades först valdes.")
                % {"name": name}
            )
        seat = directory.seat(person)
        if written and principal is None and written not in unknown_principals:
            unknown_principals.append(written)
        if principal is None and seat and seat.principal:
            principal = seat.principal
        elif principal is None and person and person.employer:
            principal = person.employer
        substitute_for, note = None, str(entry.get("note") or "")
        if entry.get("substitute_for"):
            substitute_for = directory.person(entry["substitute_for"]).person
            if substitute_for is None or substitute_for == person:
                substitute_for = None
                note = "; ".join(filter(None, [note, f"ersättare för {entry['substitute_for']}"]))
        plan.attendees.append(
            Attendee(
                name=name,
                person=person,
                ambiguous=ambiguous,
                group=_group(entry.get("group"), seat),
                status=STATUSES.get(entry.get("status"), Attendance.Status.PRESENT),
                principal=principal,
                principal_written=written,
                party=str(entry.get("party") or (seat.party if seat else "") or "")[:10],
                role=roles.get(name_key(name), ""),
                substitute_for=substitute_for,
                note=note[:200],
                proposed=match.proposed,
            )
        )
    for written in unknown_principals:
        warnings.append(
            _("Huvudmannen ”%(name)s” finns inte i området; närvaron sparas utan huvudman.") % {"name": written}
        )


def _group(written, seat):
    if written in GROUPS:
        return GROUPS[written]
    # A single undivided list: the body's own register says who sits at the table.
    if seat and seat.role == Membership.Role.SUBSTITUTE:
        return Attendance.Group.SUBSTITUTE
    if seat and seat.role in SUPPORT_ROLES:
        return Attendance.Group.OTHER
    return Attendance.Group.VOTING


def _signer(role, name, directory, warnings):
    name = " ".join(str(name or "").split())
    if not is_person_name(name):
        if name:
            warnings.append(_("”%(name)s” kunde inte läsas som ett namn och tas inte med.") % {"name": name[:100]})
        return None
    found = directory.person(name)
    return Signer(role=role, name=name, person=found.person, proposed=found.proposed)


def _signers(plan, parsed, directory, warnings):
    chair = _signer(Signatory.Role.CHAIR, parsed.get("chair"), directory, warnings)
    if chair:
        plan.signers.append(chair)
    elif plan.kind == Meeting.Kind.MINUTES:
        warnings.append(_("Ordföranden framgår inte."))
    for name in parsed.get("adjusters") or []:
        adjuster = _signer(Signatory.Role.ADJUSTER, name, directory, warnings)
        if adjuster and all(name_key(s.name) != name_key(adjuster.name) for s in plan.signers):
            plan.signers.append(adjuster)
    plan.secretary = _signer("secretary", parsed.get("secretary"), directory, warnings)


def _items(plan, parsed, warnings):
    items = parsed.get("items") or []
    if not items:
        warnings.append(_("Inga ärenden hittades."))
    if not parsed.get("attendance"):
        warnings.append(_("Ingen närvarolista hittades."))
    numbers = item_numbers(items)
    for item, (number, given) in zip(items, numbers, strict=True):
        decisions = [d for d in item.get("decisions") or [] if isinstance(d, str)]
        plan.items.append(
            PlannedItem(
                number=number,
                number_given=given,
                title=(item.get("title") or _("Ärende %(number)s") % {"number": number})[:300],
                kind=AgendaItem.Kind.DECISION if decisions else AgendaItem.Kind.INFORMATION,
                outcome=OUTCOMES.get(item.get("outcome"), AgendaItem.Outcome.HANDLED),
                presenters=", ".join(item.get("presenters") or [])[:300],
                minutes=str(item.get("text") or ""),
                decision=decision_lines(decisions),
                attachments=list(item.get("attachments") or []),
            )
        )
    assigned = [i.number for i in plan.items if not i.number_given]
    if assigned:
        warnings.append(
            _("%(n)s ärenden saknar nummer i dokumentet och får numren %(numbers)s.")
            % {"n": len(assigned), "numbers": ", ".join(assigned)}
        )
    untitled = [i["number"] or "–" for i in items if not i.get("title")]
    if untitled:
        warnings.append(_("Ärenden utan rubrik: %(numbers)s.") % {"numbers": ", ".join(untitled)})
    stated = parsed.get("paragraphs")
    if isinstance(stated, dict) and isinstance(stated.get("first"), int) and isinstance(stated.get("last"), int):
        span = range(stated["first"], stated["last"] + 1)
        wanted = {str(n) for n in span} if len(span) < 500 else set()
        found = wanted & {i.number for i in plan.items if i.number_given}
        if wanted and found != wanted:
            warnings.append(
                _("Huvudet anger §§ %(first)s–%(last)s, men bara %(found)s av dem hittades i texten.")
                % {"first": stated["first"], "last": stated["last"], "found": len(found)}
            )
