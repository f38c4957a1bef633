"""Django's PostgreSQL backend with work done just before commit (`samverkan.lib.db`)."""

from django.db.backends.postgresql import base

from samverkan.lib.db import DeferredWorkMixin


class DatabaseWrapper(DeferredWorkMixin, base.DatabaseWrapper):
    """`django.db.backends.postgresql`'s wrapper with `DeferredWorkMixin`."""
