"""Bulk updates that a stored copy elsewhere must follow.

Some columns are stored copies of other rows' fields (follow-through's `StoresArea.area` and `.public` come from an
agenda item, its meeting and its body). A model instance's save() tells its receivers through post_save; a
QuerySet's `update()` (and `bulk_update()`, which calls it) sends no signal at all. A model whose fields are copied
uses `WatchedUpdateQuerySet` (or mixes it in); the app that keeps the copy calls `watch_updates(model, fields)` once
and connects a receiver to `rows_updated`. An update that names none of the watched fields costs nothing more; one
that does costs one query for the keys of the rows before the update (the filter may no longer match after it).
"""

from typing import Any, TypeVar

from django.db import models
from django.dispatch import Signal

# Sent after a QuerySet update that set a watched field: sender is the model, `pks` the list of the updated rows'
# primary keys (as they matched before the update), `fields` the set of watched field names it set.
rows_updated = Signal()

_watched: dict[type[models.Model], set[str]] = {}


def watch_updates(model: type[models.Model], fields: set[str]) -> None:
    """Have `model`'s `WatchedUpdateQuerySet.update` send `rows_updated` when it sets one of `fields` (field names
    as `update()` takes them: "meeting" and "meeting_id" are both named)."""
    _watched.setdefault(model, set()).update(fields)


M = TypeVar("M", bound=models.Model)


class WatchedUpdateQuerySet(models.QuerySet[M]):
    """A QuerySet whose `update()` tells what it changed of the watched fields (see the module). By default the
    fields `watch_updates` named for the model are watched and `rows_updated` is sent; a subclass that keeps stored
    columns of its own rows (follow-through's `StoresAreaQuerySet`) overrides `watched_fields` and `rows_changed`."""

    def watched_fields(self) -> set[str]:
        """The field names (as `update()` takes them) whose update `rows_changed` must hear of."""
        return _watched.get(self.model, set())

    def rows_changed(self, pks: list[Any], fields: set[str]) -> None:
        """After an update that set the watched `fields` of the rows `pks` (never empty): send `rows_updated`."""
        rows_updated.send(sender=self.model, pks=pks, fields=fields)

    def update(self, **fields: Any) -> int:
        watched = self.watched_fields() & set(fields)
        if not watched:
            return super().update(**fields)
        pks = list(self.order_by().values_list("pk", flat=True))
        changed = super().update(**fields)
        if pks:
            self.rows_changed(pks, watched)
        return changed

    update.alters_data = True  # type: ignore[attr-defined]  # as Django marks QuerySet.update
