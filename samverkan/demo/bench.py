"""The benchmark's pages and their in-process measurement (issue 11); `bench_run.py` drives the whole run.

`bench_pages(area)` picks representative objects of a generated area (the busiest public body, its latest
published meeting, the principal with the most decisions, the person with the most seats …) and returns every
page kind the benchmark measures, each with the login it is asked as. `measure(pages)` requests each through the
full Django stack (django.test.Client, the real middleware, DEBUG as the settings say), counts its SQL queries
and bytes, and times it: p50/p95 in milliseconds, the first (cold) request, and for streamed responses the time
to the first chunk (p50 and p95). Those figures are of a page *rendered* (the page cache of `portal/page_cache.py`
switched off); a public page or feed is then also timed served from that cache (`cached_p50_ms`/`cached_p95_ms`).
"""

import statistics
import time
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from samverkan.followthrough.models import Recommendation
from samverkan.lib.process import settle
from samverkan.lib.visibility import Visibility
from samverkan.meetings.matters import Matter
from samverkan.meetings.models import Meeting, MinutesVersion
from samverkan.structure.models import Area, Body, Person, Principal


@dataclass
class Page:
    """One page the benchmark asks for: `kind` is public, staff, ical, export or floor; `login` a username or ''."""

    name: str
    url: str
    kind: str
    login: str = ""


