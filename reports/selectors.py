"""Reads of statistics: the official regional table as the pages, downloads and API show it, and the coverage of
every figure reported in returns."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet, Sum

from registry.models import DepositKind, Region
from registry.returns.models import HazardLevel, ReturnLine, WasteReturn
from registry.returns.selectors import expected_filers
from reports.models import MonitoringAggregate, PublishedValue, ReturnCoverage, WasteAggregate, YearReference

AMOUNTS = ("held", "generated", "received", "recycled", "disposed", "transferred")

REGIONAL_SERIES = "hazardous-waste-held-by-region"


@dataclass(frozen=True)
class Coverage:
    """How many returns a reported figure of a year (and region) covers: of the enterprises expected to file
    (`registry.returns.selectors.expected_filers`, by their region on 31 December), those whose return is
    accepted (in the figure), submitted and not yet decided, and sent back for correction (among the missing).
    All zero when nothing is known (no coverage computed)."""

    expected: int = 0
    accepted: int = 0
    submitted: int = 0
    returned: int = 0

    @property
    def missing(self) -> int:
        """Expected, with no return accepted or awaiting a decision (none begun, a draft, or sent back)."""
        return self.expected - self.accepted - self.submitted

    @property
    def share(self) -> Decimal | None:
        """Accepted returns as a percentage of the expected, one decimal; None when none is expected."""
        if not self.expected:
            return None
        return (Decimal(100 * self.accepted) / self.expected).quantize(Decimal("0.1"))

    @property
    def provisional(self) -> bool:
        """Below `STATISTICS_PROVISIONAL_BELOW_PERCENT` of the expected returns accepted: the figure will still grow."""
        return 100 * self.accepted < settings.STATISTICS_PROVISIONAL_BELOW_PERCENT * self.expected

    def __add__(self, other: "Coverage") -> "Coverage":
        return Coverage(
            self.expected + other.expected,
            self.accepted + other.accepted,
            self.submitted + other.submitted,
            self.returned + other.returned,
        )


NOT_KNOWN = Coverage()


def coverage(*, year: int | None = None) -> dict[tuple[int, str], Coverage]:
    """The coverage of each year's reported figures by (year, ISO code of a region valid at its end), and of the
    republic as "KZ": the sum of its regions', since every expected enterprise lies in one region on 31 December."""
    rows = ReturnCoverage.objects.all()
    if year is not None:
        rows = rows.filter(year=year)
    found: dict[tuple[int, str], Coverage] = {}
    for row in rows.values("year", "expected", "accepted", "submitted", "returned", iso_code=F("region__iso_code")):
        covered = Coverage(row["expected"], row["accepted"], row["submitted"], row["returned"])
        found[(row["year"], row["iso_code"])] = covered
        found[(row["year"], "KZ")] = found.get((row["year"], "KZ"), NOT_KNOWN) + covered
    return found


@dataclass(frozen=True)
class Column:
    year: int
    source: str  # "published" or "reported"
    coverage: Coverage | None = None  # of a reported column: the republic's in that year


@dataclass(frozen=True)
class TableRow:
    region: Region | None  # None: the republic
    values: list[Decimal | None]  # one per column; None where there is no figure
    coverage: list[Coverage | None]  # one per column: of the reported ones, None for the published ones

    @property
    def cells(self) -> list[tuple[Decimal | None, Coverage | None]]:
        return list(zip(self.values, self.coverage, strict=True))


@dataclass(frozen=True)
class RegionRow(TableRow):
    region: Region


@dataclass(frozen=True)
class RegionalTable:
    title: str
    source: str
    unit: str
    columns: list[Column]
    rows: list[RegionRow]
    total: TableRow

    @property
    def years(self) -> list[int]:
        return sorted({column.year for column in self.columns})

    @property
    def column_groups(self) -> list[tuple[str, int]]:
        """The runs of adjacent columns of one source, (source, how many): the header names each source once, above
        its years, so that a column is no wider than its figures."""
        return [(source, len(list(run))) for source, run in groupby(self.columns, key=lambda column: column.source)]


