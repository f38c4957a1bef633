"""What a page may show about an assignment's people and bodies, and the timeline of a matter."""

from dataclasses import dataclass
from datetime import date

from django.template.defaultfilters import linebreaksbr, truncatechars
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from samverkan.followthrough.access import visible_assignments, visible_recommendations
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation, first_day_of
from samverkan.lib.addresses import Address
from samverkan.meetings.access import (
    can_read_internal,
    can_read_item,
    decisions_readable_rule,
    listed_meetings,
    readable_items_rule,
)
from samverkan.meetings.models import AgendaItem
from samverkan.meetings.numbering import is_continuous, paragraph_label
from samverkan.structure.access import visible_bodies, visible_people
from samverkan.structure.models import Area


@dataclass
class Shown:
    """A name and, when the reader may follow it, a link."""

    label: str
    url: str = ""


def _body(body, seen):
    if body is None:
        return Shown("–")
    if body.pk in seen:
        return Shown(body.name, body.get_absolute_url())
    return Shown(_("Internt organ"))


def present_assignments(assignments, user):
    """Attach `.shown_assignee` and `.shown_report_to` to each assignment, hiding what the reader may not see.
    The assignments come with ASSIGNMENT_LIST_RELATED (or more); their bodies and principals get their areas here.

    Three queries whatever the number of assignments: the areas, visible bodies and visible people among them.
    """
    assignments = list(assignments)
    _set_areas(assignments)
    body_ids = {a.assignee_body_id for a in assignments} | {a.report_to_id for a in assignments}
    body_ids |= {a.reported_item.meeting.body_id for a in assignments if a.reported_item_id}
    person_ids = {a.assignee_person_id for a in assignments} - {None}
    # [-1] keeps the query even for an empty page, so a list's query count is the same at every size.
    body_ids = list(body_ids - {None}) or [-1]
    seen_bodies = set(visible_bodies(user).filter(pk__in=body_ids).values_list("pk", flat=True))
    seen_people = set(visible_people(user).filter(pk__in=list(person_ids) or [-1]).values_list("pk", flat=True))
    for a in assignments:
        if a.assignee_body_id:
            a.shown_assignee = _body(a.assignee_body, seen_bodies)
        elif a.assignee_principal_id:
            p = a.assignee_principal
            a.shown_assignee = Shown(p.name, p.get_absolute_url())
        elif a.assignee_person_id in seen_people:
            a.shown_assignee = Shown(a.assignee_person.name, a.assignee_person.get_absolute_url())
        else:
            a.shown_assignee = Shown(_("En person"))
        a.shown_report_to = _body(a.report_to, seen_bodies)
        a.shown_reported = shown_item(a.reported_item, user, seen_bodies) if a.reported_item_id else None
    return assignments


def _linked(shown: Shown) -> str:
    """`shown` as the assignment table draws it: its label, linked when it has an address."""
    label = conditional_escape(shown.label)
    return f'<a href="{conditional_escape(shown.url)}">{label}</a>' if shown.url else label


