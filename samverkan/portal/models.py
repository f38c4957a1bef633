"""The portal's one table: the content generation that keys the cache of rendered public pages
(`portal/page_cache.py`)."""

from django.db import models


class ContentGeneration(models.Model):
    """One row (pk 1) whose `value` is bumped after every committed write to a table whose rows public pages
    show; a rendered public page is cached under the value it was rendered at, so a change is visible on the
    next request. Not a domain record: no history."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"generation {self.value}"
