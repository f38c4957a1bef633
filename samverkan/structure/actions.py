"""Every change to the structure goes through here, so history and invariants live in one place."""

from django.db import transaction


@transaction.atomic
def end_membership(membership, end, user):
    membership.end = end
    membership.full_clean()
    membership._history_user = user
    membership.save()
    return membership
