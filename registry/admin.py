from django.contrib import admin
from django.http import HttpRequest

from portal.admin import ChangeLoggedAdmin
from registry.models import (
    Deposit,
    DepositComponent,
    DepositSurvey,
    Enterprise,
    FilingYear,
    InspectorAssignment,
    Membership,
    Region,
    ReturnVersion,
    WasteCode,
    WasteReturn,
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


@admin.register(WasteCode)
class WasteCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "hazardous", "chapter", "name_en", "mirror")
    list_filter = ("hazardous", "chapter")
    search_fields = ("code", "name_en", "name_ru", "name_kk")
    autocomplete_fields = ("mirror",)


@admin.register(FilingYear)
class FilingYearAdmin(admin.ModelAdmin):
    list_display = ("year", "deadline", "change_factor")


class ReturnVersionInline(admin.TabularInline):
    """Read-only: returns change only through their workflow (registry.returns.services)."""

    model = ReturnVersion
    fields = ("number", "status", "created_by", "submitted_at", "decided_by", "decided_at", "reasons")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: WasteReturn | None = None) -> bool:
        return False


@admin.register(WasteReturn)
class WasteReturnAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "year", "current", "accepted", "late")
    list_filter = ("year", "late", "enterprise__region")
    search_fields = ("enterprise__name", "enterprise__bin")
    list_select_related = ("enterprise", "current", "accepted")
    readonly_fields = ("enterprise", "year", "current", "accepted", "first_submitted_at", "late")
    inlines = [ReturnVersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
