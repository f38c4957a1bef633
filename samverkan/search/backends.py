"""The two full-text backends: the SQL that matches a parsed query (`text.Term`s) and ranks the matches, for
SQLite's FTS5 table and for PostgreSQL's GIN-indexed tsvectors, both holding tokens keyed by area and year
(migrations 0009 and 0008).
Both compare the same tokens, made in Python (text.py), so both find the same entries; only the ranking functions
differ (FTS5's bm25, PostgreSQL's ts_rank), so the order of equally good matches may too.
"""

from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from samverkan.search.text import Term

# Both databases hold every token with its entry's area and year key in front of it ("a12y2025x" + the token; area 0
# for an entry of no area, year 0 for an undated one): PostgreSQL in stored, GIN-indexed vectors (migration 0008),
# SQLite in its FTS5 table (migration 0009). A query asks for the keys of the areas and years it searches, so a search
# in one area reads that area's hits only, and one read a year at a time (`query.newest_hits`) stops at its ceiling.
# The stems are matched and ranked, the words serve the last word's prefix only.
STEMS = "search_searchentry.area_stems_vector"  # `rank` reads the column of another alias too
WORDS = "search_searchentry.area_words_vector"
KEY = "@"  # where a query's pattern takes an area's and year's key (tokens are letters and digits only: text.words)

# The year of the keys asked for, when a query is run a year at a time (`query._one_pass`): the column `y` of an
# outer query's row named `keyed_years`.
YEAR_OF_OUTER_ROW = "keyed_years.y"
# PostgreSQL: the area of the keys asked for, when a query is run a year and an area at a time (`query.newest_hits`):
# the column `a` of the same outer row (`keyed_years` given the areas).
AREA_OF_OUTER_ROW = "keyed_years.a"
EVERY_AREA_SQL = "SELECT id AS k FROM structure_area UNION ALL SELECT 0"  # every area's id (column k), and 0, none
# Every year an entry has (column k), each found by one probe of the year index (a loose index scan), not every
# year from the first to the last: a single entry mistakenly dated 1900 or 9999 made that a span of a century or
# eight thousand years, each a key in every search's and digest's query and a value of the year facet. Both
# databases.
INDEX_YEARS_SQL = (
    "WITH RECURSIVE y (k) AS (SELECT min(year) FROM search_searchentry WHERE year > 0"
    " UNION ALL SELECT (SELECT min(year) FROM search_searchentry WHERE year > y.k) FROM y WHERE y.k IS NOT NULL)"
    " SELECT k FROM y WHERE k IS NOT NULL"
)
EVERY_YEAR_SQL = f"SELECT 0 AS k UNION ALL SELECT k FROM ({INDEX_YEARS_SQL}) AS found_years"  # and 0, the undated


def keyed_years(years_sql: str, areas_sql: str | None = None, *, undated_last: bool = False) -> str:
    """SQL of a derived table `keyed_years` (column y) of the years `years_sql` selects (column k), undated (0)
    first (last with `undated_last`), then newest first: the outer loop of a query that reads its hits a year at a
    time. Kept in that order on SQLite too, which otherwise drops the ORDER BY of a subquery in FROM (a LIMIT, of
    none, keeps it). Given `areas_sql` (areas' ids in column k), a row (y, a) for each year and area, the areas of a
    year in order of id: the loop of a query that reads its hits a year and an area at a time."""
    no_limit = "-1" if connection.vendor == "sqlite" else "ALL"
    undated = "ASC" if undated_last else "DESC"
    if areas_sql is not None:
        return (
            f"(SELECT years.k AS y, areas.k AS a FROM ({years_sql}) AS years CROSS JOIN ({areas_sql}) AS areas"
            f" ORDER BY years.k = 0 {undated}, years.k DESC, areas.k LIMIT {no_limit}) AS keyed_years"
        )
    return (
        f"(SELECT k AS y FROM ({years_sql}) AS years ORDER BY k = 0 {undated}, k DESC LIMIT {no_limit}) AS keyed_years"
    )


