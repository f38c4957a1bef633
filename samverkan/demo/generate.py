"""Generated data for the benchmark (issue 11): years of a county's collaboration, or a nation of them.

`generate(scale, seed, areas, out)` fills an EMPTY database deterministically (one `random.Random(seed)` per
area, so `--areas 2` of the nation is the nation's first two areas) with the shapes of the demo county
(`county.py`, `meetings_year.py`, `followthrough.py`): principals, bodies of every kind (some internal, both
numbering styles, appealable joint committees and municipal associations), people with memberships per
four-year term, meetings with days, agendas (a share internal or confidential), attendance, signatories,
minutes locked with a stored `MinutesVersion`, notices, documents with text, matters, recommendations with
every principal's decision, and assignments.

Rows go in with `bulk_create` in batches, per body and year, so memory stays bounded; no history rows are
written (simple-history's `bulk_create_with_history` would double every insert, and generated data has no
changer to name). Every row satisfies the models' constraints and invariants (unique § numbers per body and
year, one chair per term, ordered dates, adjusted minutes signed and locked with version 1, notice after
locking), so every page renders; tests/test_generate.py checks rows with `full_clean()` and that the stored
versions equal what `snapshot.minutes_snapshot` reads. Each area is one transaction.

A version's content is built from the rows in hand by the snapshot's own shape functions (`snapshot.shape`,
`meeting_header`, `attendance_row`, `item_row`, `signatory_row`) as `snapshot.minutes_snapshot` reads it at the
moment the last signature locked the minutes (status "adjusted", no notice yet; notes lock when published),
rather than by reading every meeting back, which would cost a dozen queries per meeting.
"""

import hashlib
import random
import time as clock
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from samverkan.demo.county import FIRST_NAMES, LAST_NAMES
from samverkan.demo.meetings_year import (
    NEWS,
    OFFICIALS_TOPICS,
    OTHER_BUSINESS,
    POLITICAL_TOPICS,
    _format,
    seat_attendance,
)
from samverkan.demo.scales import DEFAULT_SEED, SCALES, Scale  # noqa: F401 (the names callers know)
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.lib.visibility import Visibility
from samverkan.meetings import snapshot
from samverkan.meetings.matters import Matter
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Invitation,
    Meeting,
    MeetingDay,
    MinutesVersion,
    Signatory,
)
from samverkan.search.index import reindex_all
from samverkan.structure.models import Area, Body, Membership, Person, Principal, Role

BATCH = 2000
PLANNED_AHEAD = 180  # days: the year plans reach this far past today

COUNTIES = [
    "Norrlanda", "Sydmark", "Västby", "Österland", "Mellanå", "Fjällmo", "Kustvik", "Skogsbo", "Sjölanda",
    "Bergslagen Norra", "Ådalen", "Slättbygd", "Holmö", "Älvdal", "Granmark", "Heden", "Lövsta", "Ekeby",
    "Strömsund", "Myrland", "Havsbaden",
]  # fmt: skip
TOWN_HEADS = ["Älv", "Gran", "Björk", "Stor", "Moss", "Lill", "Hed", "Tall", "Sjö", "Ek", "Berg", "Ås", "Lund", "Dal"]
TOWN_TAILS = ["by", "vik", "ås", "hamn", "träsk", "fors", "valla", "mo", "sund", "ryd", "köping", "berga", "torp"]
PARTIES = ["S", "M", "SD", "C", "V", "KD", "L", "MP"]

