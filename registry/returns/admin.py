from django.contrib import admin
from django.http import HttpRequest

from portal.admin_site import AdministratorAccess
from registry.returns.models import FilingYear, ReturnVersion, WasteCode, WasteReturn


@admin.register(WasteCode)
class WasteCodeAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("code", "hazardous", "chapter", "name_en", "mirror")
    list_filter = ("hazardous", "chapter")
    search_fields = ("code", "name_en", "name_ru", "name_kk")
    autocomplete_fields = ("mirror",)


@admin.register(FilingYear)
class FilingYearAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("year", "deadline", "change_factor")


class ReturnVersionInline(AdministratorAccess, admin.TabularInline):
    """Read-only: returns change only through their workflow (registry.returns.services)."""

    model = ReturnVersion
    fields = ("number", "status", "created_by", "submitted_at", "decided_by", "decided_at", "reasons")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: WasteReturn | None = None) -> bool:
        return False


@admin.register(WasteReturn)
class WasteReturnAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("enterprise", "year", "current", "accepted", "late")
    list_filter = ("year", "late", "enterprise__region")
    search_fields = ("enterprise__name", "enterprise__bin")
    list_select_related = ("enterprise", "current", "accepted")
    readonly_fields = ("enterprise", "year", "current", "accepted", "first_submitted_at", "late")
    inlines = [ReturnVersionInline]

    def has_add_permission(self, request: HttpRequest, obj: None = None) -> bool:
        return False
