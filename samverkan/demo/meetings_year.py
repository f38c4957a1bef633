"""A year of meetings for the demo county: agendas, attendance, minutes and decisions, adjustment and publishing.

Each public, active body meets as often as its rules of procedure say, in the half-year before and after
`today`. Meetings in the past are held, minuted, adjusted (chair and adjuster sign digitally, the minutes
are locked with version 1 stored) and published; the latest one of each body that was held within two
weeks is still a draft, as is the political forum's last meeting, which is three weeks old and so shows as
not adjusted in time. Coming meetings are planned, the next one of each body invited.

Rows are bulk-created with their history rows, because row-by-row saving made `samverkan demo` slow;
tests/test_demo_meetings.py checks that every row passes full_clean(). A generator with its own seed picks
absences and texts, so the same `today` gives the same meetings every time.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    Invitation,
    InvitationAnswer,
    Meeting,
    MeetingDay,
    MinutesVersion,
    Signatory,
)
from samverkan.meetings.snapshot import minutes_snapshot
from samverkan.structure.models import Body, Membership

SEED = 20250311
WINDOW_BEFORE, WINDOW_AFTER = 200, 165  # days: one year of meetings around today
# Meetings per year, as the bodies' rules of procedure say; the rest meet six times a year.
PER_YEAR = {"cgh": 10, "krf": 5, "tg_aldre": 8, "ag_sip": 4, "ag_utskrivning": 4, "nw_folkhalsa": 4}
LOCAL_PER_YEAR = 4
# How many days ago the latest meeting was held: the forum's is three weeks old and still not adjusted,
# the chief officers' group adjusted theirs last week and has not published it yet.
LATEST = {"krf": 20, "cgh": 8}
# An extra meeting of the chief officers' group this many days ago, adjusted and published in time, so the notice
# board has a notice up today beside the archive of older ones.
EXTRA_MEETING = {"cgh": 22}
ADJUST_WITHIN = 14  # days; Kommunallagen's limit, and when the staff pages flag minutes as late
HELD = (Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)

I = AgendaItem  # noqa: E741
R = Membership.Role
Kind = I.Kind

# -- texts -----------------------------------------------------------------------------------------------

# (title, kind, minutes, decision) of the matters the political forum takes up.
POLITICAL_TOPICS = [
    (
        "Regional handlingsplan för psykisk hälsa och suicidprevention",
        Kind.DECISION,
        "Utvecklingsledaren för psykisk hälsa presenterar förslaget till regional handlingsplan för "
        "{year}–{year3}. Planen har beretts i Chefsgrupp hälsa och välfärd och i Strategisk grupp psykisk "
        "hälsa och bygger på den nationella strategin för psykisk hälsa och suicidprevention.\n\n"
        "I diskussionen lyfts behovet av tidiga insatser för barn och unga och av gemensamma mått, så att "
        "kommunernas och regionens insatser kan följas upp tillsammans.",
        "Kommun- och regionledningsforum beslutar\n"
        "att rekommendera huvudmännen att anta den regionala handlingsplanen för psykisk hälsa och "
        "suicidprevention {year}–{year3}\n"
        "att huvudmännen återrapporterar sina beslut till forumet senast den {report_by}",
    ),
    (
        "Fördelning av utvecklingsmedel för nära vård",
        Kind.DECISION,
        "Förbundsdirektören redogör för Chefsgruppens förslag till fördelning av statsbidraget för "
        "omställningen till en god och nära vård. Medlen fördelas efter befolkningsandel, med ett särskilt "
        "belopp till gemensamma kompetenssatsningar.\n\n"
        "Forumet diskuterar hur resultatet av satsningarna ska redovisas.",
        "Kommun- och regionledningsforum beslutar\n"
        "att ställa sig bakom Chefsgruppens förslag till fördelning av utvecklingsmedel för {year}\n"
        "att ge Chefsgrupp hälsa och välfärd i uppdrag att redovisa hur medlen använts vid årets sista möte",
    ),
    (
        "Revidering av överenskommelsen om hemsjukvård",
        Kind.DECISION,
        "Överenskommelsen om ansvarsfördelning för hemsjukvården mellan Region Norrlanda och kommunerna "
        "har följts upp. Uppföljningen visar att läkarmedverkan i kommunernas hemsjukvård behöver "
        "förtydligas. Förslaget till reviderad överenskommelse har remitterats till huvudmännen och "
        "synpunkterna har arbetats in.",
        "Kommun- och regionledningsforum beslutar\n"
        "att godkänna förslaget till reviderad överenskommelse om hemsjukvård\n"
        "att rekommendera huvudmännen att anta överenskommelsen med giltighet från och med den 1 januari "
        "{next_year}",
    ),
    (
        "Uppföljning av överenskommelsen om trygg och effektiv utskrivning",
        Kind.REPORT,
        "Arbetsgruppen för trygg och effektiv utskrivning redovisar uppföljningen för det senaste halvåret. "
        "Antalet utskrivningsklara dagar har minskat i sex av åtta kommuner. Samordnad individuell plan "
        "upprättas dock inte i den omfattning som överenskommelsen förutsätter.",
        "Kommun- och regionledningsforum beslutar\n"
        "att lägga rapporten till handlingarna\n"
        "att ge Chefsgrupp hälsa och välfärd i uppdrag att återkomma med förslag på åtgärder för att fler "
        "samordnade individuella planer ska upprättas",
    ),
    (
        "Yttrande över länsstrategin för folkhälsa",
        Kind.DECISION,
        "Länsstyrelsen har bjudit in forumet att yttra sig över förslaget till länsstrategi för folkhälsa. "
        "Nätverket för folkhälsostrateger har tagit fram ett förslag till yttrande som betonar sambandet "
        "mellan skolnärvaro, psykisk hälsa och folkhälsa.",
        "Kommun- och regionledningsforum beslutar\n"
        "att avge yttrande enligt förslaget\n"
        "att uppdra åt Nätverket för folkhälsostrateger att bevaka det fortsatta arbetet med strategin",
    ),
    (
        "Budget för samverkanskansliet {next_year}",
        Kind.DECISION,
        "Förbundsdirektören presenterar förslaget till budget för samverkanskansliet. Kostnaderna föreslås "
        "även fortsättningsvis fördelas lika mellan regionen och kommunerna som kollektiv, och mellan "
        "kommunerna efter invånarantal.",
        "Kommun- och regionledningsforum beslutar\n"
        "att föreslå huvudmännen en oförändrad kostnadsfördelning för samverkanskansliet {next_year}\n"
        "att uppdra åt förbundsdirektören att redovisa utfallet för innevarande år vid nästa möte",
    ),
    (
        "Årsplan och mötestider för {next_year}",
        Kind.DECISION,
        "Sekreteraren presenterar förslaget till årsplan. Mötena förläggs två veckor efter Chefsgruppens "
        "möten så att ärendena hinner beredas.",
        "Kommun- och regionledningsforum beslutar\natt fastställa årsplanen för {next_year} enligt förslaget",
    ),
]

# (title, kind, minutes, decision) for the officials' groups.
OFFICIALS_TOPICS = [
    (
        "Kompetensförsörjning inom vård och omsorg",
        Kind.DISCUSSION,
        "Gruppen diskuterar läget i kompetensförsörjningen. Flera kommuner har svårt att rekrytera "
        "sjuksköterskor till hemsjukvården och regionen har vakanser inom primärvården. En gemensam "
        "satsning på introduktion och handledning bedöms kunna minska personalomsättningen.",
        "att uppdra åt processtödet att ta fram ett förslag till gemensam handlingsplan för "
        "kompetensförsörjning\natt förslaget redovisas senast den {report_by}",
    ),
    (
        "Gemensam rutin för informationsöverföring vid in- och utskrivning",
        Kind.DECISION,
        "Förslaget till rutin har tagits fram av en arbetsgrupp med representanter för kommunernas "
        "hemsjukvård och regionens slutenvård. Rutinen beskriver vilken information som ska överföras, av "
        "vem och när, och hur avvikelser ska rapporteras.",
        "att godkänna rutinen för informationsöverföring vid in- och utskrivning\n"
        "att rutinen börjar gälla den {starts}\natt rutinen följs upp efter sex månader",
    ),
    (
        "Lägesrapport om omställningen till nära vård",
        Kind.REPORT,
        "Projektledaren för Nära vård redogör för läget. Mobila team finns nu i fem av åtta kommuner och "
        "arbetet med gemensamma hälsocentraler har påbörjats i två kommuner. Utmaningar finns i "
        "journalföringen mellan huvudmännen.",
        "att lägga lägesrapporten till handlingarna",
    ),
    (
        "Uppföljning av målen i verksamhetsplanen",
        Kind.REPORT,
        "Processtödet redovisar utfallet för verksamhetsplanens mål. Fem av sju mål är uppfyllda eller på "
        "väg att uppfyllas. Målet om andelen upprättade samordnade individuella planer och målet om "
        "skolnärvaro når inte målvärdet.",
        "att notera uppföljningen\n"
        "att ge processtödet i uppdrag att ta fram förslag till åtgärder för de mål som inte nås",
    ),
    (
        "Verksamhetsplan för {next_year}",
        Kind.DECISION,
        "Förslaget till verksamhetsplan har tagits fram utifrån gruppens uppdrag och de prioriteringar som "
        "Kommun- och regionledningsforum beslutat. Gruppen gör mindre ändringar i avsnittet om uppföljning.",
        "att godkänna förslaget till verksamhetsplan för {next_year} med de ändringar som gjordes vid mötet\n"
        "att verksamhetsplanen lämnas till Chefsgrupp hälsa och välfärd för kännedom",
    ),
    (
        "Omvärldsbevakning och nationella uppdrag",
        Kind.INFORMATION,
        "Utvecklingsledaren informerar om aktuella överenskommelser mellan staten och Sveriges Kommuner och "
        "Regioner, bland annat om psykisk hälsa och om en god och nära vård, och om vad de innebär för "
        "länets huvudmän.",
        "att tacka för informationen",
    ),
    (
        "Gemensamt utbildningsprogram om samordnad individuell plan",
        Kind.DECISION,
        "Arbetsgruppen för samordnad individuell plan föreslår ett gemensamt utbildningsprogram för "
        "medarbetare i kommunerna och regionen, med en digital grundutbildning och lokala "
        "fördjupningsträffar.",
        "att ställa sig bakom förslaget till utbildningsprogram\n"
        "att varje huvudman utser en kontaktperson för utbildningen senast den {report_by}",
    ),
]

# Said about a principal in the round of status reports (lägesbild).
NEWS = [
    "Bemanningen inom hemtjänsten är ansträngd inför sommaren och rekrytering pågår.",
    "En ny verksamhetschef för individ- och familjeomsorgen tillträder nästa månad.",
    "Arbetet med mobil läkarmedverkan i hemsjukvården har startat.",
    "Antalet orosanmälningar som gäller barn har ökat jämfört med samma period förra året.",
    "Budgetläget är ansträngt och en åtgärdsplan tas fram.",
    "En ny träffpunkt för äldre har öppnat i centralorten.",
    "Samarbetet mellan elevhälsan och vårdcentralen fungerar väl.",
    "Vårdcentralen har infört digital tidsbokning och chatt.",
    "Införandet av det nya verksamhetssystemet inom socialtjänsten är försenat.",
    "Korttidsplatserna räcker inte till och kommunen ser över behovet.",
]
OTHER_BUSINESS = [
    "Inga övriga frågor anmäldes.",
    "Frågan om gemensamma lokaler för mötena tas upp. Processtödet undersöker möjligheterna.",
    "Information om den regionala konferensen om psykisk hälsa i höst. Inbjudan skickas ut via sekreteraren.",
]
STRUCK_TITLE = "Information om regionens digitala vårdtjänster"
CONFIDENTIAL_TITLE = "Personalärende inom samverkanskansliet"
INTERNAL_TITLE = "Budgetdialog inför nästa års verksamhetsplan"


def _format(text, day):
    report_by = day + timedelta(days=120)
    return text.format(
        year=day.year,
        year3=day.year + 2,
        next_year=day.year + 1,
        report_by=report_by.isoformat(),
        starts=(day + timedelta(days=30)).replace(day=1).isoformat(),
    )


# -- schedule --------------------------------------------------------------------------------------------


@dataclass
class _Meeting:
    body: Body
    key: str
    days: list
    status: str
    index: int  # 0 = the body's first meeting in the window
    latest_past: bool = False
    meeting: Meeting | None = None
    seats: list = field(default_factory=list)
    items: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def _tuesday(day):
    """The Tuesday nearest to `day`."""
    return day + timedelta(days=(1 - day.weekday() + 3) % 7 - 3)


def _schedule(key, today):
    per_year = LOCAL_PER_YEAR if key.startswith("lokal_") else PER_YEAR.get(key, 6)
    spacing = 365 // per_year
    # How long ago the latest meeting was: spread over the bodies, never so long that the next is due.
    ago = LATEST.get(key, 4 + sum(map(ord, key)) * 7 % (spacing - 8))
    anchor = today - timedelta(days=ago)
    days = []
    k = -(WINDOW_BEFORE // spacing)
    while anchor + timedelta(days=spacing * k) <= today + timedelta(days=WINDOW_AFTER):
        day = anchor + timedelta(days=spacing * k)
        if day >= today - timedelta(days=WINDOW_BEFORE):
            days.append(_tuesday(day))
        k += 1
    return days


def _status(key, day, previous, today, *, latest):
    if day < today:
        if not latest:
            return Meeting.Status.PUBLISHED
        if key == "krf" or (today - day).days <= ADJUST_WITHIN:
            return Meeting.Status.ADJUSTED if key == "cgh" else Meeting.Status.DRAFTED
        return Meeting.Status.PUBLISHED
    return Meeting.Status.INVITED if previous is not None and previous < today else Meeting.Status.PLANNED


# -- building ----------------------------------------------------------------------------------------------


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def build_meetings(today, bodies, clerk):
    """Create the meetings of every public, active body in `bodies` (a dict keyed by short name). `clerk` is
    the login that sends invitations and in whose name minutes without a signing login are locked."""
    rng = random.Random(SEED)
    memberships = list(
        Membership.objects.filter(body__in=bodies.values())
        .select_related("person__user", "principal")
        .order_by("body", "role", "person__last_name", "person__first_name", "pk")
    )
    planned = []
    for key, body in bodies.items():
        if not body.is_public or body.dissolved:
            continue
        days = _schedule(key, today)
        if key in EXTRA_MEETING:
            days = sorted({*days, _tuesday(today - timedelta(days=EXTRA_MEETING[key]))})
        past = [d for d in days if d < today]
        cancelled = False
        for n, day in enumerate(days):
            status = _status(key, day, days[n - 1] if n else None, today, latest=bool(past) and day == past[-1])
            if key == "cgh" and status == Meeting.Status.PLANNED and not cancelled:
                status, cancelled = Meeting.Status.CANCELLED, True
            extra_day = key == "krf" and len(past) >= 2 and day == past[-2]  # the forum's two-day meeting
            meeting_days = [day, day + timedelta(days=1)] if extra_day else [day]
            held = _Meeting(body, key, meeting_days, status, n, latest_past=bool(past) and day == past[-1])
            held.seats = [m for m in memberships if m.body_id == body.pk and m.overlaps(day, day)]
            planned.append(held)

    _create_meetings(planned)
    for body_meetings in _by_body(planned):
        _create_agendas(body_meetings, rng)
    _create_attendance(planned, rng)
    _create_signatories(planned)
    _create_invitations(planned, clerk)
    _create_versions(planned, clerk)


def _by_body(planned):
    groups = {}
    for held in planned:
        groups.setdefault(held.body.pk, []).append(held)
    return groups.values()


def _kind(held):
    if held.body.level == Body.Level.POLITICAL or held.key == "cgh":
        return Meeting.Kind.MINUTES
    return Meeting.Kind.NOTES


def _seated(held, *roles):
    return [m for m in held.seats if m.role in roles]


def _create_meetings(planned):
    meetings = []
    for held in planned:
        first = held.days[0]
        chair = next(iter(_seated(held, R.CHAIR)), None)
        secretary = next(iter(_seated(held, R.SECRETARY) + _seated(held, R.PROCESS_SUPPORT)), None)
        political = held.body.level == Body.Level.POLITICAL
        invited = held.status not in (Meeting.Status.PLANNED, Meeting.Status.CANCELLED)
        held.meeting = Meeting(
            body=held.body,
            kind=_kind(held),
            status=held.status,
            title="Tvådagarsinternat" if len(held.days) > 1 else "",
            place="Regionhuset, sal Älven" if political else "Kommunalförbundet, rum 2",
            plan_year=first.year,
            chair=chair.person if chair else None,
            secretary=secretary.person if secretary else None,
            invited_at=_aware(first - timedelta(days=14), 8) if invited else None,
        )
        _adjustment(held)
        meetings.append(held.meeting)
    bulk_create_with_history(meetings, Meeting)
    days = []
    for held in planned:
        for n, day in enumerate(held.days):
            end = time(16) if len(held.days) > 1 and n == 0 else time(12)
            days.append(MeetingDay(meeting=held.meeting, date=day, start=time(9), end=end))
    bulk_create_with_history(days, MeetingDay)


SENT_FOR_ADJUSTMENT = {Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED}


def _create_agendas(body_meetings, rng):
    """Items of each meeting, in date order so that a deferred item is taken up at the next meeting."""
    body = body_meetings[0].body
    continuous = body.numbering == Body.Numbering.CONTINUOUS
    counters = {}
    deferred = None
    for n, held in enumerate(body_meetings):
        first = held.days[0]
        if continuous and first.year not in counters:
            # The window opens mid-year: its first year numbers on from the meetings held before Samverkan was
            # taken into use; every later year's series starts at § 1.
            counters[first.year] = (first.timetuple().tm_yday * 7) // 45 if not counters else 0
        # A cancelled meeting holds no numbers: its agenda keeps the ones it was given, and the next meeting
        # takes them (numbering.settle_series does the same when a meeting is cancelled).
        reserved = counters.get(first.year)
        following = body_meetings[n + 1].meeting if n + 1 < len(body_meetings) else None
        specs = _agenda(held, n, rng, deferred, following)
        deferred = None
        items = []
        for position, spec in enumerate(specs, start=1):
            if continuous:
                counters[first.year] += 1
                number = str(counters[first.year])
            else:
                number = str(position)
            item = I(meeting=held.meeting, number=number, position=position, **spec)
            if continuous and held.meeting.status in SENT_FOR_ADJUSTMENT:
                # Minutes sent for adjustment have fixed § numbers (meetings/numbering.py).
                item.series_body, item.series_year = body, first.year
            items.append(item)
        if held.status == Meeting.Status.CANCELLED:
            counters[first.year] = reserved
        bulk_create_with_history(items, I)
        held.items = items
        deferred = next((item for item in items if item.outcome == I.Outcome.DEFERRED), None)


def _agenda(held, n, rng, deferred, following):
    """The items of one meeting as dicts of AgendaItem fields; the minutes are written if it was held."""
    key, first = held.key, held.days[0]
    held_already = held.status in HELD
    minutes_kind = _kind(held) == Meeting.Kind.MINUTES
    voting = _seated(held, R.CHAIR, R.VICE_CHAIR, R.MEMBER)
    adjuster = _adjuster(held)
    political = held.body.level == Body.Level.POLITICAL
    topics = POLITICAL_TOPICS if political else OFFICIALS_TOPICS
    specs = []

    def add(title, kind, minutes="", decision="", visibility=Visibility.PUBLIC, **extra):
        spec = {"title": title, "kind": kind, "visibility": visibility, **extra}
        if held_already:
            spec.update(minutes=minutes, decision=decision, outcome=extra.get("outcome") or I.Outcome.HANDLED)
        elif kind == Kind.DECISION:
            spec["background"] = f"Underlag till {title[0].lower()}{title[1:]} skickas med kallelsen."
        specs.append(spec)

    if minutes_kind:
        add(
            "Mötets öppnande och val av justerare",
            Kind.FORMAL,
            "Ordföranden hälsar välkommen och förklarar mötet öppnat. Föredragningslistan godkänns.",
            f"att utse {adjuster.person.name} att jämte ordföranden justera protokollet\n"
            "att godkänna föredragningslistan"
            if adjuster
            else "att godkänna föredragningslistan",
            presenters="Ordföranden",
        )
    else:
        add(
            "Mötets öppnande och dagordning",
            Kind.FORMAL,
            "Ordföranden hälsar välkommen. Dagordningen godkänns.",
            presenters="Ordföranden",
        )
    add(
        "Föregående protokoll" if minutes_kind else "Föregående minnesanteckningar",
        Kind.FORMAL,
        "Protokollet från föregående möte är justerat och publicerat."
        if minutes_kind
        else "Minnesanteckningarna från föregående möte gås igenom.",
        "att lägga protokollet från föregående möte till handlingarna" if minutes_kind else "",
    )
    principals = sorted({m.principal.name for m in voting if m.principal})
    rng.shuffle(principals)
    news = rng.sample(NEWS, k=min(3, len(principals)))
    add(
        "Lägesbild från huvudmännen",
        Kind.REPORT,
        "\n".join(f"{name}: {line}" for name, line in zip(principals, news, strict=False)),
        "att tacka för lägesbilderna",
    )
    if deferred is not None and held_already:
        add(
            deferred.title,
            deferred.kind,
            "Ärendet bordlades vid föregående möte. Kommunernas synpunkter har nu kommit in och redovisas.\n\n"
            + (deferred.minutes.split("\n\n")[0] if deferred.minutes else ""),
            _format(next((t[3] for t in topics if _format(t[0], first) == deferred.title), ""), first),
            continues=deferred,
        )
    for t in range(2 if minutes_kind else 1):
        title, kind, minutes, decision = topics[(n * 2 + t + len(held.body.name)) % len(topics)]
        defer = following is not None and held_already and t == 0 and _defers(held, n)
        if defer:
            add(
                _format(title, first),
                kind,
                "Ordföranden föreslår att ärendet bordläggs i avvaktan på kommunernas synpunkter.",
                "att bordlägga ärendet till nästa möte",
                outcome=I.Outcome.DEFERRED,
                deferred_to=following,
            )
        else:
            add(_format(title, first), kind, _format(minutes, first), _format(decision, first))
    add(
        "Uppföljning av gemensamma uppdrag",
        Kind.DISCUSSION,
        f"Processtödet går igenom listan över gemensamma uppdrag. {2 + n % 3} uppdrag har återrapporterats "
        f"sedan förra mötet och {n % 2 + 1} är försenade; ansvariga påminns.",
        "att notera uppföljningen",
    )
    if key == "krf":
        add(
            CONFIDENTIAL_TITLE,
            Kind.DECISION,
            "Förbundsdirektören redogör för ärendet, som gäller en enskild medarbetare.",
            "att godkänna förbundsdirektörens förslag",
            visibility=Visibility.CONFIDENTIAL,
        )
    if key == "cgh" and n % 2 == 0:
        add(
            INTERNAL_TITLE,
            Kind.DISCUSSION,
            "Gruppen diskuterar preliminära budgetramar för nästa år inför huvudmännens budgetarbete.",
            "att uppdra åt förbundsdirektören att sammanställa underlaget till nästa möte",
            visibility=Visibility.INTERNAL,
        )
    if held_already and (n + len(held.body.name)) % 6 == 1:
        add(
            STRUCK_TITLE,
            Kind.INFORMATION,
            "Punkten utgår eftersom föredraganden fått förhinder. Informationen lämnas vid ett senare möte.",
            outcome=I.Outcome.STRUCK,
        )
    add("Övriga frågor", Kind.DISCUSSION, rng.choice(OTHER_BUSINESS))
    return specs


def _defers(held, n):
    """The forum defers at its latest meeting; two groups deferred once earlier in the year."""
    return (held.key == "krf" and held.latest_past) or (held.key in ("cgh", "sg_ph") and n == 1)


def _by_name(membership):
    return membership.person.last_name, membership.person.first_name, membership.pk


def _adjuster(held):
    """A voting member other than the chair, taking turns meeting by meeting."""
    candidates = [m for m in _seated(held, R.VICE_CHAIR, R.MEMBER) if m.person_id not in held_absent(held)]
    candidates.sort(key=_by_name)
    return candidates[held.index % len(candidates)] if candidates else None


def held_absent(held):
    """People absent with notice from this meeting: one seated member at every third meeting, chosen by
    the meeting's position so that agendas and attendance agree without sharing random state."""
    voting = sorted(_seated(held, R.VICE_CHAIR, R.MEMBER), key=_by_name)
    if not voting or held.index % 3 == 2:
        return set()
    absent = {voting[(held.index * 5 + len(held.body.name)) % len(voting)].person_id}
    if held.key == "krf" and len(voting) > 4:
        absent.add(voting[(held.index * 5 + 3) % len(voting)].person_id)
    return absent


