"""Follow-through for the demo county: matters, assignments (some overdue, some reported back) and
recommendations at every stage of deciding, including a rejection and a matter sent back.

Works on any area whose bodies, meetings and agenda items already exist: it picks the public decision items
of held meetings, writes a decision on each that has none, and builds on them. Deterministic for a given day.
"""

from datetime import timedelta

from samverkan.followthrough import actions
from samverkan.followthrough.models import Assignment, PrincipalDecision
from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.models import Body, Membership, Principal, Role

Outcome = PrincipalDecision.Outcome

# What each principal's decision looks like, per stage of a recommendation (oldest first). One letter per
# principal in order: A adopted, P partly adopted, R rejected, S sent back, W will not decide, - pending.
STAGES = [
    "AAAAAAAAAA",  # everyone adopted, and the outcome is reported back
    "AAAARAAPAA",  # decided by all: one rejection, one partly adopted
    "AASA-AW-A-",  # past its deadline: one sent back, one will not decide, three pending
    "A--A------",  # recently sent, two have decided
    "----------",  # just sent
]
LETTERS = {
    "A": Outcome.ADOPTED,
    "P": Outcome.PARTLY_ADOPTED,
    "R": Outcome.REJECTED,
    "S": Outcome.SENT_BACK,
    "W": Outcome.WILL_NOT_DECIDE,
}
COMMENTS = {
    Outcome.REJECTED: "Kommunen avvaktar den nationella utredningen innan den tar ställning.",
    Outcome.PARTLY_ADOPTED: "Bifall till huvudpunkterna; finansieringen prövas i budgetprocessen.",
    Outcome.SENT_BACK: "Återremitterat för komplettering av de ekonomiska konsekvenserna.",
    Outcome.WILL_NOT_DECIDE: "Frågan ligger utanför förbundets uppdrag.",
}
DECISION_TEXT = [
    "att rekommendera huvudmännen att anta {topic} enligt bilaga",
    "att uppdra åt Chefsgrupp hälsa och välfärd att följa upp arbetet och återrapportera till forumet",
]
PREPARED_TEXT = "att föreslå Kommun- och regionledningsforum att rekommendera huvudmännen att anta {topic}"


def _deciding_body(principal):
    if principal.kind == Principal.Kind.REGION:
        return "Regionstyrelsen", "RS"
    if principal.kind == Principal.Kind.ASSOCIATION:
        return "Förbundsstyrelsen", "FS"
    return "Kommunfullmäktige", "KF"


def _decision_items(body, today):
    """Public decision items of the body's held, public meetings, oldest first, with the meeting's first day."""
    items = (
        AgendaItem.objects.filter(
            meeting__body=body,
            meeting__visibility=Visibility.PUBLIC,
            meeting__status__in=[Meeting.Status.HELD, Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED]
            + [Meeting.Status.PUBLISHED],
            kind=AgendaItem.Kind.DECISION,
            visibility=Visibility.PUBLIC,
        )
        .select_related("meeting__body__area")
        .order_by("meeting__pk", "position")
    )
    dated = [(item, actions.item_date(item)) for item in items]
    return [(item, day) for item, day in dated if day and day < today]


def _follow_up_items(body):
    """Standing "follow-up" items, where assignments and outcomes are reported back, keyed by meeting."""
    items = AgendaItem.objects.filter(meeting__body=body, visibility=Visibility.PUBLIC).exclude(
        kind=AgendaItem.Kind.DECISION
    )
    return {item.meeting_id: item for item in items.order_by("-position")}


def _write_decision(item, lines, user):
    if not item.decision.strip():
        if item.meeting.is_locked:
            raise ValueError(f"demo: locked item {item} has no decision to build on")
        item.decision = "\n".join(lines)
        item._history_user = user
        item.full_clean()
        item.save()


