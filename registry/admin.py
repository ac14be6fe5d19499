from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin_site import AdministratorAccess, ReadOnlyAccess
from registry import services
from registry.geo import Outline
from registry.models import (
    Deposit,
    DepositComponent,
    DepositRegionPeriod,
    DepositSurvey,
    Enterprise,
    EnterpriseRegionPeriod,
    InspectorAssignment,
    Membership,
    Region,
    RegionPeriod,
    RegionSplit,
)


@admin.register(Region)
class RegionAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("iso_code", "name_en", "name_ru", "name_kk", "kind", "time_zone", "valid_from", "valid_to")
    list_filter = ("kind", "time_zone")
    search_fields = ("iso_code", "name_en", "name_ru", "name_kk")


class MembershipInline(AdministratorAccess, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class RegionPeriodInline(ReadOnlyAccess, admin.TabularInline):
    """An owner's regions over time, read-only: they change with its region (from today), through a split, or by
    an administrator's decision on what a split left awaiting (the regions-over-time pages)."""

    fields = ("region", "valid_from", "valid_to", "awaiting_split")
    readonly_fields = fields
    extra = 0


class EnterpriseRegionPeriodInline(RegionPeriodInline):
    model = EnterpriseRegionPeriod


class DepositRegionPeriodInline(RegionPeriodInline):
    model = DepositRegionPeriod


class OwnsRegionPeriods:
    """An enterprise's or deposit's region periods are part of it: deleting it deletes them, although no one
    deletes a single period (that would leave a gap in its history)."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        periods = {str(model._meta.verbose_name) for model in (EnterpriseRegionPeriod, DepositRegionPeriod)}
        return deleted, counts, perms_needed - periods, protected


@admin.register(Enterprise)
class EnterpriseAdmin(OwnsRegionPeriods, AdministratorAccess, admin.ModelAdmin):
    list_display = ("name", "bin", "region", "synthetic")
    list_filter = ("region", "synthetic")
    search_fields = ("name", "name_kk", "name_ru", "name_en", "bin")
    inlines = [MembershipInline, EnterpriseRegionPeriodInline]


@admin.register(InspectorAssignment)
class InspectorAssignmentAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("user", "region")
    list_filter = ("region",)
    autocomplete_fields = ("user",)


class SurveyInline(AdministratorAccess, admin.TabularInline):
    """Read-only: a survey also moves the deposit's current state, which registry.services does."""

    model = DepositSurvey
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Deposit | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Deposit | None = None) -> bool:
        return False


class ComponentInline(AdministratorAccess, admin.TabularInline):
    model = DepositComponent
    extra = 0


@admin.register(Deposit)
class DepositAdmin(OwnsRegionPeriods, AdministratorAccess, admin.ModelAdmin):
    list_display = ("name", "operator", "region", "kind", "subkind", "status", "tonnage_t", "is_published")
    list_filter = ("region", "kind", "status", "is_published", "synthetic")
    search_fields = ("name", "name_kk", "name_ru", "name_en", "operator__name", "operator__bin")
    list_select_related = ("operator", "region")
    autocomplete_fields = ("operator",)
    inlines = [SurveyInline, ComponentInline, DepositRegionPeriodInline]


# Region splits and what awaits assignment after one.