def seat_attendance(meeting, seat, absent, serves, rng):
    """The Attendance row (unsaved) of `seat` (a Membership) at held `meeting`: voting for the chair, vice chair
    and members (absent with notice when in `absent`, a set of person ids), voting in a member's place for a
    substitute who `serves`, else half the substitutes as substitutes (one draw of `rng`) and None for the rest,
    who stay away and are not listed; anyone else in the other group with their role. Also the data generator's."""
    row = Attendance(meeting=meeting, person=seat.person, principal=seat.principal, party=seat.party)
    if seat.role in (R.CHAIR, R.VICE_CHAIR, R.MEMBER):
        row.group = Attendance.Group.VOTING
        row.role = {R.CHAIR: "ordförande", R.VICE_CHAIR: "vice ordförande"}.get(seat.role, "")
        if seat.person_id in absent:
            row.status = Attendance.Status.ABSENT_NOTICE
    elif seat.role == R.SUBSTITUTE:
        if serves:
            row.group, row.substitute_for = Attendance.Group.VOTING, seat.substitute_for
        elif rng.random() < 0.5:
            row.group = Attendance.Group.SUBSTITUTE
        else:
            return None
    else:
        row.group = Attendance.Group.OTHER
        row.role = seat.get_role_display().lower()
    return row


