"""Every change to the structure goes through here, so history and invariants live in one place."""

from django.db import transaction
from simple_history.utils import update_change_reason


@transaction.atomic
def save_record(form, user, reason=""):
    """Save a validated staff form; the history row names the user and, when given, why."""
    record = form.save(commit=False)
    record._history_user = user
    record.save()
    form.save_m2m()
    if reason:
        update_change_reason(record, reason)
    return record


@transaction.atomic
def end_membership(membership, end, user):
    membership.end = end
    membership.full_clean()
    membership._history_user = user
    membership.save()
    return membership
