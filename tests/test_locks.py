"""A row lock outside a transaction is refused on every database, so a forgotten `atomic` fails on SQLite too."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from samverkan.lib.locks import locked
from samverkan.structure.models import Area


@pytest.mark.django_db(transaction=True)
def test_a_lock_needs_a_transaction():
    area = Area.objects.create(name="Låsta län", slug="lasta")
    with pytest.raises(TransactionManagementError):
        locked(Area.objects.all()).get(pk=area.pk)
    with transaction.atomic():
        assert locked(Area.objects.all()).get(pk=area.pk) == area
