"""reports listens to registry and monitoring; they do not know it exists."""

import datetime
from typing import Any

from django.apps import apps
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_migrate, post_save

from monitoring.models import MonitoringPoint, Result
from monitoring.signals import submission_evaluated
from registry.models import Deposit, DepositComponent, DepositSurvey, Enterprise, Region
from registry.region_history import enterprise_region_on, year_end
from registry.returns.models import WasteReturn
from registry.returns.signals import return_accepted, return_sent_back, return_submitted
from registry.signals import enterprise_regions_changed
from reports import cache as stats_cache
from reports.aggregates import mark_dirty
from reports.models import PublishedSeries, PublishedValue, ReturnCoverage, YearReference

# Rows shown on the cached public pages (the views marked with portal.page_cache.cached_page) besides the
# aggregates, whose recompute invalidates the cache itself. Every write to them goes through save() or delete(),
# in the services, the reference loaders or the admin, so these signals see them all.
PUBLIC_MODELS = (Region, Enterprise, Deposit, DepositSurvey, DepositComponent, MonitoringPoint, PublishedSeries,
                 PublishedValue, YearReference)  # fmt: skip


# A year's figures lie in the region each enterprise was in on 31 December of that year (registry.region_history),
# not in its region today: the marks name that region.


def _enterprise_of(waste_return_id: int) -> int:
    return WasteReturn.objects.values_list("enterprise_id", flat=True).get(pk=waste_return_id)


def on_return_accepted(sender: Any, *, waste_return_id: int, year: int, **kwargs: Any) -> None:
    enterprise_id = _enterprise_of(waste_return_id)
    mark_dirty("waste", [(year, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(year)))])
    stats_cache.invalidate()  # the enterprise page reads accepted returns directly, without waiting for the refresh


# The coverage of a year (reports.models.ReturnCoverage) is recomputed with the waste figures of any region of that
# year: a submission or a send-back marks its year, in the enterprise's region then, though no figure changes.


def on_return_submitted(sender: Any, *, waste_return_id: int, year: int, **kwargs: Any) -> None:
    """A return awaits a decision; and the enterprise, having filed for `year`, is expected to file the next year,
    whose coverage is kept once a return of it is submitted (`reports.aggregates._coverage_years`). Read in the
    submitting transaction: a first submission of the next year committed later marks that year itself."""
    enterprise_id = _enterprise_of(waste_return_id)
    years = [year]
    if WasteReturn.objects.filter(year=year + 1, first_submitted_at__isnull=False).exists():
        years.append(year + 1)
    mark_dirty(
        "waste", [(each, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(each))) for each in years]
    )


def on_return_sent_back(sender: Any, *, waste_return_id: int, year: int, **kwargs: Any) -> None:
    enterprise_id = _enterprise_of(waste_return_id)
    mark_dirty("waste", [(year, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(year)))])


def on_submission_evaluated(sender: Any, *, submission_id: int, **kwargs: Any) -> None:
    pairs = (
        Result.objects.filter(submission_id=submission_id)
        .order_by()
        .values_list(ExtractYear("sampled_on"), "point__enterprise_id")
        .distinct()
    )
    mark_dirty(
        "monitoring",
        [
            (year, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(year)))
            for year, enterprise_id in pairs
        ],
    )


def on_point_saved(sender: Any, *, instance: MonitoringPoint, update_fields: Any, raw: bool, **kwargs: Any) -> None:
    """The monitoring statistics count published points only: a point published or withdrawn (or otherwise saved;
    points change seldom) has the years of its evaluated results recomputed."""
    if raw or (update_fields is not None and "is_published" not in update_fields):
        return
    years = (
        Result.objects.filter(point=instance, evaluated=True)
        .order_by()
        .values_list(ExtractYear("sampled_on"), flat=True)
        .distinct()
    )
    periods = [(year, enterprise_region_on(enterprise_id=instance.enterprise_id, day=year_end(year))) for year in years]
    if periods:
        mark_dirty("monitoring", periods)


def on_enterprise_regions_changed(
    sender: Any,
    *,
    enterprise_id: int,
    region_ids: list[int],
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    **kwargs: Any,
) -> None:
    """An enterprise moved between regions over a span: the years ending in it are recomputed in each region (the
    waste years: those of its accepted returns, and those whose coverage counts the enterprise among the expected)."""

    def in_span(year: int) -> bool:
        return (valid_from is None or valid_from <= year_end(year)) and (valid_to is None or year_end(year) <= valid_to)

    accepted = WasteReturn.objects.filter(enterprise_id=enterprise_id, accepted__isnull=False)
    covered = ReturnCoverage.objects.order_by().values_list("year", flat=True).distinct()
    evaluated = Result.objects.filter(point__enterprise_id=enterprise_id, evaluated=True).order_by()
    for kind, years in (
        ("waste", {*accepted.values_list("year", flat=True), *covered}),
        ("monitoring", evaluated.values_list(ExtractYear("sampled_on"), flat=True).distinct()),
    ):
        periods = [(year, region_id) for year in set(years) if in_span(year) for region_id in region_ids]
        if periods:
            mark_dirty(kind, periods)


def on_public_row_changed(sender: Any, **kwargs: Any) -> None:
    stats_cache.invalidate()


def on_migrated(sender: Any, **kwargs: Any) -> None:
    """A deploy runs migrate: pages cached by the previous release (its templates, its static file names) go."""
    stats_cache.invalidate()


def connect() -> None:
    return_accepted.connect(on_return_accepted, dispatch_uid="reports.waste")
    return_submitted.connect(on_return_submitted, dispatch_uid="reports.waste.submitted")
    return_sent_back.connect(on_return_sent_back, dispatch_uid="reports.waste.sent-back")
    submission_evaluated.connect(on_submission_evaluated, dispatch_uid="reports.monitoring")
    post_save.connect(on_point_saved, sender=MonitoringPoint, dispatch_uid="reports.monitoring.point")
    enterprise_regions_changed.connect(on_enterprise_regions_changed, dispatch_uid="reports.regions")
    for model in PUBLIC_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(on_public_row_changed, sender=model, dispatch_uid=f"reports.cache.{model._meta.label}")
    post_migrate.connect(on_migrated, sender=apps.get_app_config("reports"), dispatch_uid="reports.cache.migrate")
