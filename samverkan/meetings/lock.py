"""The minutes lock: once minutes are adjusted (or notes published) nothing they say changes, by any route.

The models call into this module: `Meeting`, every `PartOfMinutes` record and a `Document` of an item refuse in
`clean()` (so staff forms and the admin show a Swedish error), `save()` and `delete()`; the receivers below refuse
`QuerySet.delete()`, cascades, `attendance.days.add()` and `document.readers.add()`; the models' querysets refuse
`QuerySet.update()`. Only `bulk_create` and raw
SQL get past. The one sanctioned way through is `correcting_minutes()`, used by `actions.correct_minutes`.
"""

import contextvars
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.signals import m2m_changed, pre_delete
from django.utils.translation import gettext_lazy as _

# What the minutes say about the meeting itself; frozen once they are locked (Meeting.LOCKED_FIELDS).
LOCKED_FIELDS = ["body_id", "title", "kind", "place", "chair_id", "secretary_id", "locked_at", "notice_date"]

# Set only inside actions.correct_minutes, the one sanctioned way to change locked minutes.
_correcting = contextvars.ContextVar("samverkan_correcting_minutes", default=False)


@contextmanager
def correcting_minutes():
    """Let locked minutes change for the length of the block. Only actions.correct_minutes uses it: it stores
    the change together with a new MinutesVersion and its reason, in one transaction."""
    token = _correcting.set(True)
    try:
        yield
    finally:
        _correcting.reset(token)


def is_correcting() -> bool:
    """Whether the caller is inside `correcting_minutes()`."""
    return _correcting.get()


def locked_error():
    """The ValidationError (code "locked") every refusal raises, with the Swedish message forms show."""
    return ValidationError(
        _(
            "Protokollet är låst sedan det justerades eller publicerades och kan inte ändras här. "
            "Använd ”Rätta protokollet”, som sparar en ny version med skälet till rättelsen."
        ),
        code="locked",
    )


def version_error():
    return ValidationError(_("En sparad protokollsversion ändras aldrig; en rättelse blir en ny version."))


def check_meeting(meeting):
    """Refuse a save of a locked meeting that changes its LOCKED_FIELDS (but for the notice date that publishing
    sets), or moves its status anywhere but from adjusted to published. One query for a stored meeting; none for
    a new one. Raises locked_error()."""
    if meeting.pk is None or is_correcting():
        return
    old = type(meeting).objects.filter(pk=meeting.pk, locked_at__isnull=False).values(*LOCKED_FIELDS, "status").first()
    if old is None:
        return
    # Publishing adjusted minutes puts up their notice: the notice date is set once, then frozen like the rest.
    posting = old["notice_date"] is None and meeting.status == meeting.Status.PUBLISHED
    changed = any(getattr(meeting, f) != old[f] for f in LOCKED_FIELDS if not (posting and f == "notice_date"))
    if changed or meeting.status not in (meeting.Status.ADJUSTED, meeting.Status.PUBLISHED):
        raise locked_error()


def check_meeting_delete(meeting):
    """Refuse deleting a meeting whose minutes are locked. No query."""
    if meeting.locked_at is not None and not is_correcting():
        raise locked_error()


def check_part(record):
    """Refuse any change to a record of locked minutes (a day, item, attendance row or signatory), judged by the
    meeting it belongs to now and the one its stored row belonged to. One query. Raises locked_error()."""
    if is_correcting():
        return
    meeting_model = record._meta.get_field("meeting").related_model
    rule = Q(pk=record.meeting_id)
    if record.pk is not None:
        rule |= Q(**{f"{record.minutes_related_name}__pk": record.pk})
    if meeting_model.objects.filter(rule, locked_at__isnull=False).exists():
        raise locked_error()


