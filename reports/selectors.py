"""Reads of statistics: the official regional table as the pages, downloads and API show it."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from registry.models import Region, ReturnLine
from reports.models import MonitoringAggregate, PublishedValue, WasteAggregate, YearReference

AMOUNTS = ("held", "generated", "received", "recycled", "disposed", "transferred")

REGIONAL_SERIES = "hazardous-waste-held-by-region"


@dataclass(frozen=True)
class Column:
    year: int
    source: str  # "published" or "reported"


@dataclass(frozen=True)
class TableRow:
    region: Region | None  # None: the republic
    values: list[Decimal | None]  # one per column; None where there is no figure


@dataclass(frozen=True)
class RegionalTable:
    title: str
    source: str
    unit: str
    columns: list[Column]
    rows: list[TableRow]
    total: TableRow

    @property
    def years(self) -> list[int]:
        return sorted({column.year for column in self.columns})


def published_values(*, year: int | None = None, region: str | None = None) -> QuerySet[PublishedValue]:
    values = PublishedValue.objects.select_related("series", "region")
    if year is not None:
        values = values.filter(year=year)
    if region == "KZ":
        values = values.filter(region__isnull=True)
    elif region:
        values = values.filter(region__iso_code=region)
    return values


def reported_values(*, year: int | None = None, region: str | None = None) -> list[dict]:
    """Accepted returns summed by year and region (and the republic as KZ), in thousand tonnes."""
    aggregates = WasteAggregate.objects.all()
    if year is not None:
        aggregates = aggregates.filter(year=year)
    sums = {name: Sum(name) for name in AMOUNTS}
    records = []
    if region in (None, "KZ"):
        for row in aggregates.order_by("year").values("year").annotate(**sums):
            records.append({**row, "region": "KZ"})
    if region != "KZ":
        regional = aggregates.filter(region__iso_code=region) if region else aggregates
        for row in (
            regional.order_by("year", "region__iso_code")
            .values("year", iso_code=F("region__iso_code"))
            .annotate(**sums)
        ):
            row["region"] = row.pop("iso_code")
            records.append(row)
    return [
        {**record, **{name: (record[name] / 1000).quantize(Decimal("0.1")) for name in AMOUNTS}} for record in records
    ]


def regional_table(*, order: str = "") -> RegionalTable | None:
    """Regions as rows in the order of the official table, then regions it lacks; for each year the published
    figure and, where returns were accepted, the figure reported in them; the republic's total last.

    `order` sorts by a year's column ("2019", "-2019") or by name ("name", "-name") instead.
    """
    published = list(PublishedValue.objects.filter(series__code=REGIONAL_SERIES).select_related("series", "region"))
    reported = WasteAggregate.objects.order_by().values("year", "region_id").annotate(held=Sum("held"))
    if not published and not reported:
        return None
    cells: dict[tuple[int | None, Column], Decimal] = {}
    positions: dict[int, int] = {}
    for value in published:
        cells[(value.region_id, Column(value.year, "published"))] = value.value
        if value.region_id is not None:
            positions[value.region_id] = value.row
    for row in reported:
        held = (row["held"] / 1000).quantize(Decimal("0.1"))
        cells[(row["region_id"], Column(row["year"], "reported"))] = held
        national = (None, Column(row["year"], "reported"))
        cells[national] = cells.get(national, Decimal(0)) + held
    columns = sorted({column for _region, column in cells}, key=lambda c: (c.year, c.source != "published"))
    region_ids = {region_id for region_id, _column in cells if region_id is not None}
    regions = Region.objects.in_bulk(region_ids)
    ordered = sorted(region_ids, key=lambda pk: (positions.get(pk, 1000), regions[pk].iso_code))
    rows = [TableRow(regions[pk], [cells.get((pk, column)) for column in columns]) for pk in ordered]
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key == "name":
        rows.sort(key=lambda row: row.region.name, reverse=descending)
    elif key.isdecimal():
        sortable = [i for i, column in enumerate(columns) if column.year == int(key)]
        if sortable:
            index = sortable[0]
            rows.sort(key=lambda row: row.values[index] if row.values[index] is not None else -1, reverse=descending)
    series = published[0].series if published else None
    return RegionalTable(
        title=series.title if series else "",
        source=series.source if series else "",
        unit="thousand tonnes",
        columns=columns,
        rows=rows,
        total=TableRow(None, [cells.get((None, column)) for column in columns]),
    )


NATIONAL_SERIES = "hazardous-waste-national"
NATIONAL_INDICATORS = ("generated", "red", "amber", "green", "recycled", "recycled_share_pct", "per_gdp_kg_per_usd",
                       "per_capita_kg")  # fmt: skip


@dataclass(frozen=True)
class NationalYear:
    year: int
    published: dict[str, Decimal]
    reported: dict[str, Decimal]  # thousand tonnes, from accepted returns
    reported_recycled_share: Decimal | None
    reported_per_capita_kg: Decimal | None  # blank, never zero, without the year's population


def national_indicators() -> list[NationalYear]:
    published: dict[int, dict[str, Decimal]] = {}
    for value in PublishedValue.objects.filter(series__code=NATIONAL_SERIES):
        published.setdefault(value.year, {})[value.indicator] = value.value
    reported = {row["year"]: row for row in reported_values(region="KZ")}
    population = dict(YearReference.objects.exclude(population=None).values_list("year", "population"))
    years = sorted(published.keys() | reported.keys())
    rows = []
    for year in years:
        figures = {name: reported[year][name] for name in AMOUNTS} if year in reported else {}
        generated = figures.get("generated")
        share = (figures["recycled"] / generated * 100).quantize(Decimal("0.1")) if generated else None
        per_capita = None
        if generated is not None and population.get(year):
            per_capita = (generated * 1_000_000 / population[year]).quantize(Decimal("0.1"))
        rows.append(NationalYear(year, published.get(year, {}), figures, share, per_capita))
    return rows


def monitoring_statistics(
    *, year: int | None = None, region: str | None = None, pollutant: str | None = None
) -> QuerySet[MonitoringAggregate]:
    rows = MonitoringAggregate.objects.all()
    if year is not None:
        rows = rows.filter(year=year)
    if region:
        rows = rows.filter(region__iso_code=region)
    if pollutant:
        rows = rows.filter(pollutant_code=pollutant)
    return rows.order_by("year", "region__iso_code", "pollutant_code", "medium")


def enterprise_totals(enterprise_id: int) -> list[dict]:
    """An enterprise's accepted yearly totals, in tonnes (as the E-PRTR shows facilities)."""
    lines = ReturnLine.objects.filter(
        version__waste_return__enterprise_id=enterprise_id, version__waste_return__accepted_id=F("version_id")
    )
    columns = {"held": "closing", **{name: name for name in AMOUNTS if name != "held"}}
    return list(
        lines.order_by("version__waste_return__year")
        .values(year=F("version__waste_return__year"))
        .annotate(**{name: Sum(column) for name, column in columns.items()})
    )
