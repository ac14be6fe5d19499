"""The aggregate tables and how each computes its rows of a year and region (see `reports.aggregates`)."""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FilteredRelation,
    Max,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from monitoring import partitions
from monitoring.models import BASE_UNIT, MonitoringPoint, Result, Severity
from registry.returns.models import ReturnLine, ReturnStatus, WasteReturn
from registry.returns.selectors import expected_filers
from reports.aggregates.periods import year_end_region
from reports.aggregates.releases import release_coverage_rows, release_rows
from reports.models import (
    DirtyAggregate,
    DirtyMonitoringCell,
    MonitoringAggregate,
    MonitoringPointYear,
    ReleaseAggregate,
    ReleaseCoverage,
    ReturnCoverage,
    WasteAggregate,
)

logger = logging.getLogger(__name__)

AMOUNTS = {"held": "closing", "generated": "generated", "received": "received", "recycled": "recycled",
           "disposed": "disposed", "transferred": "transferred"}  # fmt: skip


def _scope(queryset: QuerySet, year_field: str, region_field: str, year: int | None, region_id: int | None) -> QuerySet:
    if year is not None:
        queryset = queryset.filter(**{year_field: year})
    if region_id is not None:
        queryset = queryset.filter(**{region_field: region_id})
    return queryset


def _waste_rows(year: int | None, region_id: int | None) -> list[WasteAggregate]:
    lines = ReturnLine.objects.filter(version__waste_return__accepted_id=F("version_id"))
    if year is not None:
        lines = lines.filter(version__waste_return__year=year)
    held, region = year_end_region("version__waste_return__enterprise", F("version__waste_return__year"), region_id)
    grouped: Iterable[Mapping[str, Any]] = (
        lines.filter(held)
        .order_by()
        .values(
            year=F("version__waste_return__year"),
            region=region,
            level=F("hazard_level"),
            kind=Coalesce(F("storage_deposit__kind"), Value("")),
        )
        .annotate(**{name: Sum(column) for name, column in AMOUNTS.items()})
    )
    return [
        WasteAggregate(
            year=row["year"], region_id=row["region"], hazard_level=row["level"], deposit_kind=row["kind"],
            **{name: row[name] for name in AMOUNTS},
        )
        for row in grouped
    ]  # fmt: skip


def _severity_counts() -> dict[str, Count]:
    """Results of a group that exceed their MPC, and those of the high and extreme severities."""
    return {
        "n_exceeding": Count("pk", filter=Q(severity__gte=Severity.EXCEEDANCE)),
        "n_high": Count("pk", filter=Q(severity=Severity.HIGH)),
        "n_extreme": Count("pk", filter=Q(severity=Severity.EXTREME)),
    }


def monitoring_grouped(year: int | None, region_id: int | None) -> QuerySet:
    """The monitoring statistics of a year and region (all of them when None), grouped by the database.

    The public monitoring statistics: the results of published points only (an unpublished point's figures are
    its enterprise's and its inspectors'); publishing or withdrawing a point marks its years (reports.signals). A
    year is read by its range of sampling times, which the planner prunes to the year's partitions of the results
    table (monitoring.partitions), besides its `sampled_on` year (the same rows: the local date of sampling). The
    years whose results are archived are not read: their figures are kept (`Aggregate.kept_before`).
    """
    results = Result.objects.filter(evaluated=True, point__is_published=True)
    if year is not None:
        start, end = partitions.year_range(year)
        results = results.filter(sampled_at__gte=start, sampled_at__lt=end, sampled_on__year=year)
    if (archived := partitions.archived_before()) is not None:
        results = results.filter(sampled_at__gte=partitions.year_range(archived)[0])
    held, region = year_end_region("point__enterprise", ExtractYear("sampled_on"), region_id)
    return (
        results.filter(held)
        .order_by()
        .values(
            year=ExtractYear("sampled_on"),
            region=region,
            code=F("pollutant__code"),
            where=F("medium"),
        )
        .annotate(
            n=Count("pk"),
            mean_value=Avg("value_base"),
            max_value=Max("value_base"),
            **_severity_counts(),
            n_points=Count("point", distinct=True),
            n_enterprises=Count("point__enterprise", distinct=True),
        )
    )


def _monitoring_rows_from_results(year: int | None, region_id: int | None) -> list[MonitoringAggregate]:
    """The monitoring aggregates as computed from the results themselves: what the check compares the table with."""
    return [
        MonitoringAggregate(
            year=row["year"], region_id=row["region"], pollutant_code=row["code"], medium=row["where"],
            unit=BASE_UNIT[row["where"]], results=row["n"], mean=row["mean_value"], maximum=row["max_value"],
            exceeding=row["n_exceeding"], high=row["n_high"], extreme=row["n_extreme"], points=row["n_points"],
            enterprises=row["n_enterprises"],
        )
        for row in monitoring_grouped(year, region_id)
    ]  # fmt: skip


Cells = Iterable[tuple[int, int]]  # (point id, pollutant id)