def _create_attendance(planned, rng):
    rows, not_during, only_days = [], [], []
    for held in planned:
        if held.status not in HELD:
            continue
        absent = held_absent(held)
        serving = {m.person_id for m in _seated(held, R.SUBSTITUTE) if m.substitute_for_id in absent}
        adjuster = _adjuster(held)
        for m in held.seats:
            row = seat_attendance(held.meeting, m, absent, m.person_id in serving, rng)
            if row is not None:
                held.rows.append(row)
        # Partial presence and the odd absence without notice, on plain members who do not adjust.
        plain = [
            r
            for r in held.rows
            if r.group == Attendance.Group.VOTING
            and r.status == Attendance.Status.PRESENT
            and not r.role
            and not r.substitute_for
            and (adjuster is None or r.person.pk != adjuster.person_id)
        ]
        if plain and held.index % 3 == 0:
            plain[0].note = rng.choice(["från kl. 09.45", "lämnar mötet kl. 11.30", "deltar på distans"])
        if len(plain) > 1 and held.index % 3 == 1:
            topic = next((i for i in held.items if i.kind == Kind.DECISION and i.outcome == I.Outcome.HANDLED), None)
            if topic is not None:
                not_during.append((plain[1], topic))
        if len(plain) > 2 and held.index % 5 == 3:
            plain[2].status = Attendance.Status.ABSENT
        if len(held.days) > 1 and plain:
            only_days.append((plain[-1], held.days[0]))
        rows += held.rows
    bulk_create_with_history(rows, Attendance)
    Attendance.not_during.through.objects.bulk_create(
        Attendance.not_during.through(attendance_id=row.pk, agendaitem_id=item.pk) for row, item in not_during
    )
    days = {(d.meeting_id, d.date): d.pk for d in MeetingDay.objects.filter(meeting__in=[p.meeting for p in planned])}
    Attendance.days.through.objects.bulk_create(
        Attendance.days.through(attendance_id=row.pk, meetingday_id=days[(row.meeting_id, day)])
        for row, day in only_days
    )


