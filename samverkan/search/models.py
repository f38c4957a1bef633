"""The search index: one row per thing a search can find (`SearchEntry`), filled from the records by `index.py`.

The full-text part lives outside Django's models: on SQLite a contentless FTS5 table `search_fts` over `stems` and
`words` (kept in step by triggers; migration 0009), on PostgreSQL stored `tsvector` columns of the same columns,
GIN-indexed (migrations 0007 and 0008), and indexed again for the entries anyone may read (migration 0010: partial
indexes that an anonymous reader's search reads alone). Both hold the tokens `text.py` computed in Python, each keyed
by the entry's area and year (`a12y2025x…`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samverkan.lib.db import run_deferred
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import Area, Body, Person, Principal

# The name under which changed records are noted for the index (`signals.py`, `samverkan.lib.db.defer`).
INDEX_WORK = "search-index"


class EntryManager(models.Manager["SearchEntry"]):
    """Every query of the index first rebuilds the entries of what this transaction changed
    (`samverkan.lib.db.run_deferred`; no query when nothing is noted), so a reader sees its own changes."""

    def get_queryset(self) -> models.QuerySet["SearchEntry"]:
        run_deferred(INDEX_WORK, using=self.db)
        return super().get_queryset()


class SearchEntry(models.Model):
    """One searchable thing: a body, a person, a principal, a meeting, an agenda item (with its decision and,
    once the minutes are published, its minutes), a document's text, an assignment, a recommendation or a
    principal's decision, an agreement (its title, kind, field of work, summary, parties and versions' text).

    Who finds it is decided by the same READERS table as the record's own pages (`structure.access`): the entry
    holds the record's level (`visibility`: for a document or a follow-through record the stricter of it and its
    item), the level of what contains it (`container`: the body, the meeting and a draft agenda, read at the
    internal level), the body whose readers count (`body`) and the readers named on it (`readers`: for a document
    on a confidential item, those named on both)."""

    class Kind(models.TextChoices):
        # The kinds are plural (a heading of hits); "Organ" and "Uppdrag" are so in Swedish already, not in English.
        BODY = "body", pgettext_lazy("kinds of hits", "Organ")
        PERSON = "person", _("Personer")
        PRINCIPAL = "principal", _("Huvudmän")
        MEETING = "meeting", _("Möten")
        ITEM = "item", _("Ärenden och beslut")
        DOCUMENT = "document", _("Handlingar")
        ASSIGNMENT = "assignment", pgettext_lazy("kinds of hits", "Uppdrag")
        RECOMMENDATION = "recommendation", _("Rekommendationer")
        DECISION = "decision", _("Huvudmännens beslut")
        AGREEMENT = "agreement", _("Överenskommelser")

    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("post"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, null=True, related_name="+")
    principal = models.ForeignKey(Principal, on_delete=models.CASCADE, null=True, related_name="+")
    matter_id = models.PositiveBigIntegerField(_("ärende"), null=True)
    year = models.PositiveSmallIntegerField(_("år"), null=True)
    date = models.DateField(_("datum"), null=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=Visibility.choices)
    container = models.CharField(_("synlighet för det som rymmer posten"), max_length=20, choices=Visibility.choices)
    readers = models.ManyToManyField(Person, blank=True, related_name="+")
    title = models.CharField(_("rubrik"), max_length=400)
    context = models.CharField(_("sammanhang"), max_length=400, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("adress"), max_length=400)
    stems = models.TextField(_("ordstammar"), blank=True)
    words = models.TextField(_("ord"), blank=True)

    objects = EntryManager()

    class Meta:
        verbose_name = _("sökpost")
        verbose_name_plural = _("sökposter")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        indexes = [
            models.Index(fields=["matter_id"], name="search_entry_matter"),
            models.Index(fields=["year"], name="search_entry_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class FullTextRow(models.Model):
    """SQLite only: a row of the FTS5 table `search_fts` (migrations 0002, 0009), whose rowid is its entry's id. Not
    managed by Django (the migration makes the table); it exists so a query can join an entry to its full-text
    row (`backends.ranked`): ranking with `bm25()` then reads each match once, where a rank computed per entry by
    a correlated MATCH ran the full-text query again for every matching entry (22 ms instead of 0.6 ms for 210
    matches in the demo county). Never queried on PostgreSQL, which has no such table."""

    entry = models.OneToOneField(
        SearchEntry,
        on_delete=models.DO_NOTHING,
        db_column="rowid",
        db_constraint=False,
        primary_key=True,
        related_name="full_text",
    )
    stems = models.TextField()
    words = models.TextField()

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"search_fts {self.pk}"
