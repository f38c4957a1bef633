"""`get_FOO_display()` without Django's work per call.

Django's `Model._get_FIELD_display` makes the field's whole list of choices hashable on every call, hashing each
lazily translated label, so each call translated every label of the field: a staff meeting page called it about a
hundred times (one per attendance row and item), a sixth of its time (issue 11). `install` gives each field with
choices a `get_FOO_display` that makes that list into a dict once per field and translates only the label asked
for, in the language active at the call, as Django's does.
"""

from collections.abc import Iterable
from functools import partialmethod
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

CACHED = "_samverkan_labels"  # the field's attribute holding its {value: label} dict


def display(instance: models.Model, field: "models.Field[Any, Any]") -> Any:
    """The label of `instance`'s value of `field` (a lazy label made a str in the active language), or the value
    itself when it is not one of the choices: what Django's `_get_FIELD_display` gives."""
    labels = field.__dict__.get(CACHED)
    if labels is None:
        labels = dict(make_hashable(field.flatchoices))
        if isinstance(field.choices, list | tuple):  # a callable's choices may change: made again each call
            field.__dict__[CACHED] = labels
    value = getattr(instance, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install(model_classes: Iterable[type[models.Model]]) -> int:
    """Give the fields with choices of `model_classes` (e.g. `apps.get_models(include_auto_created=True)`) the
    `get_FOO_display` of `display`, where Django gave them its own; a method a model defines itself is kept.
    Returns how many were replaced."""
    replaced = 0
    for model in model_classes:
        for name, attribute in list(vars(model).items()):
            if (
                name.startswith("get_")
                and name.endswith("_display")
                and isinstance(attribute, partialmethod)
                and attribute.func is models.Model._get_FIELD_display  # type: ignore[attr-defined]
            ):
                setattr(model, name, partialmethod(display, **attribute.keywords))
                replaced += 1
    return replaced
