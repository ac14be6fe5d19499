from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.admin_site import AdministratorAccess, ReadOnlyAccess
from registry.permits.models import EmissionLimit, EmissionSource, Permit, PlacementLimit, Substance


@admin.register(Substance)
class SubstanceAdmin(AdministratorAccess, admin.ModelAdmin):
    """The pollutant list (E-PRTR Annex II, registry.permits.reference): administrators correct and extend it."""

    list_display = ("code", "cas", "group", "toxic", "name_en", "name_ru", "name_kk")
    list_filter = ("group", "toxic")
    search_fields = ("code", "cas", "name", "name_en", "name_ru", "name_kk")


class EmissionLimitInline(ReadOnlyAccess, admin.TabularInline):
    """Read-only: limits change through the permit's workflow (registry.permits.services)."""

    model = EmissionLimit
    fields = ("source", "substance", "grams_per_second", "tonnes_per_year")
    readonly_fields = fields
    extra = 0


class PlacementLimitInline(ReadOnlyAccess, admin.TabularInline):
    model = PlacementLimit
    fields = ("deposit", "tonnes_per_year")
    readonly_fields = fields
    extra = 0


@admin.register(Permit)
class PermitAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """Read-only: permits are entered by their enterprise and verified by its inspectors (the permit pages)."""

    list_display = ("number", "enterprise", "category", "valid_from", "valid_to", "status")
    list_filter = ("status", "category", "enterprise__region")
    search_fields = ("number", "enterprise__name", "enterprise__bin")
    list_select_related = ("enterprise",)
    inlines = [EmissionLimitInline, PlacementLimitInline]


@admin.register(EmissionSource)
class EmissionSourceAdmin(AdministratorAccess, admin.ModelAdmin):
    """Administrators publish or withdraw a source; its staff keep the rest (the permit pages)."""

    list_display = ("code", "name", "enterprise", "medium", "kind", "is_published")
    list_filter = ("medium", "kind", "is_published", "enterprise__region")
    search_fields = ("code", "name", "enterprise__name", "enterprise__bin")
    list_select_related = ("enterprise",)
    readonly_fields = ("enterprise", "code", "name", "medium", "kind", "latitude", "longitude", "height_m",
                       "diameter_m")  # fmt: skip

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
