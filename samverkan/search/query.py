"""`search(user, query, filters, page) -> Results`: the one search, over the index, as `user` may see it.

Who finds an entry is the READERS rule of `structure.access` on the entry's levels (`readable_rule` on its own
level with its named readers, and on its container's level), the same rule the records' pages use; a principal's
contact, a person given an assignment and a login seeing people of their own bodies get what the follow-through
and structure lists give them (`visible_assignments`, `visible_recommendations`, `recordable_decisions`,
`visible_people`). Result counts, facet counts and snippets are all computed on that filtered set only.
"""

import heapq
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html import escape
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samverkan.followthrough.access import (
    recommendation_rule,
    recordable_decisions,
    visible_assignments,
    visible_recommendations,
)
from samverkan.followthrough.models import PrincipalDecision
from samverkan.lib.paging import asked_page
from samverkan.lib.queries import ExistsPerRow
from samverkan.search import backends
from samverkan.search.models import SearchEntry
from samverkan.search.text import Term, fold, parse, stem
from samverkan.structure.access import readable_rule, visible_bodies, visible_people
from samverkan.structure.models import Area, Principal
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer

Kind = SearchEntry.Kind
UNDATED_KINDS = frozenset({Kind.BODY, Kind.PERSON, Kind.PRINCIPAL})  # indexed under year 0 (`index.py`)
PER_PAGE = 20
SNIPPET_CHARS = 240


# Each filter (and facet) and the index column it narrows.
COLUMNS = {"area": "area_id", "kind": "kind", "body": "body_id", "principal": "principal_id", "year": "year"}

# A facet with more values than this shows the ones with most hits and a link to all of them (`Filters.every`):
# at national scale a common word's hits come from over a thousand bodies, a list no one reads (158 kB of HTML).
FACET_SHOWN = 10


@dataclass(frozen=True)
class Filters:
    """What the searcher narrowed to: a kind (`SearchEntry.Kind` value), a body, a principal, a year, an area
    (`Area` id: a deployment may host many, and a search made from an area's pages stays in it); "" / None for no
    narrowing. `every` names the facet whose values are all shown (else at most `FACET_SHOWN`); it narrows
    nothing."""

    kind: str = ""
    body: int | None = None
    principal: int | None = None
    year: int | None = None
    area: int | None = None
    every: str = ""

    def chosen(self, *, ignoring: str = "") -> dict[str, Any]:
        """{filter name: value} of the filters that narrow, leaving out the one named `ignoring` ("body" …)."""
        values = {name: getattr(self, name) for name in COLUMNS if name != ignoring}
        return {name: value for name, value in values.items() if value not in ("", None)}

    def admitted(self, combinations: list["Combination"], *, ignoring: str = "") -> list["Combination"]:
        """The `combinations` whose hits pass these filters, leaving out the one named `ignoring`. The filters are
        read once for the list (read again for each of a common word's 550 combinations and five facets, they
        took 9 ms a search)."""
        wanted = list(self.chosen(ignoring=ignoring).items())
        if not wanted:
            return combinations
        return [c for c in combinations if all(getattr(c, name) == value for name, value in wanted)]

    def q(self, *, ignoring: str = "") -> Q:
        """The same filters as a condition on `SearchEntry` rows, leaving out the one named `ignoring`."""
        chosen = self.chosen(ignoring=ignoring)
        condition = of_kind(chosen.pop("kind")) if "kind" in chosen else Q()
        return condition & Q(**{COLUMNS[name]: value for name, value in chosen.items()})


def of_kind(kind: str) -> Q:
    """The entries of kind `kind`, said as "none of the other kinds": a condition no index answers. Given
    `kind = 'item'` next to a match of the keyed index, PostgreSQL's planner also read the index on (kind,
    object_id) for every item of the nation and intersected the two (25 ms for a few hundred hits)."""
    return ~Q(kind__in=[other for other in Kind.values if other != kind])


