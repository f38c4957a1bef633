from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay


class MeetingDayInline(admin.TabularInline):
    model = MeetingDay
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "status", "kind", "visibility"]
    list_filter = ["status", "kind", "body__area"]
    inlines = [MeetingDayInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "meeting", "kind", "visibility", "outcome"]
    list_filter = ["kind", "visibility", "outcome"]