def bench_pages(area: Area, *, floor_url: str | None = None) -> list[Page]:
    """Every page kind of issue 11 for `area` (a generated one: it needs the logins `generate` makes)."""
    a = area.slug
    suffix = area.slug.rsplit("-", 1)[-1] if area.slug[-1].isdigit() else "1"
    bodies = Body.objects.filter(area=area, visibility=Visibility.PUBLIC)
    body = bodies.annotate(n=Count("meetings")).order_by("-n", "pk").first()
    meeting = (
        Meeting.objects.filter(body=body, status=Meeting.Status.PUBLISHED, visibility=Visibility.PUBLIC)
        .filter(versions__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
    version = MinutesVersion.objects.filter(meeting=meeting).order_by("number").first()
    principal = (
        Principal.objects.filter(area=area)
        .annotate(n=Count("recommendation_decisions", filter=~Q(recommendation_decisions__outcome="pending")))
        .order_by("-n", "pk")
        .first()
    )
    person = (
        Person.objects.filter(memberships__body__in=bodies)
        .annotate(n=Count("memberships"))
        .order_by("-n", "pk")
        .first()
    )
    recommendation = Recommendation.objects.filter(area=area).order_by("-decided_on", "-pk").first()
    # A public item of the busiest body's published minutes: its page shows the item and its related items.
    item = meeting.items.filter(visibility=Visibility.PUBLIC).order_by("position", "pk").first() if meeting else None
    # The newest matter with both a recommendation and an assignment, so every part of its page is drawn whatever
    # the generation's date (a matter without assignments skips that list's query).
    with_both = Recommendation.objects.filter(area=area, matter__assignments__isnull=False)
    newest = with_both.order_by("-decided_on", "-pk").values_list("matter", flat=True).first()
    matter = Matter.objects.get(pk=newest) if newest else None
    assert body and meeting and version and principal and person and recommendation and matter and item, (
        "not generated data"
    )
    public = [
        Page("Startsida", reverse("portal:home"), "public"),
        Page("Område", reverse("portal:area", args=[a]), "public"),
        Page("Strukturkarta", reverse("portal:map", args=[a]), "public"),
        Page("Organ (mest möten)", reverse("portal:body", args=[a, body.slug]), "public"),
        Page("Huvudman", reverse("portal:principal", args=[a, principal.slug]), "public"),
        Page("Person (flest uppdrag)", reverse("portal:person", args=[person.slug]), "public"),
        Page("Möteskalender, område", reverse("meetings_public:area", args=[a]), "public"),
        Page("Möte med protokoll", reverse("meetings_public:meeting", args=[a, meeting.pk]), "public"),
        Page("Protokollsversion", reverse("meetings_public:version", args=[a, meeting.pk, version.number]), "public"),
        Page("Protokoll som PDF", reverse("meetings_public:pdf", args=[a, meeting.pk]), "public"),
        Page("Anslagstavla", reverse("meetings_public:notice_board", args=[a]), "public"),
        Page("Anslagstavlans arkiv", reverse("meetings_public:notice_archive", args=[a]), "public"),
        Page("Anslagstavla, Atom", reverse("meetings_public:notice_feed", args=[a]), "public"),
        Page("Ärenden", reverse("followthrough_public:matters", args=[a]), "public"),
        Page("Ärende", reverse("followthrough_public:matter", args=[a, matter.year, matter.serial]), "public"),
        Page("Rekommendation", reverse("followthrough_public:recommendation", args=[a, recommendation.pk]), "public"),
        Page("Beslutsstatus", reverse("followthrough_public:board", args=[a]), "public"),
        Page("Huvudmannens beslut", reverse("followthrough_public:principal", args=[a, principal.slug]), "public"),
        Page("Uppdrag", reverse("followthrough_public:assignments", args=[a]), "public"),
        Page("Punkt med relaterat", reverse("search:item", args=[a, meeting.pk, item.pk]), "public"),
        # A word in thousands of the area's items: every hit is counted, ranked and faceted.
        Page("Sök (vanligt ord)", reverse("search:search") + "?q=uppf%C3%B6ljning", "public"),
        # The same word searched from the area's pages, which keep the search in the area (at national scale a
        # twenty-first of the hits).
        Page("Sök (vanligt ord, område)", reverse("search:search") + f"?q=uppf%C3%B6ljning&omrade={area.pk}", "public"),
        # The commonest word of the generated data, the beginning of a word in seven entries of ten (kommun,
        # kommunen, kommunstyrelsen …): what the reading up to `HIT_CEILING` is for.
        Page("Sök (mycket vanligt ord)", reverse("search:search") + "?q=kommun", "public"),
        # Two words, the last also the beginning of a word, each common, found together in fewer entries.
        Page("Sök (två ord)", reverse("search:search") + "?q=regional+utveckling", "public"),
        # The commonest word narrowed to a kind (no key of the index): its hits read again, at most EXAMINE_CEILING.
        Page("Sök (mycket vanligt ord, typ)", reverse("search:search") + "?q=kommun&typ=assignment", "public"),
        Page("API: möten", reverse("api:meeting_list", args=[area.pk]), "public"),
        # Every other list of the area the open data API serves (OParl's and our own types), first page.
        *(
            Page(f"API: {label}", reverse(f"api:{name}_list", args=[area.pk]), "public")
            for label, name in (
                ("organ", "organization"),
                ("huvudmän", "institution"),
                ("personer", "person"),
                ("platser", "membership"),
                ("ärenden", "paper"),
                ("handlingar", "file"),
                ("rekommendationer", "recommendation"),
                ("huvudmännens beslut", "principal_decision"),
                ("uppdrag", "assignment"),
                ("överenskommelser", "agreement"),
            )
        ),
        Page("iCal, område", reverse("meetings_public:area_ical", args=[a]), "ical"),
        Page("iCal, organ", reverse("meetings_public:body_ical", args=[a, body.slug]), "ical"),
        Page("Beslutsstatus CSV", reverse("followthrough_public:board_csv", args=[a]), "export"),
        Page("Beslutsstatus XLSX", reverse("followthrough_public:board_xlsx", args=[a]), "export"),
    ]
    staff = [
        Page("Startsida: administratör", reverse("dashboard"), "staff", "bench-admin"),
        Page("Startsida: samordnare", reverse("dashboard"), "staff", f"samordnare-{suffix}"),
        Page("Startsida: sekreterare", reverse("dashboard"), "staff", f"sekreterare-{suffix}"),
        Page("Startsida: ledamot", reverse("dashboard"), "staff", f"ledamot-{suffix}"),
        Page("Startsida: kontaktperson", reverse("dashboard"), "staff", f"kontakt-{suffix}"),
        Page("Möteslista (organ)", reverse("meetings:list", args=[body.pk]), "staff", f"samordnare-{suffix}"),
        Page("Mötessida (personal)", reverse("meetings:meeting", args=[meeting.pk]), "staff", f"samordnare-{suffix}"),
        Page("Uppföljning, översikt", reverse("followthrough:overview", args=[a]), "staff", f"samordnare-{suffix}"),
        Page("Uppföljning, uppdrag", reverse("followthrough:assignments", args=[a]), "staff", f"samordnare-{suffix}"),
        Page("Uppföljning, ärenden", reverse("followthrough:matters", args=[a]), "staff", f"samordnare-{suffix}"),
        # A logged-in reader's search reads the whole index (internal entries too), not the public entries' own.
        Page("Sök: samordnare", reverse("search:search") + "?q=uppf%C3%B6ljning", "staff", f"samordnare-{suffix}"),
        # A word of the generated assignments, internal ones too, which a contact finds through the assignments'
        # own rule (their principal's), each checked by its id (`search.query._each`).
        Page("Sök: kontaktperson", reverse("search:search") + "?q=utvecklingsmedel", "staff", f"kontakt-{suffix}"),
    ]
    floor = [Page("Golv (kort text)", floor_url, "floor")] if floor_url else []
    return floor + public + staff


CACHED_KINDS = {"public", "ical"}  # the page kinds the page cache may keep


@dataclass
class Measured:
    """A page's figures: milliseconds (p50, p95 and cold, rendered; first byte at p50 and p95; served from the
    page cache at p50 and p95, None for kinds it does not keep), queries, bytes and the status code."""

    name: str
    url: str
    kind: str
    login: str
    status: int
    queries: int
    bytes: int
    runs: int
    p50_ms: float
    p95_ms: float
    cold_ms: float
    first_byte_p50_ms: float
    first_byte_p95_ms: float
    cached_p50_ms: float | None = None
    cached_p95_ms: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _get(client: Client, url: str) -> tuple[int, int, float, float]:
    """One request: (status, bytes, seconds to the whole answer, seconds to the first chunk)."""
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        first = None
        size = 0
        for chunk in response.streaming_content:  # type: ignore[attr-defined]  # a StreamingHttpResponse
            first = first or time.perf_counter()
            size += len(chunk)
        done = time.perf_counter()
        return response.status_code, size, done - started, (first or done) - started
    done = time.perf_counter()
    return response.status_code, len(response.content), done - started, done - started


def _percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Clients:
    """One django.test.Client per login, signed in with force_login (no password), made when first asked for."""

    def __init__(self, pages: list[Page]):
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in={p.login for p in pages})}
        self.clients: dict[str, Client] = {}

    def __getitem__(self, login: str) -> Client:
        if login not in self.clients:
            self.clients[login] = Client()
            if login:
                self.clients[login].force_login(self.users[login])
        return self.clients[login]


