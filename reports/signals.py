"""reports listens to registry and monitoring; they do not know it exists.

It marks the aggregates a change makes stale (the refresh recomputes them and bumps the cache tags of the figures
that changed, `reports.invalidation`), and bumps the cache tags (`portal.cache_tags`) of the rows the public pages
read directly, on commit: only the answers that show a changed row are dropped."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import F, Model
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

from monitoring import partitions
from monitoring.models import MonitoringPoint, MpcNorm, Pollutant, Result, Unit
from monitoring.signals import submission_evaluated
from portal import cache_tags
from portal.cache_tags import Tag
from registry.models import (
    Deposit,
    DepositComponent,
    DepositRegionPeriod,
    DepositSurvey,
    Enterprise,
    EnterpriseRegionPeriod,
    Membership,
    Region,
    RegionSplit,
)
from registry.permits.models import EmissionLimit, EmissionSource, Permit, PermitStatus, Substance
from registry.region_history import enterprise_region_on, year_end
from registry.releases.models import ReleaseLine, ReleaseReport, ReleaseThreshold, TransferThreshold
from registry.releases.signals import release_accepted
from registry.returns.models import FilingYear, WasteCode, WasteReturn
from registry.returns.signals import return_accepted, return_sent_back, return_submitted
from registry.signals import enterprise_regions_changed
from reports.aggregates import mark_dirty
from reports.aggregates.releases import coverage_years
from reports.models import PublishedSeries, PublishedValue, ReturnCoverage, YearReference

# Reference rows that many public pages show (a pollutant's name and norm in every popup and chart, a waste code's
# name, a year's deadline, which region an enterprise or deposit lay in which year): an administrator changes them
# rarely, so a change is not narrowed.
REFERENCE_MODELS = (Pollutant, MpcNorm, Unit, WasteCode, FilingYear, RegionSplit, EnterpriseRegionPeriod,
                    DepositRegionPeriod, Substance)  # fmt: skip
# What an enterprise's public register of releases and the map of sources show (registry.releases.register): its
# accepted reports, its verified permits' limits and its sources; and what decides which releases and transfers are
# published, the thresholds (rarely changed, every enterprise's: not narrowed).
REGISTER_MODELS = (ReleaseReport, Permit, EmissionSource, EmissionLimit, ReleaseThreshold, TransferThreshold)
# Rows shown on the cached public pages (the views marked with portal.page_cache.cached_page) besides the
# aggregates, whose recompute bumps the tags of the figures it changes. Every write to them goes through save() or
# delete(), in the services, the reference loaders or the admin, so these signals see them all (`_shown_in` says
# which tags each bumps); the published values' bulk loader bumps their tag itself (reports.reference).
PUBLIC_MODELS = (Region, Enterprise, Deposit, DepositSurvey, DepositComponent, MonitoringPoint, PublishedSeries,
                 PublishedValue, YearReference, *REFERENCE_MODELS, *REGISTER_MODELS)  # fmt: skip


# A year's figures lie in the region each enterprise was in on 31 December of that year (registry.region_history),
# not in its region today: the marks name that region.


def _enterprise_of(waste_return_id: int) -> int:
    return WasteReturn.objects.values_list("enterprise_id", flat=True).get(pk=waste_return_id)


def on_return_accepted(sender: Any, *, waste_return_id: int, year: int, **kwargs: Any) -> None:
    enterprise_id = _enterprise_of(waste_return_id)
    mark_dirty("waste", [(year, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(year)))])
    # The enterprise's pages read accepted returns directly, without waiting for the refresh: saving the return
    # bumped their tag (`on_filing_changed`).


# The coverage of a year (reports.models.ReturnCoverage) is recomputed with the waste figures of any region of that
# year: a submission or a send-back marks its year, in the enterprise's region then, though no figure changes.


def on_return_submitted(sender: Any, *, waste_return_id: int, year: int, **kwargs: Any) -> None:
    """A return awaits a decision; and the enterprise, having filed for `year`, is expected to file the next year,
    whose coverage is kept once a return of it is submitted (`reports.aggregates.tables._coverage_years`). Read in the
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


def _release_periods(enterprise_id: int, years: Iterable[int]) -> list[tuple[int, int]]:
    return [(year, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(year))) for year in set(years)]


def on_release_accepted(sender: Any, *, report: ReleaseReport, **kwargs: Any) -> None:
    """The release totals of its year and region change (reports.aggregates.releases), in the accepting transaction;
    and the enterprise, having reported for the year, is expected to report the next, whose coverage is kept once a
    report of it is accepted."""
    years = [report.year]
    if ReleaseReport.objects.filter(year=report.year + 1, accepted__isnull=False).exists():
        years.append(report.year + 1)
    mark_dirty("releases", _release_periods(report.enterprise_id, years))


def on_permit_saving(sender: Any, *, instance: Permit, raw: bool, **kwargs: Any) -> None:
    """Whether the permit was verified before this save: withdrawing a verification changes the coverage too."""
    if not raw and instance.pk is not None:
        before = Permit._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()
        instance._verified_before = before == PermitStatus.VERIFIED  # type: ignore[attr-defined]