def _signature_times(held):
    """Chair and adjuster sign a few working days after the meeting; the notice goes up the day after."""
    last = held.days[-1]
    return _aware(last + timedelta(days=2), 10, 5 + held.index), _aware(last + timedelta(days=3), 14, 20)


def _adjustment(held):
    """Lock, notice and publishing times: minutes lock at the last signature, notes when published."""
    meeting = held.meeting
    if meeting.kind == Meeting.Kind.NOTES:
        if held.status == Meeting.Status.PUBLISHED:
            # Notes are not adjusted; they are locked when published, so what was published stays.
            meeting.published_at = meeting.locked_at = _aware(held.days[-1] + timedelta(days=4), 9)
        return
    if held.status in (Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED):
        meeting.locked_at = _signature_times(held)[1]
    if held.status == Meeting.Status.PUBLISHED:
        meeting.notice_date = meeting.locked_at.date() + timedelta(days=1)
        meeting.published_at = _aware(meeting.notice_date, 8)


def _create_signatories(planned):
    signatories = []
    for held in planned:
        meeting = held.meeting
        if meeting.kind != Meeting.Kind.MINUTES or held.status not in HELD:
            continue
        adjuster = _adjuster(held)
        signed = meeting.locked_at is not None
        people = [
            (meeting.chair, Signatory.Role.CHAIR),
            (adjuster.person if adjuster else None, Signatory.Role.ADJUSTER),
        ]
        for (person, role), moment in zip(people, _signature_times(held), strict=True):
            if person is not None:
                signatories.append(
                    Signatory(
                        meeting=meeting,
                        person=person,
                        role=role,
                        signed_at=moment if signed else None,
                        signed_by=person.user if signed else None,
                    )
                )
    bulk_create_with_history(signatories, Signatory)