def with_assignment_rows(assignments, *, staff: bool):
    """Give each of `assignments` (from `present_assignments`) `row`: its row of `followthrough/_assignments.html`
    as HTML (description, assignee, decided at, report-back, status; with `staff`, the edit and report links), built
    here rather than by the template's per-row lookups, filters and two `{% url %}`s. Returns `assignments`."""
    till, late, at = conditional_escape(_("till")), conditional_escape(_("Försenat")), conditional_escape(_("vid"))
    edit_word, report_word = conditional_escape(_("Ändra")), conditional_escape(_("Återrapportera"))
    edit, report = Address("followthrough:assignment_edit"), Address("followthrough:assignment_report")
    statuses = {value: str(label) for value, label in Assignment.Status.choices}
    for a in assignments:
        body = a.item.meeting.body
        due = a.due.isoformat() if a.due else "–"
        if a.is_overdue():
            status = f'<span class="badge warn">{late}</span>'
        else:
            ok = " ok" if a.status in (Assignment.Status.REPORTED, Assignment.Status.DONE) else ""
            status = f'<span class="badge{ok}">{conditional_escape(statuses.get(a.status, a.status))}</span>'
        reported = f'<br><span class="muted">{at} {_linked(a.shown_reported)}</span>' if a.shown_reported else ""
        actions = ""
        if staff:
            short = conditional_escape(truncatechars(a.description, 40))
            hidden = f'<span class="visually-hidden"> {short}</span>'
            actions = f'<td><a href="{edit(a.pk)}">{edit_word}{hidden}</a>\n      '
            if a.status == Assignment.Status.OPEN:
                actions += f'<br><a href="{report(a.pk)}">{report_word}{hidden}</a>'
            actions += "</td>"
        a.row = mark_safe(  # every value is escaped
            f"\n  <tr><td>{linebreaksbr(a.description, autoescape=True)}</td>\n"
            f"    <td>{_linked(a.shown_assignee)}</td>\n"
            f"    <td>{conditional_escape(body.abbreviation or body.name)} {conditional_escape(a.item.number)}</td>\n"
            f'    <td>{due}<br><span class="muted">{till} {_linked(a.shown_report_to)}</span></td>\n'
            f"    <td>{status}\n      {reported}</td>\n"
            f"    {actions}</tr>\n  "
        )
    return assignments


def shown_item(item, user, seen_bodies):
    """ "LF § 12 Title" for an item the reader may read, the body alone when they may only see the body, or
    "Internt organ"; the item must come with its meeting and body."""
    body = item.meeting.body
    if body.pk not in seen_bodies:
        return Shown(_("Internt organ"))
    prefix = f"{body.abbreviation or body.name} {paragraph_label(item.number, is_continuous(body))}"
    if can_read_item(user, item, body) and (item.meeting.is_public or can_read_internal(user, body)):
        url = reverse("meetings_public:meeting", args=[body.area.slug, item.meeting_id])
        return Shown(f"{prefix} {item.title}", url)
    return Shown(_("%(body)s, internt ärende") % {"body": body.name})


def shown_report_back(recommendation, user):
    """Where a recommendation's outcome was reported back, as much as the reader may see of it."""
    if not recommendation.reported_item_id:
        return None
    return shown_item(recommendation.reported_item, user, seen_body_ids(user, recommendation.item.meeting.body.area))


def seen_body_ids(user, area):
    return set(visible_bodies(user).filter(area=area).values_list("pk", flat=True))


ASSIGNMENT_RELATED = [
    "item__meeting__body__area",
    "assignee_body__area",
    "assignee_person",
    "assignee_principal__area",
    "report_to__area",
    "report_back_meeting",
    "reported_item__meeting__body__area",
    "matter__area",
    "matter__body",
]

# What a list of assignments fetches with its rows (`present_assignments` then sets the areas): each join costs
# PostgreSQL's planner more than the whole page's rows, so the areas (one small query for the page) and what a list
# does not show (the report-back meeting, the matter) are left out. Single assignments use ASSIGNMENT_RELATED.
ASSIGNMENT_LIST_RELATED = [
    "item__meeting__body",
    "assignee_body",
    "assignee_person",
    "assignee_principal",
    "report_to",
    "reported_item__meeting__body",
]


def _set_areas(assignments) -> None:
    """Give every body and principal the assignments hold (fetched with ASSIGNMENT_LIST_RELATED) its area, from
    one query of the areas they name (one for an empty list too)."""
    held = []
    for a in assignments:
        held += [a.item.meeting.body, a.assignee_body, a.assignee_principal, a.report_to]
        if a.reported_item_id:
            held.append(a.reported_item.meeting.body)
    held = [h for h in held if h is not None]
    # [-1] keeps the query for an empty list, so a list's query count is the same at every size.
    areas = {a.pk: a for a in Area.objects.filter(pk__in=list({h.area_id for h in held}) or [-1])}
    for h in held:
        if h.area_id in areas:
            h.area = areas[h.area_id]


