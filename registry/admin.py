from django.contrib import admin
from django.http import HttpRequest

from portal.admin import ChangeLoggedAdmin
from registry.models import (
    Deposit,
    DepositComponent,
    DepositSurvey,
    Enterprise,
    InspectorAssignment,
    Membership,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("iso_code", "name_en", "name_ru", "name_kk", "kind", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("iso_code", "name_en", "name_ru", "name_kk")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Enterprise)
class EnterpriseAdmin(ChangeLoggedAdmin):
    list_display = ("name", "bin", "region", "synthetic")
    list_filter = ("region", "synthetic")
    search_fields = ("name", "bin")
    inlines = [MembershipInline]


@admin.register(InspectorAssignment)
class InspectorAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "region")
    list_filter = ("region",)
    autocomplete_fields = ("user",)


class SurveyInline(admin.TabularInline):
    """Read-only: a survey also moves the deposit's current state, which registry.services does."""

    model = DepositSurvey
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Deposit | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Deposit | None = None) -> bool:
        return False


class ComponentInline(admin.TabularInline):
    model = DepositComponent
    extra = 0


@admin.register(Deposit)
class DepositAdmin(ChangeLoggedAdmin):
    list_display = ("name", "operator", "region", "kind", "subkind", "status", "tonnage_t", "is_published")
    list_filter = ("region", "kind", "status", "is_published", "synthetic")
    search_fields = ("name", "operator__name", "operator__bin")
    list_select_related = ("operator", "region")
    autocomplete_fields = ("operator",)
    inlines = [SurveyInline, ComponentInline]
