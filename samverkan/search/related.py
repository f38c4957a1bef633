"""Related items for an item's page (issue 14): items on the same matter, then items elsewhere in the same area
(other bodies and years) that share the item's rarest title words. Only entries the reader may find
(`query.visible_entries`), in a fixed number of queries whatever the size of the index.

Within the item's area: that is the collaboration whose items relate to each other, and it bounds the work by one
area's size, not the nation's. Across 21 areas the stock words of an agenda title ("Mötets öppnande", "Val av
justerare") matched 200,000 public items, and ranking them took 0.5 s (issue 11's national benchmark).

"Rare" is counted among the *public* item entries only, so which words are chosen never depends on internal or
confidential records (a count over everything would be a side channel, however faint).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, QuerySet

from samverkan.lib.visibility import Visibility
from samverkan.search import backends
from samverkan.search.models import SearchEntry
from samverkan.search.query import newest_hits, of_kind, visible_entries
from samverkan.search.text import Term, stem, words

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer

Kind = SearchEntry.Kind
RELATED_SHOWN = 6
RARE_WORDS = 3
# Items sharing a rare word read at most, the newest (`query.newest_hits`), among which the best matches are shown:
# in the national benchmark's generated minutes, "justerare" alone is on 9,000 items of an area, ranked in 70 ms.
RELATED_READ = 500
# Words that say nothing of what an item is about: Swedish function words and the agenda's stock words.
STOP_WORDS = frozenset(
    stem(w)
    for w in (
        "och att det som en ett den de av för från med om på till i är har inte vid under efter över samt"
        " eller så sig sin sitt sina dess deras hur vad när nya ny nytt år information rapport ärende ärenden"
        " beslut fråga frågor övriga mötet möte protokoll dagordning anmälan anmälningar val"
    ).split()
)


@dataclass(frozen=True)
class RelatedItem:
    """One related item: its title (with its number), the meeting it was on, its address, its year, and whether
    it treats the same matter."""

    title: str
    context: str
    url: str
    year: int | None
    same_matter: bool


def title_terms(title: str) -> list[Term]:
    """The distinct content words of `title` as query terms (stop words, numbers and one-letter words left out)."""
    seen: dict[str, Term] = {}
    for word in words(title):
        stemmed = stem(word)
        if len(word) > 2 and not word.isdigit() and stemmed not in STOP_WORDS and stemmed not in seen:
            seen[stemmed] = Term((stemmed,))
    return list(seen.values())


def rarest(terms: list[Term], n: int = RARE_WORDS, area: int | None = None) -> list[Term]:
    """The `n` terms found in the fewest public items (of area `area`, if given; one query). A term found in no
    public item counts as rarest too: it can only find what the reader may read anyway."""
    if len(terms) <= n:
        return terms
    public = SearchEntry.objects.filter(kind=Kind.ITEM, visibility=Visibility.PUBLIC, container=Visibility.PUBLIC)
    # Only the entries with one of the words are counted: found through the index, in the area's keys only.
    public = public.filter(backends.matches(terms, any_term=True, area=area))
    counts: dict[str, Count] = {}
    for index, term in enumerate(terms):
        counts[f"t{index}"] = Count("pk", filter=backends.matches([term], area=area))
    found = public.aggregate(**counts)
    order = sorted(range(len(terms)), key=lambda i: (found[f"t{i}"] or 0, i))
    return [terms[i] for i in order[:n]]


def related_items(user: "Viewer", item_id: int, limit: int = RELATED_SHOWN) -> list[RelatedItem]:
    """Up to `limit` items of the same area related to item `item_id` that `user` may find: first those on the same
    matter (newest first), then those sharing the item's rarest title words (best match first), never the item
    itself. The caller has checked that `user` may read the item. At most five queries after the scope."""
    own = SearchEntry.objects.filter(kind=Kind.ITEM, object_id=item_id).values("matter_id", "title", "area_id").first()
    if own is None:
        return []
    # Of any area here: the area is the read's (`newest_hits`: on PostgreSQL its keys of the index, where a filter
    # on the area column as well made the planner read that column's index too, 20 ms for a county's 190,000 rows).
    candidates = visible_entries(user).filter(of_kind(Kind.ITEM)).exclude(object_id=item_id)
    same: list[SearchEntry] = []
    if own["matter_id"] is not None:
        in_area = candidates.filter(area_id=own["area_id"], matter_id=own["matter_id"])
        same = list(in_area.order_by("-date", "-pk")[:limit])
    others: list[SearchEntry] = []
    terms = rarest(title_terms(own["title"]), area=own["area_id"])
    if terms:  # even when the matter fills the list, so the page's queries do not depend on the data
        rest = candidates.exclude(pk__in=[e.pk for e in same])
        others = _best_of_the_newest(rest, terms, own["area_id"], limit)
    shown = same + others[: limit - len(same)]
    return [RelatedItem(e.title, e.context, e.url, e.year, e in same) for e in shown]


def _best_of_the_newest(entries: QuerySet[SearchEntry], terms: list[Term], area: int, limit: int) -> list[SearchEntry]:
    """The `limit` best matches of any of `terms` (then the newest) among the `RELATED_READ` newest `entries` of
    area `area` that match one. One query."""
    read, params = newest_hits(entries, terms, ["pk", "year", "date"], area=area, any_term=True, limit=RELATED_READ)
    if connection.vendor == "sqlite":  # bm25() of the rows read only (`backends.ranks_of`)
        ranks_sql, rank_params = backends.ranks_of(terms, "SELECT id FROM hits", any_term=True, area=area)
        ranks, rank_sql, join = f", ranks AS MATERIALIZED ({ranks_sql})", "r.rank", "JOIN ranks r ON r.id = w.id"
    else:
        rank_sql, rank_params = backends.rank(terms, any_term=True, area=area, table="e")
        ranks, join = "", ""
    table = SearchEntry._meta.db_table
    sql = (
        f"WITH hits (id, year, date) AS MATERIALIZED ({read}){ranks}"
        " SELECT e.id, e.kind, e.object_id, e.title, e.context, e.url, e.year, e.date"
        f" FROM hits w JOIN {table} e ON e.id = w.id {join}"
        f" ORDER BY {rank_sql}, e.date DESC, e.id DESC LIMIT %s"
    )
    return list(SearchEntry.objects.raw(sql, [*params, *rank_params, limit]))