def check_document(document):
    """Refuse a change to a document of an item of locked minutes (DESIGN: an adjusted item's documents are part
    of what was adjusted), judged by the document as it is now and as its stored row was, so moving a document
    off or onto such an item is refused too. A document of the meeting as a whole stays free. One query at most.
    Raises locked_error()."""
    if is_correcting():
        return
    rules = []
    if document.item_id is not None:
        rules.append(Q(pk=document.meeting_id))
    if document.pk is not None:
        rules.append(Q(documents__pk=document.pk, documents__item__isnull=False))
    if not rules:
        return
    meeting_model = type(document)._meta.get_field("meeting").related_model
    rule = rules[0] if len(rules) == 1 else rules[0] | rules[1]
    if meeting_model.objects.filter(rule, locked_at__isnull=False).exists():
        raise locked_error()


def check_document_update(queryset, fields):
    """For Document's QuerySet.update(): refuse unless only `free_when_locked` fields change or no row is a
    document of an item of locked minutes."""
    if set(fields) <= queryset.model.free_when_locked or is_correcting():
        return
    if queryset.filter(item__isnull=False, meeting__locked_at__isnull=False).exists():
        raise locked_error()


def check_meeting_update(queryset, fields):
    """For Meeting's QuerySet.update(): refuse touching the minutes' fields or status of locked meetings."""
    frozen = {name.removesuffix("_id") for name in LOCKED_FIELDS} | {"status"}
    touched = {name.removesuffix("_id") for name in fields}
    if touched & frozen and not is_correcting() and queryset.filter(locked_at__isnull=False).exists():
        raise locked_error()


def check_part_update(queryset, fields):
    """For the minutes' records' QuerySet.update(): refuse unless only `free_when_locked` fields change."""
    free = set(fields) <= queryset.model.free_when_locked
    if not free and not is_correcting() and queryset.filter(meeting__locked_at__isnull=False).exists():
        raise locked_error()


def check_version_update():
    """A stored MinutesVersion never changes (only inside correcting_minutes)."""
    if not is_correcting():
        raise version_error()


def connect_receivers(*, meeting, parts, version, m2m, document):
    """Connect the receivers that refuse what passes by Model.delete() and save(); models.py calls this once.

    QuerySet.delete() (and cascades) pass by Model.delete(), but every deletion sends pre_delete. Raising there
    happens inside Django's delete transaction, which the caller then has to roll back. `parts` are the
    PartOfMinutes models, `m2m` the through models of Attendance's days and not_during, `document` the Document
    model (its named readers' through model is watched too)."""

    def keep_locked_meeting(sender, instance, **kwargs):
        check_meeting_delete(instance)

    def keep_locked_part(sender, instance, **kwargs):
        instance.check_not_locked()

    def keep_version(sender, instance, **kwargs):
        if not is_correcting():
            raise ValidationError(_("En protokollsversion kan inte tas bort."))

    def keep_locked_attendance(sender, instance, action, reverse, **kwargs):
        if action.startswith("pre_") and not reverse:
            instance.check_not_locked()

    def keep_locked_document(sender, instance, **kwargs):
        check_document(instance)

    def keep_document_readers(sender, instance, action, reverse, **kwargs):
        if action.startswith("pre_") and not reverse:
            check_document(instance)

    pre_delete.connect(keep_locked_document, sender=document, weak=False, dispatch_uid="minutes_lock_document")
    m2m_changed.connect(
        keep_document_readers, sender=document.readers.through, weak=False, dispatch_uid="minutes_lock_doc_readers"
    )
    pre_delete.connect(keep_locked_meeting, sender=meeting, weak=False, dispatch_uid="minutes_lock_meeting")
    for model in parts:
        pre_delete.connect(keep_locked_part, sender=model, weak=False, dispatch_uid=f"minutes_lock_{model.__name__}")
    pre_delete.connect(keep_version, sender=version, weak=False, dispatch_uid="minutes_lock_version")
    for through in m2m:
        m2m_changed.connect(
            keep_locked_attendance, sender=through, weak=False, dispatch_uid=f"minutes_lock_{through.__name__}"
        )
