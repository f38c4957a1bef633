"""The two full-text backends: the SQL that matches a parsed query (`text.Term`s) and ranks the matches, for
SQLite's FTS5 table and for PostgreSQL's GIN-indexed tsvectors (migrations 0002 and 0006). Both compare the same tokens,
made in Python (text.py), so both find the same entries; only the ranking functions differ (FTS5's bm25,
PostgreSQL's ts_rank), so the order of equally good matches may too.
"""

from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from samverkan.search.text import Term


def _fts5_phrase(tokens: tuple[str, ...] | list[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def _fts5_expression(terms: list[Term], *, any_term: bool = False) -> str:
    parts = []
    for term in terms:
        exact = f"stems : {_fts5_phrase(term.stems)}"
        parts.append(f"({exact} OR words : {_fts5_phrase([term.prefix])}*)" if term.prefix else exact)
    return (" OR " if any_term else " AND ").join(parts)


def _tsquery(tokens: tuple[str, ...], *, prefix: bool = False) -> str:
    if prefix:
        return f"'{tokens[0]}':*"
    return " <-> ".join(f"'{t}'" for t in tokens)


# The stems' vector is a stored, GIN-indexed column (migration 0006), read as it is for matching and ranking; the
# words' vector, for the last word's prefix only, is an expression with its own GIN index (0002).
STEMS = "search_searchentry.stems_vector"
WORDS = "to_tsvector('simple'::regconfig, search_searchentry.words)"


def matches(terms: list[Term], *, any_term: bool = False) -> Q:
    """A filter on `SearchEntry` rows: those that match every term (any term with `any_term`).

    On SQLite the ids the FTS5 table finds; on PostgreSQL a condition on the row's own tsvectors, never a
    self-join (`id IN (SELECT id FROM search_searchentry WHERE …)`): with wrong statistics (a table analysed
    while nearly empty) the planner ran that as a nested loop computing `to_tsvector` for every pair of rows,
    minutes for a few thousand entries.
    """
    if connection.vendor == "sqlite":
        expression = _fts5_expression(terms, any_term=any_term)
        return Q(pk__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]))
    conditions, params = [], []
    for term in terms:
        condition = f"{STEMS} @@ to_tsquery('simple'::regconfig, %s)"
        params.append(_tsquery(term.stems))
        if term.prefix:
            condition = f"({condition} OR {WORDS} @@ to_tsquery('simple'::regconfig, %s))"
            params.append(_tsquery((term.prefix,), prefix=True))
        conditions.append(condition)
    joined = (" OR " if any_term else " AND ").join(conditions)
    return Q(RawSQL(f"({joined})", params, output_field=BooleanField()))


def matching(entries: QuerySet[Any], terms: list[Term], *, any_term: bool = False) -> QuerySet[Any]:
    """`entries` that match every term (any term with `any_term`). SQLite: joined to their FTS5 rows
    (`models.FullTextRow`) and matched there, once, so `ranked` reads `bm25()` from the same rows; PostgreSQL:
    `matches`."""
    if connection.vendor == "sqlite":
        expression = _fts5_expression(terms, any_term=any_term)
        match = RawSQL("search_fts MATCH %s", [expression], output_field=BooleanField())
        return entries.filter(full_text__isnull=False).filter(Q(match))
    return entries.filter(matches(terms, any_term=any_term))


def ranked(found: QuerySet[Any], terms: list[Term], *, any_term: bool = False) -> QuerySet[Any]:
    """`found` (from `matching` with the same terms) annotated `rank`, lower is better. SQLite: `bm25()` of the
    matched FTS5 rows, in the same pass (a rank computed per entry by a correlated MATCH ran the full-text query
    again for each of them); PostgreSQL: `-ts_rank` of the row's own tsvector."""
    if connection.vendor == "sqlite":
        return found.annotate(rank=RawSQL("bm25(search_fts, 1.0, 0.2)", [], output_field=FloatField()))
    query = (" | " if any_term else " & ").join(f"({_tsquery(term.stems)})" for term in terms)
    rank = RawSQL(f"-ts_rank({STEMS}, to_tsquery('simple'::regconfig, %s))", [query], output_field=FloatField())
    return found.annotate(rank=rank)