K = Body.Kind
# (kind, level, notes?, members per principal): the first body is the area's political forum, the second the chief
# officers' group preparing for it; the rest cycle through the kinds.
BODY_SHAPES = [
    (K.FORUM, Body.Level.POLITICAL, False, 2),
    (K.STEERING_GROUP, Body.Level.OFFICIALS, False, 2),
    (K.COUNCIL, Body.Level.MIXED, False, 2),
    (K.WORKING_GROUP, Body.Level.OFFICIALS, True, 1),
    (K.PREPARATORY_GROUP, Body.Level.OFFICIALS, False, 2),
    (K.NETWORK, Body.Level.OFFICIALS, True, 1),
    (K.JOINT_COMMITTEE, Body.Level.POLITICAL, False, 3),
    (K.PROJECT, Body.Level.OFFICIALS, True, 2),
    (K.MUNICIPAL_ASSOCIATION, Body.Level.POLITICAL, False, 3),
    (K.STEERING_GROUP, Body.Level.MIXED, False, 2),
]
SUBJECTS = [
    "hälsa och välfärd", "psykisk hälsa", "nära vård", "äldreomsorg", "barn och unga", "utskrivning",
    "folkhälsa", "kompetensförsörjning", "digitalisering", "funktionsstöd", "missbruk och beroende",
    "socialtjänst", "skolnärvaro", "läkemedel", "hjälpmedel", "kris och beredskap", "integration",
]  # fmt: skip
PER_YEAR = [4, 6, 8, 10, 10, 11, 12, 12, 14, 16]
ITEM_SHARE = {Visibility.INTERNAL: 0.07, Visibility.CONFIDENTIAL: 0.03}
CONFIDENTIAL_TITLE = "Personalärende"
INTERNAL_TITLE = "Budgetdialog inför nästa år"
DOCUMENT_TEXT = "Handlingen beskriver förslaget och dess konsekvenser för huvudmännen."
DOCUMENT_FILES = 8  # shared files under MEDIA_ROOT/generated/ that the documents point at
R = Membership.Role
I = AgendaItem  # noqa: E741
HELD = (Meeting.Status.HELD, Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)
LOCKED = (Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)


class NotEmpty(Exception):
    """The database already holds data; the generator fills only an empty one."""


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Counts(Counter):
    """Rows made per model name."""

    def add(self, model, rows):
        made = model.objects.bulk_create(rows, batch_size=BATCH)
        self[model.__name__] += len(made)
        return made


def check_empty():
    """Raise NotEmpty (a Swedish message) when the database already has areas, people or logins."""
    if Area.objects.exists() or Person.objects.exists() or get_user_model().objects.exists():
        raise NotEmpty(
            "Databasen är inte tom: generatorn fyller bara en tom databas (kör migrate på en ny databas). "
            "Inget ändrades."
        )


def generate(scale: Scale, *, seed: int = DEFAULT_SEED, today: date | None = None, out=None) -> Counts:
    """Fill the empty database with `scale.areas` areas; returns the rows made per model.

    Raises NotEmpty when anything is there. `today` (default: the local date) places the years: the last of
    them is this one, with its coming meetings planned. `out(line)` is told of each area as it is done.
    """
    check_empty()
    today = today or timezone.localdate()
    counts = Counts()
    _write_document_files()
    with transaction.atomic():
        admin = get_user_model().objects.create_superuser("bench-admin", "admin@bench.example", None)
    counts["User"] += 1
    for index in range(scale.areas):
        started = clock.perf_counter()
        with transaction.atomic():
            AreaBuilder(index, scale, random.Random(f"{seed}-{index}"), today, counts, admin).build()
        if out:
            out(f"  område {index + 1}/{scale.areas}: {clock.perf_counter() - started:.1f} s")
    # The rows above are bulk-inserted, which the search index's receivers do not see: it is built once here.
    started = clock.perf_counter()
    counts["SearchEntry"] += reindex_all()
    if out:
        out(f"  sökindex: {clock.perf_counter() - started:.1f} s")
    return counts


def _document_file(k):
    return f"generated/handling-{k}.pdf"


def _pdf_bytes(k):
    text = f"Handling {k}"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _write_document_files():
    """A few small PDFs that every generated document points at (deleting one such document in the app would
    remove the shared file; this is benchmark data)."""
    folder = Path(settings.MEDIA_ROOT) / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(DOCUMENT_FILES):
        path = folder / f"handling-{k}.pdf"
        if not path.exists():
            path.write_bytes(_pdf_bytes(k))


