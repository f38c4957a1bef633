"""What the secretary decides on the preview, applied to the plan before anything is saved.

The preview is a form (`forms.ReviewForm` with a row per person and per item): each person named by the minutes
is matched to a registered person, created as new, or dropped; chair, secretary and adjusters are picked among
them; each item is corrected or dropped; the suggested assignments and recommendations the secretary ticked are
the only ones created. `apply_review(plan, parsed, review)` changes the plan in place and returns the parse whose
proposals are the ticked ones (their item numbers following corrected numbers), for `proposals.apply_proposals`.
"""

from dataclasses import dataclass, field
from datetime import date

from samverkan.importer.matching import name_key
from samverkan.importer.plan import Attendee, Plan, Signer
from samverkan.meetings.actions import SignedCopy
from samverkan.meetings.models import AgendaItem, Signatory

MATCH, NEW, DROP = "match", "new", "drop"


@dataclass
class NamedPerson:
    """One person the minutes name: an attendee, or someone named only as chair, secretary or adjuster."""

    name: str
    person: object  # the matched Person, or None
    proposed: bool  # matched by a looser spelling only (`matching.loose_key`): shown as "föreslagen"
    ambiguous: bool
    attendee: Attendee | None
    roles: list[str] = field(default_factory=list)


def named_people(plan: Plan) -> list[NamedPerson]:
    """Everyone the plan names, attendees first, each once (by `name_key`); the rows of the review form."""
    rows: dict[tuple, NamedPerson] = {}
    for attendee in plan.attendees:
        rows[name_key(attendee.name)] = NamedPerson(
            attendee.name, attendee.person, attendee.proposed, attendee.ambiguous, attendee
        )
    for signer in [*plan.signers, *([plan.secretary] if plan.secretary else [])]:
        row = rows.get(name_key(signer.name))
        if row is None:
            row = rows[name_key(signer.name)] = NamedPerson(signer.name, signer.person, signer.proposed, False, None)
        row.roles.append(signer.role)
    return list(rows.values())


@dataclass
class PersonChoice:
    action: str  # MATCH, NEW or DROP
    person: object = None  # the Person for MATCH


@dataclass
class ItemChoice:
    drop: bool
    number: str = ""
    title: str = ""
    outcome: str = AgendaItem.Outcome.HANDLED
    decision: str = ""


@dataclass
class Review:
    """The secretary's decisions: one PersonChoice per `named_people` row, one ItemChoice per planned item,
    signers as row indexes, and the indexes (in the parse) of the proposals to create."""

    people: list[PersonChoice]
    items: list[ItemChoice]
    chair: int | None
    secretary: int | None
    adjusters: list[int]
    assignments: set[int]
    recommendations: set[int]


@dataclass
class PaperAdjustment:
    """Minutes adjusted on paper: the day, who signed (names as text), and the checked scan of the signed copy
    (`meetings.forms.checked_upload`) or None."""

    adjusted_on: date
    signed_by: str
    scan: SignedCopy | None = None


def apply_review(plan: Plan, parsed: dict, review: Review) -> dict:
    """Change `plan` as the review decides and return the parse with only the ticked proposals. The plan's
    attendees, signers and items are then exactly what is saved; `plan.reviewed` says no name is matched again."""
    rows = named_people(plan)
    chosen = {}
    for row, choice in zip(rows, review.people, strict=True):
        if choice.action == DROP:
            continue
        row.person = choice.person if choice.action == MATCH else None
        chosen[id(row)] = row
    kept = [row for row in rows if id(row) in chosen]
    plan.attendees = []
    for row in kept:
        if row.attendee is not None:
            row.attendee.person, row.attendee.proposed, row.attendee.role = row.person, False, ""
            plan.attendees.append(row.attendee)
    role_words = {Signatory.Role.CHAIR: "ordförande", "secretary": "sekreterare", Signatory.Role.ADJUSTER: "justerare"}

    def signer(index, role):
        row = rows[index]
        if row.attendee is not None and not row.attendee.role:
            row.attendee.role = role_words[role]
        return Signer(role=role, name=row.name, person=row.person)

    plan.signers = [signer(review.chair, Signatory.Role.CHAIR)] if review.chair is not None else []
    plan.signers += [signer(i, Signatory.Role.ADJUSTER) for i in review.adjusters if i != review.chair]
    plan.secretary = signer(review.secretary, "secretary") if review.secretary is not None else None
    plan.reviewed = True
    renumbered = {}
    items = []
    for planned, correction in zip(plan.items, review.items, strict=True):
        if correction.drop:
            continue
        renumbered[planned.number] = correction.number
        planned.number, planned.number_given = correction.number, True
        planned.title, planned.outcome, planned.decision = correction.title, correction.outcome, correction.decision
        has_decision = bool(correction.decision.strip())
        planned.kind = AgendaItem.Kind.DECISION if has_decision else AgendaItem.Kind.INFORMATION
        items.append(planned)
    plan.items = items

    def ticked(proposals, indexes):
        out = []
        for index, proposal in enumerate(proposals):
            number = str(proposal.get("item") or "")
            if index in indexes and number in renumbered:
                out.append({**proposal, "item": renumbered[number]})
        return out

    return {
        **parsed,
        "assignments": ticked(parsed.get("assignments") or [], review.assignments),
        "recommendations": ticked(parsed.get("recommendations") or [], review.recommendations),
    }
