from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.agreements.models import Agreement, AgreementReminder, AgreementVersion, FollowUp


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "area", "owner", "visibility", "valid_from", "valid_to"]
    list_filter = ["area", "kind", "visibility"]
    raw_id_fields = ["owner", "replaces"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "number", "dated"]
    raw_id_fields = ["agreement"]


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "held_on", "body"]
    raw_id_fields = ["agreement", "body"]


@admin.register(AgreementReminder)
class AgreementReminderAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "due_on", "claimed_at", "sent_at"]
    raw_id_fields = ["agreement"]