def on_permit_changed(sender: Any, *, instance: Permit, raw: bool = False, **kwargs: Any) -> None:
    """A verified permit of category I makes its enterprise expected to report its releases in the years of its
    validity (`reports.aggregates.releases.expected_reporters`): a permit verified, changed while verified, or
    deleted has the coverage of every year kept recomputed (a few years; permits change seldom once verified)."""
    if raw or not (instance.status == PermitStatus.VERIFIED or getattr(instance, "_verified_before", False)):
        return
    if periods := _release_periods(instance.enterprise_id, coverage_years(None)):
        mark_dirty("releases", periods)


def on_threshold_changed(sender: Any, *, instance: ReleaseThreshold, raw: bool = False, **kwargs: Any) -> None:
    """A threshold decides which releases of its substance and medium are published: the years and regions of the
    accepted reports that release it are recomputed."""
    if raw:
        return
    reported = (
        ReleaseLine.objects.filter(
            version__report__accepted_id=F("version_id"), substance_id=instance.substance_id, medium=instance.medium
        )
        .order_by()
        .values_list("version__report__enterprise_id", "version__report__year")
        .distinct()
    )
    periods = [period for enterprise_id, year in reported for period in _release_periods(enterprise_id, [year])]
    if periods:
        mark_dirty("releases", periods)


def on_filing_changed(sender: Any, *, instance: WasteReturn | Membership, **kwargs: Any) -> None:
    """An enterprise's statistics page shows its accepted returns, and the years it was expected to file (having
    begun a return, filed the year before, or a staff account) without an accepted one: a return created,
    submitted, accepted or corrected, or a staff account added or removed, changes it."""
    cache_tags.bump(cache_tags.returns(instance.enterprise_id))


def on_submission_evaluated(
    sender: Any, *, submission_id: int, cells: list[tuple[int, int, int, int]] | None = None, **kwargs: Any
) -> None:
    found = cells
    if found is None:  # read from the results, unless the evaluation knows them (a million after a large file)
        found = list(
            partitions.submission_results(submission_id)
            .order_by()
            .values_list(ExtractYear("sampled_on"), "enterprise_id", "point_id", "pollutant_id")
            .distinct()
        )
    mark_dirty(
        "monitoring",
        [
            (year, enterprise_region_on(enterprise_id=enterprise_id, day=year_end(year)))
            for year, enterprise_id in {(year, enterprise_id) for year, enterprise_id, *_cell in found}
        ],
        # Only these points' and pollutants' years are read again (reports.aggregates.tables._refresh_cells).
        cells=[(year, point_id, pollutant_id) for year, _enterprise, point_id, pollutant_id in found],
    )
    # The popups of its points (their latest results) and the map's rings; the map page itself shows the points
    # only and stays cached. The statistics follow with the refresh.
    points = {point_id for _year, _enterprise, point_id, _pollutant in found}
    if points:
        cache_tags.bump(cache_tags.POINT_STATES, *map(cache_tags.point, points))