def _fts5_phrase(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def _fts5_expression(terms: list[Term], *, any_term: bool = False) -> str:
    """The FTS5 query of `terms` with `KEY` in front of every token (`_keyed` puts the keys there)."""
    parts = []
    for term in terms:
        exact = f"stems : {_fts5_phrase([KEY + stem for stem in term.stems])}"
        parts.append(f"({exact} OR words : {_fts5_phrase([KEY + term.prefix])}*)" if term.prefix else exact)
    return (" OR " if any_term else " AND ").join(parts)


def _pattern(tokens: tuple[str, ...], *, prefix: bool = False) -> str:
    """A tsquery with `KEY` in front of each token: one word, a phrase (`<->`), or a prefix (`:*`)."""
    if prefix:
        return f"'{KEY}{tokens[0]}':*"
    return "(" + " <-> ".join(f"'{KEY}{token}'" for token in tokens) + ")"


def _keyed(pattern: str, area: int | str | None, year: int | str | None = None) -> tuple[str, list[Any]]:
    """SQL for `pattern` (an FTS5 query on SQLite, a tsquery on PostgreSQL, `KEY` in front of each token) keyed to
    area `area` (None: every area, and no area) and year `year` (None: every year, and undated;
    `YEAR_OF_OUTER_ROW`: the year of the outer query's row), with its params: one key's query, or one for each
    key, any of which may match (an entry holds its own key only).

    A scalar subquery, which either database evaluates once per statement (once per outer row for an outer year).
    PostgreSQL's planner, which cannot know a word's share of the entries from a query it has not seen, then takes
    its default estimate and finds the hits through the GIN index; given the tsquery itself it estimated a common
    word's keyed share from its statistics and sometimes read the whole table instead (280 ms instead of 30 in the
    county benchmark)."""
    sqlite = connection.vendor == "sqlite"
    if area == AREA_OF_OUTER_ROW:  # PostgreSQL: the one key of the outer row's year and area
        assert year == YEAR_OF_OUTER_ROW and not sqlite, (area, year)
        key = f"'a' || {AREA_OF_OUTER_ROW} || 'y' || {YEAR_OF_OUTER_ROW} || 'x'"
        return f"(SELECT to_tsquery('simple'::regconfig, replace(%s, %s, {key})))", [pattern, KEY]
    if area is not None and isinstance(year, int):
        key = f"a{area}y{year}x"
        if sqlite:
            return "%s", [pattern.replace(KEY, key)]
        return "(SELECT to_tsquery('simple'::regconfig, replace(%s, %s, %s)))", [pattern, KEY, key]
    params: list[Any] = [] if area is None else [area]
    areas = EVERY_AREA_SQL if area is None else "SELECT %s AS k"
    if isinstance(year, int):
        years, params = "SELECT %s AS k", [*params, year]
    else:
        assert year in (None, YEAR_OF_OUTER_ROW), year
        years = EVERY_YEAR_SQL if year is None else f"SELECT {YEAR_OF_OUTER_ROW} AS k"
    each = "replace(%s, %s, 'a' || a.k || 'y' || y.k || 'x')"
    every = f"group_concat('(' || {each} || ')', ' OR ')" if sqlite else f"string_agg({each}, ' | ')"
    keyed = f"(SELECT {every} FROM ({areas}) AS a CROSS JOIN ({years}) AS y)"
    return (keyed if sqlite else f"(SELECT to_tsquery('simple'::regconfig, {keyed}))"), [pattern, KEY, *params]


def _term_query(term: Term, area: int | str | None, year: int | str | None) -> tuple[str, list[Any]]:
    """PostgreSQL: the SQL condition for one term (its stems, or the last word as a prefix of a word) with its
    params."""
    stems_sql, params = _keyed(_pattern(term.stems), area, year)
    condition = f"{STEMS} @@ {stems_sql}"
    if term.prefix:
        words_sql, words_params = _keyed(_pattern((term.prefix,), prefix=True), area, year)
        condition = f"({condition} OR {WORDS} @@ {words_sql})"
        params += words_params
    return condition, params


def _fts5_match(
    terms: list[Term], *, any_term: bool = False, area: int | None = None, year: int | str | None = None
) -> tuple[str, list[Any]]:
    """SQLite: the condition `search_fts MATCH …` for `terms` keyed to `area` and `year` (see `_keyed`), with its
    params."""
    sql, params = _keyed(_fts5_expression(terms, any_term=any_term), area, year)
    return f"search_fts MATCH {sql}", params


def matches(
    terms: list[Term], *, any_term: bool = False, area: int | str | None = None, year: int | str | None = None
) -> Q:
    """A filter on `SearchEntry` rows: those that match every term (any term with `any_term`), in area `area` or
    in any area (None), of year `year` or of any (None; `YEAR_OF_OUTER_ROW`: see `_keyed`).

    On SQLite the ids the FTS5 table finds under those keys; on PostgreSQL a condition on the row's own area- and
    year-keyed tsvectors, never a self-join (`id IN (SELECT id FROM search_searchentry WHERE …)`): with wrong
    statistics (a table analysed while nearly empty) the planner ran that as a nested loop computing
    `to_tsvector` for every pair of rows, minutes for a few thousand entries.
    """
    if connection.vendor == "sqlite":
        assert not isinstance(area, str), area  # an outer row's area is PostgreSQL's only
        sql, params = _fts5_match(terms, any_term=any_term, area=area, year=year)
        return Q(pk__in=RawSQL(f"SELECT rowid FROM search_fts WHERE {sql}", params))
    conditions, params = [], []
    prefixed = [term for term in terms if term.prefix]
    if not any_term and len(terms) > 1 and len(prefixed) <= 1:
        sql, params = _every_term_query(terms, prefixed[0] if prefixed else None, area, year)
        return Q(RawSQL(sql, params, output_field=BooleanField()))
    for term in terms:
        condition, term_params = _term_query(term, area, year)
        conditions.append(condition)
        params += term_params
    joined = (" OR " if any_term else " AND ").join(conditions)
    return Q(RawSQL(f"({joined})", params, output_field=BooleanField()))


def _every_term_query(
    terms: list[Term], prefixed: Term | None, area: int | str | None, year: int | str | None
) -> tuple[str, list[Any]]:
    """PostgreSQL: the SQL condition (with its params) that every one of several terms matches, `prefixed` (one of
    them, or None) also as a prefix: all the terms' stems in one tsquery (`&`), or the other terms' stems in one and
    the prefixed term's prefix of a word. So the GIN indexes intersect the terms' postings (BitmapAnd): one
    condition per term, joined by AND, let the planner read the first term's hits through the index and check
    every other term on each row, unpacking both of its vectors ("regional utveckling" in one year and area of the
    nation: 672 rows checked, 229 ms, against 1.4 ms)."""
    every, params = _keyed(" & ".join(_pattern(term.stems) for term in terms), area, year)
    condition = f"{STEMS} @@ {every}"
    if prefixed is not None:
        others = " & ".join(_pattern(term.stems) for term in terms if term is not prefixed)
        others_sql, others_params = _keyed(others, area, year)
        words_sql, words_params = _keyed(_pattern((prefixed.prefix,), prefix=True), area, year)
        condition = f"{condition} OR ({STEMS} @@ {others_sql} AND {WORDS} @@ {words_sql})"
        params += others_params + words_params
    return f"({condition})", params


def matching(
    entries: QuerySet[Any],
    terms: list[Term],
    *,
    any_term: bool = False,
    area: int | None = None,
    year: int | str | None = None,
) -> QuerySet[Any]:
    """`entries` that match every term (any term with `any_term`), in area `area` or in any (None), of year `year`
    or of any (None; `YEAR_OF_OUTER_ROW`: see `_keyed`), found through those keys of the index. SQLite: joined to
    their FTS5 rows (`models.FullTextRow`) and matched there, once, so `ranked` reads `bm25()` from the same rows;
    PostgreSQL: `matches`."""
    if connection.vendor == "sqlite":
        sql, params = _fts5_match(terms, any_term=any_term, area=area, year=year)
        match = RawSQL(sql, params, output_field=BooleanField())
        return entries.filter(full_text__isnull=False).filter(Q(match))
    return entries.filter(matches(terms, any_term=any_term, area=area, year=year))


COVERING_INDEX = "search_entry_short"  # SQLite: every short column of an entry, keyed by id (migration 0005)


def through_covering_index(sql: str) -> str:
    """`sql`, a query reading the entry table once (from `matching`), told on SQLite to read the entries through
    `COVERING_INDEX`: a match joined to its entry by id then reads the index, never the wide row with its text,
    stems and words. Left to itself SQLite's planner took the primary key for a query that selects the id (a
    county's common word: 56 ms instead of 36), and any index only after `ANALYZE`. PostgreSQL, or a query that
    does not read the table exactly once: `sql` as it is."""
    table = '"search_searchentry"'
    if connection.vendor != "sqlite" or sql.count(f"FROM {table} ") != 1:
        return sql
    return sql.replace(f"FROM {table} ", f"FROM {table} INDEXED BY {COVERING_INDEX} ")


FULL_TEXT_JOIN = ' INNER JOIN "search_fts" ON ("search_searchentry"."id" = "search_fts"."rowid")'  # `matching`'s


def years_then_matches(sql: str, years_sql: str, *, undated_last: bool = False) -> str:
    """SQLite: `sql`, a query of entries joined to their FTS5 rows and matched there for the year of the outer row
    (`matching` with `YEAR_OF_OUTER_ROW`; read through `COVERING_INDEX` or not), made to read the years
    `years_sql` selects first (`keyed_years`), then each year's matches, then their entries by id: CROSS JOIN
    fixes SQLite's join order. Left to itself, with a MATCH whose keys come from the outer row, its planner scanned
    every entry and asked FTS5 about each one by rowid, which runs the whole full-text query once per entry."""
    table = 'FROM "search_searchentry" '
    assert sql.count(FULL_TEXT_JOIN) == 1 and sql.count(table) == 1, sql
    assert "%s" not in sql[: sql.index(table)], sql  # the years' params come first in the new order
    sql = sql.replace(FULL_TEXT_JOIN, "")
    entries = f"{table[5:]}INDEXED BY {COVERING_INDEX} " if f"{table}INDEXED BY" in sql else table[5:]
    on = '"search_searchentry"."id" = "search_fts"."rowid"'
    years = keyed_years(years_sql, undated_last=undated_last)
    return sql.replace(f"FROM {entries}", f'FROM {years} CROSS JOIN "search_fts" CROSS JOIN {entries}ON ({on}) ')


RANKED_IN_MATCH = "sqlite"  # the vendor whose rank comes with the match itself (FTS5's bm25 of the matched row)


def rank(
    terms: list[Term], *, any_term: bool = False, area: int | None = None, table: str, per_row: bool = False
) -> tuple[str, list[Any]]:
    """SQL for the rank (lower is better) of a matched entry, with its params. SQLite: FTS5's `bm25()` of the row
    matched in the same query (`table` unused: only a query that matched `search_fts` may ask); PostgreSQL:
    `-ts_rank` of the row `table`'s stems vector against the terms keyed by every area (or `area`) and year, one
    tsquery for all rows (an entry holds its own keys only, so its rank is what the unkeyed terms gave, scaled
    alike for every entry); with `per_row`, against the terms keyed by the row's own area and year (a tsquery made
    for each row: for a few hundred rows of many areas and years, whose shared tsquery would be hundreds of keys)."""
    if connection.vendor == RANKED_IN_MATCH:
        return "bm25(search_fts, 1.0, 0.2)", []
    key = f"'a' || coalesce({table}.area_id, 0) || 'y' || coalesce({table}.year, 0) || 'x'"
    parts, params = [], []
    for term in terms:
        if per_row:
            parts.append(f"to_tsquery('simple'::regconfig, replace(%s, %s, {key}))")
            params += [_pattern(term.stems), KEY]
        else:
            sql, term_params = _keyed(_pattern(term.stems), area)
            parts.append(sql)
            params += term_params
    query = (" || " if any_term else " && ").join(parts)
    return f"-ts_rank({table}.area_stems_vector, {query})", params


def ranks_of(
    terms: list[Term], ids_sql: str, *, any_term: bool = False, area: int | None = None, year: int | None = None
) -> tuple[str, list[Any]]:
    """SQLite only: SQL (with its params) of rows (id, rank) for the entries that `ids_sql` selects (e.g. "SELECT id
    FROM newest", a window of a search's newest hits), each matching `terms` in area `area` (None: any) and year
    `year` (None: any); FTS5's `bm25()`, lower is better.

    The full-text query is run again, a year at a time, newest first (undated first), and stops once every row of
    the window is ranked: a common word's window lies in its newest year or two, and matching all of its years again
    took half of a county's search for "kommun" (137,375 hits). `bm25()` is computed for the rows in the window only:
    computing it for every match made up two thirds of a county's common-word search (16,000 matches: 34 ms with it
    against 10 without). The window is never given to FTS5 as a condition on the rowid: FTS5 answers `rowid IN (…)`
    or `rowid = ?` by running the whole query once for each id (5 ms each for a prefix)."""
    years, params = ("SELECT %s AS k", [year]) if year is not None else (EVERY_YEAR_SQL, [])
    match, match_params = _fts5_match(terms, any_term=any_term, area=area, year=YEAR_OF_OUTER_ROW)
    sql = (
        "SELECT id, rank FROM (SELECT search_fts.rowid AS id, CASE WHEN search_fts.rowid IN ("
        f"{ids_sql}) THEN bm25(search_fts, 1.0, 0.2) END AS rank FROM {keyed_years(years)} CROSS JOIN search_fts"
        f" WHERE {match}) AS matched WHERE rank IS NOT NULL LIMIT (SELECT count(*) FROM ({ids_sql}) AS window_rows)"
    )
    return sql, [*params, *match_params]


def ranked(
    found: QuerySet[Any], terms: list[Term], *, any_term: bool = False, area: int | None = None
) -> QuerySet[Any]:
    """`found` (from `matching` with the same terms and area) annotated `rank` (`rank`), lower is better. On SQLite
    read in the same pass as the match (a rank computed per entry by a correlated MATCH ran the full-text query
    again for each of them)."""
    sql, params = rank(terms, any_term=any_term, area=area, table="search_searchentry")
    return found.annotate(rank=RawSQL(sql, params, output_field=FloatField()))