def published_values(*, year: int | None = None, region: str | None = None) -> QuerySet[PublishedValue]:
    values = PublishedValue.objects.select_related("series", "region")
    if year is not None:
        values = values.filter(year=year)
    if region == "KZ":
        values = values.filter(region__isnull=True)
    elif region:
        values = values.filter(region__iso_code=region)
    return values


def _in_thousands(row: Mapping[str, Any], region: str) -> dict[str, Any]:
    amounts = {name: (row[name] / 1000).quantize(Decimal("0.1")) for name in AMOUNTS}
    return {"year": row["year"], **amounts, "region": region}


def reported_values(*, year: int | None = None, region: str | None = None) -> list[dict[str, Any]]:
    """Accepted returns summed by year and region (and the republic as KZ), in thousand tonnes, each with its
    `coverage` (a `Coverage`)."""
    aggregates = WasteAggregate.objects.all()
    if year is not None:
        aggregates = aggregates.filter(year=year)
    sums = {name: Sum(name) for name in AMOUNTS}
    covered = coverage(year=year)
    records = []
    if region in (None, "KZ"):
        for row in aggregates.order_by("year").values("year").annotate(**sums):
            records.append(_in_thousands(row, "KZ"))
    if region != "KZ":
        regional = aggregates.filter(region__iso_code=region) if region else aggregates
        for row in (
            regional.order_by("year", "region__iso_code")
            .values("year", iso_code=F("region__iso_code"))
            .annotate(**sums)
        ):
            records.append(_in_thousands(row, row["iso_code"]))
    for record in records:
        record["coverage"] = covered.get((record["year"], record["region"]), NOT_KNOWN)
    return records


def region_coverage(iso_code: str) -> dict[int, Coverage]:
    """A region's coverage in every year with figures reported in returns, also a year in which none of the
    region's returns is accepted (so it has no figure of its own)."""
    years = set(WasteAggregate.objects.order_by().values_list("year", flat=True).distinct())
    return {year: found for (year, code), found in coverage().items() if code == iso_code and year in years}


# The parts of the reported figures the aggregates hold: by hazard level ("" non-hazardous waste) and by the kind of
# deposit the waste is stored in ("" not in a registered deposit); named in the open data as below.
HAZARD_PARTS = {**{level: level for level in HazardLevel.values}, "": "non_hazardous"}
DEPOSIT_KIND_PARTS = {**{kind: kind for kind in DepositKind.values}, "": "not_in_deposit"}
PART_FIELDS = {"hazard_level": HAZARD_PARTS, "deposit_kind": DEPOSIT_KIND_PARTS}


def reported_parts(
    *, year: int | None = None, region: str | None = None
) -> dict[tuple[int, str, str], dict[str, dict[str, Decimal]]]:
    """The reported figures split by hazard level and by deposit kind: (year, ISO code or KZ, amount) ->
    {"hazard_level": {part: thousand tonnes}, "deposit_kind": {...}}, every part named (zero when none), each
    rounded to 0.1 kt on its own (so the parts add up to the figure within their rounding)."""
    aggregates = WasteAggregate.objects.all()
    if year is not None:
        aggregates = aggregates.filter(year=year)
    if region not in (None, "KZ"):
        aggregates = aggregates.filter(region__iso_code=region)
    sums = {name: Sum(name) for name in AMOUNTS}
    parts: dict[tuple[int, str, str], dict[str, dict[str, Decimal]]] = {}
    for field, names in PART_FIELDS.items():
        groupings: list[dict[str, Any]] = []
        if region in (None, "KZ"):
            groupings.append({})
        if region != "KZ":
            groupings.append({"iso_code": F("region__iso_code")})
        for grouping in groupings:
            for row in aggregates.order_by().values("year", field, **grouping).annotate(**sums):
                code = row.get("iso_code", "KZ")
                for name in AMOUNTS:
                    split = parts.setdefault((row["year"], code, name), {})
                    shares = split.setdefault(field, dict.fromkeys(names.values(), Decimal("0.0")))
                    shares[names[row[field]]] = (row[name] / 1000).quantize(Decimal("0.1"))
    return parts


def _blank_lowest(value: Decimal | None) -> Decimal:
    return Decimal(-1) if value is None else value


