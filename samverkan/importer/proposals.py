"""Assignments and recommendations read from imported minutes, turned into follow-through records.

The preview shows what each proposal will become (`follow_through`); confirming the import creates it
(`apply_proposals`) inside the import's transaction, through the follow-through app's actions, so whatever is
created is saved, or rolled back, with the meeting. What an import created is remembered on its ImportRecord;
updating the meeting from a new import replaces it, unless follow-up has started on any of it (a principal's
decision recorded, an assignment reported back): then all of it is kept and nothing new is created.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samverkan.followthrough import actions
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.followthrough.views import DEFAULT_ANSWER_DAYS
from samverkan.importer.matching import fold, name_key
from samverkan.lib.history import attribute
from samverkan.minutes.dates import first_date
from samverkan.structure.models import Body, Person, Principal

# When the minutes name no report-back date: report back within three months of the meeting.
DEFAULT_REPORT_DAYS = 90
SPLIT_ADDRESSEES = re.compile(r",|;|\boch\b|\bsamt\b|&")
ALL_WORDS = {"huvudmän", "huvudmännen", "alla", "samtliga", "medlemmarna", "parterna"}
MUNICIPALITY_WORDS = {"kommuner", "kommunerna", "medlemskommuner", "medlemskommunerna", "primärkommunerna"}
REGION_WORDS = {"landsting", "landstinget", "region", "regionen", "regionerna", "landstingen"}
DEADLINE = re.compile(r"\bsenast\b(.{0,40})", re.IGNORECASE)


class Proposals(NamedTuple):
    """The assignments and recommendations a parse proposes, each a dict as FORMAT.md writes it."""

    assignments: list[dict]
    recommendations: list[dict]


def proposals_of(parsed: dict) -> Proposals:
    """`Proposals(assignments, recommendations)` of a parse, as FORMAT.md writes them."""
    return Proposals(list(parsed.get("assignments") or []), list(parsed.get("recommendations") or []))


@dataclass
class PlannedAssignment:
    item_number: str
    description: str
    assignee_written: str
    assignee_body: Body | None = None
    assignee_person: object = None
    assignee_principal: Principal | None = None
    new_person: str = ""  # a person the import itself registers (preview only)
    unmatched: bool = False  # the written assignee is no one registered: the meeting's body stands in
    due: date | None = None
    due_assumed: bool = False
    report_to: Body | None = None
    index: int = -1  # its place among the parse's assignments: the preview's checkbox

    @property
    def past(self):
        """The report-back day has passed: an old assignment, most likely done long ago."""
        return bool(self.due and self.due < date.today())

    @property
    def assignee_label(self):
        assignee = self.assignee_body or self.assignee_person or self.assignee_principal
        return str(assignee.name if hasattr(assignee, "name") else assignee) if assignee else self.new_person


@dataclass
class PlannedRecommendation:
    item_number: str
    text: str
    principals: list
    to_all: bool
    deadline: date | None
    deadline_assumed: bool
    index: int = -1  # its place among the parse's recommendations: the preview's checkbox

    @property
    def past(self):
        """The answer day has passed: an old recommendation, most likely decided long ago."""
        return bool(self.deadline and self.deadline < date.today())

    @property
    def principal_names(self):
        return ", ".join(p.name for p in self.principals)


@dataclass
class FollowThrough:
    """What the proposals of one parse become: records to create, and proposals that cannot be used."""

    assignments: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def _body_names(body):
    return {fold(body.name), *([fold(body.abbreviation)] if body.abbreviation else [])}


def report_back_day(written, day):
    """A parsed report-back date; "XXXX-MM-DD" is the first such day on or after the meeting's day."""
    if not isinstance(written, str):
        return None
    if written.startswith("XXXX") and day:
        try:
            month, dom = int(written[5:7]), int(written[8:10])
            found = date(day.year, month, dom)
            return found if found >= day else date(day.year + 1, month, dom)
        except ValueError:
            return None
    try:
        return date.fromisoformat(written)
    except ValueError:
        return None


class FoundPerson(NamedTuple):
    """Who a written assignee is among people (`Assignees.person`)."""

    person: Person | None  # None: no one, or someone the import itself will register (`new`)
    new: bool  # the import registers this person when it is confirmed


class Addressees(NamedTuple):
    """Whom a recommendation addresses (`Assignees.principals`)."""

    principals: list[Principal]
    to_all: bool  # all the area's principals: none or all named, or none recognised


