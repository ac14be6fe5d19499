"""Aggregates of accepted returns and evaluated monitoring results, and the coverage of the waste figures.

`recompute(kind, year=..., region_id=...)` deletes and recomputes the aggregate rows of one year and region, or of
everything when both are None. The incremental refresh (of the marked years and regions) and the full rebuild call
the same function, so they always give the same tables; the nightly check compares the two and repairs any
difference. The grouping is done by the database; Python only copies the grouped rows.

A kind may fill several tables: "waste" recomputes its figures (`WasteAggregate`, of the marked region) and, in the
same transaction, the coverage of that year (`ReturnCoverage`, every region of the year), so that a figure and the
count of returns it covers always come from the same refresh.

"monitoring" groups its region's year from the finer `MonitoringPointYear` (a point and pollutant's year), after
recomputing the cells of the year marked since (`DirtyMonitoringCell`): a submission's refresh reads its own cells'
results, not the year's (`Aggregate.sources`). The check compares both tables with the results themselves.
"""

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    DateField,
    F,
    Field,
    FilteredRelation,
    FloatField,
    Func,
    Max,
    Model,
    Q,
    QuerySet,
    Sum,
    UniqueConstraint,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from monitoring import partitions
from monitoring.models import BASE_UNIT, MonitoringPoint, Result, Severity
from portal.tasks import enqueue
from registry.returns.models import ReturnLine, ReturnStatus, WasteReturn
from registry.returns.selectors import expected_filers
from reports import invalidation
from reports.models import (
    DirtyAggregate,
    DirtyMonitoringCell,
    MonitoringAggregate,
    MonitoringPointYear,
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


class YearEnd(Func):
    """31 December of a year given as an integer expression, as a date."""

    output_field = DateField()

    template = "make_date(CAST(%(expressions)s AS integer), 12, 31)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite keeps dates as ISO text, which compares in date order.
        return self.as_sql(compiler, connection, template="printf('%%04d-12-31', %(expressions)s)", **extra_context)


def year_end_region(enterprise: str, year: Any, region_id: int | None) -> tuple[Q, F]:
    """A year's figures lie in the regions of its 31 December: the filter that joins the enterprise's region period
    holding that day (registry.region_history), optionally in one region, and that period's region. One filter()
    call, so that the grouping reads the same joined period. `enterprise` is the lookup to the enterprise, "" for a
    queryset of enterprises."""
    periods = f"{enterprise}__region_periods" if enterprise else "region_periods"
    end = YearEnd(year)
    held = (Q(**{f"{periods}__valid_from__isnull": True}) | Q(**{f"{periods}__valid_from__lte": end})) & (
        Q(**{f"{periods}__valid_to__isnull": True}) | Q(**{f"{periods}__valid_to__gte": end})
    )
    if region_id is not None:
        held &= Q(**{f"{periods}__region_id": region_id})
    return held, F(f"{periods}__region_id")


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
    # sources archived (monitoring.partitions.archive_results); None: every year.
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
}  # fmt: skip
# The finer table of the monitoring aggregates, in no region: recomputed by `_refresh_cells`, compared by the check.
CELLS = Aggregate(
    "monitoring cells", MonitoringPointYear, lambda year, _region: _cell_rows(year),
    kept_before=partitions.archived_before,
)  # fmt: skip

# Every writer of the aggregate tables (a mark's refresh, the full rebuild, the check against a rebuild) holds this
# PostgreSQL advisory lock until it commits, so that they take turns: two recomputes of one year and region would
# collide on the tables' unique keys, and a check that computed its rebuild before a refresh committed would
# "repair" the refresh's newer figures with older ones. Marking never takes it, so it never waits for a refresh.
WRITERS_LOCK = 0x7161_6C64_7961_6767  # "qaldyagg"
Figures = dict[str, object]
# Means are float sums, which the database adds in scan order: a refresh and a rebuild may differ in the last bits.
FLOAT_TOLERANCE = 1e-9


