"""The decision status board: recommendations × principals with each outcome, its filters, summaries and exports.

Built in a fixed number of queries whatever its size: the recommendations, the principals and one flat list
of (recommendation, principal, outcome) triples that is folded into the matrix in Python.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.followthrough.models import PrincipalDecision, Recommendation
from samverkan.lib.exports import Table, csv_chunks, in_chunks, xlsx_chunks
from samverkan.lib.years import YearOf

Outcome = PrincipalDecision.Outcome

# The words of a summary ("11 bifall, 1 avslag"), in the order they are listed.
SUMMARY_WORDS = {
    Outcome.ADOPTED: gettext_lazy("bifall"),
    Outcome.PARTLY_ADOPTED: gettext_lazy("delvis bifall"),
    Outcome.REJECTED: gettext_lazy("avslag"),
    Outcome.SENT_BACK: gettext_lazy("återremitterat"),
    Outcome.WILL_NOT_DECIDE: gettext_lazy("beslutar inte"),
}

STATES = {
    "pending": gettext_lazy("Väntar på beslut"),
    "overdue": gettext_lazy("Svarsdatum passerat"),
    "decided": gettext_lazy("Alla har beslutat"),
    "reported": gettext_lazy("Återrapporterad"),
}


@dataclass
class Summary:
    addressed: int = 0
    decided: int = 0
    counts: dict = field(default_factory=dict)

    def add(self, outcome):
        self.addressed += 1
        if outcome != Outcome.PENDING:
            self.decided += 1
            self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def complete(self):
        return self.addressed > 0 and self.decided == self.addressed

    def __str__(self):
        head = _("%(decided)s av %(addressed)s har beslutat") % {"decided": self.decided, "addressed": self.addressed}
        parts = [f"{self.counts[o]} {word}" for o, word in SUMMARY_WORDS.items() if self.counts.get(o)]
        return f"{head}: {', '.join(parts)}" if parts else head


@dataclass
class Cell:
    outcome: str  # "" when the principal was not asked
    label: str
    note: str = ""  # when the dispatch went out and the answer came ("Skickad 2026-12-03 · Svar 2026-12-05")


@dataclass
class Row:
    recommendation: object
    cells: list
    summary: Summary
    overdue: bool

    def cells_html(self):
        """The row's cells as HTML, built here rather than in the template: a county board has 8,000 of them."""
        return mark_safe("".join(_cell_html(cell.outcome, cell.label, cell.note) for cell in self.cells))


def with_heads(rows, recommendation_prefix):
    """`rows`, each given `head_html`: its row header on the public board (the recommendation's link, body, dates,
    badges and summary), built here like the cells rather than by the template's dozen lookups per row. The words
    are translated once for all rows. Returns `rows`."""
    due, late, reported = _("svar senast"), _("passerat"), _("återrapporterad")
    for row in rows:
        r = row.recommendation
        body = r.item.meeting.body
        badges = (f' <span class="badge warn">{escape(late)}</span>' if row.overdue else "") + (
            f' <span class="badge ok">{escape(reported)}</span>' if r.reported_item_id else ""
        )
        row.head_html = mark_safe(  # every value is escaped
            f'<th scope="row"><a href="{escape(recommendation_prefix)}{r.pk}/">{escape(r.title)}</a>\n'
            f'      <span class="meta">{escape(body.abbreviation or body.name)} {r.decided_on.isoformat()} · '
            f"{escape(due)} {r.deadline.isoformat()}{badges}</span>\n"
            f'      <span class="summary">{escape(str(row.summary))}</span></th>'
        )
    return rows


@lru_cache(maxsize=256)
def _cell_html(outcome, label, note=""):
    extra = f'<br><span class="muted">{escape(note)}</span>' if note else ""
    return f'<td class="cell-{escape(outcome or "none")}">{escape(label)}{extra}</td>'


def dispatch_note(sent_at, answered_at, by_link) -> str:
    """What a cell says of the dispatch and the answer: "Skickad 2026-12-03 · Svar 2026-12-05 via länken";
    "Skickad" only when the e-mail went out. Empty when neither happened."""
    parts = []
    if sent_at:
        parts.append(_("Skickad %(date)s") % {"date": timezone.localdate(sent_at).isoformat()})
    if answered_at:
        day = {"date": timezone.localdate(answered_at).isoformat()}
        parts.append((_("Svar %(date)s via länken") if by_link else _("Svar %(date)s")) % day)
    return " · ".join(parts)


def filter_recommendations(recommendations, *, body=None, year=None, state=None, today=None):
    """Narrow a recommendation queryset by recommending body, year of decision and state."""
    today = today or timezone.localdate()
    if body is not None:
        recommendations = recommendations.filter(item__meeting__body=body)
    if year is not None:
        recommendations = recommendations.filter(decided_on__year=year)
    # The stored count of pending decisions (Recommendation.decisions_pending) says it without a subquery per row.
    if state == "pending":
        recommendations = recommendations.filter(decisions_pending__gt=0)
    elif state == "overdue":
        recommendations = recommendations.filter(decisions_pending__gt=0, deadline__lt=today)
    elif state == "decided":
        recommendations = recommendations.filter(decisions_pending=0)
    elif state == "reported":
        recommendations = recommendations.filter(reported_item__isnull=False)
    return recommendations


