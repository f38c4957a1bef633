"""The Django admin for meetings. Locked minutes refuse changes here too: the models' clean() names the lock in the
change form (meetings/lock.py: days, items, attendance, signatories, the documents of items), nothing belonging to
locked minutes offers delete, and the bulk delete action refuses them too (Django asks `has_delete_permission` for
every object it would delete, cascades included)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Invitation,
    InvitationAnswer,
    Meeting,
    MeetingDay,
    MeetingMail,
    MinutesVersion,
    Signatory,
)


def _meeting_of(obj):
    return obj if isinstance(obj, Meeting) else getattr(obj, "meeting", None)


def _locked(obj):
    meeting = _meeting_of(obj)
    if isinstance(obj, Document) and obj.item_id is None:
        return False  # a document of the meeting as a whole is not part of the minutes
    return meeting is not None and meeting.locked_at is not None


class KeepsLockedMinutes:
    """No delete button (nor bulk delete) for anything that belongs to locked minutes."""

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


class MeetingDayInline(admin.TabularInline):
    model = MeetingDay
    extra = 0

    # Inside a locked meeting the days are shown, not offered for editing.
    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Meeting)
class MeetingAdmin(KeepsLockedMinutes, SimpleHistoryAdmin):
    list_display = ["__str__", "body", "status", "kind", "visibility"]
    list_filter = ["status", "kind", "body__area"]
    readonly_fields = ["invited_at", "locked_at", "notice_date", "published_at"]
    inlines = [MeetingDayInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(KeepsLockedMinutes, SimpleHistoryAdmin):
    list_display = ["number", "title", "meeting", "kind", "visibility", "outcome"]
    list_filter = ["kind", "visibility", "outcome"]


@admin.register(Attendance)
class AttendanceAdmin(KeepsLockedMinutes, SimpleHistoryAdmin):
    list_display = ["person", "meeting", "status", "group"]
    list_filter = ["status", "group"]
    raw_id_fields = ["meeting", "person", "substitute_for"]


@admin.register(Signatory)
class SignatoryAdmin(KeepsLockedMinutes, SimpleHistoryAdmin):
    list_display = ["person", "meeting", "role", "signed_at"]
    list_filter = ["role"]
    raw_id_fields = ["meeting", "person"]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(admin.ModelAdmin):
    """Versions are made by the workflow and never changed: read only."""

    list_display = ["meeting", "number", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "sent_at", "sent_by", "recipients"]
    raw_id_fields = ["meeting"]


@admin.register(MeetingMail)
class MeetingMailAdmin(admin.ModelAdmin):
    list_display = ["address", "kind", "meeting", "queued_at", "sent_at", "error"]
    list_filter = ["kind"]
    raw_id_fields = ["meeting", "invitation", "answer", "membership"]


@admin.register(InvitationAnswer)
class InvitationAnswerAdmin(SimpleHistoryAdmin):
    list_display = ["person", "meeting", "answer", "answered_at"]
    raw_id_fields = ["meeting", "person"]


@admin.register(Document)
class DocumentAdmin(KeepsLockedMinutes, SimpleHistoryAdmin):
    list_display = ["title", "number", "meeting", "visibility", "uploaded_at"]
    list_filter = ["visibility", "kind"]
    raw_id_fields = ["meeting", "item"]
