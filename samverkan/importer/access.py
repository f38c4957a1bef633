"""Who may import minutes and see imports. A pending import belongs to its uploader alone."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.meetings.access import can_plan_meetings
from samverkan.structure.access import get_body_for_user
from samverkan.structure.models import Body

if TYPE_CHECKING:  # only for mypy: the auth models need the app registry
    from django.contrib.auth.models import AnonymousUser, User

    # The importer's pages are for logins; an anonymous visitor (pk None) owns no upload.
    Importer = User | AnonymousUser


def can_import(user: "Importer", body: Body) -> bool:
    """Those who plan a body's meetings (its secretary, the area's coordinators, administrators) import its minutes."""
    return can_plan_meetings(user, body)


def visible_imports(user: "Importer", body: Body) -> QuerySet[ImportRecord]:
    """A body's finished imports, and the user's own pending or failed ones; never another user's upload."""
    done = Q(status__in=[ImportRecord.Status.IMPORTED, ImportRecord.Status.UPDATED])
    return ImportRecord.objects.filter(body=body).filter(done | Q(user_id=user.pk))


def can_see_record(user: "Importer", record: ImportRecord) -> bool:
    """The uploader sees their own import; those who import for its body see it once it is done."""
    if record.user_id == user.pk:
        return True
    return record.is_done and can_import(user, record.body)


def get_import_body_for_user(user: "Importer", pk: object) -> Body:
    """The body whose import page this is: Http404 if it does not exist or the user may not see it,
    PermissionDenied if the user may see it but not import for it. One query."""
    body = get_body_for_user(user, pk)
    if not can_import(user, body):
        raise PermissionDenied
    return body


def get_record_for_user(user: "Importer", pk: object, *, change: bool = False, pending: bool = False) -> ImportRecord:
    """An import the user may look at: their own, or a finished one of a body they import for.

    Http404 for an unknown record or one the user may not see (another user's upload); with `change=True`
    also for one that is not the user's own or is already done, with `pending=True` for one that is not
    pending. PermissionDenied when the user may see it but no longer imports for its body. One query.
    """
    record = get_object_or_404(ImportRecord.objects.select_related("body__area", "user", "batch"), pk=pk)
    if not can_see_record(user, record):
        raise Http404
    if change and (record.user_id != user.pk or record.is_done):
        raise Http404
    if pending and not record.is_pending:
        raise Http404
    if not can_import(user, record.body):
        raise PermissionDenied
    return record


def get_batch_for_user(user: "Importer", pk: object) -> ImportBatch:
    """The user's own ZIP upload `pk` (anyone else's is Http404); PermissionDenied if the user no longer
    imports for its body. One query."""
    batch = get_object_or_404(ImportBatch.objects.select_related("body__area"), pk=pk, user_id=user.pk)
    if not can_import(user, batch.body):
        raise PermissionDenied
    return batch
