"""Readable change history for a record kept by django-simple-history: who, when, and what changed."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {"+": _("Skapad"), "~": _("Ändrad"), "-": _("Borttagen")}
HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason


def attribute(record, user, reason=""):
    """Name who makes the record's next change and why; the history row written by that save or delete
    carries both (no second query to add the reason afterwards)."""
    record._history_user = user
    record._change_reason = str(reason)[:HISTORY_REASON_LENGTH] if reason else None
    return record


def save_with_history(record, user, reason="", clean=True):
    """Validate (unless told not to) and save one record; its history row names the user and, when given, why."""
    if clean:
        record.full_clean()
    attribute(record, user, reason)
    record.save()
    return record


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: object
    who: str
    kind: str
    reason: str
    changes: list = field(default_factory=list)


def history_rows(record, limit=50):
    """The newest `limit` history rows of record, each diffed against the one before; three queries in all."""
    entries = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = record._meta.model
    related = _related_names(model, entries)
    rows = []
    for newer, older in zip(entries, entries[1:] + [None], strict=False):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                f = model._meta.get_field(change.field)
                changes.append(
                    Change(str(f.verbose_name), _show(f, change.old, related), _show(f, change.new, related))
                )
        user = newer.history_user
        rows.append(
            HistoryRow(
                when=newer.history_date,
                who=(user.get_full_name() or user.username) if user else str(_("systemet")),
                kind=str(KIND_LABELS.get(newer.history_type, newer.history_type)),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return rows


def _related_names(model, entries):
    """Names of every object that a foreign key in the history points at, fetched once per model."""
    wanted = {}
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(e, f.attname, None) for e in entries} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    return {(m, obj.pk): str(obj) for m, ids in wanted.items() for obj in m._default_manager.filter(pk__in=ids)}


def _show(f, value, related):
    if value in (None, ""):
        return "–"
    if isinstance(f, models.ForeignKey):
        return related.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    return str(value)