class Assignees:
    """Who a written assignee or addressee is: the area's bodies, principals and people, and the meeting's."""

    def __init__(self, directory, people=None):
        self.directory = directory
        self.bodies = list(Body.objects.filter(area_id=directory.body.area_id).order_by("pk"))
        self.people = people or {}  # name_key → Person, or None for someone the import will register

    def body(self, written):
        folded = fold(written)
        return next((b for b in self.bodies if folded in _body_names(b)), None) if folded else None

    def person(self, written: str) -> FoundPerson:
        """`FoundPerson(person, new)`: one the import registers or matched, else the directory's match."""
        key = name_key(written)
        if key in self.people:
            return FoundPerson(self.people[key], self.people[key] is None)
        return FoundPerson(self.directory.person(written).person, False)

    def principals(self, written: str) -> Addressees:
        """`Addressees(principals, to_all)`; to_all when they are all the area's: none or all named, or none
        recognised."""
        everyone = self.directory.principals
        found = []
        for part in SPLIT_ADDRESSEES.split(written or ""):
            words = set(fold(part).split())
            if not words:
                continue
            one = self.directory.principal(part)
            if words & ALL_WORDS:
                return Addressees(list(everyone), True)
            if one is not None:
                chosen = [one]
            elif words & MUNICIPALITY_WORDS:
                chosen = [p for p in everyone if p.kind == Principal.Kind.MUNICIPALITY]
            elif words & REGION_WORDS:
                chosen = [p for p in everyone if p.kind == Principal.Kind.REGION]
            else:
                chosen = []
            found += [p for p in chosen if p not in found]
        if not found:
            return Addressees(list(everyone), True)
        ordered = [p for p in everyone if p in found]
        return Addressees(ordered, len(ordered) == len(everyone))


def _text(value, limit=None):
    text = " ".join(str(value or "").split())
    return text[:limit] if limit else text


def follow_through(parsed, assignees, day, item_numbers, meeting_body) -> FollowThrough:
    """What the parse's proposals become at a meeting of `meeting_body` held on `day` (None: not yet known)."""
    result = FollowThrough()
    wanted_assignments, wanted_recommendations = proposals_of(parsed)
    for index, proposal in enumerate(wanted_assignments):
        number, task = str(proposal.get("item") or ""), _text(proposal.get("task"))
        if number not in item_numbers or not task:
            why = _("Uppdraget ”%(task)s” hör inte till något ärende och skapas inte.")
            result.skipped.append(why % {"task": task[:80] or "–"})
            continue
        planned = _assignee(number, task, _text(proposal.get("assignee")), assignees, meeting_body)
        planned.due = report_back_day(proposal.get("due"), day)
        if planned.due is None:
            planned.due_assumed = True
            planned.due = report_back_day(parsed.get("next_meeting"), day) or (
                day + timedelta(days=DEFAULT_REPORT_DAYS) if day else None
            )
        planned.report_to = assignees.body(_text(proposal.get("report_to"))) or meeting_body
        planned.index = index
        result.assignments.append(planned)
    for index, proposal in enumerate(wanted_recommendations):
        number, text = str(proposal.get("item") or ""), _text(proposal.get("text"))
        if number not in item_numbers or not text:
            why = _("Rekommendationen ”%(text)s” hör inte till något ärende och skapas inte.")
            result.skipped.append(why % {"text": text[:80] or "–"})
            continue
        principals, to_all = assignees.principals(_text(proposal.get("addressees")))
        deadline = _deadline(text, day)
        result.recommendations.append(
            PlannedRecommendation(
                item_number=number,
                text=text,
                principals=principals,
                to_all=to_all,
                deadline=deadline or (day + timedelta(days=DEFAULT_ANSWER_DAYS) if day else None),
                deadline_assumed=deadline is None,
                index=index,
            )
        )
    return result


def _assignee(number, task, written, assignees, meeting_body):
    """An assignment to the body, principal or person written, else to the meeting's body with the name in the text."""
    planned = PlannedAssignment(item_number=number, description=task, assignee_written=written)
    if body := assignees.body(written):
        planned.assignee_body = body
    elif principal := assignees.directory.principal(written):
        planned.assignee_principal = principal
    else:
        person, new = assignees.person(written) if written else FoundPerson(None, False)
        if new:
            planned.new_person = written
        elif person:
            planned.assignee_person = person
        else:
            planned.assignee_body = meeting_body
            planned.unmatched = bool(written)
            if written:
                text = _("%(assignee)s får i uppdrag att %(task)s")
                planned.description = text % {"assignee": written, "task": task}
    return planned


