"""Who may import minutes and see imports. A pending import belongs to its uploader alone."""

from django.db.models import Q

from samverkan.importer.models import ImportRecord
from samverkan.meetings.access import can_plan_meetings


def can_import(user, body) -> bool:
    """Those who plan a body's meetings (its secretary, the area's coordinators, administrators) import its minutes."""
    return can_plan_meetings(user, body)


def visible_imports(user, body):
    """A body's finished imports, and the user's own pending or failed ones; never another user's upload."""
    done = Q(status__in=[ImportRecord.Status.IMPORTED, ImportRecord.Status.UPDATED])
    return ImportRecord.objects.filter(body=body).filter(done | Q(user_id=user.pk))


def can_see_record(user, record) -> bool:
    if record.user_id == user.pk:
        return True
    return record.is_done and can_import(user, record.body)