class RegionSplitForm(forms.ModelForm):
    outline_file = forms.FileField(
        label=_("outline of the new region"),
        required=False,
        help_text=_(
            "GeoJSON polygon, optional. Deposits inside it move to the new region, those outside stay, and an "
            "enterprise follows its deposits when they agree; everything else is listed as awaiting assignment."
        ),
    )

    class Meta:
        model = RegionSplit
        fields = ("parent", "region", "date")

    def clean_outline_file(self) -> Outline | None:
        upload = self.cleaned_data.get("outline_file")
        if not upload:
            return None
        try:
            return Outline.from_text(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationError(gettext("The outline is not a GeoJSON polygon: %(error)s") % {"error": exc}) from exc


@admin.register(RegionSplit)
class RegionSplitAdmin(AdministratorAccess, admin.ModelAdmin):
    """Adding a split applies it (registry.services.region_split); a split is never changed or deleted."""

    form = RegionSplitForm
    list_display = ("region", "parent", "date", "awaiting")
    list_select_related = ("region", "parent")

    def get_fields(self, request: HttpRequest, obj: RegionSplit | None = None) -> tuple[str, ...]:
        return ("parent", "region", "date", "outline_file") if obj is None else ("parent", "region", "date", "awaiting")

    def get_readonly_fields(self, request: HttpRequest, obj: RegionSplit | None = None) -> tuple[str, ...]:
        return () if obj is None else ("parent", "region", "date", "awaiting")

    @admin.display(description=_("awaiting assignment"))
    def awaiting(self, split: RegionSplit) -> str:
        links = []
        for model in (EnterpriseRegionPeriod, DepositRegionPeriod):
            count = model.objects.filter(awaiting_split=split).count()
            url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
            links.append(format_html('<a href="{}?awaiting_split__id__exact={}">{} {}</a>', url, split.pk, count,
                                     model._meta.verbose_name_plural))  # fmt: skip
        return format_html("{} · {}", *links)

    def has_change_permission(self, request: HttpRequest, obj: RegionSplit | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RegionSplit | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RegionSplit, form: forms.ModelForm, change: bool) -> None:
        outcome = services.region_split(
            actor=request.user, parent=obj.parent, region=obj.region, date=obj.date,
            outline=form.cleaned_data.get("outline_file"),
        )  # fmt: skip
        obj.pk = outcome.split.pk
        self.message_user(
            request,
            gettext(
                "Moved to %(region)s: %(enterprises)s enterprises, %(deposits)s deposits. Awaiting assignment: "
                "%(waiting_enterprises)s enterprises, %(waiting_deposits)s deposits."
            )
            % {
                "region": obj.region,
                **outcome.moved,
                "waiting_enterprises": outcome.awaiting["enterprises"],
                "waiting_deposits": outcome.awaiting["deposits"],
            },
            messages.SUCCESS,
        )


class AwaitingFilter(admin.SimpleListFilter):
    title = _("awaiting assignment")
    parameter_name = "awaiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("awaiting an administrator")), ("no", gettext("settled"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(awaiting_split__isnull=False)
        if self.value() == "no":
            return queryset.filter(awaiting_split__isnull=True)
        return queryset


class RegionPeriodAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """Regions over time, read-only; what a split left awaiting is decided with the two actions."""

    list_display = ("owner_name", "region", "valid_from", "valid_to", "awaiting_split")
    list_filter = (AwaitingFilter, "awaiting_split", "region")
    actions = ("move_to_new_region", "keep_region")

    @admin.display(description=_("enterprise or deposit"))
    def owner_name(self, period: RegionPeriod) -> str:
        return str(period.owner)

    @admin.action(description=_("Move to the new region of the split, from its date"))
    def move_to_new_region(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, move=True)

    @admin.action(description=_("Keep in this region"))
    def keep_region(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide(request, queryset, move=False)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Any], *, move: bool) -> None:
        done = 0
        for period in queryset.filter(awaiting_split__isnull=False):
            try:
                services.region_period_decide(actor=request.user, period=period, move=move)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, f"{period}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
            else:
                done += 1
        self.message_user(request, gettext("%(count)s assignments decided.") % {"count": done}, messages.SUCCESS)


@admin.register(EnterpriseRegionPeriod)
class EnterpriseRegionPeriodAdmin(RegionPeriodAdmin):
    list_select_related = ("enterprise", "region", "awaiting_split__region", "awaiting_split__parent")
    search_fields = ("enterprise__name", "enterprise__bin")


@admin.register(DepositRegionPeriod)
class DepositRegionPeriodAdmin(RegionPeriodAdmin):
    list_select_related = ("deposit", "region", "awaiting_split__region", "awaiting_split__parent")
    search_fields = ("deposit__name", "deposit__operator__name")