def _create_invitations(planned, clerk):
    invitations, answers = [], []
    for held in planned:
        meeting = held.meeting
        if meeting.invited_at is None:
            continue
        invitations.append(
            Invitation(meeting=meeting, sent_at=meeting.invited_at, sent_by=clerk, recipients=len(held.seats))
        )
        absent = [r for r in held.rows if r.status == Attendance.Status.ABSENT_NOTICE]
        if meeting.status == Meeting.Status.INVITED:
            # Answers are coming in for the next meeting: one seated member cannot come.
            absent = [Attendance(person=m.person) for m in _seated(held, R.MEMBER)[:1]]
        for row in absent:
            answered = meeting.invited_at + timedelta(days=3)
            has_substitute = any(m.substitute_for_id == row.person.pk for m in held.seats)
            answers.append(
                InvitationAnswer(
                    meeting=meeting,
                    person=row.person,
                    answer=InvitationAnswer.Answer.ABSENT,
                    comment="Annat uppdrag samma dag.",
                    answered_at=answered,
                    substitute_told_at=answered if has_substitute else None,
                )
            )
    Invitation.objects.bulk_create(invitations)
    bulk_create_with_history(answers, InvitationAnswer)


def _create_versions(planned, clerk):
    """Version 1 of every locked minutes, stored from the same snapshot the PDF is rendered from, in the name
    of the last to sign (when they have a login)."""
    signed_by = {s.meeting_id: s.signed_by for s in Signatory.objects.filter(role=Signatory.Role.ADJUSTER)}
    versions = [
        MinutesVersion(
            meeting=held.meeting,
            number=1,
            content=minutes_snapshot(held.meeting),
            created_at=held.meeting.locked_at,
            created_by=signed_by.get(held.meeting.pk) or clerk,
        )
        for held in planned
        if held.meeting.locked_at is not None
    ]
    MinutesVersion.objects.bulk_create(versions)
