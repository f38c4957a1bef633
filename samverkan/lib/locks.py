"""Row locks that refuse to be taken outside a transaction, on every database."""

from typing import TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)


def locked(queryset: "QuerySet[M]") -> "QuerySet[M]":
    """`queryset.select_for_update()`, which holds its rows until the surrounding transaction ends.

    Raises TransactionManagementError outside `transaction.atomic`, on SQLite too: SQLite ignores
    SELECT … FOR UPDATE, so without this check an action that forgot its transaction would fail only on
    PostgreSQL (where Django refuses) and lock nothing at all on SQLite.
    """
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise TransactionManagementError("a row lock needs a transaction: wrap the action in transaction.atomic")
    return queryset.select_for_update()
