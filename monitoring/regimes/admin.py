from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from monitoring.regimes import services
from monitoring.regimes.models import City, Regime, RegimePlan, RequiredCut
from portal.admin_site import AdministratorAccess, ReadOnlyAccess


@admin.register(City)
class CityAdmin(AdministratorAccess, admin.ModelAdmin):
    """The cities regimes are declared over (monitoring/regimes/data/cities.csv): administrators correct a centre or
    radius and add cities."""

    list_display = ("code", "name", "region", "latitude", "longitude", "radius_km")
    list_filter = ("region",)
    search_fields = ("code", "name", "name_kk", "name_ru", "name_en")


@admin.register(Regime)
class RegimeAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """Read-only: inspectors declare, change and end regimes on the regime pages (monitoring.regimes.services)."""

    list_display = ("city", "degree", "starts_at", "ends_at", "declared_by")
    list_filter = ("degree", "city")
    list_select_related = ("city", "declared_by")


@admin.register(RequiredCut)
class RequiredCutAdmin(AdministratorAccess, admin.ModelAdmin):
    """A degree's required cut in versions: an administrator adds a version (services.required_cut_set) and never
    changes one, since plans and verdicts record the version they were judged by."""

    list_display = ("degree", "cut", "valid_from", "default", "set_by", "note")
    list_filter = ("degree", "default")
    fields = ("degree", "cut", "valid_from", "note")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = services.required_cut_set(
            actor=request.user, degree=data["degree"], cut=data["cut"], valid_from=data["valid_from"],
            note=data.get("note", ""),
        )  # fmt: skip
        obj.pk = saved.pk


@admin.register(RegimePlan)
class RegimePlanAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """Read-only: an enterprise's staff file its plans (the plans page, its file, the API)."""

    list_display = ("enterprise", "source", "degree", "planned_cut", "short", "filed_at")
    list_filter = ("degree", "short")
    list_select_related = ("enterprise", "source")