def _deadline(text, day):
    """An answer date the recommendation itself states ("… senast den 31 december 2018"), if after the meeting."""
    match = DEADLINE.search(text)
    found = report_back_day(first_date(match.group(1), day.year if day else None), day) if match else None
    return found if found and (day is None or found >= day) else None


def has_progressed(assignments, recommendations) -> bool:
    """Follow-up has started: an assignment is no longer open or was reported back, or a principal has decided."""
    return any(a.status != Assignment.Status.OPEN or a.reported_item_id for a in assignments) or any(
        r.reported_item_id or r.decisions.exclude(outcome=PrincipalDecision.Outcome.PENDING).exists()
        for r in recommendations
    )


def earlier_records(meeting):
    """What earlier imports into the meeting created that still exists: (assignments, recommendations)."""
    if meeting is None or meeting.pk is None:
        return [], []
    assignments = list(Assignment.objects.filter(imports__meeting=meeting).distinct().order_by("pk"))
    recommendations = list(Recommendation.objects.filter(imports__meeting=meeting).distinct().order_by("pk"))
    return assignments, recommendations


def withdraw_earlier(meeting, user, reason) -> bool:
    """Remove what earlier imports into the meeting created, unless follow-up has started on any of it.

    Called before the meeting's items are replaced (the records protect their items). True when kept."""
    assignments, recommendations = earlier_records(meeting)
    if has_progressed(assignments, recommendations):
        return True
    for record in [*assignments, *recommendations]:
        attribute(record, user, reason).delete()
    return False


def kept_notice(assignments, recommendations) -> str:
    return _(
        "Uppföljningen från den tidigare importen har påbörjats (%(assignments)s, %(recommendations)s) och "
        "behålls som den är. Inga nya uppdrag eller rekommendationer skapas från det här protokollet."
    ) % {
        "assignments": ngettext("%(n)s uppdrag", "%(n)s uppdrag", len(assignments)) % {"n": len(assignments)},
        "recommendations": ngettext("%(n)s rekommendation", "%(n)s rekommendationer", len(recommendations))
        % {"n": len(recommendations)},
    }


def apply_proposals(parsed: dict, meeting, items_by_number: dict, user, *, directory, people=None, kept=False):
    """Create the proposals' follow-through records at the saved meeting; return what was created.

    `people` (name_key → Person) are those the import registered or matched; `kept` says earlier follow-through
    of the meeting was kept (see withdraw_earlier), in which case nothing is created.
    """
    if kept:
        return []
    day = meeting.days.order_by("date").values_list("date", flat=True).first()
    planned = follow_through(parsed, Assignees(directory, people), day, set(items_by_number), meeting.body)
    created: list[Assignment | Recommendation] = []
    for assignment in planned.assignments:
        created.append(
            actions.create_assignment(
                items_by_number[assignment.item_number],
                user,
                assignee_body=assignment.assignee_body,
                assignee_person=assignment.assignee_person,
                assignee_principal=assignment.assignee_principal,
                description=assignment.description,
                due_date=assignment.due,
                report_to=assignment.report_to,
                status=Assignment.Status.OPEN,
            )
        )
    for recommendation in planned.recommendations:
        item = items_by_number[recommendation.item_number]
        created.append(
            actions.create_recommendation(
                item,
                user,
                principals=recommendation.principals,
                title=item.title[:300],
                text=recommendation.text,
                decided_on=day,
                deadline=recommendation.deadline,
            )
        )
    return created


@dataclass
class Preview:
    """The preview's account of follow-through: what will be created, and what happens to earlier imports'."""

    planned: FollowThrough
    kept: str = ""
    replaced: int = 0


def preview(parsed, plan, directory, dates, earlier_meeting) -> Preview:
    """What confirming will do to follow-through, for a meeting held on the first of `dates`."""
    people = {name_key(a.name): a.person for a in plan.attendees}
    for signer in [*plan.signers, *([plan.secretary] if plan.secretary else [])]:
        people.setdefault(name_key(signer.name), signer.person)
    day = dates[0] if dates else None
    planned = follow_through(parsed, Assignees(directory, people), day, {i.number for i in plan.items}, directory.body)
    assignments, recommendations = earlier_records(earlier_meeting)
    if has_progressed(assignments, recommendations):
        return Preview(planned, kept=kept_notice(assignments, recommendations))
    return Preview(planned, replaced=len(assignments) + len(recommendations))
