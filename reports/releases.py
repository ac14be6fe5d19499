"""Reads of the release statistics (the PRTR's regional and national totals by pollutant and medium, with their
coverage), for the public page, its downloads and the API, which filter them with one FilterSet."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from registry.models import Region
from registry.permits.models import Substance
from registry.releases.models import ReleaseMedium
from reports.models import ReleaseAggregate, ReleaseCoverage
from reports.selectors import NOT_KNOWN, Coverage

FIRST_YEAR, LAST_YEAR = 1990, 2100
NATIONAL = "KZ"
UNIT = "kg/yr"  # as reported (E-PRTR): every record names it


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _region_choices() -> list[tuple[str, str]]:
    regions = [(region.iso_code, region.name) for region in Region.objects.order_by("iso_code")]
    return [(NATIONAL, str(_("Republic of Kazakhstan"))), *regions]


class ReleaseStatsFilterSet(django_filters.FilterSet):
    """The filters of the release statistics, on the page and in the API: a bad value is an error naming its field.

    The region narrows the regional totals; the national ones (region KZ) are the sums of every region's, so the
    region is applied by `release_totals`, not to the rows here."""

    year = YearFilter(min_value=FIRST_YEAR, max_value=LAST_YEAR, label=_("Year"))
    region = django_filters.ChoiceFilter(choices=_region_choices, method="keep", label=_("Region"))
    pollutant = django_filters.ModelChoiceFilter(
        field_name="substance", queryset=Substance.objects.all(), to_field_name="code", label=_("Pollutant")
    )
    medium = django_filters.ChoiceFilter(choices=ReleaseMedium.choices, label=_("Medium"))

    class Meta:
        model = ReleaseAggregate
        fields = ["year", "region", "pollutant", "medium"]

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset


@dataclass(frozen=True)
class ReleaseTotal:
    """A year's published releases of a substance to a medium in a region (None: the republic)."""

    year: int
    region: Region | None
    substance: Substance
    medium: str
    kg_per_year: Decimal
    enterprises: int  # whose releases the total sums
    coverage: Coverage  # of the year and region

    @property
    def iso_code(self) -> str:
        return NATIONAL if self.region is None else self.region.iso_code

    @property
    def medium_label(self) -> str:
        return str(ReleaseMedium(self.medium).label)


def release_coverage(*, year: int | None = None) -> dict[tuple[int, str], Coverage]:
    """The coverage of each year's release totals by (year, ISO code), and of the republic as "KZ": the sum of its
    regions' (every expected enterprise lies in one region on 31 December). Only `expected` and `accepted` are
    known of release reports."""
    rows = ReleaseCoverage.objects.select_related("region")
    if year is not None:
        rows = rows.filter(year=year)
    found: dict[tuple[int, str], Coverage] = {}
    for row in rows:
        covered = Coverage(expected=row.expected, accepted=row.accepted)
        found[(row.year, row.region.iso_code)] = covered
        found[(row.year, NATIONAL)] = found.get((row.year, NATIONAL), NOT_KNOWN) + covered
    return found


def release_years() -> list[int]:
    """The years with release statistics, newest first (the page's year picker)."""
    return list(ReleaseCoverage.objects.order_by("-year").values_list("year", flat=True).distinct())


def release_totals(filters: ReleaseStatsFilterSet) -> list[ReleaseTotal]:
    """The national totals (unless a region is asked for) and then the regional ones (unless KZ is asked for) of
    the filters' year, pollutant and medium, each with its coverage; ordered by year, substance and medium, the
    regions by code. `filters` must be valid."""
    region = filters.form.cleaned_data.get("region")
    rows = list(filters.qs.select_related("region", "substance").order_by("year", "substance__code", "medium"))
    coverage = release_coverage(year=filters.form.cleaned_data.get("year"))
    national: dict[tuple[int, int, str], list[ReleaseAggregate]] = {}
    for row in rows:
        national.setdefault((row.year, row.substance_id, row.medium), []).append(row)
    totals = []
    if not region or region == NATIONAL:
        totals += [
            ReleaseTotal(
                year=year, region=None, substance=parts[0].substance, medium=medium,
                kg_per_year=sum((part.kg_per_year for part in parts), Decimal(0)),
                enterprises=sum(part.enterprises for part in parts),
                coverage=coverage.get((year, NATIONAL), NOT_KNOWN),
            )
            for (year, _substance, medium), parts in national.items()
        ]  # fmt: skip
    if region != NATIONAL:
        regional = sorted(
            (row for row in rows if not region or row.region.iso_code == region),
            key=lambda row: (row.year, row.region.iso_code, row.substance.code, row.medium),
        )
        totals += [
            ReleaseTotal(
                year=row.year, region=row.region, substance=row.substance, medium=row.medium,
                kg_per_year=row.kg_per_year, enterprises=row.enterprises,
                coverage=coverage.get((row.year, row.region.iso_code), NOT_KNOWN),
            )
            for row in regional
        ]  # fmt: skip
    return totals


def coverage_by_region(year: int) -> list[tuple[Region, Coverage]]:
    """Each region's coverage of a year, by code (the page's coverage table)."""
    rows = ReleaseCoverage.objects.filter(year=year).select_related("region").order_by("region__iso_code")
    return [(row.region, Coverage(expected=row.expected, accepted=row.accepted)) for row in rows]


def query(data: Mapping[str, Any]) -> dict[str, Any]:
    """The filters' values as the page's links repeat them (the downloads of what is shown)."""
    return {name: data[name] for name in ReleaseStatsFilterSet.base_filters if data.get(name)}
