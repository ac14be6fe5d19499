"""Aggregates of accepted returns and evaluated monitoring results.

`recompute(kind, year=..., region_id=...)` deletes and recomputes the aggregate rows of one year and region, or of
everything when both are None. The incremental refresh and the nightly rebuild call the same function, so they
always give the same tables. The grouping is done by the database; Python only copies the grouped rows.
"""

from django.db import transaction
from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from monitoring.models import BASE_UNIT, Result, Severity
from portal.tasks import enqueue_on_commit
from registry.models import ReturnLine
from reports import cache as stats_cache
from reports import tasks
from reports.models import DirtyAggregate, MonitoringAggregate, WasteAggregate

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
    lines = _scope(
        lines, "version__waste_return__year", "version__waste_return__enterprise__region_id", year, region_id
    )
    grouped = (
        lines.order_by()
        .values(
            year=F("version__waste_return__year"),
            region=F("version__waste_return__enterprise__region_id"),
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


def _monitoring_rows(year: int | None, region_id: int | None) -> list[MonitoringAggregate]:
    results = _scope(
        Result.objects.filter(evaluated=True), "sampled_on__year", "point__enterprise__region_id", year, region_id
    )
    grouped = (
        results.order_by()
        .values(
            year=ExtractYear("sampled_on"),
            region=F("point__enterprise__region_id"),
            code=F("pollutant__code"),
            where=F("medium"),
        )
        .annotate(
            n=Count("pk"),
            mean_value=Avg("value_base"),
            max_value=Max("value_base"),
            n_exceeding=Count("pk", filter=Q(severity__gte=Severity.EXCEEDANCE)),
            n_high=Count("pk", filter=Q(severity=Severity.HIGH)),
            n_extreme=Count("pk", filter=Q(severity=Severity.EXTREME)),
            n_points=Count("point", distinct=True),
            n_enterprises=Count("point__enterprise", distinct=True),
        )
    )
    return [
        MonitoringAggregate(
            year=row["year"], region_id=row["region"], pollutant_code=row["code"], medium=row["where"],
            unit=BASE_UNIT[row["where"]], results=row["n"], mean=row["mean_value"], maximum=row["max_value"],
            exceeding=row["n_exceeding"], high=row["n_high"], extreme=row["n_extreme"], points=row["n_points"],
            enterprises=row["n_enterprises"],
        )
        for row in grouped
    ]  # fmt: skip


KINDS = {"waste": (WasteAggregate, _waste_rows), "monitoring": (MonitoringAggregate, _monitoring_rows)}


@transaction.atomic
def recompute(kind: str, *, year: int | None = None, region_id: int | None = None) -> int:
    model, rows = KINDS[kind]
    _scope(model.objects.all(), "year", "region_id", year, region_id).delete()
    stats_cache.invalidate()
    return len(model.objects.bulk_create(rows(year, region_id)))


def rebuild_all() -> dict[str, int]:
    """The nightly full rebuild (and `manage.py rebuild_aggregates`)."""
    with transaction.atomic():
        DirtyAggregate.objects.all().delete()
        return {kind: recompute(kind) for kind in KINDS}


def mark_dirty(kind: str, periods: list[tuple[int, int]]) -> None:
    """Remember what changed and ask for one refresh; a burst of marks is served by one task run."""
    for year, region_id in periods:
        DirtyAggregate.objects.get_or_create(kind=kind, year=year, region_id=region_id)
    enqueue_on_commit(tasks.refresh_aggregates)


def refresh_dirty() -> int:
    """Recompute every marked (kind, year, region); concurrent runs skip what another has claimed."""
    with transaction.atomic():
        dirty = list(DirtyAggregate.objects.select_for_update(skip_locked=True))
        for mark in dirty:
            recompute(mark.kind, year=mark.year, region_id=mark.region_id)
        DirtyAggregate.objects.filter(pk__in=[mark.pk for mark in dirty]).delete()
    return len(dirty)
