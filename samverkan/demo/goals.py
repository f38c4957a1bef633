"""Goals for the demo county, of the kind Västerbotten's directive sets: effect goals E1–E5 and project goals
P1–P5 traced to them, most measured by the process measures computed from the county's own work, with a year of
monthly readings, and a few entered by hand (E1 is read from the demo survey). P5 is internal. Deterministic
for a day."""

from datetime import date, timedelta
from decimal import Decimal

from samverkan.agreements.models import Agreement
from samverkan.demo.surveys import DEMO_SURVEY_TITLE
from samverkan.followup import sources
from samverkan.followup.access import public_goals
from samverkan.followup.models import Goal, Measurement, Source
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import Area, Body
from samverkan.surveys.models import Question

COMPUTED = Source.COMPUTED


def _month_ends(today: date, months: int = 12) -> list[date]:
    """The last day of each of the `months` months before today's, oldest first, then today."""
    days, day = [], today.replace(day=1) - timedelta(days=1)
    for _n in range(months):
        days.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return [*reversed(days), today]


def add_goals(area: Area, today: date) -> list[Goal]:
    """Add E1–E5 and P1–P5 to `area` with a year of readings (computed goals: each month's end and today;
    entered goals: a few typed values). Returns the goals. One bulk insert of the readings; each reading costs its
    measure's queries (the goals' scope is read once)."""
    bodies = {b.abbreviation: b for b in Body.objects.filter(area=area).exclude(abbreviation="")}
    forum, officials = bodies.get("KRF"), bodies.get("CGH")
    if forum is None or officials is None:
        return []
    umbrella = Agreement.objects.filter(area=area, title__startswith="Överenskommelse om samverkan inom").first()

    def goal(code, text, kind, target, unit, comparison=">=", **fields):
        fields.setdefault("owner_body", forum)
        return Goal.objects.create(
            area=area,
            code=code,
            text=text,
            kind=kind,
            target_value=Decimal(target),
            unit=unit,
            comparison=comparison,
            **fields,
        )

    effect, project = Goal.Kind.EFFECT, Goal.Kind.PROJECT
    survey_question = Question.objects.filter(
        survey__area=area, survey__title=DEMO_SURVEY_TITLE, kind=Question.Kind.SCALE, position=1
    ).first()
    from_survey = (
        {"source": Source.SURVEY, "survey_question": survey_question, "survey_low": 4, "survey_high": 5}
        | {"survey_minimum": 60}
        if survey_question
        else {}
    )
    e1 = goal(
        "E1",
        "Minst 75 % av 60 intervjuade personer i strukturen upplever kontinuiteten i samverkan som tillfredsställande.",
        effect,
        75,
        "%",
        reference_value=Decimal(58),
        reference_date=date(today.year - 1, 3, 31),
        **from_survey,
    )
    e2 = goal(
        "E2",
        "Protokollen justeras inom 14 dagar, så att besluten snabbt blir kända.",
        effect,
        90,
        "%",
        source=COMPUTED,
        measure="adjusted_in_time",
    )
    e3 = goal(
        "E3",
        "Huvudmännen beslutar om forumets rekommendationer inom 120 dagar (median).",
        effect,
        120,
        "dagar",
        "<=",
        source=COMPUTED,
        measure="decision_days",
    )
    e4 = goal(
        "E4",
        "Alla huvudmän är företrädda på forumets möten.",
        effect,
        85,
        "%",
        source=COMPUTED,
        measure="attendance",
    )
    e5 = goal(
        "E5",
        "Alla samverkansorgan har ett fullständigt uppdrag och en aktuell arbetsordning.",
        effect,
        100,
        "%",
        source=COMPUTED,
        measure="charters",
    )
    p1 = goal(
        "P1",
        "Uppdrag från forumet återrapporteras i tid.",
        project,
        80,
        "%",
        source=COMPUTED,
        measure="assignments_on_time",
        owner_body=officials,
    )
    p2 = goal(
        "P2",
        "Ingen överenskommelse har en försenad uppföljning.",
        project,
        0,
        "st",
        "<=",
        source=COMPUTED,
        measure="agreements_overdue",
        **({"owner_agreement": umbrella, "owner_body": None} if umbrella else {}),
    )
    p3 = goal(
        "P3",
        "En gemensam introduktion för nya ledamöter och ersättare hålls två gånger om året.",
        project,
        2,
        "st",
        owner_body=None,
        project="Introduktion i samverkansstrukturen",
    )
    p4 = goal(
        "P4",
        "Alla organ delar sina handlingar digitalt inför mötena.",
        project,
        100,
        "%",
        owner_body=None,
        project="Digital mötesadministration",
    )
    p5 = goal(
        "P5",
        "Processtödet utvärderas internt varje halvår.",
        project,
        2,
        "st",
        owner_body=officials,
        visibility=Visibility.INTERNAL,
    )
    for low, high in [(p1, e3), (p2, e5), (p3, e1), (p4, e2), (p5, e1), (p1, e2)]:
        low.traces_to.add(high)

    goals = [e1, e2, e3, e4, e5, p1, p2, p3, p4, p5]
    public = set(public_goals().filter(pk__in=[g.pk for g in goals]).values_list("pk", flat=True))
    rows = []
    for g in goals:
        if g.source != COMPUTED:
            continue
        for day in _month_ends(today):
            reading = sources.read(g, day, public=g.pk in public)
            if reading.value is not None:
                rows.append(
                    Measurement(goal=g, measured_on=day, value=reading.value, source=COMPUTED, note=reading.note)
                )
    typed = {e1: [(300, 61), (120, 68)], p3: [(250, 1), (70, 2)], p4: [(200, 55), (100, 70), (10, 82)], p5: [(40, 1)]}
    for g, readings in typed.items():
        for days_ago, value in readings:
            rows.append(Measurement(goal=g, measured_on=today - timedelta(days=days_ago), value=Decimal(value)))
    if e1.source == Source.SURVEY:  # the closed demo survey's share answering 4–5, of at least 60 respondents
        reading = sources.read(e1, today, public=e1.pk in public)
        if reading.value is not None:
            rows.append(
                Measurement(goal=e1, measured_on=today, value=reading.value, source=e1.source, note=reading.note)
            )
    Measurement.objects.bulk_create(rows)
    return goals