def on_point_saved(sender: Any, *, instance: MonitoringPoint, update_fields: Any, raw: bool, **kwargs: Any) -> None:
    """The monitoring statistics count published points only: a point published or withdrawn (or otherwise saved;
    points change seldom) has the years of its evaluated results recomputed."""
    if raw or (update_fields is not None and "is_published" not in update_fields):
        return
    years = (
        Result.objects.filter(enterprise_id=instance.enterprise_id, point=instance, evaluated=True)
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
    evaluated = Result.objects.filter(enterprise_id=enterprise_id, evaluated=True).order_by()
    for kind, years in (
        ("waste", {*accepted.values_list("year", flat=True), *covered}),
        ("monitoring", evaluated.values_list(ExtractYear("sampled_on"), flat=True).distinct()),
        # Its coverage counts the enterprise in every year kept, expected or not: each is recomputed.
        ("releases", coverage_years(None)),
    ):
        periods = [(year, region_id) for year in set(years) if in_span(year) for region_id in region_ids]
        if periods:
            mark_dirty(kind, periods)


def _region_codes(region_ids: set[int]) -> list[str]:
    return list(Region.objects.filter(pk__in=region_ids).values_list("iso_code", flat=True))


def _enterprise_shown_in(enterprise: Enterprise) -> list[Tag]:
    """Its pages and the list, and where its name shows: the pages of its deposits, every list and map of deposits
    (the operator filter's choices, the popups) and the point map."""
    deposits = list(Deposit._base_manager.filter(operator_id=enterprise.pk).values_list("pk", "region_id"))
    return [
        cache_tags.enterprise(enterprise.pk), cache_tags.ENTERPRISES, cache_tags.deposits(), cache_tags.POINTS,
        *(cache_tags.deposit(pk) for pk, _region in deposits),
        *map(cache_tags.deposits, _region_codes({region for _pk, region in deposits})),
    ]  # fmt: skip


def on_deposit_saving(sender: Any, *, instance: Deposit, raw: bool, **kwargs: Any) -> None:
    """Where a deposit showed before this save: a deposit moved to another region or operator leaves their pages."""
    if not raw and instance.pk is not None:
        before = Deposit._base_manager.filter(pk=instance.pk).values_list("region_id", "operator_id").first()
        instance._shown_before = before  # type: ignore[attr-defined]


def _deposit_shown_in(deposit: Deposit) -> list[Tag]:
    """Its page, the lists and maps of deposits (its region's page's), its operator's pages and the list of
    enterprises (their deposit counts); before and after a move."""
    regions, operators = {deposit.region_id}, {deposit.operator_id}
    before = getattr(deposit, "_shown_before", None)
    if before is not None:
        regions.add(before[0])
        operators.add(before[1])
    return [
        cache_tags.deposit(deposit.pk), cache_tags.deposits(), cache_tags.ENTERPRISES,
        *map(cache_tags.deposits, _region_codes(regions)), *map(cache_tags.enterprise, operators),
    ]  # fmt: skip


def _register_shown_in(row: ReleaseReport | Permit | EmissionSource | EmissionLimit) -> list[Tag]:
    """The enterprise's public register (its figures, limits, sources) and the map of sources (their positions and
    the tonnes in their popups)."""
    if isinstance(row, EmissionLimit):
        enterprise_id = Permit._base_manager.filter(pk=row.permit_id).values_list("enterprise_id", flat=True).first()
        if enterprise_id is None:  # deleted with its permit, whose own deletion bumps the tags
            return [cache_tags.SOURCES]
    else:
        enterprise_id = row.enterprise_id
    return [cache_tags.register(enterprise_id), cache_tags.SOURCES]


def _shown_in(row: Model) -> list[Tag]:
    """The cache tags of the answers that show a row of PUBLIC_MODELS."""
    if isinstance(row, Enterprise):
        return _enterprise_shown_in(row)
    if isinstance(row, Deposit):
        return _deposit_shown_in(row)
    if isinstance(row, DepositSurvey | DepositComponent):
        # The deposit page's chart, composition and potential; a survey that changes the deposit's state saves the
        # deposit too (registry.services), which bumps the lists.
        return [cache_tags.deposit(row.deposit_id)]
    if isinstance(row, MonitoringPoint):
        return [cache_tags.POINTS, cache_tags.point(row.pk)]
    if isinstance(row, PublishedSeries | PublishedValue):
        return [cache_tags.PUBLISHED]
    if isinstance(row, YearReference):
        return [cache_tags.YEAR_REFERENCE]
    if isinstance(row, ReleaseReport | Permit | EmissionSource | EmissionLimit):
        return _register_shown_in(row)
    # A region's name and outline show on nearly every page, and regions and the other REFERENCE_MODELS change only
    # with the reference data, a split or an administrator's correction: not narrowed.
    return [cache_tags.ALL]


def on_public_row_changed(sender: Any, *, instance: Model, raw: bool = False, **kwargs: Any) -> None:
    # A fixture's rows (raw) may come before the rows they refer to: not narrowed.
    cache_tags.bump(*([cache_tags.ALL] if raw else _shown_in(instance)))


def on_migrated(sender: Any, **kwargs: Any) -> None:
    """A deploy runs migrate: pages cached by the previous release (its templates, its static file names) go."""
    cache_tags.bump(cache_tags.ALL)


def connect() -> None:
    return_accepted.connect(on_return_accepted, dispatch_uid="reports.waste")
    return_submitted.connect(on_return_submitted, dispatch_uid="reports.waste.submitted")
    return_sent_back.connect(on_return_sent_back, dispatch_uid="reports.waste.sent-back")
    submission_evaluated.connect(on_submission_evaluated, dispatch_uid="reports.monitoring")
    release_accepted.connect(on_release_accepted, dispatch_uid="reports.releases")
    pre_save.connect(on_permit_saving, sender=Permit, dispatch_uid="reports.releases.permit-before")
    for signal in (post_save, post_delete):
        signal.connect(on_permit_changed, sender=Permit, dispatch_uid="reports.releases.permit")
        signal.connect(on_threshold_changed, sender=ReleaseThreshold, dispatch_uid="reports.releases.threshold")
    post_save.connect(on_point_saved, sender=MonitoringPoint, dispatch_uid="reports.monitoring.point")
    enterprise_regions_changed.connect(on_enterprise_regions_changed, dispatch_uid="reports.regions")
    post_save.connect(on_filing_changed, sender=WasteReturn, dispatch_uid="reports.cache.return")
    for signal in (post_save, post_delete):
        signal.connect(on_filing_changed, sender=Membership, dispatch_uid="reports.cache.membership")
    pre_save.connect(on_deposit_saving, sender=Deposit, dispatch_uid="reports.cache.deposit-before")
    for model in PUBLIC_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(on_public_row_changed, sender=model, dispatch_uid=f"reports.cache.{model._meta.label}")
    post_migrate.connect(on_migrated, sender=apps.get_app_config("reports"), dispatch_uid="reports.cache.migrate")