@dataclass(frozen=True)
class Hit:
    """One result: the entry's kind label, title, context line, address, year, and the snippet (escaped HTML
    with only `<mark>` added)."""

    kind: str
    kind_label: str
    title: str
    context: str
    url: str
    year: int | None
    snippet: SafeString


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with its number of results, and whether it is the one chosen."""

    value: str
    label: str
    count: int | None  # None: not counted (a year read in part or not reached, `Results.at_least`)
    selected: bool


@dataclass
class Results:
    """The answer to `search`: the query as typed, the page of hits (a Django Page of `Hit`s, None for an empty
    query), the number of results, the facets (`area`, `kind`, `body`, `principal`, `year` → values with counts)
    and, per facet cut to its `FACET_SHOWN` largest values, how many values it has in all (`complete`); `ranked`
    is how many of the hits the pages show (all but a common word's oldest: `RANK_WINDOW`). A common word's hits
    are read up to `HIT_CEILING`, newest years first: `at_least` says the count is that many or more and the
    facets count the hits read; the year facet then lists the years read in part or not reached without a count."""

    query: str
    filters: Filters
    page: Page | None = None
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    complete: dict[str, int] = field(default_factory=dict)
    ranked: int = 0
    at_least: bool = False


def visible_entries(user: "Viewer") -> QuerySet[SearchEntry]:
    """The entries `user` may find (see the module's docstring). Builds no query of its own but the scope."""
    scope = scope_of(user)
    if scope.is_admin:
        return SearchEntry.objects.all()
    named = None
    authenticated = user is not None and user.is_authenticated
    if user is not None and authenticated:
        mine = SearchEntry.readers.through.objects.filter(person__user__pk=user.pk or 0).values("searchentry_id")
        named = Q(pk__in=mine)
    rule = readable_rule(user, field="visibility", body="body__", named=named) & readable_rule(
        user, field="container", body="body__"
    )
    if authenticated:
        rule |= _each(Kind.PERSON, visible_people(user))
        if scope.contact_principals or scope.is_anyone:
            rule |= _each(Kind.ASSIGNMENT, visible_assignments(user))
        if scope.contact_principals:
            rule |= _each(Kind.RECOMMENDATION, visible_recommendations(user))
        if scope.contact_principals or scope.coordinator_areas:
            # The decisions on the recommendations the user may see, that rule applied to each decision's own
            # recommendation (as `visible_decisions_of` does), not as an IN over every visible recommendation.
            seen = PrincipalDecision.objects.filter(recommendation_rule(user, "recommendation__") or Q())
            rule |= _each(Kind.DECISION, recordable_decisions(user)) | _each(Kind.DECISION, seen)
    return SearchEntry.objects.filter(rule)


def _each(kind: str, visible: QuerySet[Any]) -> Q:
    """A rule on `SearchEntry` rows: those of `kind` whose record `visible` holds, each asked by its own id (one
    probe of the record's primary key, and its rule on that row, for each hit that reaches it: at most
    `HIT_CEILING`; `lib.queries.ExistsPerRow`). As `object_id IN (visible)`, or as an EXISTS PostgreSQL was free
    to hash, the database built the whole list of visible records as soon as one such hit was read: a nation's
    101,000 people a coordinator may see took 0.19 s, its 113,000 assignments 0.74 s, its 1.9 million principal
    decisions 5.1 s; in the county a contact's search of a word found in internal assignments took 118 ms. No
    query of its own."""
    return Q(kind=kind) & Q(ExistsPerRow(visible.filter(pk=OuterRef("object_id"))))


def matching(
    entries: QuerySet[SearchEntry], terms: list[Term], *, any_term: bool = False, area: int | None = None
) -> QuerySet[SearchEntry]:
    """`entries` that match the terms (`backends.matching`), in area `area` or in any (None). No query of its
    own."""
    return backends.matching(entries, terms, any_term=any_term, area=area)


def best_first(
    found: QuerySet[SearchEntry], terms: list[Term], *order: str, any_term: bool = False, area: int | None = None
) -> QuerySet[SearchEntry]:
    """`found` (from `matching` with the same terms and area) best match first, then by `order` (e.g. "-date",
    "pk"). No query of its own."""
    return backends.ranked(found, terms, any_term=any_term, area=area).order_by("rank", *order)


def search(user: "Viewer", query: str, filters: Filters | None = None, page: int | str | None = 1) -> Results:
    """Search the index for `query` (words; "a phrase" in quotes; the last word also as a prefix) as `user` may
    see it, narrowed by `filters`, `PER_PAGE` hits on page `page` (a bad or too large page number gives the
    nearest page). A query without words gives no results and no query; otherwise at most six queries (eight
    for a common word narrowed by a facet), whatever the number of entries, hits or facet values.

    A chosen area is searched alone (`backends.matching`: on PostgreSQL its own keys of the index, so a search in
    one area of a national deployment reads that area's hits only), and its facets count that area's hits. The
    count, the five facets and the ranked hits come from one pass over the hits (`_one_pass`); only the shown
    page's rows are then read whole. The hits are ranked best first among the `RANK_WINDOW` newest (an undated
    one, a body, person or principal, counting as newest): all of them when there are fewer, as for nearly every
    query; a common word's thousands of hits are counted up to `HIT_CEILING`, newest years first, and only the
    newest ranked and shown (`Results.ranked`; `Results.at_least`: the facets then count the hits read, and a
    chosen facet value's hits are read again alone)."""
    filters = filters or Filters()
    results = Results(query=query, filters=filters)
    terms = parse(query)
    if not terms:
        return results
    entries = visible_entries(user)
    read = _one_pass(entries, terms, filters)
    total = sum(c.hits for c in filters.admitted(read.combinations))
    shown_pass = read
    if read.capped and filters.chosen(ignoring="area"):
        # The newest hits read hold only some of the chosen ones: those are read again, alone.
        shown_pass = _one_pass(entries, terms, filters, alone=True)
        total = sum(c.hits for c in shown_pass.combinations)
    ranked_ids = shown_pass.ranked
    shown = Paginator[Any](ranked_ids, PER_PAGE).get_page(asked_page(page))
    ids = list(shown.object_list)
    rows = SearchEntry.objects.only(*HIT_COLUMNS).in_bulk(ids)
    readable_bodies = dict(visible_bodies(user).values_list("pk", "name"))
    shown.object_list = [_hit(rows[pk], terms, readable_bodies) for pk in ids if pk in rows]
    results.page = shown
    results.total = total
    results.at_least = shown_pass.capped
    results.ranked = len(ranked_ids)
    # The facets count the hits of the pass shown: the chosen values' own when they were read again alone (a chosen
    # facet then shows its value only, with the link that removes it).
    results.facets, results.complete = _facets(
        shown_pass.combinations, filters, readable_bodies, sampled=shown_pass.capped
    )
    return results


def _add_unread_years(
    facets: dict[str, list["FacetValue"]], chosen: int | None, combinations: list["Combination"]
) -> None:
    """Adds to the year facet, without a count, the years of the index older than every hit read (`combinations`:
    the reading stopped at the ceiling, newest years first), so a searcher can still narrow to any of them
    (`chosen`: the year chosen, if any). A year read is not added: it has no hits. One query (the years of the
    index, one probe of its year index each: `backends.INDEX_YEARS_SQL`)."""
    # The search's own queries have brought the index up to date.
    with connection.cursor() as cursor:
        cursor.execute(backends.INDEX_YEARS_SQL)
        years = [row[0] for row in cursor.fetchall()]
    if not years:
        return
    seen = {int(value.value) for value in facets.get("year", [])}
    dated = [c.year for c in combinations if c.year is not None]
    below = min(dated) if dated else max(years) + 1  # only undated hits read: no year was reached
    unread = [FacetValue(str(y), str(y), None, y == chosen) for y in years if y < below and y not in seen]
    facets["year"] = sorted([*facets.get("year", []), *unread], key=lambda value: -int(value.value))


RANK_WINDOW = 500  # hits ranked and shown at most (25 pages): the newest, when more are found
# Hits read at most per search, newest years first (as Elasticsearch's `track_total_hits`): each costs about 7 µs
# (its row read to check who may see it and group it; on a nation each lies on a heap page of its own), each ranked
# one about 25 µs (its stems vector read). Twice `RANK_WINDOW`: the pages show 500 at most, and beyond a thousand a
# count says no more to a reader than "at least a thousand". At 3,000 two common words in every area of the nation
# ("regional utveckling") read 75 keys of the index and 3,000 heap pages: 48–54 ms against a budget of 50.
HIT_CEILING = 1000


def newest_hits(
    entries: QuerySet[SearchEntry],
    terms: list[Term],
    columns: list[str],
    *,
    area: int | None,
    year: int | None = None,
    any_term: bool = False,
    limit: int | None = None,
    undated_last: bool = False,
) -> tuple[str, list[Any]]:
    """SQL (with its params) selecting `columns` (`SearchEntry` fields) of at most
    `limit` (default `HIT_CEILING`) of the `entries` that match `terms` (any of them with `any_term`) in area `area`
    (None: any) and year `year` (None: any): the undated ones first, then a year at a time, newest first; which of
    a year's hits when the limit falls inside it is the database's choice.

    Each year's hits are found through that year's keys of the index (`backends.YEAR_OF_OUTER_ROW`), one year after
    the other (an outer loop over the years, `backends.keyed_years`: PostgreSQL joins each year's hits LATERAL,
    SQLite matches its FTS5 table again for each year's row), and reading stops at the limit: its cost no longer
    grows with the years and areas of history. On PostgreSQL a search of every area reads each year's hits an area
    at a time, in the order of the areas' ids (`backends.AREA_OF_OUTER_ROW`): one key of the GIN index each, where
    one tsquery of every area's key made PostgreSQL find every hit of the year in every area before it read the
    first (a nation's 107,000 undated people matching "kommun": 100 ms). SQLite reads each hit's entry through its
    covering index."""
    limit = HIT_CEILING if limit is None else limit
    years, year_params = ("SELECT %s AS k", [year]) if year is not None else (backends.EVERY_YEAR_SQL, [])
    if connection.vendor == "sqlite":
        found = backends.matching(entries, terms, any_term=any_term, area=area, year=backends.YEAR_OF_OUTER_ROW)
        sql, params = found.values_list(*columns).query.sql_with_params()
        sql = backends.years_then_matches(backends.through_covering_index(sql), years, undated_last=undated_last)
        return f"{sql} LIMIT %s", [*year_params, *params, limit]
    # Every area: a year's hits an area at a time, each through the one key of that year and area.
    each_area = area is None
    keyed_area = backends.AREA_OF_OUTER_ROW if each_area else area
    condition = backends.matches(terms, any_term=any_term, area=keyed_area, year=backends.YEAR_OF_OUTER_ROW)
    sql, params = entries.filter(condition).values_list(*columns).query.sql_with_params()
    keyed = backends.keyed_years(years, backends.EVERY_AREA_SQL if each_area else None, undated_last=undated_last)
    read = f"SELECT h.* FROM {keyed} CROSS JOIN LATERAL ({sql} OFFSET 0) AS h LIMIT %s"
    return read, [*year_params, *params, limit]


class Pass(NamedTuple):
    """What one pass over the hits read: their `Combination`s (for the count and the facets), the ids of those
    shown (best first), and whether it stopped at `HIT_CEILING` (`capped`: there may be more)."""

    combinations: list["Combination"]
    ranked: list[int]
    capped: bool


# A search narrowed to a kind, body or principal, read again alone (`search`), examines at most this many of its
# hits, the newest years first, to find up to `HIT_CEILING` of the chosen ones: neither index is keyed by them, and
# a rare kind among a common word's hits made it read every hit of the nation ("kommun" narrowed to agreements,
# none: 10 s; to assignments 0.3 s), where a year or an area narrows through the index's own keys.
EXAMINE_CEILING = 10 * HIT_CEILING
NOT_AN_ENTRY = -1  # marks the row of a narrowed pass that carries how many hits it examined


def _one_pass(entries: QuerySet[SearchEntry], terms: list[Term], filters: Filters, *, alone: bool = False) -> Pass:
    """The hits grouped by area, kind, body, principal and year (for the count and the facets), and the ids of the
    `RANK_WINDOW` newest hits that pass `filters` (undated ones first), best match first, then newest, by kind and
    id, among the `entries` that match `terms` in the chosen area. One query: the hits are matched and read once
    (a CTE), then grouped and windowed.

    `alone`: only the hits of the chosen values are read: the chosen year's keys alone (PostgreSQL), and of the
    newest `EXAMINE_CEILING` hits of the chosen area and year those of the chosen kind, body and principal, up to
    `HIT_CEILING` (`capped` when either ceiling is reached).

    At most `HIT_CEILING` hits are read, the newest years first (`newest_hits`). Every hit read costs about as much
    as the rest of the page: its row is read to check who may see it and to group it, and ranking reads its whole
    stems vector too. Reading all of a common word's hits in every area of a nation took 2 s."""
    columns = {"id": "pk", "date": "date", **{column: column for column in COLUMNS.values()}}
    year = filters.year if alone else None
    limit = EXAMINE_CEILING if alone else HIT_CEILING
    # A dated kind chosen: its hits are among the years', so the undated entries (a nation's 107,000 people
    # matching "kommun") are examined last, not first.
    undated_last = alone and bool(filters.kind) and filters.kind not in UNDATED_KINDS
    read, params = newest_hits(
        entries, terms, list(columns.values()), area=filters.area, year=year, limit=limit, undated_last=undated_last
    )
    chosen = filters.chosen(ignoring="area")  # the chosen area's hits only were read
    where = " AND ".join(f"{COLUMNS[name]} = %s" for name in chosen) or "1 = 1"
    ranks, rank_sql, join, rank_params = _window_rank(terms, filters.area, year, "newest")
    groups = ", ".join(COLUMNS.values())
    if alone:  # the examined hits, then the chosen ones among them
        hits = f"examined ({', '.join(columns)}) AS MATERIALIZED ({read}), hits AS MATERIALIZED"
        hits += f" (SELECT * FROM examined WHERE {where} LIMIT %s)"
        params = [*params, *chosen.values(), HIT_CEILING]
        examined = f" UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, (SELECT COUNT(*) FROM examined), {NOT_AN_ENTRY}"
    else:
        hits, examined = f"hits ({', '.join(columns)}) AS MATERIALIZED ({read})", ""
    sql = (
        f"WITH {hits},"
        f" newest AS (SELECT * FROM hits WHERE {where}"
        "  ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date DESC, id DESC LIMIT %s)"
        f"{ranks}"
        f" SELECT {groups}, COUNT(*), NULL FROM hits GROUP BY {groups}"
        " UNION ALL"
        f" SELECT NULL, NULL, NULL, NULL, NULL, w.position, w.id FROM ("
        f"  SELECT w.id, ROW_NUMBER() OVER (ORDER BY {rank_sql}, w.date DESC, w.kind, w.id) AS position"
        f"  FROM newest w {join}) w"
        f"{examined}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *chosen.values(), RANK_WINDOW, *rank_params])
        rows = cursor.fetchall()
    combinations = [Combination(*row[:-1]) for row in rows if row[-1] is None]
    ranked = sorted((row[-2], row[-1]) for row in rows if row[-1] not in (None, NOT_AN_ENTRY))
    # Read to the ceiling: there may be more (a count of exactly the ceiling is said as "at least" too).
    capped = sum(c.hits for c in combinations) >= HIT_CEILING
    capped |= any(row[-1] == NOT_AN_ENTRY and row[-2] >= EXAMINE_CEILING for row in rows)
    return Pass(combinations, [pk for _position, pk in ranked], capped)


def _window_rank(
    terms: list[Term], area: int | None, year: int | None, window: str, *, any_term: bool = False
) -> tuple[str, str, str, list[Any]]:
    """How a query ranks the rows of its CTE `window` (columns id, …) aliased `w`, only those: (a further CTE
    `ranks` to append after `window`'s, or ""; the rank's SQL, lower is better; the join that brings it; the params
    of the two, in that order). SQLite: FTS5's `bm25()` of the window's rows (`backends.ranks_of`); PostgreSQL:
    `ts_rank` of each row's stems vector against the terms keyed by its own area and year."""
    if connection.vendor == "sqlite":
        sql, params = backends.ranks_of(terms, f"SELECT id FROM {window}", any_term=any_term, area=area, year=year)
        return f", ranks AS MATERIALIZED ({sql})", "r.rank", "JOIN ranks r ON r.id = w.id", params
    rank_sql, params = backends.rank(terms, any_term=any_term, area=area, table="e", per_row=True)
    return "", rank_sql, f"JOIN {SearchEntry._meta.db_table} e ON e.id = w.id", params


HIT_COLUMNS = ("kind", "title", "context", "url", "year", "text", "body_id")


class Combination(NamedTuple):
    """How many hits share one area, kind, body, principal and year (None where an entry has none)."""

    area: int | None
    kind: str
    body: int | None
    principal: int | None
    year: int | None
    hits: int


def _hit(entry: SearchEntry, terms: list[Term], readable_bodies: dict[int, str]) -> Hit:
    context = entry.context
    if entry.body_id is not None and entry.body_id not in readable_bodies:
        context = _("Internt organ")  # a contact's assignment from a body they may not see: never its name
    return Hit(
        kind=entry.kind,
        kind_label=str(Kind(entry.kind).label),
        title=entry.title,
        context=context,
        url=entry.url,
        year=entry.year,
        snippet=snippet(entry.text, terms),
    )


def _facets(
    combinations: list[Combination], filters: Filters, readable_bodies: dict[int, str], *, sampled: bool = False
) -> tuple[dict[str, list[FacetValue]], dict[str, int]]:
    """Counts per value of each facet, each with the other facets' choices applied (so a chosen value can be
    changed), and the number of values of each facet cut to its `FACET_SHOWN` largest (the chosen value is always
    kept; `filters.every` names a facet shown whole). A body the searcher may not see (a contact's assignment from
    an internal body) is no facet value: its name is never shown. The area facet appears when the hits come from
    more than one area. The year and area facets are never cut. `sampled`: the hits read stopped at `HIT_CEILING`;
    the oldest year read (read in part) and the older years of the index, not read, are listed without a count. At
    most three queries: the principals' and the areas' names, and the years of the index when `sampled`."""

    def counted(name: str) -> dict[Any, int]:
        counts: dict[Any, int] = {}
        for combination in filters.admitted(combinations, ignoring=name):
            value = getattr(combination, name)
            if value is not None:
                counts[value] = counts.get(value, 0) + combination.hits
        return counts

    def named(name: str, counts: Mapping[Any, int | None], names: dict[Any, str]) -> list[FacetValue]:
        chosen = getattr(filters, name)
        values = [FacetValue(str(pk), names[pk], n, pk == chosen) for pk, n in counts.items() if pk in names]
        return sorted(values, key=lambda value: (value.label, value.value))

    facets: dict[str, list[FacetValue]] = {}
    areas: dict[Any, int | None] = dict(counted("area"))
    if sampled and filters.area is None:
        # The reading stopped at the ceiling, so an area may have hits only where it did not reach (older years;
        # on PostgreSQL, later areas of the last year read: `newest_hits`): every area is offered, those without
        # hits read without a count.
        names = dict(Area.objects.values_list("pk", "name"))
        areas = {pk: areas.get(pk) for pk in names}
    elif len(areas) > 1:
        names = dict(Area.objects.filter(pk__in=list(areas)).values_list("pk", "name"))
    if len(areas) > 1 and filters.area is None:  # a chosen area is searched alone: the page names it instead
        facets["area"] = named("area", areas, names)
    labels = dict(Kind.choices)
    order = list(labels)
    kinds = counted("kind")
    facets["kind"] = [
        FacetValue(kind, str(labels[kind]), n, kind == filters.kind)
        for kind, n in sorted(kinds.items(), key=lambda pair: order.index(pair[0]))
    ]
    facets["body"] = named("body", counted("body"), readable_bodies)
    principals = counted("principal")
    names = dict(Principal.objects.filter(pk__in=list(principals)).values_list("pk", "name")) if principals else {}
    facets["principal"] = named("principal", principals, names)
    years: dict[int, int | None] = dict(counted("year"))
    if sampled:
        # The oldest year read was read only in part: its count would be a part, so it has none.
        oldest = min((c.year for c in combinations if c.year is not None), default=None)
        if oldest in years:
            years[oldest] = None
    facets["year"] = [FacetValue(str(y), str(y), years[y], y == filters.year) for y in sorted(years, reverse=True)]
    if sampled:
        _add_unread_years(facets, filters.year, combinations)
    complete = {}
    for name, values in facets.items():
        # Years are few and in order: never cut (the newest would go first, having fewest hits). Areas are few too
        # (a country's regions) and, once the reading stops at the ceiling, most have no count to order them by:
        # cut to the largest, a searcher's own area was behind "Visa alla".
        if len(values) > FACET_SHOWN and name not in (filters.every, "year", "area"):
            complete[name] = len(values)
            largest = sorted(values, key=lambda value: (-(value.count or 0), value.label))[:FACET_SHOWN]
            kept = {value.value for value in largest} | {value.value for value in values if value.selected}
            facets[name] = [value for value in values if value.value in kept]
    return facets, complete


def _matches(word: str, stems: set[str], prefixes: tuple[str, ...]) -> bool:
    """Whether `word` (as written) is one of the `stems` or begins with one of the `prefixes` once folded."""
    folded = fold(word)
    return stem(folded) in stems or (bool(prefixes) and folded.startswith(prefixes))


# Basic Latin to Cyrillic, Latin Extended Additional to Greek Extended, and the Latin ligatures (ﬀ … ﬆ).
_LETTER_BLOCKS = (*range(0x0000, 0x0530), *range(0x1E00, 0x2000), *range(0xFB00, 0xFB07))


@cache
def _spellings() -> dict[str, str]:
    """{folded letter: every letter of the Latin, Greek and Cyrillic blocks written that way once folded, as one
    regular-expression character class's contents}: "e" → "eEéÉèÈ…", "å" → "åÅ". Made at the first snippet, not
    when the module is imported (2 ms)."""
    spelled: dict[str, set[str]] = {}
    for code in _LETTER_BLOCKS:
        ch = chr(code)
        folded = fold(ch)
        if len(folded) == 1 and ch.isalnum():
            spelled.setdefault(folded, {folded}).add(ch)
    return {letter: "".join(re.escape(ch) for ch in sorted(chars)) for letter, chars in spelled.items()}


def _beginning(folded: str) -> str:
    """A regular expression of every way of writing the beginning of a word that folds to `folded` (case,
    diacritics). Its first letter is matched before it is asked whether a letter or digit comes before it (a
    lookbehind of two characters): asked first, at every position of the text, it made the scan three times as
    slow."""
    spellings = _spellings()
    first, *rest = (f"[{spellings.get(ch, re.escape(ch))}]" for ch in folded)
    return first + r"(?<!\w.)" + "".join(rest)


@cache
def _ligatures() -> str:
    """The characters that fold to two letters or more: ligatures ("ﬁ" → "fi", "ﬃ" → "ffi", "Ĳ" → "ij"), which the
    text of a typeset PDF often keeps; from the Latin, Greek and Cyrillic blocks and the Latin ligatures."""
    return "".join(ch for ch in map(chr, _LETTER_BLOCKS) if ch.isalpha() and len(fold(ch)) > 1)


@cache
def _ligature_pattern() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(_ligatures())}]")


_WORD_HERE = re.compile(r"\w+")


def _ligature_words(text: str, start: int) -> Iterator[re.Match[str]]:
    """Every word of `text` that begins at or after `start` and holds a ligature, in order: the words `_beginning`
    cannot spell (a stem may even end inside one: "off" in "oﬃciell")."""
    after = start
    for found in _ligature_pattern().finditer(text, start):
        begin = found.start()
        if begin < after:
            continue  # a second ligature of the word just given
        while begin > 0 and _WORD_HERE.match(text, begin - 1, begin):
            begin -= 1
        word = _WORD_HERE.match(text, begin)
        assert word is not None  # a ligature is a letter, so it is in a word
        after = word.end()
        if begin >= start:
            yield word


class _Marker:
    """Finds the words of a text that match a query's terms (a stem of a term, or the last word's prefix).

    A word matches only if its folded form begins with one of the stems (the Swedish Snowball stemmer only takes
    endings off, so a stem is the beginning of its word) or a prefix: one regular expression finds the words that
    begin so, written in any case and with any diacritics (`_spellings`), and only those are folded and stemmed.
    Folding and stemming every word cost 50 ms for a document's 200,000 characters (`index.MAX_TEXT`) when the
    match was in its title, a second for a page of twenty such hits. Words with a ligature ("ﬁnansiering", as a
    typeset PDF's text has them) are found by their ligature too (`_ligature_words`); a word with a letter that
    folds to nothing is not marked (the hit is still found: the index folds the same way)."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.stems = {s for term in terms for s in term.stems}
        self.prefixes = tuple(term.prefix for term in terms if term.prefix)
        beginnings = sorted({*self.stems, *self.prefixes}, key=len, reverse=True)
        self.candidates = re.compile("(?:" + "|".join(_beginning(b) for b in beginnings) + r")\w*")

    def words(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        """The matching words of `text` lying wholly within [start, end) (end None: to the end), in order."""
        candidates: Iterator[re.Match[str]] = self.candidates.finditer(text, start)
        if any(ligature in text for ligature in _ligatures()):  # rare, and 10 µs to rule out in 200,000 characters
            candidates = heapq.merge(candidates, _ligature_words(text, start), key=lambda m: m.start())
        last = -1
        for m in candidates:
            if end is not None and m.end() > end:
                return
            if m.start() != last and _matches(m.group(), self.stems, self.prefixes):
                yield m
            last = m.start()  # a word with a ligature found by both (its beginning spelled as a stem)


@lru_cache(maxsize=256)
def _marker(terms: tuple[Term, ...]) -> _Marker:
    """The `_Marker` of `terms`, made once for a page's twenty snippets (0.15 ms each time, 4 ms the first)."""
    return _Marker(terms)


def snippet(text: str, terms: list[Term], size: int = SNIPPET_CHARS) -> SafeString:
    """About `size` characters of `text` around its first matching word, HTML-escaped, each matching word in
    `<mark>`; the start of the text when no word of it matches (the match was in the title). Plain Python."""
    if not text:
        return mark_safe("")
    marker = _marker(tuple(terms))
    first = next(marker.words(text), None)
    start = 0
    if first:
        start = max(0, first.start() - size // 4)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first.start() else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    out, position = [], start
    for m in marker.words(text, start, end):
        out += [escape(text[position : m.start()]), "<mark>", escape(m.group()), "</mark>"]
        position = m.end()
    out.append(escape(text[position:end]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + " ".join("".join(out).split()) + suffix)  # noqa: S308  # every piece is escaped