def regional_table(*, order: str = "") -> RegionalTable | None:
    """Regions as rows in the order of the official table, then regions it lacks; for each year the published
    figure and, where returns were accepted, the figure reported in them with its coverage; the republic's total
    last. A region expected to file in a reported year has a cell there even when none of its returns is accepted
    (no figure, its coverage).

    `order` sorts by a year's column ("2019", "-2019") or by name ("name", "-name") instead.
    """
    published = list(PublishedValue.objects.filter(series__code=REGIONAL_SERIES).select_related("series", "region"))
    reported = list(WasteAggregate.objects.order_by().values("year", "region_id").annotate(held=Sum("held")))
    if not published and not reported:
        return None
    # Cells by (region id, None for the republic) and (year, source).
    cells: dict[tuple[int | None, tuple[int, str]], Decimal] = {}
    positions: dict[int, int] = {}
    for value in published:
        cells[(value.region_id, (value.year, "published"))] = value.value
        if value.region_id is not None:
            positions[value.region_id] = value.row
    for row in reported:
        held = (row["held"] / 1000).quantize(Decimal("0.1"))
        cells[(row["region_id"], (row["year"], "reported"))] = held
        national = (None, (row["year"], "reported"))
        cells[national] = cells.get(national, Decimal(0)) + held
    covered: dict[tuple[int | None, int], Coverage] = {}
    reported_years = {row["year"] for row in reported}
    for coverage_row in ReturnCoverage.objects.filter(year__in=reported_years):
        found = Coverage(coverage_row.expected, coverage_row.accepted, coverage_row.submitted, coverage_row.returned)
        covered[(coverage_row.region_id, coverage_row.year)] = found
        covered[(None, coverage_row.year)] = covered.get((None, coverage_row.year), NOT_KNOWN) + found
    keys = sorted({key for _region, key in cells}, key=lambda key: (key[0], key[1] != "published"))
    columns = [
        Column(year, source, covered.get((None, year), NOT_KNOWN) if source == "reported" else None)
        for year, source in keys
    ]

    def row_coverage(region_id: int | None) -> list[Coverage | None]:
        return [covered.get((region_id, year), NOT_KNOWN) if source == "reported" else None for year, source in keys]

    region_ids = {region_id for region_id, _key in [*cells, *covered] if region_id is not None}
    regions = Region.objects.in_bulk(region_ids)
    ordered = sorted(region_ids, key=lambda pk: (positions.get(pk, 1000), regions[pk].iso_code))
    rows = [RegionRow(regions[pk], [cells.get((pk, key)) for key in keys], row_coverage(pk)) for pk in ordered]
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key == "name":
        rows.sort(key=lambda row: row.region.name, reverse=descending)
    elif key.isdecimal():
        sortable = [i for i, column in enumerate(columns) if column.year == int(key)]
        if sortable:
            index = sortable[0]
            rows.sort(key=lambda row: _blank_lowest(row.values[index]), reverse=descending)
    series = published[0].series if published else None
    return RegionalTable(
        title=series.title if series else "",
        source=series.source if series else "",
        unit="thousand tonnes",
        columns=columns,
        rows=rows,
        total=TableRow(None, [cells.get((None, key)) for key in keys], row_coverage(None)),
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
    coverage: Coverage | None  # of the reported figures; None for a year without them


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
        covered = reported[year]["coverage"] if year in reported else None
        rows.append(NationalYear(year, published.get(year, {}), figures, share, per_capita, covered))
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


def enterprise_totals(enterprise_id: int) -> list[Mapping[str, Any]]:
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


def enterprise_uncounted_years(enterprise_id: int) -> list[int]:
    """The years with figures reported in returns that expected a return of this enterprise (`expected_filers`) and
    have none of it accepted: its figures are missing from them (and their coverage counts it as missing)."""
    years = set(WasteAggregate.objects.order_by().values_list("year", flat=True).distinct())
    years -= set(
        WasteReturn.objects.filter(enterprise_id=enterprise_id, accepted__isnull=False).values_list("year", flat=True)
    )
    return [year for year in sorted(years) if expected_filers(year).filter(pk=enterprise_id).exists()]