def build_board(recommendations, principals, today=None):
    """Rows of the board for the given recommendations (a queryset) and principals (the columns)."""
    today = today or timezone.localdate()
    # One query for all outcomes: the recommendations' own query as a subquery, whatever their number.
    # Unordered: the cells are looked up by key (the model's default order joined the principals to sort them).
    triples = (
        PrincipalDecision.objects.filter(recommendation__in=recommendations.values("pk"))
        .order_by()
        .values_list(
            "recommendation_id", "principal_id", "outcome", "dispatch__sent_at", "answered_at", "answered_by_link"
        )
    )
    outcomes = {(rec, principal): (outcome, dispatch_note(*rest)) for rec, principal, outcome, *rest in triples}
    # Only the columns the board shows: items and bodies carry long texts that a 500-row board need not fetch.
    recommendations = (
        recommendations.select_related("item__meeting__body")
        .only(
            "title",
            "decided_on",
            "deadline",
            "reported_item_id",
            "item__meeting__body__name",
            "item__meeting__body__abbreviation",
        )
        .order_by("-decided_on", "-pk")
    )
    labels = {value: str(label) for value, label in Outcome.choices}  # translated once, not per cell
    not_asked = _("Inte tillfrågad")
    rows = []
    for recommendation in recommendations:
        summary, cells = Summary(), []
        for principal in principals:
            found = outcomes.get((recommendation.pk, principal.pk))
            if found is None:
                cells.append(Cell("", not_asked))
            else:
                outcome, note = found
                summary.add(outcome)
                cells.append(Cell(outcome, labels[outcome], note))
        overdue = not summary.complete and recommendation.deadline < today
        rows.append(Row(recommendation, cells, summary, overdue))
    return rows


EXPORT_CHUNK = 500  # recommendations fetched at a time by the streamed exports


def iter_board(recommendations, principals, today=None, chunk=None):
    """The same rows as `build_board`, in the same order, built `chunk` (default `EXPORT_CHUNK`) recommendations
    at a time (one query for the ids, then two per chunk), so an export of every year holds one chunk in memory,
    not the whole board."""
    ids = list(recommendations.order_by("-decided_on", "-pk").values_list("pk", flat=True))
    fetch = lambda part: build_board(Recommendation.objects.filter(pk__in=part), principals, today)  # noqa: E731
    return in_chunks(ids, fetch, chunk or EXPORT_CHUNK)


def header(principals):
    return [_("Rekommendation"), _("Organ"), _("Beslutsdatum"), _("Svar senast"), _("Sammanfattning")] + [
        p.name for p in principals
    ]


def flat_rows(rows):
    """The board's rows as export rows: dates as dates (real dates in XLSX), outcomes in words."""
    for row in rows:
        r = row.recommendation
        yield [r.title, r.item.meeting.body.name, r.decided_on, r.deadline, str(row.summary)] + [
            cell.label for cell in row.cells
        ]


def board_table(rows, principals, name, title=None):
    """The board as an export `lib.exports.Table` named `name` (file name without suffix)."""
    return Table(name, title or _("Beslutsstatus"), header(principals), flat_rows(rows))


def as_csv(rows, principals):
    """The whole board as CSV bytes (`lib.exports.csv_chunks` joined)."""
    return b"".join(csv_chunks(header(principals), flat_rows(rows)))


def as_xlsx(rows, principals, title):
    """The whole board as XLSX bytes (`lib.exports.xlsx_chunks` joined)."""
    return b"".join(xlsx_chunks(title, header(principals), flat_rows(rows)))


@dataclass
class YearSummary:
    """One year of the board in figures: recommendations decided that year, principals' decisions asked for
    them and how many are made."""

    year: int
    recommendations: int
    asked: int = 0
    decided: int = 0


def year_figures(recommendations):
    """`YearSummary` per year of `recommendations` (a queryset), latest first, from the stored counts
    (`Recommendation.decisions_asked`/`decisions_pending`). One query grouped by year in the database: its rows are
    the years (about ten), where reading every recommendation's figures to add them in Python took 9 ms and 5,600
    objects a request in the county benchmark."""
    rows = (
        recommendations.annotate(y=YearOf("decided_on"))
        .values("y")
        .annotate(n=Count("pk"), asked=Sum("decisions_asked"), pending=Sum("decisions_pending"))
        .order_by("-y")
    )
    return [YearSummary(r["y"], r["n"], r["asked"] or 0, (r["asked"] or 0) - (r["pending"] or 0)) for r in rows]
