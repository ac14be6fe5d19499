"""Administrators keep the thresholds and the reporting years; the reports are read here and change only through
their workflow (registry.releases.services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.admin_site import AdministratorAccess
from registry.releases.models import ReleaseReport, ReleaseThreshold, ReleaseVersion, ReleaseYear, TransferThreshold
from registry.returns.admin import ReturnVersionInline, WasteReturnAdmin


class ThresholdAdmin(AdministratorAccess, admin.ModelAdmin):
    """A threshold an administrator changes is the national value from then on: no longer the portal's default,
    and the loader (registry.releases.reference) leaves it as set."""

    readonly_fields = ("default",)
    value_field = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if self.value_field in form.changed_data or not change:
            obj.default = False
        super().save_model(request, obj, form, change)


@admin.register(ReleaseThreshold)
class ReleaseThresholdAdmin(ThresholdAdmin):
    list_display = ("substance", "medium", "kg_per_year", "default")
    list_filter = ("medium", "default")
    search_fields = ("substance__code", "substance__cas")
    autocomplete_fields = ("substance",)
    value_field = "kg_per_year"


@admin.register(TransferThreshold)
class TransferThresholdAdmin(ThresholdAdmin):
    list_display = ("hazardous", "tonnes_per_year", "default")
    value_field = "tonnes_per_year"


@admin.register(ReleaseYear)
class ReleaseYearAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("year", "deadline", "change_factor", "transfer_tolerance_tonnes")


class ReleaseVersionInline(ReturnVersionInline):
    model = ReleaseVersion  # type: ignore[assignment]  # the same fields on the releases' versions


@admin.register(ReleaseReport)
class ReleaseReportAdmin(WasteReturnAdmin):
    """As a waste return's: read-only, with its versions."""

    inlines = [ReleaseVersionInline]
