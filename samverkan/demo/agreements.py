"""Agreements for the demo county: an umbrella agreement replaced by a new one that every party has adopted, one
waiting for two parties, a routine in draft and a guideline out for consultation; a follow-up recorded and one due.

Builds on the forum's public decision items (after `demo.followthrough`), so the adoption of each agreement is a
recommendation decided at an item, with each party's decision. Deterministic for a given day.
"""

from datetime import date, timedelta

from samverkan.agreements import actions
from samverkan.agreements.models import Agreement, Status
from samverkan.demo.followthrough import _deciding_body, _decision_items
from samverkan.followthrough import actions as followthrough
from samverkan.followthrough.models import PrincipalDecision
from samverkan.lib.history import save_with_history
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import Area, Body, Role


def _adopt(agreement, item, day, today, user, waiting=0):
    """Send `agreement` for adoption at `item` (decided on `day`) and record every party's adoption but the last
    `waiting` parties'."""
    agreement = actions.send_for_adoption(
        agreement,
        item,
        user,
        title=f"Antagande av {agreement.title}",
        text=f"{item.meeting.body.name} rekommenderar parterna att anta {agreement.title}.",
        decided_on=day,
        deadline=max(day + timedelta(days=120), today + timedelta(days=30)),
    )
    decisions = list(agreement.adoption.decisions.select_related("principal"))
    for n, decision in enumerate(decisions[: len(decisions) - waiting]):
        name, short = _deciding_body(decision.principal)
        followthrough.record_principal_decision(
            decision,
            user,
            outcome=PrincipalDecision.Outcome.ADOPTED,
            deciding_body=name,
            decided_on=min(day + timedelta(days=10 + 2 * n), today - timedelta(days=1)),
            reference=f"{short} § {60 + 3 * n}",
        )
    return agreement


def add_agreements(area: Area, today: date, user=None) -> list[Agreement]:
    """Add the demo agreements to `area`; returns them (oldest first). Nothing when the forum has too few held
    decision items."""
    role = Role.objects.filter(kind=Role.Kind.COORDINATOR, area=area).select_related("user").first()
    user = user or (role.user if role else None)
    public = Body.objects.filter(area=area, visibility=Visibility.PUBLIC, dissolved__isnull=True)
    forum = public.filter(abbreviation="KRF").first() or public.filter(level=Body.Level.POLITICAL).first()
    items = _decision_items(forum, today) if forum else []
    if len(items) < 3:
        return []
    parties = list(area.principals.order_by("kind", "name"))

    def make(title, **fields):
        agreement = save_with_history(Agreement(area=area, owner=forum, title=title, **fields), user)
        agreement.parties.set(parties)
        return agreement

    (first, first_day), (middle, middle_day), (last, last_day) = items[0], items[len(items) // 2], items[-1]
    old = make(
        "Överenskommelse om samverkan mellan regionen och kommunerna (1999)",
        kind=Agreement.Kind.AGREEMENT,
        field_of_work="Hälsa och välfärd",
        summary="Den ursprungliga överenskommelsen om gemensamma ledningsstrukturer.",
        valid_from=date(1999, 7, 1),
    )
    old = _adopt(old, first, first_day, today, user)
    new = make(
        "Överenskommelse om samverkan inom hälsa, vård och omsorg",
        kind=Agreement.Kind.AGREEMENT,
        field_of_work="Hälsa och välfärd",
        summary="Ersätter överenskommelsen från 1999. Följs upp årligen av Kommun- och regionledningsforum.",
        valid_from=middle_day + timedelta(days=30) if middle_day + timedelta(days=30) <= today else middle_day,
        valid_to=date(today.year + 4, 12, 31),
        follow_up_months=12,
        next_follow_up=today - timedelta(days=60),
        review_on=date(today.year + 3, 6, 30),
        replaces=old,
    )
    new = _adopt(new, middle, middle_day, today, user)
    actions.record_follow_up(
        new,
        user,
        held_on=today - timedelta(days=20),
        body=forum,
        finding="Strukturen fungerar. Alla parter deltar; återrapporteringen till huvudmännen behöver bli tydligare.",
    )
    waiting = make(
        "Överenskommelse om barn och ungas hälsa",
        kind=Agreement.Kind.AGREEMENT,
        field_of_work="Barn och unga",
        valid_from=today,
        follow_up_months=6,
        next_follow_up=today + timedelta(days=5),  # inside the reminder window
    )
    waiting = _adopt(waiting, last, last_day, today, user, waiting=2)
    routine = make(
        "Rutin för samordnad utskrivning från slutenvård",
        kind=Agreement.Kind.ROUTINE,
        field_of_work="Hälso- och sjukvård",
        stage=Status.DRAFT,
    )
    guideline = make(
        "Riktlinje för samordnad individuell plan (SIP)",
        kind=Agreement.Kind.GUIDELINE,
        field_of_work="Socialtjänst",
        stage=Status.CONSULTATION,
        review_on=today + timedelta(days=3),
    )
    return [old, new, waiting, routine, guideline]
