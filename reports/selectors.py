"""Reads of statistics: the official regional table as the pages, downloads and API show it."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from registry.models import Region
from reports.models import PublishedValue

REGIONAL_SERIES = "hazardous-waste-held-by-region"


@dataclass(frozen=True)
class TableRow:
    region: Region | None  # None: the republic
    values: list[Decimal | None]  # one per year; None where the region did not exist or has no figure


@dataclass(frozen=True)
class RegionalTable:
    title: str
    source: str
    unit: str
    years: list[int]
    rows: list[TableRow]
    total: TableRow


def published_values(*, year: int | None = None, region: str | None = None) -> QuerySet[PublishedValue]:
    values = PublishedValue.objects.select_related("series", "region")
    if year is not None:
        values = values.filter(year=year)
    if region == "KZ":
        values = values.filter(region__isnull=True)
    elif region:
        values = values.filter(region__iso_code=region)
    return values


def regional_table(*, order: str = "") -> RegionalTable | None:
    """Regions as rows in the order of the official table, years as columns, the republic's total last.

    `order` sorts by a year's column ("2019", "-2019") or by name ("name", "-name") instead.
    """
    values = list(PublishedValue.objects.filter(series__code=REGIONAL_SERIES).select_related("series", "region"))
    if not values:
        return None
    years = sorted({value.year for value in values})
    cells: dict[int | None, dict[int, Decimal]] = {}
    regions: dict[int, tuple[int, Region]] = {}
    for value in values:
        cells.setdefault(value.region_id, {})[value.year] = value.value
        if value.region is not None:
            regions[value.region_id] = (value.row, value.region)
    rows = [
        TableRow(region, [cells[region.pk].get(year) for year in years])
        for _position, region in sorted(regions.values(), key=lambda pair: pair[0])
    ]
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key == "name":
        rows.sort(key=lambda row: row.region.name, reverse=descending)
    elif key.isdecimal() and int(key) in years:
        column = years.index(int(key))
        rows.sort(key=lambda row: (row.values[column] is None, row.values[column] or 0), reverse=descending)
    series = values[0].series
    return RegionalTable(
        title=series.title,
        source=series.source,
        unit=values[0].unit,
        years=years,
        rows=rows,
        total=TableRow(None, [cells.get(None, {}).get(year) for year in years]),
    )
