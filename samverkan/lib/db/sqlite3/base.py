"""Django's SQLite backend with work done just before commit (`samverkan.lib.db`)."""

from django.db.backends.sqlite3 import base

from samverkan.lib.db import DeferredWorkMixin


class DatabaseWrapper(DeferredWorkMixin, base.DatabaseWrapper):
    """`django.db.backends.sqlite3`'s wrapper with `DeferredWorkMixin`."""
