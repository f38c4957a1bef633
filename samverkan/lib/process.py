"""What a serving process does once its code is loaded, before its first request (`settle`).

Why: CPython's collector sometimes examines every object the process holds (a full, generation-2 collection).
A loaded Django process holds about 150,000 of them (modules, classes, functions, the URL patterns, compiled
templates), all alive until the process ends, so each full collection walked them in vain: in the county benchmark
every tenth request of the decision board took 110 ms instead of 37 (a full collection of 65 ms in the middle of
it), which made that page's p95 three times its median. `gc.freeze()` moves everything alive at that moment into a
permanent generation that collections skip; objects made later are collected as before. Python's documentation
recommends the same before a server forks its workers (https://docs.python.org/3/library/gc.html#gc.freeze).
"""

import gc

from django.template.loader import get_template
from django.urls import get_resolver


def settle(templates: tuple[str, ...] = ("base.html",)) -> int:
    """Load what every request needs (the URL patterns and `templates`), collect what loading left behind, then
    freeze every remaining object (`gc.freeze`). Returns how many objects are frozen now. Safe to call again: a
    later call freezes what was made since."""
    get_resolver().url_patterns  # noqa: B018  # the patterns load on first use; load them now
    for name in templates:
        get_template(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
