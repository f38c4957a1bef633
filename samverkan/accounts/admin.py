from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.accounts.models import Role


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "kind", "area", "body", "principal"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