def _writers_take_turns() -> None:
    """Wait for the other writers of the aggregates; held until the current transaction ends. SQLite (the embedded
    default) has one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])


@transaction.atomic
def recompute(kind: str, *, year: int | None = None, region_id: int | None = None) -> int:
    """Delete and recompute the aggregate rows of one year and region (all of them when both are None) in every
    table of the kind; returns how many rows the kind's first table has. The caller holds the writers' lock in its
    transaction."""
    counts = []
    before = invalidation.snapshot(KINDS[kind], year, region_id)  # the cache drops only what changes
    for aggregate in KINDS[kind]:
        if aggregate.sources is not None:
            aggregate.sources(year)
        region = region_id if aggregate.by_region else None
        rows = aggregate.model._default_manager
        _scope(_recomputable(aggregate, rows.all()), "year", "region_id", year, region).delete()
        counts.append(len(rows.bulk_create(aggregate.rows(year, region))))
    invalidation.recomputed(kind, KINDS[kind], year, region_id, before)
    return counts[0]


def _marks() -> list[tuple[int, int]]:
    return list(DirtyAggregate.objects.values_list("pk", "generation"))


def _clear(model: type[DirtyAggregate | DirtyMonitoringCell], marks: list[tuple[int, int]]) -> int:
    """Delete the marks that nobody has touched since they were read: a mark made meanwhile stays."""
    if not marks:
        return 0
    unchanged = reduce(or_, (Q(pk=pk, generation=generation) for pk, generation in marks))
    return model._default_manager.filter(unchanged).delete()[0]


def rebuild_all() -> dict[str, int]:
    """Recompute every aggregate (`manage.py rebuild_aggregates`, the demo data)."""
    with transaction.atomic():
        _writers_take_turns()
        marks = _marks()
        counts = {kind: recompute(kind) for kind in KINDS}
        _clear(DirtyAggregate, marks)
    return counts


def mark_dirty(kind: str, periods: list[tuple[int, int]], *, cells: Iterable[tuple[int, int, int]] = ()) -> None:
    """Remember what changed and ask for one refresh; a burst of marks is served by one task run.

    Called once the change is committed (on commit of the accepting or evaluating transaction), or in its
    transaction: a refresh that sees this mark's generation computes from data that include the change. A new mark
    is inserted; an existing one, even one a refresh is computing from, gets a new generation, in one statement
    that never waits for a refresh's computation (at most for the commit of a refresh deleting the mark, and then
    it inserts a new one). Sorted, so that two markers lock the rows in the same order.

    `cells`: the (year, point, pollutant) of monitoring results changed, marked first: a refresh that sees the
    periods' marks sees them too (`_refresh_cells`).
    """
    rows = sorted(set(periods))
    if not rows:
        return
    table = connection.ops.quote_name(DirtyAggregate._meta.db_table)
    with connection.cursor() as cursor:
        if marked := sorted(set(cells)):
            cell_table = connection.ops.quote_name(DirtyMonitoringCell._meta.db_table)
            cursor.execute(
                f"INSERT INTO {cell_table} (year, point_id, pollutant_id, generation) VALUES "
                + ", ".join(["(%s, %s, %s, 1)"] * len(marked))
                + f" ON CONFLICT (year, point_id, pollutant_id) DO UPDATE SET generation = {cell_table}.generation + 1",
                [value for cell in marked for value in cell],
            )
        cursor.execute(
            f"INSERT INTO {table} (kind, year, region_id, generation) VALUES "
            + ", ".join(["(%s, %s, %s, 1)"] * len(rows))
            + f" ON CONFLICT (kind, year, region_id) DO UPDATE SET generation = {table}.generation + 1",
            [value for year, region_id in rows for value in (kind, year, region_id)],
        )
    enqueue("reports.tasks.refresh_aggregates")


def sweep_marks() -> bool:
    """Beat, every minute: marks left behind ask for a refresh again. A refresh holds the writers' lock for its
    transaction, which PostgreSQL releases when its worker dies, so a mark outlives only a lost enqueue (broker
    down) or a killed refresh; a refresh enqueued twice waits its turn and finds nothing more to do."""
    if not DirtyAggregate.objects.exists():
        return False
    enqueue("reports.tasks.refresh_aggregates")
    return True


def refresh_dirty() -> int:
    """Recompute every marked (kind, year, region), one mark per transaction; returns how many were recomputed.

    The order inside each transaction is what keeps every update (READ COMMITTED: each statement reads the data
    committed when it starts):
    1. take the writers' lock: a concurrent refresh of the same mark, the rebuild and the check wait, or have
       committed;
    2. read the mark and its generation (it may be gone: another refresh cleared it meanwhile);
    3. recompute: statements that start after step 2, so they read every change committed before the mark had
       that generation, since each change is committed before (or with) its mark;
    4. delete the mark only if its generation is still the one read in step 2. A change marked after step 2
       gave the mark a new generation: the mark stays, and the refresh that marking asked for recomputes it.
    Writing the figures and deleting the mark commit together: a worker stopped before the commit leaves both.
    """
    refreshed = 0
    for pk in DirtyAggregate.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            _writers_take_turns()
            mark = DirtyAggregate.objects.filter(pk=pk).first()
            if mark is None:
                continue
            recompute(mark.kind, year=mark.year, region_id=mark.region_id)
            _clear(DirtyAggregate, [(mark.pk, mark.generation)])
            refreshed += 1
    return refreshed


@dataclass(frozen=True)
class Difference:
    """An aggregate row whose figures in the incremental table differ from a fresh rebuild's: the figures that
    differ, on both sides; a side is None when that table has no such row (the other side then has them all).
    `awaiting_refresh`: its year and region are marked, so the difference may be a change whose refresh has not
    run yet rather than a lost update."""

    kind: str  # of the marks that refresh the table
    table: str  # the table's `Aggregate.name`: waste, coverage, monitoring or monitoring cells
    key: Figures
    incremental: Figures | None
    rebuilt: Figures | None
    awaiting_refresh: bool

    def __str__(self) -> str:
        key = " ".join(f"{name}={value!r}" for name, value in self.key.items())
        if self.incremental is None:
            figures = f"missing from the table; rebuilt: {_figures(self.rebuilt)}"
        elif self.rebuilt is None:
            figures = f"not in a rebuild; table: {_figures(self.incremental)}"
        else:
            figures = "; ".join(
                f"{name}: {value} in the table, {self.rebuilt[name]} rebuilt"
                for name, value in self.incremental.items()
            )
        return f"{self.table} {key}: {figures}" + (" (awaiting refresh)" if self.awaiting_refresh else "")


def _figures(values: Figures | None) -> str:
    return ", ".join(f"{name}={value}" for name, value in (values or {}).items())


def _same(field: Field, first: object, second: object) -> bool:
    if isinstance(field, FloatField) and isinstance(first, float) and isinstance(second, float):
        return math.isclose(first, second, rel_tol=FLOAT_TOLERANCE)
    return first == second


def _compare(
    aggregate: Aggregate, rebuilt_rows: Sequence[Model], *, repair: bool
) -> list[tuple[Figures, Figures | None, Figures | None]]:
    """(key, incremental, rebuilt) of every row that differs, matched by the table's unique key; with `repair`,
    the differing rows are updated, inserted or deleted to match the rebuild (the rows kept of archived years are
    left out of both)."""
    model = aggregate.model
    (unique,) = [constraint for constraint in model._meta.constraints if isinstance(constraint, UniqueConstraint)]
    key_names = [field.attname for field in model._meta.concrete_fields if field.name in unique.fields]
    fields = [
        field for field in model._meta.concrete_fields if not field.primary_key and field.attname not in key_names
    ]
    every = [field.attname for field in fields]

    def key(row: Model) -> tuple:
        return tuple(getattr(row, name) for name in key_names)

    def figures(row: Model, names: list[str]) -> Figures:
        return {name: getattr(row, name) for name in names}

    rows = model._default_manager
    rebuilt = {key(row): row for row in rebuilt_rows}
    current = {key(row): row for row in _recomputable(aggregate, rows.all())}
    differences: list[tuple[Figures, Figures | None, Figures | None]] = []
    missing, changed, extra = [], [], []
    for row_key in sorted(rebuilt.keys() | current.keys()):
        new, old = rebuilt.get(row_key), current.get(row_key)
        if new is not None and old is not None:
            differing = [f.attname for f in fields if not _same(f, getattr(old, f.attname), getattr(new, f.attname))]
            if not differing:
                continue
            new.pk = old.pk
            changed.append(new)
            found: tuple[Figures | None, Figures | None] = (figures(old, differing), figures(new, differing))
        elif new is not None:
            missing.append(new)
            found = (None, figures(new, every))
        elif old is not None:
            extra.append(old.pk)
            found = (figures(old, every), None)
        differences.append((dict(zip(key_names, row_key, strict=True)), *found))
    if repair:
        rows.filter(pk__in=extra).delete()
        rows.bulk_update(changed, [field.name for field in fields])
        rows.bulk_create(missing)
    return differences


def check_against_rebuild(*, repair: bool) -> list[Difference]:
    """Compare every incremental aggregate with a fresh rebuild, computed in memory and matched row by row on the
    tables' unique keys; log every difference and, with `repair`, write the rebuilt figures over the rows that
    differ (and clear the marks the rebuild covered). The nightly job repairs; `manage.py check_aggregates` too,
    or only reports with --dry-run. The cache drops the answers of the years and regions repaired, if any."""
    with transaction.atomic():
        # The writers' lock first: no refresh commits between the rebuild and the comparison (see WRITERS_LOCK),
        # and the marks read next are older than the data the rebuild reads.
        _writers_take_turns()
        marks = _marks()
        cell_marks = list(DirtyMonitoringCell.objects.values_list("pk", "generation"))
        tables = [(kind, aggregate) for kind, kind_aggregates in KINDS.items() for aggregate in kind_aggregates]
        found = [
            (kind, aggregate, difference)
            for kind, aggregate in [*tables, ("monitoring", CELLS)]
            for difference in _compare(
                aggregate, aggregate.rebuilt() if aggregate.rebuilt else aggregate.rows(None, None), repair=repair
            )
        ]
        marked = set(DirtyAggregate.objects.values_list("kind", "year", "region_id"))
        marked_years = {(kind, year) for kind, year, _region_id in marked}
        marked_cells = set(DirtyMonitoringCell.objects.values_list("year", "point_id", "pollutant_id"))

        def awaiting(kind: str, aggregate: Aggregate, key: Figures) -> bool:
            if aggregate is CELLS:
                return (key["year"], key["point_id"], key["pollutant_id"]) in marked_cells
            if aggregate.by_region:
                return (kind, key["year"], key["region_id"]) in marked
            return (kind, key["year"]) in marked_years  # any mark of the year recomputes its rows

        differences = [
            Difference(kind, aggregate.name, key, incremental, rebuilt, awaiting(kind, aggregate, key))
            for kind, aggregate, (key, incremental, rebuilt) in found
        ]
        if repair:
            _clear(DirtyAggregate, marks)
            _clear(DirtyMonitoringCell, cell_marks)
            # The cells are shown nowhere: the aggregates grouped from them are, and are compared themselves.
            if shown := [d for d in differences if "region_id" in d.key]:
                invalidation.repaired((d.kind, d.key["year"], d.key["region_id"]) for d in shown)
    for difference in differences:
        logger.warning("aggregate differs from a rebuild%s: %s", " (repaired)" if repair else "", difference)
    return differences