def _by_point(cells: Cells) -> dict[int, list[int]]:
    pollutants: dict[int, list[int]] = {}
    for point_id, pollutant_id in sorted(set(cells)):
        pollutants.setdefault(point_id, []).append(pollutant_id)
    return pollutants


def cells_grouped(year: int | None, cells: Cells | None = None) -> QuerySet:
    """The evaluated results of a year (all years when None) grouped by point, pollutant and medium, of the given
    (point, pollutant) cells only if any: each point's cells are read by the results' unique index (enterprise,
    point, pollutant, sampled_at) over the year's partitions. Every point, published or not; archived years are not
    read."""
    results = Result.objects.filter(evaluated=True)
    if year is not None:
        start, end = partitions.year_range(year)
        results = results.filter(sampled_at__gte=start, sampled_at__lt=end, sampled_on__year=year)
    if (archived := partitions.archived_before()) is not None:
        results = results.filter(sampled_at__gte=partitions.year_range(archived)[0])
    if cells is not None:
        pollutants = _by_point(cells)
        if not pollutants:
            return results.none()
        enterprises = dict(MonitoringPoint.objects.filter(pk__in=pollutants).values_list("pk", "enterprise_id"))
        results = results.filter(
            reduce(or_, (Q(enterprise_id=enterprises.get(point_id), point_id=point_id, pollutant_id__in=ids)
                         for point_id, ids in pollutants.items()))
        )  # fmt: skip
    return (
        results.order_by()
        .values("point_id", "enterprise_id", "pollutant_id", "medium", cell_year=ExtractYear("sampled_on"))
        .annotate(
            n=Count("pk"),
            total=Sum("value_base"),
            max_value=Max("value_base"),
            **_severity_counts(),
        )
    )


def _cell_rows(year: int | None, cells: Cells | None = None) -> list[MonitoringPointYear]:
    return [
        MonitoringPointYear(
            year=row["cell_year"], point_id=row["point_id"], enterprise_id=row["enterprise_id"],
            pollutant_id=row["pollutant_id"], medium=row["medium"], results=row["n"], value_sum=row["total"],
            maximum=row["max_value"], exceeding=row["n_exceeding"], high=row["n_high"], extreme=row["n_extreme"],
        )
        for row in cells_grouped(year, cells)
    ]  # fmt: skip


def _monitoring_rows(year: int | None, region_id: int | None) -> list[MonitoringAggregate]:
    """A region's year grouped from its points' `MonitoringPointYear` rows (the published points of the enterprises
    that lay in the region on 31 December): the sums of the counts and of the values, the largest maximum, and the
    points and enterprises counted distinct. The mean is the sum over the count, as AVG computes it."""
    cells = MonitoringPointYear.objects.filter(point__is_published=True)
    if year is not None:
        cells = cells.filter(year=year)
    if (archived := partitions.archived_before()) is not None:
        cells = cells.filter(year__gte=archived)
    held, region = year_end_region("enterprise", F("year"), region_id)
    grouped = (
        cells.filter(held)
        .order_by()
        .values("year", in_region=region, code=F("pollutant__code"), where=F("medium"))
        .annotate(
            n=Sum("results"),
            total=Sum("value_sum"),
            max_value=Max("maximum"),
            n_exceeding=Sum("exceeding"),
            n_high=Sum("high"),
            n_extreme=Sum("extreme"),
            n_points=Count("point", distinct=True),
            n_enterprises=Count("enterprise", distinct=True),
        )
    )
    return [
        MonitoringAggregate(
            year=row["year"], region_id=row["in_region"], pollutant_code=row["code"], medium=row["where"],
            unit=BASE_UNIT[row["where"]], results=row["n"], mean=row["total"] / row["n"], maximum=row["max_value"],
            exceeding=row["n_exceeding"], high=row["n_high"], extreme=row["n_extreme"], points=row["n_points"],
            enterprises=row["n_enterprises"],
        )
        for row in grouped
    ]  # fmt: skip


def _refresh_cells(year: int | None) -> None:
    """Recompute the `MonitoringPointYear` rows of the cells of a year marked so far, and clear their marks (those
    whose generation is unchanged); None: every row, from all the results (the rebuild). In the recompute's
    transaction, under the writers' lock, before the year's aggregates are grouped from them. A cell of another
    region than the mark's is recomputed too: its region's own mark then groups it (marked together)."""
    marks = DirtyMonitoringCell.objects.all() if year is None else DirtyMonitoringCell.objects.filter(year=year)
    read = list(marks.values_list("pk", "generation", "point_id", "pollutant_id"))
    rows = MonitoringPointYear.objects.all()
    kept = CELLS.kept_before()
    if year is None:
        _recomputable(CELLS, rows).delete()
        rows.bulk_create(_cell_rows(None))
    elif read and (kept is None or year >= kept):
        pollutants = _by_point((point_id, pollutant_id) for _pk, _generation, point_id, pollutant_id in read)
        rows.filter(year=year).filter(
            reduce(or_, (Q(point_id=point_id, pollutant_id__in=ids) for point_id, ids in pollutants.items()))
        ).delete()
        rows.bulk_create(_cell_rows(year, ((point_id, pollutant_id) for *_mark, point_id, pollutant_id in read)))
    _clear(DirtyMonitoringCell, [(pk, generation) for pk, generation, *_cell in read])


