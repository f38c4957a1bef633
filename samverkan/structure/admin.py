from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.structure.models import Area, Body, Membership, Person, Principal, Role


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "county"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Principal)
class PrincipalAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["area", "kind"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "area", "kind", "level", "tier", "visibility"]
    list_filter = ["area", "kind", "level", "tier", "visibility"]
    search_fields = ["name", "abbreviation"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "employer", "user"]
    search_fields = ["first_name", "last_name", "email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "role", "principal", "party", "start", "end"]
    list_filter = ["body__area", "role"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "kind", "area", "body", "principal"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
