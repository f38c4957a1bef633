"""Readable change history for a record kept by django-simple-history: who, when, and what changed."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {"+": _("Skapad"), "~": _("Ändrad"), "-": _("Borttagen")}
HISTORY_REASON_LENGTH = 100  # django-simple-history's history_change_reason

M = TypeVar("M", bound=models.Model)
# The names of the objects that history rows point at, by (model, primary key).
RelatedNames = dict[tuple[object, Any], str]
if TYPE_CHECKING:  # only for mypy: Field takes no type arguments at run time, and auth models need the app registry
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    Field = models.Field[Any, Any]
    # Who makes a change: a staff user, or None for the system (imports, the worker, the demo).
    Changer = AbstractBaseUser | AnonymousUser | None


def attribute(record: M, user: "Changer", reason: object = "") -> M:
    """Name who makes the record's next change and why; the history row written by that save or delete
    carries both (no second query to add the reason afterwards)."""
    # django-simple-history reads these two attributes when it writes the history row.
    record._history_user = user  # type: ignore[attr-defined]
    record._change_reason = str(reason)[:HISTORY_REASON_LENGTH] if reason else None  # type: ignore[attr-defined]
    return record


def save_with_history(record: M, user: "Changer", reason: object = "", clean: bool = True) -> M:
    """Validate (unless told not to) and save one record; its history row names the user and, when given, why."""
    if clean:
        record.full_clean()
    attribute(record, user, reason)
    record.save()
    return record


@dataclass
class Change:
    """One field's change between two history rows, both values as shown to people."""

    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    """One history row as the history list shows it."""

    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def history_rows(record: models.Model, limit: int = 50) -> list[HistoryRow]:
    """The newest `limit` history rows of record, each diffed against the one before; three queries in all."""
    history = record.history  # type: ignore[attr-defined]  # django-simple-history's manager, untyped
    entries = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = record._meta.model
    related = _related_names(model, entries)
    rows: list[HistoryRow] = []
    raw: list[list[tuple[Field, Any, Any]]] = []  # each row's changed fields, old and new values as stored
    for newer, older in zip(entries, entries[1:] + [None], strict=False):
        if len(rows) == limit:
            break
        changed = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                # simple-history diffs its own fields and tracked many-to-many fields, never reverse relations
                changed.append((cast("Field", model._meta.get_field(change.field)), change.old, change.new))
        raw.append(changed)
        user = newer.history_user
        rows.append(
            HistoryRow(
                when=newer.history_date,
                who=(user.get_full_name() or user.username) if user else str(_("systemet")),
                kind=str(KIND_LABELS.get(newer.history_type, newer.history_type)),
                reason=newer.history_change_reason or "",
            )
        )
    related.update(_m2m_names(raw))
    for row, changed in zip(rows, raw, strict=True):
        row.changes = [
            Change(str(f.verbose_name), _show(f, old, related), _show(f, new, related)) for f, old, new in changed
        ]
    return rows


def _m2m_targets(f: "Field", value: Any) -> list[Any]:
    """The ids of the records a tracked many-to-many value names: simple-history gives the through rows as dicts
    ({"agreement": 7, "principal": 2}), keyed by the through model's field names."""
    name = f.m2m_reverse_field_name()  # type: ignore[attr-defined]  # a ManyToManyField's
    return [row.get(name) for row in value or [] if isinstance(row, dict)]


def _m2m_names(raw: list[list[tuple["Field", Any, Any]]]) -> RelatedNames:
    """Names of the records the many-to-many changes in `raw` name, one query per related model."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for changed in raw:
        for f, old, new in changed:
            if isinstance(f, models.ManyToManyField):
                ids = set(_m2m_targets(f, old)) | set(_m2m_targets(f, new))
                wanted.setdefault(cast(type[models.Model], f.related_model), set()).update(ids - {None})
    return {(m, obj.pk): str(obj) for m, ids in wanted.items() if ids for obj in m._default_manager.filter(pk__in=ids)}


def _related_names(model: type[models.Model], entries: list[Any]) -> RelatedNames:
    """Names of every object that a foreign key in the history points at, fetched once per model."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(e, f.attname, None) for e in entries} - {None}
            if ids:
                # a model class: the app registry has resolved "self" and lazy references by now
                wanted.setdefault(cast(type[models.Model], f.related_model), set()).update(ids)
    return {(m, obj.pk): str(obj) for m, ids in wanted.items() for obj in m._default_manager.filter(pk__in=ids)}


def _show(f: "Field", value: Any, related: RelatedNames) -> str:
    if isinstance(f, models.ManyToManyField):
        names = sorted(related.get((f.related_model, pk), f"#{pk}") for pk in _m2m_targets(f, value))
        return ", ".join(names) or "–"
    if value in (None, ""):
        return "–"
    if isinstance(f, models.ForeignKey):
        return related.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    return str(value)