class AreaBuilder:
    """One area: structure first, then each body's years of meetings, then follow-through per body and year."""

    def __init__(self, index, scale, rng, today, counts, admin):
        self.index, self.scale, self.rng, self.today, self.counts, self.admin = index, scale, rng, today, counts, admin
        self.first_year = today.year - scale.years + 1
        self.serials = Counter()  # matter serial per year
        self.pdfs = [_pdf_bytes(k) for k in range(DOCUMENT_FILES)]

    # -- structure ------------------------------------------------------------------------------------------

    def build(self):
        name = COUNTIES[self.index % len(COUNTIES)] + ("" if self.index < len(COUNTIES) else f" {self.index}")
        self.area = Area.objects.create(
            name=f"Samverkan {name} län",
            slug=f"{slugify(name)}-{self.index + 1}" if self.index else slugify(name),
            county=f"{name} län",
            description=f"Samverkan mellan regionen och kommunerna i {name} län (genererade data).",
        )
        self.counts["Area"] += 1
        self._principals(name)
        self._people()
        self._bodies()
        self._memberships()
        self._logins()
        for body in self.bodies:
            body.invited = False
            for year in range(self.first_year, self.today.year + 2):
                self._year(body, year)

    def _principals(self, county):
        rows = [Principal(area=self.area, name=f"Region {county}", slug="region", kind=Principal.Kind.REGION)]
        towns = []
        while len(towns) < self.scale.principals - 2:
            town = self.rng.choice(TOWN_HEADS) + self.rng.choice(TOWN_TAILS)
            if town not in towns:
                towns.append(town)
        rows += [Principal(area=self.area, name=f"{t} kommun", slug=slugify(t), kind="municipality") for t in towns]
        rows.append(Principal(area=self.area, name=f"{county}s kommunalförbund", slug="forbundet", kind="association"))
        self.principals = self.counts.add(Principal, rows)

    def _people(self):
        """A pool per principal, about three people per seat in a term, so people sit in several bodies."""
        per_principal = max(12, self.scale.bodies * 6)
        rows = []
        for principal in self.principals:
            for n in range(per_principal):
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                rows.append(
                    Person(
                        first_name=first,
                        last_name=last,
                        slug=f"{slugify(first)}-{slugify(last)}-{self.index + 1}-{principal.pk}-{n}",
                        title=self.rng.choice(["Förvaltningschef", "Verksamhetschef", "Utvecklingsledare", "Ledamot"]),
                        employer=principal,
                        email=f"p{principal.pk}.{n}@bench.example",
                    )
                )
        self.people = {}
        for person in self.counts.add(Person, rows):
            self.people.setdefault(person.employer_id, []).append(person)

    def _bodies(self):
        rows = []
        region = self.principals[0]
        for n in range(self.scale.bodies):
            kind, level, notes, per = BODY_SHAPES[n % len(BODY_SHAPES)]
            subject = SUBJECTS[n % len(SUBJECTS)]
            label = {
                K.FORUM: "Kommun- och regionledningsforum",
                K.STEERING_GROUP: "Chefsgrupp",
                K.COUNCIL: "Råd för",
                K.WORKING_GROUP: "Arbetsgrupp",
                K.PREPARATORY_GROUP: "Beredningsgrupp",
                K.NETWORK: "Nätverk för",
                K.JOINT_COMMITTEE: "Gemensam nämnd för",
                K.PROJECT: "Projekt",
                K.MUNICIPAL_ASSOCIATION: "Förbundsstyrelse för",
            }[kind]
            name = (
                label if n == 0 else f"{label} {subject}" + (f" {n // len(SUBJECTS) + 1}" if n >= len(SUBJECTS) else "")
            )
            decides = kind in Body.APPEALABLE_KINDS
            body = Body(
                area=self.area,
                name=name,
                abbreviation=("KRF" if n == 0 else "".join(w[0] for w in name.split()[:3]).upper() + str(n)),
                slug=slugify(name) or f"organ-{n}",
                level=level,
                kind=kind,
                host_principal=region,
                charter=f"{name} samordnar arbetet med {subject} mellan huvudmännen.",
                mandate="Organet rekommenderar huvudmännen." if not decides else "Organet beslutar inom sitt mandat.",
                reporting_route="Till Kommun- och regionledningsforum.",
                authority=Body.Authority.DECIDES if decides else Body.Authority.RECOMMENDS,
                appealable=decides,
                rules_of_procedure=f"Arbetsordning för {name}.",
                rules_adopted=date(self.first_year, 1, 15),
                numbering=Body.Numbering.PER_MEETING if notes or n % 5 == 3 else Body.Numbering.CONTINUOUS,
                established=date(self.first_year - 1, 6, 1),
                visibility=Visibility.INTERNAL if n % 6 == 5 else Visibility.PUBLIC,
            )
            body.notes, body.per_principal = notes, per  # not fields: how the generator treats the body
            body.per_year = PER_YEAR[(n * 7) % len(PER_YEAR)] if n > 1 else 10
            rows.append(body)
        self.bodies = self.counts.add(Body, rows)
        for body, shape in zip(self.bodies, rows, strict=True):
            body.notes, body.per_principal, body.per_year = shape.notes, shape.per_principal, shape.per_year
        for n, body in enumerate(self.bodies[1:], start=1):
            body.reports_to = self.bodies[0] if n < 10 else self.bodies[n % 10]
        self.bodies[0].prepared_by = self.bodies[1] if len(self.bodies) > 1 else None
        Body.objects.bulk_update(self.bodies, ["reports_to", "prepared_by"], batch_size=BATCH)

    def _terms(self):
        """Four-year terms of office (2015, 2019, 2023, …) that overlap the generated years: (start, end|None)."""
        start = self.first_year - (self.first_year - 2023) % 4
        terms = []
        while start <= self.today.year:
            end = date(start + 3, 12, 31)
            terms.append((date(start, 1, 1), None if end >= self.today else end))
            start += 4
        return terms

    def _memberships(self):
        """Per body and term: members from each principal, a substitute for each member, a chair (one per term),
        a vice chair, a secretary and process support."""
        self.seats = {}  # (body id, term start) -> [Membership]
        self.terms = self._terms()
        for body in self.bodies:
            rows = []
            for start, end in self.terms:
                term = []
                for p, principal in enumerate(self.principals):
                    pool = self.rng.sample(self.people[principal.pk], body.per_principal * 2)
                    members, substitutes = pool[: body.per_principal], pool[body.per_principal :]
                    for k, (person, substitute) in enumerate(zip(members, substitutes, strict=True)):
                        role = R.CHAIR if (p, k) == (0, 0) else R.VICE_CHAIR if (p, k) == (1, 0) else R.MEMBER
                        party = self.rng.choice(PARTIES) if body.level == Body.Level.POLITICAL else ""
                        seat = Membership(
                            body=body, person=person, role=role, principal=principal, party=party, start=start, end=end
                        )
                        term.append(seat)
                        term.append(
                            Membership(
                                body=body,
                                person=substitute,
                                role=R.SUBSTITUTE,
                                principal=principal,
                                party=party,
                                start=start,
                                end=end,
                                substitute_for=person,
                            )
                        )
                taken = {m.person_id for m in term}
                staff = [x for x in self.people[self.principals[0].pk] if x.pk not in taken][:2]
                for person, role in zip(staff, (R.SECRETARY, R.PROCESS_SUPPORT), strict=False):
                    term.append(
                        Membership(
                            body=body, person=person, role=role, principal=self.principals[0], start=start, end=end
                        )
                    )
                self.seats[(body.pk, start)] = term
                rows += term
            self.counts.add(Membership, rows)

    def seats_on(self, body, day):
        for start, _end in reversed(self.terms):
            if start <= day:
                return self.seats[(body.pk, start)]
        return self.seats[(body.pk, self.terms[0][0])]

    def _logins(self):
        """A coordinator of the area, a secretary of the first two bodies, a member of the forum seated now, and
        a contact of the region: the benchmark signs in as them."""
        User = get_user_model()
        suffix = f"-{self.index + 1}"
        coordinator = User.objects.create_user(f"samordnare{suffix}", None, None)
        secretary = User.objects.create_user(f"sekreterare{suffix}", None, None)
        member = User.objects.create_user(f"ledamot{suffix}", None, None)
        contact = User.objects.create_user(f"kontakt{suffix}", None, None)
        self.counts["User"] += 4
        roles = [Role(user=coordinator, kind=Role.Kind.COORDINATOR, area=self.area)]
        roles += [Role(user=secretary, kind=Role.Kind.SECRETARY, body=b) for b in self.bodies[:2]]
        roles.append(Role(user=contact, kind=Role.Kind.CONTACT, principal=self.principals[0]))
        self.counts.add(Role, roles)
        seat = next(m for m in self.seats_on(self.bodies[0], self.today) if m.role == R.MEMBER)
        Person.objects.filter(pk=seat.person_id).update(user=member)
        seat.person.user = member

    # -- meetings -------------------------------------------------------------------------------------------

    def _dates(self, body, year):
        per_year = body.per_year
        span = 330
        days = []
        for k in range(per_year):
            day = date(year, 1, 14) + timedelta(days=(span * k) // per_year + body.pk % 5)
            if day.month == 7:
                day += timedelta(days=31)
            day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
            if (not days or day > days[-1]) and day <= self.today + timedelta(days=PLANNED_AHEAD):
                days.append(day)
        return days

    def _status(self, day, *, notes, cancelled, next_planned):
        if cancelled:
            return Meeting.Status.CANCELLED
        if day >= self.today:
            return Meeting.Status.INVITED if next_planned else Meeting.Status.PLANNED
        age = (self.today - day).days
        if age <= 3:
            return Meeting.Status.HELD
        if age <= 12:
            return Meeting.Status.DRAFTED
        if age <= 16 and not notes:
            return Meeting.Status.ADJUSTED
        return Meeting.Status.PUBLISHED

    def _year(self, body, year):
        rng = self.rng
        dates = self._dates(body, year)
        if not dates:
            return
        kind = Meeting.Kind.NOTES if body.notes else Meeting.Kind.MINUTES
        meetings, plans = [], []
        for day in dates:
            cancelled = rng.random() < 0.02
            next_planned = day >= self.today and not body.invited and not cancelled
            body.invited = body.invited or next_planned
            status = self._status(day, notes=body.notes, cancelled=cancelled, next_planned=next_planned)
            seats = self.seats_on(body, day)
            chair = next(m for m in seats if m.role == R.CHAIR)
            secretary = next((m for m in seats if m.role == R.SECRETARY), None)
            held = status in HELD
            meeting = Meeting(
                body=body,
                kind=kind,
                status=status,
                place=f"{self.principals[body.pk % len(self.principals)].name}, sammanträdesrum {1 + body.pk % 4}",
                visibility=Visibility.INTERNAL if not body.is_public or rng.random() < 0.03 else Visibility.PUBLIC,
                plan_year=year,
                chair=chair.person if held else None,
                secretary=secretary.person if held and secretary else None,
                invited_at=_aware(day - timedelta(days=10), 9) if status != Meeting.Status.PLANNED else None,
            )
            two_days = rng.random() < 0.03
            plan_days = [day, day + timedelta(days=1)] if two_days else [day]
            if kind == Meeting.Kind.MINUTES and status in LOCKED:
                meeting.locked_at = _aware(plan_days[-1] + timedelta(days=3), 14, 20)
                if status == Meeting.Status.PUBLISHED:
                    meeting.notice_date = meeting.locked_at.date() + timedelta(days=1)
                    meeting.published_at = _aware(meeting.notice_date, 8)
            elif kind == Meeting.Kind.NOTES and status == Meeting.Status.PUBLISHED:
                meeting.published_at = meeting.locked_at = _aware(plan_days[-1] + timedelta(days=4), 9)
            meeting.first = day
            meetings.append(meeting)
            plans.append((meeting, plan_days, seats, chair))
        self.counts.add(Meeting, meetings)
        days = []
        for meeting, plan_days, _seats, _chair in plans:
            for n, day in enumerate(plan_days):
                days.append(
                    MeetingDay(
                        meeting=meeting,
                        date=day,
                        start=time(9),
                        end=time(16) if n == 0 and len(plan_days) > 1 else time(12),
                    )
                )
        days = self.counts.add(MeetingDay, days)
        days_by_meeting = {}
        for day in days:
            days_by_meeting.setdefault(day.meeting_id, []).append(day)
        self.counts.add(
            Invitation,
            [
                Invitation(meeting=m, sent_at=m.invited_at, sent_by=self.admin, recipients=len(s))
                for m, _d, s, _c in plans
                if m.invited_at
            ],
        )
        self._agendas(body, year, plans)
        self._attendance_and_minutes(body, plans, days_by_meeting)
        self._followthrough(body, plans)

    def _agendas(self, body, year, plans):
        rng = self.rng
        continuous = body.numbering == Body.Numbering.CONTINUOUS
        topics = POLITICAL_TOPICS if body.level == Body.Level.POLITICAL else OFFICIALS_TOPICS
        paragraph = 0
        items = []
        for n, (meeting, plan_days, _seats, _chair) in enumerate(plans):
            first = plan_days[0]
            held = meeting.status in HELD
            specs = [
                (
                    "Mötets öppnande och val av justerare",
                    I.Kind.FORMAL,
                    "Ordföranden förklarar mötet öppnat.",
                    "att godkänna föredragningslistan",
                ),
                (
                    "Föregående protokoll",
                    I.Kind.FORMAL,
                    "Protokollet från föregående möte är justerat.",
                    "att lägga protokollet till handlingarna",
                ),
                (
                    "Lägesbild från huvudmännen",
                    I.Kind.REPORT,
                    "\n".join(
                        f"{p.name}: {rng.choice(NEWS)}"
                        for p in rng.sample(self.principals, min(3, len(self.principals)))
                    ),
                    "att tacka för lägesbilderna",
                ),
            ]
            for t in range(rng.randint(3, 9)):
                title, kind, minutes, decision = topics[(n * 3 + t + body.pk) % len(topics)]
                specs.append((_format(title, first), kind, _format(minutes, first), _format(decision, first)))
            specs.append(
                (
                    "Uppföljning av gemensamma uppdrag",
                    I.Kind.DISCUSSION,
                    "Processtödet går igenom listan över uppdrag.",
                    "att notera uppföljningen",
                )
            )
            specs.append(("Övriga frågor", I.Kind.DISCUSSION, rng.choice(OTHER_BUSINESS), ""))
            fixed = continuous and meeting.status in (Meeting.Status.DRAFTED, *LOCKED)
            for position, (title, kind, minutes, decision) in enumerate(specs, start=1):
                roll = rng.random()
                visibility = (
                    Visibility.CONFIDENTIAL
                    if roll < ITEM_SHARE[Visibility.CONFIDENTIAL]
                    else Visibility.INTERNAL
                    if roll < ITEM_SHARE[Visibility.CONFIDENTIAL] + ITEM_SHARE[Visibility.INTERNAL]
                    else Visibility.PUBLIC
                )
                if visibility == Visibility.CONFIDENTIAL:
                    title, minutes = CONFIDENTIAL_TITLE, "Ärendet gäller en enskild medarbetare."
                elif visibility == Visibility.INTERNAL and kind == I.Kind.DISCUSSION:
                    title = INTERNAL_TITLE
                if meeting.status != Meeting.Status.CANCELLED and continuous:
                    paragraph += 1
                    number = str(paragraph)
                else:
                    number = str(position)
                struck = held and rng.random() < 0.015
                item = I(
                    meeting=meeting,
                    number=number,
                    position=position,
                    title=title,
                    kind=kind,
                    presenters="Ordföranden" if position == 1 else "",
                    visibility=visibility,
                    background=f"Underlag till {title[0].lower()}{title[1:]} skickas med kallelsen."
                    if kind == I.Kind.DECISION
                    else "",
                    minutes=minutes if held else "",
                    decision=decision if held and not struck else "",
                    outcome=(I.Outcome.STRUCK if struck else I.Outcome.HANDLED) if held else "",
                )
                if fixed:
                    item.series_body, item.series_year = body, year
                items.append(item)
        self._matters(body, items)
        items = self.counts.add(I, items)
        by_meeting = {}
        for item in items:
            by_meeting.setdefault(item.meeting_id, []).append(item)
        self.items = by_meeting
        self._documents(items)

    def _documents(self, items):
        rows = []
        for item in items:
            if item.kind != I.Kind.DECISION or self.rng.random() > 0.5:
                continue
            k = item.pk % DOCUMENT_FILES
            data = self.pdfs[k]
            rows.append(
                Document(
                    meeting_id=item.meeting_id,
                    item=item,
                    title=f"Underlag: {item.title}",
                    number=f"Bilaga {item.number}.1",
                    file=_document_file(k),
                    original_name=f"underlag-{item.number}.pdf",
                    content_type="application/pdf",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    text=f"{item.title}\n\n{item.background}\n\n{DOCUMENT_TEXT}",
                    visibility=item.visibility,
                    uploaded_at=_aware(item.meeting.invited_at.date() if item.meeting.invited_at else self.today, 8),
                    uploaded_by=self.admin,
                )
            )
        self.counts.add(Document, rows)

    def _attendance_and_minutes(self, body, plans, days_by_meeting):
        rng = self.rng
        rows, signatories, versions = [], [], []
        held_plans = []
        for meeting, plan_days, seats, chair in plans:
            if meeting.status not in HELD:
                continue
            absent = {m.person_id for m in seats if m.role == R.MEMBER and rng.random() < 0.08}
            meeting_rows = []
            for m in seats:
                row = seat_attendance(meeting, m, absent, m.substitute_for_id in absent, rng)
                if row is not None:
                    meeting_rows.append(row)
            rows += meeting_rows
            adjuster = next(m for m in seats if m.role == R.VICE_CHAIR)
            held_plans.append((meeting, plan_days, meeting_rows, chair, adjuster))
            if meeting.kind == Meeting.Kind.MINUTES and meeting.status != Meeting.Status.HELD:
                signed = meeting.locked_at is not None
                for person, role, moment in (
                    (chair.person, Signatory.Role.CHAIR, _aware(plan_days[-1] + timedelta(days=2), 10)),
                    (adjuster.person, Signatory.Role.ADJUSTER, _aware(plan_days[-1] + timedelta(days=3), 14, 20)),
                ):
                    signatories.append(
                        Signatory(meeting=meeting, person=person, role=role, signed_at=moment if signed else None)
                    )
        self.counts.add(Attendance, rows)
        self.counts.add(Signatory, signatories)
        for meeting, _plan_days, meeting_rows, chair, adjuster in held_plans:
            if meeting.locked_at is None:
                continue
            versions.append(
                MinutesVersion(
                    meeting=meeting,
                    number=1,
                    content=self._content(body, meeting, days_by_meeting[meeting.pk], meeting_rows, chair, adjuster),
                    created_at=meeting.locked_at,
                    created_by=self.admin,
                )
            )
        self.counts.add(MinutesVersion, versions)

    def _content(self, body, meeting, days, rows, chair, adjuster):
        """What `snapshot.minutes_snapshot(meeting)` reads at the moment the minutes are locked, made by its own
        shape functions from the rows in hand (no query)."""
        notes = meeting.kind == Meeting.Kind.NOTES
        group_order = {g: n for n, g in enumerate(sorted(Attendance.Group.values))}
        rows = sorted(rows, key=lambda r: (group_order[r.group], r.person.last_name, r.person.first_name))
        items = sorted(self.items.get(meeting.pk, []), key=lambda i: (i.position, i.pk))
        signers = (
            []
            if notes
            else [(Signatory.Role.CHAIR, chair.person, 2, 10, 0), (Signatory.Role.ADJUSTER, adjuster.person, 3, 14, 20)]
        )
        header = snapshot.meeting_header(
            meeting, body, self.area.name, sorted(days, key=lambda d: (d.date, d.start)), paper=None
        )
        # As locking left them: adjusted (notes are locked when published), no notice yet.
        header |= {
            "status": Meeting.Status.PUBLISHED if notes else Meeting.Status.ADJUSTED,
            "notice_date": None,
            "published_at": header["published_at"] if notes else None,
        }
        return snapshot.shape(
            header,
            [snapshot.attendance_row(r, [], []) for r in rows],
            [snapshot.item_row(i) for i in items],
            [
                snapshot.signatory_row(role, person, _aware(days[-1].date + timedelta(days=d), h, mi))
                for role, person, d, h, mi in signers
            ],
        )

    # -- follow-through -------------------------------------------------------------------------------------

    def _matters(self, body, items):
        """Decide which decision items of held meetings lead to a recommendation (public items of published public
        meetings of a recommending body) or an assignment, and file each such item on a matter of its own."""
        rng = self.rng
        matters = []
        for item in items:
            meeting = item.meeting
            item.recommend = item.assign = False
            if item.kind != I.Kind.DECISION or item.outcome != I.Outcome.HANDLED:
                continue
            public = (
                meeting.status == Meeting.Status.PUBLISHED
                and meeting.is_public
                and body.is_public
                and item.visibility == Visibility.PUBLIC
            )
            item.recommend = public and body.authority == Body.Authority.RECOMMENDS and rng.random() < 0.65
            item.assign = rng.random() < 0.39
            if not (item.recommend or item.assign):
                continue
            day = meeting.first
            self.serials[day.year] += 1
            item.matter = Matter(
                area=self.area,
                year=day.year,
                serial=self.serials[day.year],
                title=item.title,
                body=body,
                raised_by=rng.choice(self.principals).name,
                raised_on=day - timedelta(days=30),
                closed_on=day + timedelta(days=200) if day + timedelta(days=200) < self.today else None,
                visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
            )
            matters.append(item.matter)
        self.counts.add(Matter, matters)
        for item in items:
            if item.matter is not None:
                item.matter_id = item.matter.pk

    def _followthrough(self, body, plans):
        """The recommendations (with every principal's decision) and assignments `_matters` chose."""
        rng = self.rng
        recommendations, assignments = [], []
        matters = [
            (item.matter, item, item.meeting.first, item.recommend, item.assign)
            for meeting, *_rest in plans
            for item in self.items.get(meeting.pk, [])
            if item.matter is not None
        ]
        for matter, item, day, recommend, assign in matters:
            if recommend:
                recommendations.append(
                    Recommendation(
                        item=item,  # area and public: bulk_create stores them from the item (StoresArea)
                        matter=matter,
                        title=f"Rekommendation: {item.title}",
                        text=item.decision or item.title,
                        decided_on=day,
                        deadline=day + timedelta(days=120),
                    )
                )
            if assign:
                due = day + timedelta(days=rng.randint(60, 240))
                which = rng.random()
                status = Assignment.Status.OPEN
                if due < self.today - timedelta(days=60):
                    status = Assignment.Status.DONE if rng.random() < 0.9 else Assignment.Status.CANCELLED
                assignments.append(
                    Assignment(
                        item=item,
                        matter=matter,
                        assignee_body=body if which < 0.5 else None,
                        assignee_principal=rng.choice(self.principals) if 0.5 <= which < 0.8 else None,
                        assignee_person=rng.choice(self.people[self.principals[0].pk]) if which >= 0.8 else None,
                        description=f"Ta fram underlag och återrapportera om {item.title[0].lower()}{item.title[1:]}.",
                        due_date=due,
                        report_to=body,
                        status=status,
                        created_at=_aware(day, 12),
                    )
                )
        self.counts.add(Assignment, assignments)
        recommendations = self.counts.add(Recommendation, recommendations)
        rows = []
        for rec in recommendations:
            age = (self.today - rec.decided_on).days
            for principal in self.principals:
                outcome = PrincipalDecision.Outcome.PENDING
                if age > 60 and rng.random() < min(0.98, age / 300):
                    outcome = rng.choices(
                        [
                            PrincipalDecision.Outcome.ADOPTED,
                            PrincipalDecision.Outcome.PARTLY_ADOPTED,
                            PrincipalDecision.Outcome.REJECTED,
                            PrincipalDecision.Outcome.SENT_BACK,
                            PrincipalDecision.Outcome.WILL_NOT_DECIDE,
                        ],
                        weights=[80, 8, 5, 4, 3],
                    )[0]
                taken = outcome in PrincipalDecision.TAKEN
                decided = rec.decided_on + timedelta(days=rng.randint(20, min(age - 1, 180))) if taken else None
                body_name = "Regionstyrelsen" if principal.kind == Principal.Kind.REGION else "Kommunfullmäktige"
                rows.append(
                    PrincipalDecision(
                        recommendation=rec,
                        principal=principal,
                        outcome=outcome,
                        deciding_body=body_name if taken else "",
                        decided_on=decided,
                        reference=f"{'RS' if principal.kind == Principal.Kind.REGION else 'KF'} § {rng.randint(1, 200)}"
                        if taken
                        else "",
                    )
                )
        self.counts.add(PrincipalDecision, rows)
