from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation, SentReminder


@admin.register(Matter)
class MatterAdmin(SimpleHistoryAdmin):
    list_display = ["case_number", "title", "area", "visibility", "closed_on"]
    list_filter = ["area", "year", "visibility"]
    raw_id_fields = ["body"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "due_date", "report_to"]
    list_filter = ["status", "report_to__area"]
    raw_id_fields = ["item", "matter", "assignee_body", "assignee_person", "assignee_principal"]
    raw_id_fields += ["report_back_meeting", "report_to", "reported_item"]


class PrincipalDecisionInline(admin.TabularInline):
    model = PrincipalDecision
    extra = 0
    fields = ["principal", "outcome", "deciding_body", "decided_on", "reference"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "decided_on", "deadline"]
    raw_id_fields = ["item", "matter", "reported_item"]
    inlines = [PrincipalDecisionInline]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """Read-only: a row here is the proof that a reminder went out (or was claimed by a worker that died)."""

    list_display = ["kind", "assignment", "decision", "claimed_at", "sent_at", "recipients", "claimed_by"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