def count_queries(client: Client, url: str) -> tuple[int, int]:
    """One request: (status code, SQL queries it made)."""
    counted: list[str] = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status, _size, _total, _first = _get(client, url)
    return status, len(counted)


def _timed_runs(client: Client, url: str, runs: int, seconds: float) -> tuple[list[float], list[float]]:
    """Up to `runs` requests within about `seconds` (at least 3): (milliseconds to the whole answer, to the first
    chunk)."""
    totals: list[float] = []
    firsts: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(totals) < runs and (len(totals) < 3 or time.perf_counter() < deadline):
        _status, _size, total, first = _get(client, url)
        totals.append(total * 1000)
        firsts.append(first * 1000)
    return totals, firsts


def measure(pages: list[Page], *, runs: int = 20, seconds: float = 4.0, out=None) -> list[Measured]:
    """Request every page: once cold, once counting queries, then up to `runs` times within about `seconds`
    (at least 3), all rendered (page cache off); a public page or feed then again from the page cache when the
    settings switch it on. Returns the figures. Raises AssertionError naming a page that does not answer 200."""
    from django.conf import settings

    clients = Clients(pages)
    caching = getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0
    # As a server process starts serving (wsgi.py): what is loaded by now is frozen out of the collector's full
    # collections, which otherwise walked this process's modules and templates in the middle of a timed request.
    settle()
    results = []
    for page in pages:
        client = clients[page.login]
        with override_settings(PAGE_CACHE_SECONDS=0):
            status, size, cold, _first = _get(client, page.url)
            assert status == 200, f"{page.name} {page.url}: {status}"
            _status, queries = count_queries(client, page.url)
            totals, firsts = _timed_runs(client, page.url, runs, seconds)
        cached: list[float] = []
        if caching and page.kind in CACHED_KINDS:
            _get(client, page.url)  # fills the cache
            cached, _firsts = _timed_runs(client, page.url, runs, seconds)
        result = Measured(
            name=page.name,
            url=page.url,
            kind=page.kind,
            login=page.login,
            status=status,
            queries=queries,
            bytes=size,
            runs=len(totals),
            p50_ms=round(statistics.median(totals), 1),
            p95_ms=round(_percentile(totals, 95), 1),
            cold_ms=round(cold * 1000, 1),
            first_byte_p50_ms=round(statistics.median(firsts), 1),
            first_byte_p95_ms=round(_percentile(firsts, 95), 1),
            cached_p50_ms=round(statistics.median(cached), 1) if cached else None,
            cached_p95_ms=round(_percentile(cached, 95), 1) if cached else None,
        )
        results.append(result)
        if out:
            hit = f"  cache p95 {result.cached_p95_ms:>6.1f} ms" if cached else ""
            out(
                f"  {page.name:<32} p50 {result.p50_ms:>8.1f} ms  p95 {result.p95_ms:>8.1f} ms  "
                f"{result.queries:>3} q{hit}"
            )
    return results
