"""Granting and revoking roles; the history of each role row names who did it."""

from django.db import transaction

from samverkan.accounts.models import Role


@transaction.atomic
def grant_role(user, kind, scope, by):
    role = Role(user=user, kind=kind, **{Role.SCOPE_FIELD[kind]: scope})
    role.full_clean()
    role._history_user = by
    role.save()
    return role


@transaction.atomic
def revoke_role(role, by):
    role._history_user = by
    role.delete()