def _coverage_years(year: int | None) -> list[int]:
    """The years whose coverage is kept: those with a submitted return (one is never unsubmitted, and submitting
    marks its year, so the incremental refresh and the rebuild agree on them)."""
    submitted = WasteReturn.objects.filter(first_submitted_at__isnull=False)
    if year is not None:
        submitted = submitted.filter(year=year)
    return list(submitted.order_by("year").values_list("year", flat=True).distinct())


def _coverage_rows(year: int | None, region_id: int | None) -> list[ReturnCoverage]:
    """The expected filers of each year (`expected_filers`, the one definition) by their region on 31 December,
    with how many of them have an accepted return, a submitted one awaiting a decision, or one sent back and not
    submitted again. Always every region of the year (`region_id` is not used, see `Aggregate.by_region`): a region
    whose expected filers have all stayed silent has no event that could mark it."""
    rows = []
    for each_year in _coverage_years(year):
        # An enterprise has at most one return a year: joined, not looked up per enterprise (a tenth of the time).
        filed = FilteredRelation("waste_returns", condition=Q(waste_returns__year=each_year))
        undecided = Q(filed__accepted__isnull=True)
        awaiting = Q(filed__current__status=ReturnStatus.SUBMITTED)
        held, region = year_end_region("", Value(each_year), None)
        grouped = (
            expected_filers(each_year)
            .filter(held)
            .annotate(filed=filed)
            .order_by()
            .values(year_end_region=region)
            .annotate(
                expected=Count("pk"),
                accepted=Count("pk", filter=Q(filed__accepted__isnull=False)),
                submitted=Count("pk", filter=undecided & awaiting),
                # Submitted once, neither accepted nor awaiting a decision: the inspector sent it back (the
                # enterprise may since have begun its correction, a draft).
                returned=Count("pk", filter=undecided & Q(filed__first_submitted_at__isnull=False) & ~awaiting),
            )
        )
        rows += [
            ReturnCoverage(
                year=each_year, region_id=row["year_end_region"], expected=row["expected"], accepted=row["accepted"],
                submitted=row["submitted"], returned=row["returned"],
            )
            for row in grouped
        ]  # fmt: skip
    return rows


@dataclass(frozen=True)
class Aggregate:
    """A table a kind of mark recomputes, and the function that computes its rows of a year and region (None and
    None: all of them)."""

    name: str  # in the check's report
    model: type[Model]
    rows: Callable[[int | None, int | None], Sequence[Model]]
    # False: a mark of any region of a year recomputes the table's rows of the whole year.
    by_region: bool = True
    # The first year whose rows may be recomputed: the rows of the years before it are kept as they are, their
    # sources archived (`manage.py archive_results`, monitoring.partitions.MonthlyTable.archive); None: every year.
    kept_before: Callable[[], int | None] = lambda: None
    # Brings the finer table `rows` reads up to date for a year (None: all of them), first in the recompute.
    sources: Callable[[int | None], None] | None = None
    # The rows as computed from the sources themselves, for the check (None: `rows(None, None)`).
    rebuilt: Callable[[], Sequence[Model]] | None = None


def _recomputable(aggregate: Aggregate, rows: QuerySet) -> QuerySet:
    kept = aggregate.kept_before()
    return rows if kept is None else rows.filter(year__gte=kept)


KINDS: dict[str, tuple[Aggregate, ...]] = {
    "waste": (
        Aggregate("waste", WasteAggregate, _waste_rows),
        Aggregate("coverage", ReturnCoverage, _coverage_rows, by_region=False),
    ),
    "monitoring": (
        Aggregate(
            "monitoring", MonitoringAggregate, _monitoring_rows, kept_before=partitions.archived_before,
            sources=_refresh_cells, rebuilt=lambda: _monitoring_rows_from_results(None, None),
        ),
    ),
    "releases": (
        Aggregate("releases", ReleaseAggregate, release_rows),
        Aggregate("release coverage", ReleaseCoverage, release_coverage_rows, by_region=False),
    ),
}  # fmt: skip
# The finer table of the monitoring aggregates, in no region: recomputed by `_refresh_cells`, compared by the check.
CELLS = Aggregate(
    "monitoring cells", MonitoringPointYear, lambda year, _region: _cell_rows(year),
    kept_before=partitions.archived_before,
)  # fmt: skip


def _clear(model: type[DirtyAggregate | DirtyMonitoringCell], marks: list[tuple[int, int]]) -> int:
    """Delete the marks that nobody has touched since they were read: a mark made meanwhile stays."""
    if not marks:
        return 0
    unchanged = reduce(or_, (Q(pk=pk, generation=generation) for pk, generation in marks))
    return model._default_manager.filter(unchanged).delete()[0]
