"""The demo county: a fictional but realistic Swedish county collaboration ("Samverkan Norrlanda län").

Everything is deterministic: names come from fixed lists through a seeded random generator, and all
dates are computed relative to `today`, so the same call gives the same data (and the same charter
health problems) every time. Every object passes full_clean() before it is saved; the year of meetings
(`meetings_year.py`) is bulk-created for speed and checked by the tests instead.

E-mail addresses use the reserved .example domain and telephone numbers come from the series that the
Swedish Post and Telecom Authority (PTS) sets aside for use in fiction, so nothing reaches a real person.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from samverkan.demo.agreements import add_agreements
from samverkan.demo.followthrough import add_followthrough
from samverkan.demo.goals import add_goals
from samverkan.demo.meetings_year import build_meetings
from samverkan.demo.participation import SIGNER_LOGINS, add_participation
from samverkan.demo.surveys import add_survey
from samverkan.lib.visibility import Visibility
from samverkan.search.index import reindex_all
from samverkan.search.signals import paused
from samverkan.structure.models import Area, Body, Membership, Party, Person, Principal, Role

DEMO_PASSWORD = "samverkan-demo"
DEMO_AREA_SLUG = "norrlanda"
DEMO_LOGINS = [
    ("admin", "Administratör med alla behörigheter"),
    ("koordinator", "Regional koordinator för Samverkan Norrlanda län"),
    ("sekreterare", "Sekreterare i Chefsgrupp hälsa och välfärd (CGH)"),
    ("ledamot", "Ledamot i Kommun- och regionledningsforum (KRF) och i en intern beredningsgrupp"),
    ("kontakt", "Kontaktperson för Älvby kommun"),
    *SIGNER_LOGINS,
]

SEED = 20240917

FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin", "Jenny",
    "Annika", "Linda", "Susanne", "Hanna", "Camilla", "Sofia", "Johanna", "Åsa", "Helena", "Ulrika",
    "Cecilia", "Therese", "Frida", "Lisa", "Ebba", "Birgitta", "Marie", "Louise", "Yasmin", "Leila",
    "Lars", "Anders", "Per", "Erik", "Karl", "Peter", "Mikael", "Thomas", "Jan", "Daniel", "Fredrik",
    "Magnus", "Andreas", "Stefan", "Mattias", "Henrik", "Jonas", "Niklas", "Martin", "Björn", "Patrik",
    "Ola", "Göran", "Håkan", "Oskar", "Emil", "Gustav", "Viktor", "Tobias", "Amir", "Mohammed",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson", "Jönsson", "Lindberg",
    "Magnusson", "Lindström", "Olofsson", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
    "Lundgren", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Wallin",
    "Engström", "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman", "Gunnarsson", "Holm",
    "Wikström", "Isaksson", "Fransson", "Bergqvist", "Holmberg", "Arvidsson", "Löfgren", "Söderberg",
    "Nyberg", "Blomqvist", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund", "Eliasson",
    "Berggren", "Sandström", "Nordin", "Ström", "Åberg", "Hermansson", "Sundberg", "Hedlund",
    "Dahlberg", "Sjögren", "Öberg", "Strand", "Backman", "Nordqvist", "Hassan", "Ahmadi", "Kovačević",
]  # fmt: skip

# (name, slug, e-mail domain, kind)
REGION = ("Region Norrlanda", "region-norrlanda", "regionnorrlanda.example", Principal.Kind.REGION)
ASSOCIATION = (
    "Norrlandas kommunalförbund",
    "norrlandas-kommunalforbund",
    "norrlandakf.example",
    Principal.Kind.ASSOCIATION,
)
MUNICIPALITIES = ["Älvby", "Granvik", "Björkås", "Storsjöhamn", "Mossträsk", "Lillfors", "Hedvalla", "Tallmo"]

# Per municipality in the political forum: (member's party, substitute's party).
KRF_PARTIES = {
    "Älvby": ("S", "V"),
    "Granvik": ("M", "KD"),
    "Björkås": ("C", "L"),
    "Storsjöhamn": ("C", "S"),
    "Mossträsk": ("S", "MP"),
    "Lillfors": ("KD", "M"),
    "Hedvalla": ("M", "S"),
    "Tallmo": ("L", "C"),
}

# Primary care areas of the region: each area chief sits in the local groups of two municipalities.
PRIMARY_CARE_AREAS = {
    "Älvby": "norra", "Granvik": "norra", "Björkås": "västra", "Storsjöhamn": "västra",
    "Mossträsk": "östra", "Lillfors": "östra", "Hedvalla": "södra", "Tallmo": "södra",
}  # fmt: skip

R = Membership.Role

RULES = """Arbetsordning för {name}

1. Sammansättning
{composition}

2. Ordförande och vice ordförande
Organet utser inom sig ordförande och vice ordförande för {period}. Ordföranden leder mötena och ansvarar \
tillsammans med sekreteraren eller processtödet för att föredragningslistan tas fram.

3. Sammanträden
{name} sammanträder {frequency} enligt en årsplan som fastställs vid årets sista möte. Kallelse med \
föredragningslista och handlingar skickas ut senast {notice} dagar före mötet. Ledamot som är förhindrad \
anmäler det till sekreteraren och kallar sin ersättare, om sådan finns.

4. {minutes_heading}
Vid varje möte förs {minutes}, som justeras av ordföranden och en vid mötet utsedd justerare senast två \
veckor efter mötet. Justerade {minutes_short} publiceras på samverkansportalen.

5. Beslut och rekommendationer
Organet strävar efter samsyn. {decisions}

