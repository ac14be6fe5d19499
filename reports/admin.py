"""The admin of the statistics' reference data, for regulator administrators (portal.admin.AdministratorAccess).

Administrators enter population and GDP per year. The published tables are loaded from reports/data/ (each load
replaces them) and regional reports are made by a worker, so both are shown read-only; a failed report is retried
with an action (portal.leases).
"""

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_site import AdministratorAccess, ReadOnlyAccess
from reports import services
from reports.models import PublishedSeries, PublishedValue, RegionalReport, YearReference


@admin.register(YearReference)
class YearReferenceAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("year", "population", "gdp_million_usd", "source")


@admin.register(PublishedSeries)
class PublishedSeriesAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ("code", "title", "value_count", "source")
    search_fields = ("code", "title")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PublishedSeries]:
        return super().get_queryset(request).annotate(value_count=Count("values"))

    @admin.display(description=_("figures"), ordering="value_count")
    def value_count(self, series: PublishedSeries) -> int:
        return series.value_count  # type: ignore[attr-defined]


@admin.register(PublishedValue)
class PublishedValueAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ("series", "indicator", "region", "year", "value", "unit")
    list_filter = ("series", "indicator", "year", "region")
    list_select_related = ("series", "region")


@admin.register(RegionalReport)
class RegionalReportAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """A failed report (its attempts used up) is queued again by the action, attempts from zero (portal.leases)."""

    list_display = (
        "region", "year", "language", "status", "progress", "requested_by", "requested_at", "attempts", "error_start",
    )  # fmt: skip
    list_filter = ("status", "language", "year", "region", "error_code")
    list_select_related = ("region", "requested_by")
    actions = ["retry"]

    @admin.display(description=_("error"))
    def error_start(self, report: RegionalReport) -> str:
        return Truncator(report.error_message).chars(80)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.may_administer(request)

    @admin.action(description=_("Retry the selected failed reports"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[RegionalReport]) -> None:
        retried = services.reports_retry(actor=request.user, reports=queryset)
        message = ngettext(
            "%(count)s failed report queued again.", "%(count)s failed reports queued again.", len(retried)
        )
        self.message_user(request, message % {"count": len(retried)}, messages.SUCCESS)