def add_followthrough(area, today, user=None):
    """Add matters, assignments and recommendations to the demo area. Returns the recommendations made."""
    role = Role.objects.filter(kind=Role.Kind.COORDINATOR, area=area).select_related("user").first()
    user = user or (role.user if role else None)
    public = Body.objects.filter(area=area, visibility=Visibility.PUBLIC, dissolved__isnull=True)
    forum = public.filter(abbreviation="KRF").first() or public.filter(level=Body.Level.POLITICAL).first()
    if forum is None:
        return []
    preparing = forum.prepared_by if forum.prepared_by and forum.prepared_by.is_public else forum
    principals = list(area.principals.order_by("kind", "name"))
    forum_items = _decision_items(forum, today)
    prep_items = _decision_items(preparing, today) if preparing != forum else []
    reports = _follow_up_items(forum)
    recommendations = []

    # The forum's decisions first; when it has met too seldom, those of other recommending bodies as well.
    taken = [(i, d) for i, d in forum_items if i.outcome != AgendaItem.Outcome.DEFERRED]
    others = public.filter(authority=Body.Authority.RECOMMENDS).exclude(pk__in=[forum.pk, preparing.pk])
    for other in others.order_by("name"):
        if len(taken) >= len(STAGES):
            break
        taken += _decision_items(other, today)[-1:]
    taken = sorted(taken[: len(STAGES)], key=lambda pair: pair[1])
    for stage, (item, day) in zip(STAGES, taken, strict=False):
        topic = item.title[0].lower() + item.title[1:]
        _write_decision(item, [line.format(topic=topic) for line in DECISION_TEXT], user)
        matter = actions.create_matter(
            area,
            user,
            year=day.year,
            title=item.title,
            body=item.meeting.body,
            raised_by=preparing.name,
            raised_on=day - timedelta(days=40),
            description=f"Förslag om {topic} för hela länet.",
        )
        actions.link_item_to_matter(item, matter, user)
        # The preparing body treated the matter at its last meeting before the forum's.
        earlier = [i for i, d in prep_items if d < day and i.matter_id is None]
        if earlier and item.meeting.body == forum:
            _write_decision(earlier[-1], [PREPARED_TEXT.format(topic=topic)], user)
            actions.link_item_to_matter(earlier[-1], matter, user)
        deadline = day + timedelta(days=120 if stage != STAGES[2] else 45)
        if stage == STAGES[-2]:
            deadline = today + timedelta(days=5)  # inside the reminder window
        recommendation = actions.create_recommendation(
            item,
            user,
            principals=principals,
            matter=matter,
            title=item.title,
            text=(
                f"{item.meeting.body.name} rekommenderar huvudmännen att anta {topic}. "
                "Respektive huvudman beslutar i egen ordning och återrapporterar beslutet."
            ),
            decided_on=day,
            deadline=deadline,
        )
        decisions = list(recommendation.decisions.select_related("principal"))
        for n, (decision, letter) in enumerate(zip(decisions, stage.ljust(len(decisions), "A"), strict=False)):
            if letter == "-":
                continue
            outcome = LETTERS[letter]
            name, short = _deciding_body(decision.principal)
            decided = min(day + timedelta(days=14 + 3 * n), today - timedelta(days=1))
            actions.record_principal_decision(
                decision,
                user,
                outcome=outcome,
                deciding_body=name if outcome != Outcome.WILL_NOT_DECIDE else "",
                decided_on=decided,
                reference=f"{short} § {40 + 7 * n}" if outcome != Outcome.WILL_NOT_DECIDE else "",
                comment=COMMENTS.get(outcome, ""),
            )
        if stage == STAGES[0]:
            later = [i for i, d in forum_items if d > day and i.meeting_id in reports]
            if later and item.meeting.body == forum:
                actions.mark_recommendation_reported(recommendation, reports[later[0].meeting_id], user)
                matter.closed_on = actions.item_date(later[0])
                matter.full_clean()
                matter.save()
        recommendations.append(recommendation)

    _assignments(area, preparing, prep_items, today, user)
    return recommendations


def _assignments(area, body, items, today, user):
    """Assignments from the preparing body's decisions: overdue, reported back, open and coming up."""
    given_to = list(Body.objects.filter(reports_to=body, visibility=Visibility.PUBLIC, dissolved__isnull=True))
    seat = (
        Membership.objects.filter(body=body, role=Membership.Role.CHAIR, body__visibility=Visibility.PUBLIC)
        .select_related("person")
        .first()
    )
    region = area.principals.filter(kind=Principal.Kind.REGION).first()
    reports = _follow_up_items(body)
    plans = [
        # (assignee, what, days after the decision it is due, reported back?)
        (given_to[0] if given_to else body, "Ta fram en gemensam lägesbild och återrapportera.", 60, True),
        (given_to[1] if len(given_to) > 1 else body, "Kartlägg behovet av samordnade insatser.", 40, False),
        (region, "Utreda finansieringen av den gemensamma funktionen.", 30, False),
        (seat.person if seat else body, "Bjuda in till länsgemensam workshop och rapportera utfallet.", 200, False),
        (given_to[-1] if given_to else body, "Revidera rutinen och återrapportera.", 90, True),
    ]
    for (item, day), (assignee, what, due_in, reported) in zip(items, plans, strict=False):
        kind = {Body: "assignee_body", Principal: "assignee_principal"}.get(type(assignee), "assignee_person")
        if assignee is None:
            continue
        _write_decision(item, [f"att ge {assignee} i uppdrag att {what[0].lower() + what[1:]}"], user)
        assignment = actions.create_assignment(
            item, user, **{kind: assignee}, description=what, due_date=day + timedelta(days=due_in), report_to=body
        )
        if reported:
            later = [
                report for meeting_id, report in reports.items() if (d := actions.item_date(report)) and day < d < today
            ]
            if later:
                actions.report_back_assignment(assignment, later[0], user, Assignment.Status.REPORTED)