6. Översyn
Arbetsordningen ses över minst en gång per år och när organets uppdrag förändras."""


@dataclass
class _Builder:
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    taken_names: set = field(default_factory=set)
    taken_slugs: set = field(default_factory=set)
    taken_emails: set = field(default_factory=set)
    pool: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    phone_serial: int = 0

    def __post_init__(self):
        self.term_start = _term_start(self.today)
        self.previous_term_start = self.term_start.replace(year=self.term_start.year - 4)
        self.previous_term_end = self.term_start - timedelta(days=1)

    # -- people ----------------------------------------------------------------------------------

    def reserve(self, first, last):
        self.taken_names.add((first, last))

    def new_name(self):
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if (first, last) not in self.taken_names:
                self.taken_names.add((first, last))
                return first, last

    def person(self, principal, title, first=None, last=None):
        if first is None:
            first, last = self.new_name()
        base = slugify(f"{first} {last}")
        slug, n = base, 2
        while slug in self.taken_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.taken_slugs.add(slug)
        base = f"{slugify(first)}.{slugify(last)}".replace("-", "")
        local, n = base, 2
        while (local, principal.pk) in self.taken_emails:  # Jönsson and Jonsson share an address otherwise
            local, n = f"{base}{n}", n + 1
        self.taken_emails.add((local, principal.pk))
        person = Person(
            first_name=first,
            last_name=last,
            slug=slug,
            title=title,
            employer=principal,
            email=f"{local}@{self.domains[principal.pk]}",
            phone=self.phone(),
        )
        return _save(person)

    def phone(self):
        """Numbers from the series PTS sets aside for fiction (0980-319 200–299, 070-174 06 05–99), unique for 195."""
        self.phone_serial += 1
        n, mobile = divmod(self.phone_serial, 2)
        if mobile:
            return f"070-174 06 {5 + n % 95:02d}"
        return f"0980-319 2{n % 100:02d}"

    def official(self, principal, title):
        """The one person holding `title` at `principal`, created the first time it is asked for."""
        key = (principal.pk, title)
        if key not in self.pool:
            self.pool[key] = self.person(principal, title)
        return self.pool[key]

    # -- dates -----------------------------------------------------------------------------------

    def days_ago(self, low, high):
        return self.today - timedelta(days=self.rng.randint(low, high))

    def rules_dates(self, overdue=False):
        """Adopted within the last year and due for review within the next; or past the review date."""
        if overdue:
            adopted = self.today - timedelta(days=self.rng.randint(430, 560))
        else:
            adopted = self.today - timedelta(days=self.rng.randint(20, 330))
        return adopted, adopted + timedelta(days=365)


def _term_start(today):
    """1 January of the current four-year term of office (terms start 2023, 2027, …)."""
    year = today.year - (today.year - 2023) % 4
    return date(year, 1, 1)


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _rules(name, composition, frequency, *, political=False, notes=False, decides=False, period=None, notice=7):
    if notes:
        minutes, short, heading = "minnesanteckningar", "minnesanteckningar", "Minnesanteckningar"
    else:
        minutes, short, heading = "protokoll", "protokoll", "Protokoll"
    if decides:
        decisions = "Organet fattar beslut inom sitt mandat; övriga frågor lämnas som förslag i rapporteringsvägen."
    else:
        decisions = (
            "Organet beslutar inte för huvudmännens räkning. Ställningstaganden lämnas som rekommendationer till "
            "huvudmännen, som var och en fattar beslut i egen ordning och återrapporterar beslutet."
        )
    return RULES.format(
        name=name,
        composition=composition,
        period=period or ("mandatperioden" if political else "två år i taget"),
        frequency=frequency,
        notice=notice,
        minutes=minutes,
        minutes_short=short,
        minutes_heading=heading,
        decisions=decisions,
    )


def _membership(body, person, role, start, *, principal=None, party="", end=None, substitute_for=None):
    return _save(
        Membership(
            body=body,
            person=person,
            role=role,
            principal=principal or person.employer,
            party=party,
            start=start,
            end=end,
            substitute_for=substitute_for,
        )
    )


def _user(username, person, *, superuser=False):
    user = get_user_model()(
        username=username,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.set_password(DEMO_PASSWORD)
    _save(user)
    person.user = user
    _save(person)
    return user


class DemoExists(Exception):
    """The demo county (or one of its logins) is already in the database."""


@transaction.atomic
def build_demo(today=None) -> Area:
    """Create the demo county with its principals, bodies, people, memberships and logins."""
    today = today or timezone.localdate()
    if Area.objects.filter(slug=DEMO_AREA_SLUG).exists():
        raise DemoExists(f"Demolänet (samverkansområdet ”{DEMO_AREA_SLUG}”) finns redan.")
    usernames = [username for username, _description in DEMO_LOGINS]
    clash = list(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
    if clash:
        raise DemoExists(f"Det finns redan inloggningar med demolänets användarnamn: {', '.join(sorted(clash))}.")

    with paused():  # the demo's past is built in bulk; the index is built once at the end
        area = _build(today)
    reindex_all()
    return area


def _build(today) -> Area:
    b = _Builder(today)
    area = _save(
        Area(
            name="Samverkan Norrlanda län",
            slug=DEMO_AREA_SLUG,
            county="Norrlanda län",
            description=(
                "Samverkan mellan Region Norrlanda och länets åtta kommuner inom hälsa, vård, omsorg och "
                "social välfärd. Kommunerna samordnas genom Norrlandas kommunalförbund. Samverkansstrukturen "
                "leds politiskt av Kommun- och regionledningsforum (KRF) och bereds av Chefsgrupp hälsa och "
                "välfärd (CGH). Länet är påhittat och används som demonstration."
            ),
        )
    )

    def principal(name, slug, domain, kind):
        # Every principal has a registry for dispatches except the association, so the warning shows in the demo.
        registry = "" if kind == Principal.Kind.ASSOCIATION else f"registrator@{domain}"
        p = _save(
            Principal(
                area=area, name=name, slug=slug, kind=kind, website=f"https://www.{domain}", registry_address=registry
            )
        )
        b.domains[p.pk] = domain
        return p

    region = principal(*REGION)
    kf = principal(*ASSOCIATION)
    munis = {}
    for short in MUNICIPALITIES:
        domain = slugify(short).replace("-", "") + ".example"
        munis[short] = principal(f"{short} kommun", slugify(short), domain, Principal.Kind.MUNICIPALITY)

    # The people behind the logins have fixed names so the demo is easy to talk about.
    login_people = {
        "admin": ("Elin", "Holmgren", region, "Systemförvaltare"),
        "koordinator": ("Karin", "Sjöberg", kf, "Regional samverkanskoordinator"),
        "sekreterare": ("Johan", "Lindqvist", kf, "Processledare"),
        "ledamot": ("Maria", "Eklund", munis["Storsjöhamn"], "Kommunstyrelsens ordförande"),
        "kontakt": ("Anders", "Nyström", munis["Älvby"], "Kommunsekreterare"),
    }
    for first, last, _org, _title in login_people.values():
        b.reserve(first, last)
    people = {key: b.person(org, title, first, last) for key, (first, last, org, title) in login_people.items()}

    bodies = _create_bodies(b, area, region, kf, munis)
    _political_forum(b, bodies["krf"], region, kf, munis, people)
    _officials(b, bodies, region, kf, munis, people)

    _user("admin", people["admin"], superuser=True)
    coordinator = _user("koordinator", people["koordinator"])
    _save(Role(user=coordinator, kind=Role.Kind.COORDINATOR, area=area))
    secretary = _user("sekreterare", people["sekreterare"])
    _save(Role(user=secretary, kind=Role.Kind.SECRETARY, body=bodies["cgh"]))
    _user("ledamot", people["ledamot"])
    contact = _user("kontakt", people["kontakt"])
    _save(Role(user=contact, kind=Role.Kind.CONTACT, principal=munis["Älvby"]))
    # After the logins, so that a member with a login signs the minutes as that user.
    build_meetings(today, bodies, clerk=coordinator)
    add_followthrough(area, today)
    add_participation(area, coordinator, _user)
    add_agreements(area, today)
    add_survey(area, today)
    add_goals(area, today)
    return area


# ---------------------------------------------------------------------------------------------------
# Bodies


def _create_bodies(b, area, region, kf, munis):
    bodies = {}

    def body(
        key,
        name,
        abbreviation,
        *,
        level,
        kind,
        tier=Body.Tier.REGIONAL,
        host,
        reports_to=None,
        prepared_by=None,
        charter="",
        mandate="",
        reporting_route="",
        rules,
        overdue=False,
        established,
        dissolved=None,
        authority=Body.Authority.RECOMMENDS,
        numbering=Body.Numbering.PER_MEETING,
        visibility=Visibility.PUBLIC,
    ):
        adopted, review = b.rules_dates(overdue)
        if dissolved:
            adopted, review = dissolved - timedelta(days=500), dissolved - timedelta(days=135)
        bodies[key] = _save(
            Body(
                area=area,
                name=name,
                abbreviation=abbreviation,
                slug=slugify(name),
                level=level,
                tier=tier,
                kind=kind,
                reports_to=bodies.get(reports_to),
                prepared_by=bodies.get(prepared_by),
                host_principal=host,
                charter=charter,
                mandate=mandate,
                reporting_route=reporting_route,
                authority=authority,
                rules_of_procedure=rules,
                rules_adopted=adopted,
                rules_next_review=review,
                numbering=numbering,
                established=established,
                dissolved=dissolved,
                visibility=visibility,
            )
        )
        return bodies[key]

    L, K = Body.Level, Body.Kind
    body(
        "cgh",
        "Chefsgrupp hälsa och välfärd",
        "CGH",
        level=L.OFFICIALS,
        kind=K.PREPARATORY_GROUP,
        host=kf,
        established=date(2015, 9, 1),
        authority=Body.Authority.DECIDES,
        numbering=Body.Numbering.CONTINUOUS,
        charter=(
            "Chefsgruppen bereder samtliga ärenden inför Kommun- och regionledningsforum (KRF) och leder och "
            "samordnar länets strategiska och taktiska grupper. Gruppen ska identifiera gemensamma "
            "utvecklingsbehov, ge uppdrag till underliggande grupper och följa upp att uppdragen återrapporteras."
        ),
        mandate=(
            "Chefsgruppen beslutar om uppdrag till underliggande grupper och om fördelning av gemensamma "
            "utvecklingsmedel upp till 500 000 kronor per ärende. Frågor som kräver huvudmännens ställningstagande "
            "lämnas som förslag till KRF."
        ),
        reporting_route="Rapporterar till Kommun- och regionledningsforum (KRF).",
        rules=_rules(
            "Chefsgrupp hälsa och välfärd",
            "Socialchefen i varje kommun, hälso- och sjukvårdsdirektören i Region Norrlanda och förbundsdirektören "
            "i Norrlandas kommunalförbund. Kommunalförbundet svarar för sekreterare och processtöd.",
            "tio gånger per år, två veckor före varje möte i KRF",
            decides=True,
        ),
    )
    body(
        "krf",
        "Kommun- och regionledningsforum",
        "KRF",
        level=L.POLITICAL,
        kind=K.FORUM,
        host=kf,
        prepared_by="cgh",
        established=date(2015, 3, 1),
        numbering=Body.Numbering.CONTINUOUS,
        charter=(
            "KRF är den politiska arenan för samverkan mellan Region Norrlanda och länets kommuner inom hälsa, "
            "vård, omsorg och social välfärd. Forumet ska ge gemensam politisk inriktning, följa upp "
            "överenskommelser mellan huvudmännen och ta ställning till rekommendationer till huvudmännen."
        ),
        mandate=(
            "KRF har inget eget beslutsmandat över huvudmännen. Forumet kan enas om rekommendationer som "
            "därefter beslutas av varje huvudman i egen ordning. Forumet ger uppdrag till Chefsgrupp hälsa och "
            "välfärd."
        ),
        reporting_route=(
            "Ledamöterna rapporterar till sin egen huvudmans kommunstyrelse respektive regionstyrelse. "
            "Rekommendationer skickas till samtliga huvudmän för beslut och beslutsstatus publiceras gemensamt."
        ),
        rules=_rules(
            "Kommun- och regionledningsforum",
            "En ordinarie ledamot och en ersättare från varje kommun samt två ordinarie ledamöter och två "
            "ersättare från Region Norrlanda. Förbundsdirektören i Norrlandas kommunalförbund är adjungerad.",
            "fem gånger per år",
            political=True,
            notice=10,
        ),
    )
    bodies["cgh"].reports_to = bodies["krf"]
    _save(bodies["cgh"])

    strategic = "Gruppen är strategisk och arbetar på uppdrag av Chefsgrupp hälsa och välfärd (CGH)."
    body(
        "sg_bou",
        "Strategisk grupp barn och unga",
        "SG BoU",
        level=L.OFFICIALS,
        kind=K.STEERING_GROUP,
        host=kf,
        reports_to="cgh",
        established=date(2016, 1, 1),
        charter=(
            "Gruppen ska driva utvecklingen av samordnade insatser för barn och unga i länet, med särskilt fokus "
            "på tidiga insatser, psykisk hälsa och skolnärvaro. " + strategic
        ),
        mandate=(
            "Gruppen prioriterar och beställer utvecklingsarbete inom området och ger uppdrag till Taktisk grupp "
            "barn och unga. Förslag som kräver huvudmännens beslut lämnas till CGH."
        ),
        reporting_route="Rapporterar till CGH. Minnesanteckningar delges CGH inför varje möte.",
        rules=_rules(
            "Strategisk grupp barn och unga",
            "Förvaltningscheferna för barn och utbildning i kommunerna och verksamhetscheferna för barn- och "
            "ungdomspsykiatrin och primärvården i regionen.",
            "sex gånger per år",
            notes=True,
        ),
    )
    body(
        "sg_vo",
        "Strategisk grupp vård och omsorg",
        "SG VO",
        level=L.OFFICIALS,
        kind=K.STEERING_GROUP,
        host=kf,
        reports_to="cgh",
        established=date(2016, 1, 1),
        charter=(
            "Gruppen ska leda omställningen till en god och nära vård för äldre och personer med kroniska "
            "sjukdomar, och följa upp länsgemensamma överenskommelser om hemsjukvård och utskrivning från "
            "slutenvård. " + strategic
        ),
        mandate=(
            "Gruppen beslutar om inriktning för det länsgemensamma arbetet inom vård och omsorg och ger uppdrag "
            "till Taktisk grupp äldre."
        ),
        reporting_route="Rapporterar till CGH.",
        rules=_rules(
            "Strategisk grupp vård och omsorg",
            "Förvaltningscheferna för vård och omsorg i kommunerna och verksamhetscheferna för geriatrik och "
            "primärvård i regionen.",
            "sex gånger per år",
            notes=True,
        ),
    )
    body(
        "sg_ph",
        "Strategisk grupp psykisk hälsa",
        "SG PH",
        level=L.OFFICIALS,
        kind=K.STEERING_GROUP,
        host=region,
        reports_to="cgh",
        established=date(2017, 5, 15),
        charter=(
            "Gruppen ska samordna länets arbete med psykisk hälsa och suicidprevention och ta fram en "
            "länsgemensam handlingsplan som följs upp årligen. " + strategic
        ),
        mandate=(
            "Gruppen fastställer den årliga handlingsplanen inom ramen för den överenskommelse som huvudmännen "
            "har antagit. Kommunerna företräds av fyra socialchefer enligt ett rullande schema."
        ),
        reporting_route="Rapporterar till CGH två gånger per år.",
        rules=_rules(
            "Strategisk grupp psykisk hälsa",
            "Fyra socialchefer enligt rullande schema och verksamhetscheferna för vuxenpsykiatri och barn- och "
            "ungdomspsykiatri i regionen.",
            "fyra gånger per år",
            notes=True,
        ),
    )
    tactical = "Gruppen är taktisk och omsätter den strategiska gruppens inriktning i konkreta aktiviteter."
    body(
        "tg_aldre",
        "Taktisk grupp äldre",
        "TG Ä",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=kf,
        reports_to="sg_vo",
        established=date(2018, 2, 1),
        charter=(
            "Gruppen ska samordna det praktiska arbetet med trygg och effektiv utskrivning, hemsjukvård och "
            "läkemedelsgenomgångar för äldre. " + tactical
        ),
        mandate="Gruppen beslutar om gemensamma rutiner på verksamhetsnivå inom ramen för gällande överenskommelser.",
        reporting_route="Rapporterar till Strategisk grupp vård och omsorg.",
        rules=_rules(
            "Taktisk grupp äldre",
            "Medicinskt ansvariga sjuksköterskor i kommunerna och verksamhetschefen för geriatrik i regionen.",
            "åtta gånger per år",
            notes=True,
            decides=True,
        ),
        authority=Body.Authority.DECIDES,
    )
    body(
        "tg_bou",
        "Taktisk grupp barn och unga",
        "TG BoU",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=kf,
        reports_to="sg_bou",
        established=date(2018, 2, 1),
        charter=(
            "Gruppen ska samordna elevhälsa, barnhälsovård och barn- och ungdomspsykiatri kring barn med "
            "sammansatta behov och följa upp användningen av samordnad individuell plan (SIP). " + tactical
        ),
        mandate="Gruppen beslutar om gemensamma arbetssätt och utbildningsinsatser på verksamhetsnivå.",
        reporting_route="Rapporterar till Strategisk grupp barn och unga.",
        rules=_rules(
            "Taktisk grupp barn och unga",
            "Verksamhetschefer för elevhälsan i kommunerna och enhetschefen för barn- och ungdomshälsan i regionen.",
            "sex gånger per år",
            notes=True,
            decides=True,
        ),
        authority=Body.Authority.DECIDES,
    )
    body(
        "tg_ehalsa",
        "Taktisk grupp e-hälsa",
        "TG eH",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=region,
        reports_to="cgh",
        established=date(2019, 9, 1),
        overdue=True,
        charter=(
            "Gruppen ska samordna införandet av digitala tjänster som berör både region och kommuner, bland "
            "annat gemensam informationsöverföring vid utskrivning och digitala vårdmöten i hemmet."
        ),
        mandate="Gruppen lämnar förslag till CGH om gemensamma investeringar och beslutar om tidplaner för införanden.",
        reporting_route="Rapporterar till CGH.",
        rules=_rules(
            "Taktisk grupp e-hälsa",
            "Chefen för e-hälsa i regionen och digitaliseringsstrateger från fyra kommuner.",
            "sex gånger per år",
            notes=True,
        ),
    )
    body(
        "ag_sip",
        "Arbetsgrupp samordnad individuell plan",
        "AG SIP",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=kf,
        reports_to="tg_bou",
        established=date(2020, 3, 1),
        charter=(
            "Arbetsgruppen ska revidera den länsgemensamma riktlinjen för samordnad individuell plan (SIP), "
            "ta fram utbildningsmaterial och följa upp hur många SIP som upprättas per kommun."
        ),
        mandate="Arbetsgruppen tar fram förslag; riktlinjen fastställs av Taktisk grupp barn och unga.",
        reporting_route="Rapporterar till Taktisk grupp barn och unga.",
        rules=_rules(
            "Arbetsgrupp samordnad individuell plan",
            "Utsedda representanter från elevhälsan, socialtjänsten och regionens barn- och ungdomshälsa.",
            "vid behov, minst fyra gånger per år",
            notes=True,
        ),
    )
    body(
        "ag_utskrivning",
        "Arbetsgrupp trygg och effektiv utskrivning",
        "AG TEU",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=region,
        reports_to="tg_aldre",
        established=date(2018, 1, 1),
        charter=(
            "Arbetsgruppen ska följa upp ledtider vid utskrivning från slutenvård, analysera avvikelser och "
            "föreslå förbättringar av den gemensamma rutinen."
        ),
        mandate="Arbetsgruppen tar fram underlag och förslag; den beslutar inte själv.",
        reporting_route="",  # deliberately missing: shows up in the charter-health overview
        rules=_rules(
            "Arbetsgrupp trygg och effektiv utskrivning",
            "Medicinskt ansvariga sjuksköterskor från fyra kommuner och verksamhetschefen för geriatrik.",
            "varannan månad",
            notes=True,
        ),
    )
    body(
        "nw_folkhalsa",
        "Nätverk för folkhälsostrateger",
        "",
        level=L.OFFICIALS,
        kind=K.NETWORK,
        host=region,
        reports_to="sg_ph",
        established=date(2014, 10, 1),
        charter=(
            "Nätverket är ett forum för erfarenhetsutbyte och kompetensutveckling mellan kommunernas och "
            "regionens folkhälsostrateger, och samordnar länets gemensamma folkhälsodagar."
        ),
        mandate="",  # deliberately missing
        reporting_route="Rapporterar till Strategisk grupp psykisk hälsa.",
        rules=_rules(
            "Nätverk för folkhälsostrateger",
            "Folkhälsostrategerna i kommunerna och folkhälsoutvecklaren i regionen.",
            "fyra gånger per år",
            notes=True,
        ),
    )
    body(
        "nw_mas",
        "Nätverk för medicinskt ansvariga sjuksköterskor",
        "MAS-nätverket",
        level=L.OFFICIALS,
        kind=K.NETWORK,
        host=kf,
        reports_to="tg_aldre",
        established=date(2014, 10, 1),
        charter=(
            "Nätverket samordnar patientsäkerhetsarbetet i den kommunala hälso- och sjukvården och bereder "
            "frågor om läkemedelshantering och delegering inför Taktisk grupp äldre."
        ),
        mandate="Nätverket kan anta gemensamma lokala rutiner inom patientsäkerhet.",
        reporting_route="Rapporterar till Taktisk grupp äldre.",
        rules=_rules(
            "Nätverk för medicinskt ansvariga sjuksköterskor",
            "De medicinskt ansvariga sjuksköterskorna i kommunerna och regionens chefläkare.",
            "sex gånger per år",
            notes=True,
            decides=True,
        ),
        authority=Body.Authority.DECIDES,
    )
    body(
        "projekt",
        "Projektstyrgrupp Nära vård i Norrlanda",
        "PSG Nära vård",
        level=L.OFFICIALS,
        kind=K.PROJECT,
        host=region,
        reports_to="cgh",
        established=b.today - timedelta(days=540),
        authority=Body.Authority.DECIDES,
        charter=(
            "Styrgruppen leder projektet Nära vård i Norrlanda, som under tre år ska pröva gemensamma mobila "
            "team för multisjuka äldre i två pilotkommuner och sprida arbetssättet till hela länet."
        ),
        mandate=(
            "Styrgruppen beslutar om projektplan, budget inom beviljade medel och förändringar i tidplan. "
            "Förlängning eller utökning av projektet beslutas av CGH."
        ),
        reporting_route="Rapporterar till CGH efter varje projektfas och i en slutrapport.",
        rules=_rules(
            "Projektstyrgrupp Nära vård i Norrlanda",
            "Verksamhetschefen för primärvård i regionen och förvaltningscheferna för vård och omsorg i "
            "pilotkommunerna. Projektledaren är adjungerad.",
            "en gång i månaden",
            decides=True,
            period="projekttiden",
        ),
    )
    body(
        "bg_ekonomi",
        "Beredningsgrupp för ekonomi",
        "BGE",
        level=L.MIXED,
        kind=K.PREPARATORY_GROUP,
        host=region,
        reports_to="krf",
        established=date(2019, 1, 1),
        visibility=Visibility.INTERNAL,
        charter=(
            "Beredningsgruppen bereder frågor om kostnadsfördelning mellan huvudmännen, gemensamt finansierade "
            "verksamheter och prisjusteringar i länsgemensamma avtal inför KRF."
        ),
        mandate="Beredningsgruppen lämnar förslag till KRF och fattar inga egna beslut.",
        reporting_route="Rapporterar till KRF genom ordföranden.",
        rules=_rules(
            "Beredningsgrupp för ekonomi",
            "Två politiker ur KRF, regionens ekonomidirektör och ekonomichefer från två kommuner.",
            "fyra gånger per år inför budgetarbetet",
        ),
    )
    body(
        "fg_hjalpmedel",
        "Förhandlingsgrupp hjälpmedelsavtal",
        "",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=region,
        reports_to="bg_ekonomi",
        established=b.today - timedelta(days=300),
        visibility=Visibility.INTERNAL,
        charter=(
            "Förhandlingsgruppen ska ta fram ett förslag till nytt avtal om länsgemensam hjälpmedelsverksamhet, "
            "inklusive prismodell och kostnadsfördelning mellan kommunerna."
        ),
        mandate="Förhandlingsgruppen förhandlar inom de ramar som Beredningsgrupp för ekonomi har angett.",
        reporting_route="Rapporterar till Beredningsgrupp för ekonomi.",
        rules=_rules(
            "Förhandlingsgrupp hjälpmedelsavtal",
            "Hjälpmedelschefen och en upphandlare i regionen samt en ekonomichef och en förvaltningschef från "
            "kommunerna.",
            "vid behov",
            notes=True,
        ),
    )
    dissolved = b.today - timedelta(days=420)
    body(
        "pandemi",
        "Samordningsgrupp för pandemiberedskap",
        "",
        level=L.OFFICIALS,
        kind=K.WORKING_GROUP,
        host=region,
        reports_to="cgh",
        established=dissolved - timedelta(days=1100),
        dissolved=dissolved,
        charter=(
            "Gruppen samordnade regionens och kommunernas arbete med skyddsutrustning, provtagning och "
            "vaccination under pandemin."
        ),
        mandate="Gruppen beslutade om gemensam fördelning av skyddsutrustning och provtagningskapacitet.",
        reporting_route="Rapporterade till CGH.",
        rules=_rules(
            "Samordningsgrupp för pandemiberedskap",
            "Smittskyddsläkaren i regionen och beredskapssamordnare från kommunerna.",
            "varje vecka under den mest intensiva perioden, därefter vid behov",
            notes=True,
            decides=True,
        ),
        authority=Body.Authority.DECIDES,
    )

    for short, muni in munis.items():
        gaps = short == "Tallmo"  # deliberately without mandate and reporting route
        name = f"Lokal samverkansgrupp {short}"
        body(
            f"lokal_{slugify(short)}",
            name,
            f"LSG {short}",
            level=L.OFFICIALS,
            kind=K.COUNCIL,
            tier=Body.Tier.LOCAL,
            host=muni,
            reports_to="cgh",
            established=date(2017, 1, 1),
            overdue=short == "Mossträsk",
            charter=(
                f"Gruppen ska samordna vård, omsorg, skola och socialtjänst för invånarna i {short} kommun, "
                f"omsätta länsgemensamma överenskommelser lokalt och fånga upp frågor som behöver lyftas till "
                f"länsnivå."
            ),
            mandate=""
            if gaps
            else (
                "Gruppen beslutar om lokala rutiner och arbetssätt mellan kommunen och regionens verksamheter i "
                "kommunen."
            ),
            reporting_route="" if gaps else (f"Rapporterar till CGH och till kommunstyrelsen i {short} kommun."),
            rules=_rules(
                name,
                f"Förvaltningscheferna i {short} kommun och områdeschefen för primärvården i regionen.",
                "fyra gånger per år",
                notes=True,
                decides=True,
            ),
            authority=Body.Authority.DECIDES,
        )
    return bodies


# ---------------------------------------------------------------------------------------------------
# Memberships


def _political_forum(b, krf, region, kf, munis, people):
    start = b.term_start
    p = b.person
    chair = p(region, "Regionråd, regionstyrelsens ordförande")
    _membership(krf, chair, R.CHAIR, start, party=Party.S)
    sub = p(region, "Regionråd")
    _membership(krf, sub, R.SUBSTITUTE, start, party=Party.S, substitute_for=chair)
    opposition = p(region, "Oppositionsråd")
    _membership(krf, opposition, R.MEMBER, start, party=Party.M)
    sub = p(region, "Regionstyrelsens andre vice ordförande")
    _membership(krf, sub, R.SUBSTITUTE, start, party=Party.SD, substitute_for=opposition)
    b.pool[(region.pk, "krf-chair")] = chair

    for short, muni in munis.items():
        member_party, substitute_party = KRF_PARTIES[short]
        if short == "Storsjöhamn":
            member = people["ledamot"]
        else:
            member = p(muni, "Kommunstyrelsens ordförande")
        role = R.VICE_CHAIR if short == "Älvby" else R.MEMBER
        if short == "Hedvalla":
            # The previous term's representatives: ended memberships.
            before, after = b.previous_term_start, b.previous_term_end
            former = p(muni, "Tidigare kommunstyrelsens ordförande")
            _membership(krf, former, R.MEMBER, before, end=after, party=Party.S)
            former_sub = p(muni, "Kommunfullmäktiges ordförande")
            _membership(krf, former_sub, R.SUBSTITUTE, before, end=after, party=Party.SD, substitute_for=former)
        _membership(krf, member, role, start, party=member_party)
        title = "Oppositionsråd" if substitute_party != member_party else "Kommunstyrelsens vice ordförande"
        sub = p(muni, title)
        _membership(krf, sub, R.SUBSTITUTE, start, party=substitute_party, substitute_for=member)

    _membership(krf, b.official(kf, "Kanslichef"), R.SECRETARY, start)
    _membership(krf, people["koordinator"], R.PROCESS_SUPPORT, start)
    _membership(krf, b.official(kf, "Förbundsdirektör"), R.CO_OPTED, start)


def _seat_all(body, chair, vice_chair, members, start):
    _membership(body, chair, R.CHAIR, start)
    _membership(body, vice_chair, R.VICE_CHAIR, start)
    for person in members:
        _membership(body, person, R.MEMBER, start)


def _officials(b, bodies, region, kf, munis, people):
    o = b.official
    socialchef = {short: o(muni, "Socialchef") for short, muni in munis.items()}
    skolchef = {short: o(muni, "Förvaltningschef barn och utbildning") for short, muni in munis.items()}
    vo_chef = {short: o(muni, "Förvaltningschef vård och omsorg") for short, muni in munis.items()}
    mas = {short: o(muni, "Medicinskt ansvarig sjuksköterska (MAS)") for short, muni in munis.items()}
    folkhalsa = {short: o(muni, "Folkhälsostrateg") for short, muni in munis.items()}
    hsd = o(region, "Hälso- och sjukvårdsdirektör")
    bup = o(region, "Verksamhetschef barn- och ungdomspsykiatri")
    primarvard = o(region, "Verksamhetschef primärvård")
    geriatrik = o(region, "Verksamhetschef geriatrik")
    psykiatri = o(region, "Verksamhetschef vuxenpsykiatri")
    developers = [
        o(kf, f"Utvecklingsledare {topic}") for topic in ("barn och unga", "vård och omsorg", "psykisk hälsa")
    ]
    fou = o(kf, "FoU-ledare")

    # Chefsgrupp: the chair changed eight months ago when the former director retired.
    cgh = bodies["cgh"]
    changed = b.today - timedelta(days=240)
    former = b.person(region, "Senior rådgivare")
    _membership(cgh, former, R.CHAIR, date(2019, 3, 1), end=changed - timedelta(days=1))
    _membership(cgh, hsd, R.CHAIR, changed)
    start = b.days_ago(600, 900)
    _membership(cgh, socialchef["Granvik"], R.VICE_CHAIR, start)
    for short, person in socialchef.items():
        if short != "Granvik":
            _membership(cgh, person, R.MEMBER, start)
    _membership(cgh, o(kf, "Förbundsdirektör"), R.MEMBER, start)
    _membership(cgh, people["sekreterare"], R.SECRETARY, start)
    _membership(cgh, people["koordinator"], R.PROCESS_SUPPORT, start)
    _membership(cgh, fou, R.CO_OPTED, b.days_ago(60, 200))

    # Strategic groups.
    sg = bodies["sg_bou"]
    start = b.days_ago(500, 1200)
    left = b.today - timedelta(days=150)
    former = b.person(munis["Björkås"], "Rektor")
    _membership(sg, former, R.MEMBER, start, end=left - timedelta(days=1))
    _membership(sg, skolchef["Björkås"], R.MEMBER, left)
    _seat_all(
        sg, skolchef["Älvby"], bup, [skolchef[s] for s in munis if s not in ("Älvby", "Björkås")] + [primarvard], start
    )
    _membership(sg, developers[0], R.PROCESS_SUPPORT, start)
    _membership(sg, fou, R.CO_OPTED, start)

    start = b.days_ago(500, 1200)
    _seat_all(
        bodies["sg_vo"],
        geriatrik,
        vo_chef["Hedvalla"],
        [vo_chef[s] for s in munis if s != "Hedvalla"] + [primarvard],
        start,
    )
    _membership(bodies["sg_vo"], developers[1], R.PROCESS_SUPPORT, start)

    start = b.days_ago(300, 700)
    rotating = ["Älvby", "Mossträsk", "Hedvalla", "Tallmo"]
    _seat_all(
        bodies["sg_ph"],
        psykiatri,
        socialchef["Mossträsk"],
        [socialchef[s] for s in rotating if s != "Mossträsk"] + [bup],
        start,
    )
    _membership(bodies["sg_ph"], developers[2], R.PROCESS_SUPPORT, start)

    # Tactical groups, working groups and networks.
    start = b.days_ago(400, 900)
    _seat_all(bodies["tg_aldre"], mas["Älvby"], geriatrik, [mas[s] for s in munis if s != "Älvby"], start)
    _membership(bodies["tg_aldre"], developers[1], R.PROCESS_SUPPORT, start)

    elevhalsa = {s: o(munis[s], "Verksamhetschef elevhälsa") for s in ("Älvby", "Granvik", "Lillfors", "Tallmo")}
    bhv = o(region, "Enhetschef barn- och ungdomshälsa")
    start = b.days_ago(400, 900)
    _seat_all(
        bodies["tg_bou"],
        bhv,
        elevhalsa["Granvik"],
        [elevhalsa["Älvby"], elevhalsa["Lillfors"], elevhalsa["Tallmo"]],
        start,
    )
    _membership(bodies["tg_bou"], developers[0], R.PROCESS_SUPPORT, start)

    digital = {s: o(munis[s], "Digitaliseringsstrateg") for s in ("Älvby", "Björkås", "Storsjöhamn", "Hedvalla")}
    start = b.days_ago(400, 900)
    _seat_all(
        bodies["tg_ehalsa"],
        o(region, "Chef för e-hälsa"),
        digital["Björkås"],
        [digital["Älvby"], digital["Storsjöhamn"], digital["Hedvalla"]],
        start,
    )
    _membership(bodies["tg_ehalsa"], people["koordinator"], R.PROCESS_SUPPORT, start)

    start = b.days_ago(200, 600)
    _seat_all(
        bodies["ag_sip"],
        developers[0],
        elevhalsa["Tallmo"],
        [bhv, o(munis["Lillfors"], "Enhetschef individ- och familjeomsorg")],
        start,
    )

    start = b.days_ago(200, 600)
    _seat_all(
        bodies["ag_utskrivning"],
        mas["Hedvalla"],
        o(region, "Vårdenhetschef, medicinavdelningen"),
        [mas["Granvik"], mas["Mossträsk"], geriatrik],
        start,
    )

    start = b.days_ago(300, 1500)
    folkhalsoutvecklare = o(region, "Folkhälsoutvecklare")
    _seat_all(
        bodies["nw_folkhalsa"],
        folkhalsoutvecklare,
        folkhalsa["Lillfors"],
        [person for s, person in folkhalsa.items() if s != "Lillfors"],
        start,
    )

    start = b.days_ago(300, 1500)
    _seat_all(
        bodies["nw_mas"],
        mas["Granvik"],
        mas["Tallmo"],
        [person for s, person in mas.items() if s not in ("Granvik", "Tallmo")] + [o(region, "Chefläkare")],
        start,
    )

    projekt = bodies["projekt"]
    start = projekt.established
    _seat_all(projekt, primarvard, vo_chef["Storsjöhamn"], [vo_chef["Lillfors"], o(kf, "Förbundsdirektör")], start)
    _membership(projekt, o(region, "Projektledare Nära vård"), R.SECRETARY, start)
    _membership(projekt, o(region, "Hälsoekonom"), R.CO_OPTED, start)

    # Internal bodies: most of their members appear in no public body at all.
    bge = bodies["bg_ekonomi"]
    start = b.days_ago(300, 700)
    ekonomichef_alvby = o(munis["Älvby"], "Ekonomichef")
    _membership(bge, b.pool[(region.pk, "krf-chair")], R.CHAIR, start, party=Party.S)
    _membership(bge, o(region, "Ekonomidirektör"), R.VICE_CHAIR, start)
    _membership(bge, people["ledamot"], R.MEMBER, start, party=Party.C)
    _membership(bge, ekonomichef_alvby, R.MEMBER, start)
    _membership(bge, o(munis["Granvik"], "Ekonomichef"), R.MEMBER, start)
    _membership(bge, o(region, "Controller"), R.SECRETARY, start)

    fg = bodies["fg_hjalpmedel"]
    start = fg.established
    _seat_all(
        fg, o(region, "Hjälpmedelschef"), ekonomichef_alvby, [o(region, "Upphandlare"), vo_chef["Hedvalla"]], start
    )

    # The dissolved body: everyone's membership ended with it.
    pandemi = bodies["pandemi"]
    start, end = pandemi.established, pandemi.dissolved
    _membership(pandemi, o(region, "Smittskyddsläkare"), R.CHAIR, start, end=end)
    _membership(pandemi, mas["Älvby"], R.VICE_CHAIR, start, end=end)
    for short in ("Granvik", "Mossträsk", "Hedvalla"):
        _membership(pandemi, o(munis[short], "Beredskapssamordnare"), R.MEMBER, start, end=end)

    # Local groups: the municipality's chiefs and the region's primary-care area chief.
    area_chiefs = {}
    for short in munis:
        part = PRIMARY_CARE_AREAS[short]
        if part not in area_chiefs:
            area_chiefs[part] = o(region, f"Områdeschef primärvård {part} Norrlanda")
        body = bodies[f"lokal_{slugify(short)}"]
        start = b.days_ago(200, 1200)
        _seat_all(body, socialchef[short], area_chiefs[part], [skolchef[short], vo_chef[short]], start)
        if short == "Älvby":
            _membership(body, people["kontakt"], R.SECRETARY, start)
        else:
            _membership(body, folkhalsa[short], R.PROCESS_SUPPORT, start)