@dataclass
class Event:
    day: date | None
    label: str
    detail: str = ""
    url: str = ""


def _made_for(model, matter):
    """Primary keys of the recommendations or assignments (`model`) made for `matter` directly or at an item
    about it: one UNION of two index lookups (the rows' matter_id, the items' matter_id), where
    `Q(matter=…) | Q(item__matter=…)` would join every row to its item before it could tell. One query."""
    direct = model.objects.filter(matter=matter).order_by().values_list("pk", flat=True)
    return list(direct.union(model.objects.filter(item__matter=matter).order_by().values_list("pk", flat=True)))


def matter_timeline(matter, user):
    """Raised, prepared, treated, recommended, each principal's decision, reported back, closed — in date order,
    with only what the reader may see. A fixed number of queries."""
    events = []
    seen = seen_body_ids(user, matter.area)
    if matter.raised_on or matter.raised_by:
        detail = _("av %(who)s") % {"who": matter.raised_by} if matter.raised_by else ""
        events.append(Event(matter.raised_on, _("Väckt"), detail))
    items = list(
        AgendaItem.objects.filter(matter=matter)
        .filter(readable_items_rule(user), decisions_readable_rule(user))
        .filter(meeting__in=listed_meetings(user).values("pk"))
        .select_related("meeting__body__area", "meeting__body__prepared_by")
        .annotate(first_day=first_day_of("meeting"))
    )
    # A body whose matter is also before the body it prepares for has prepared it.
    prepared_for = {item.meeting.body.prepared_by_id for item in items}
    for item in items:
        body = item.meeting.body
        if item.outcome == AgendaItem.Outcome.DEFERRED:
            label = _("Bordlagt i %(body)s")
        elif body.pk in prepared_for:
            label = _("Berett i %(body)s")
        else:
            label = _("Behandlat i %(body)s")
        events.append(
            Event(
                item.first_day,
                label % {"body": body.name},
                f"{item.number} {item.title}",
                reverse("meetings_public:meeting", args=[body.area.slug, item.meeting_id]),
            )
        )
    recommendations = list(
        visible_recommendations(user)
        .filter(pk__in=_made_for(Recommendation, matter))
        .select_related("item__meeting__body__area", "reported_item__meeting__body__area")
        .annotate(reported_day=first_day_of("reported_item__meeting"))
    )
    by_id = {r.pk: r for r in recommendations}
    decisions = PrincipalDecision.objects.filter(recommendation__in=list(by_id) or [-1]).select_related("principal")
    for r in recommendations:
        events.append(Event(r.decided_on, _("Rekommendation till huvudmännen"), r.title, r.get_absolute_url()))
        if r.reported_item_id:
            shown = shown_item(r.reported_item, user, seen)
            events.append(Event(r.reported_day, _("Utfallet återrapporterat"), shown.label, shown.url))
    for d in decisions:
        if d.is_pending:
            continue
        detail = ", ".join(x for x in (d.deciding_body, d.reference) if x)
        label = f"{d.principal.name}: {d.get_outcome_display()}"
        events.append(Event(d.decided_on, label, detail, by_id[d.recommendation_id].get_absolute_url()))
    assignments = (
        visible_assignments(user)
        .filter(pk__in=_made_for(Assignment, matter))
        .select_related(*ASSIGNMENT_LIST_RELATED)
        .annotate(given_day=first_day_of("item__meeting"), reported_day=first_day_of("reported_item__meeting"))
    )
    for a in present_assignments(assignments, user):
        events.append(Event(a.given_day, _("Uppdrag till %(who)s") % {"who": a.shown_assignee.label}, a.description))
        if a.reported_item_id:
            label = _("Uppdraget återrapporterat i %(body)s") % {"body": a.shown_report_to.label}
            events.append(Event(a.reported_day, label, a.description))
    if matter.closed_on:
        events.append(Event(matter.closed_on, _("Avslutat")))
    return sorted(events, key=lambda e: e.day or date.max)
