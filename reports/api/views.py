from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import F
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from monitoring.models import Pollutant
from portal import cache_tags
from portal.api.fields import FigureField
from portal.api.pagination import Pagination
from portal.page_cache import Depends, cached_page, decline, integer, matching, one_of, optional
from portal.values import figure
from registry.models import Region
from reports import releases, selectors
from reports.models import MonitoringAggregate, PublishedValue, ReleaseAggregate, small_cell


def _thousand_tonnes(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=1, help_text=help_text)


class CoverageSerializer(serializers.Serializer):
    """For the schema only: how many returns a reported figure covers."""

    expected = serializers.IntegerField(
        help_text="enterprises expected to file a return for the year (filed the year before, hold a deposit that "
        "existed that year, have a staff account on the portal, or have begun that year's return), by their region "
        "on 31 December"
    )
    accepted = serializers.IntegerField(help_text="of them, with an accepted return: those in the figure")
    submitted = serializers.IntegerField(help_text="of them, with a return submitted and not yet decided")
    missing = serializers.IntegerField(help_text="expected - accepted - submitted: none begun, a draft, or sent back")
    sent_back = serializers.IntegerField(help_text="of the missing, with a return sent back for correction")
    share = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="accepted / expected, %; null when none expected"
    )
    provisional = serializers.BooleanField(
        help_text="fewer than STATISTICS_PROVISIONAL_BELOW_PERCENT % (default 90) of the expected returns accepted: "
        "the figure will still grow"
    )


class HazardLevelSplitSerializer(serializers.Serializer):
    """For the schema only: a reported figure split by hazard level, thousand tonnes (each part rounded)."""

    red = _thousand_tonnes("hazardous waste of the red level")
    amber = _thousand_tonnes("hazardous waste of the amber level")
    green = _thousand_tonnes("hazardous waste of the green level")
    non_hazardous = _thousand_tonnes("non-hazardous waste")


class DepositKindSplitSerializer(serializers.Serializer):
    """For the schema only: a reported figure split by the kind of deposit the waste is stored in, thousand tonnes
    (each part rounded)."""

    mining = _thousand_tonnes("stored in mining deposits")
    mining_processing = _thousand_tonnes("stored in mining-processing deposits")
    chemical_metallurgical = _thousand_tonnes("stored in chemical-metallurgical deposits")
    energy = _thousand_tonnes("stored in energy deposits")
    not_in_deposit = _thousand_tonnes("not stored in a registered deposit")


class WasteStatSerializer(serializers.Serializer):
    """For the schema only: records are built from .values(), which is faster for long lists."""

    year = serializers.IntegerField()
    region = serializers.CharField(help_text="ISO 3166-2 code; KZ for the republic")
    indicator = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=1)
    unit = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]  # stub: the metaclass takes fields off the class
        help_text="published (official statistics) or reported (accepted returns)"
    )
    series = serializers.CharField()
    coverage = CoverageSerializer(
        allow_null=True, help_text="of a reported figure: the returns it covers; null for a published one"
    )
    by_hazard_level = HazardLevelSplitSerializer(
        allow_null=True, help_text="of a reported figure: its parts by hazard level; null for a published one"
    )
    by_deposit_kind = DepositKindSplitSerializer(
        allow_null=True, help_text="of a reported figure: its parts by deposit kind; null for a published one"
    )


def _coverage(coverage: selectors.Coverage) -> dict[str, object]:
    return {
        "expected": coverage.expected, "accepted": coverage.accepted, "submitted": coverage.submitted,
        "missing": coverage.missing, "sent_back": coverage.returned,
        "share": None if coverage.share is None else str(coverage.share), "provisional": coverage.provisional,
    }  # fmt: skip


def _parts(parts: dict[str, dict[str, Decimal]] | None, field: str) -> dict[str, str] | None:
    return None if parts is None else {name: str(value) for name, value in parts[field].items()}


FIRST_YEAR, LAST_YEAR = 1990, 2100
REGION = r"KZ(-\d{2})?"


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    region = serializers.RegexField(f"^{REGION}$", required=False, help_text="e.g. KZ-35; KZ for the republic")


# What the page cache may key an answer by (portal.page_cache): the query's years and region codes, pages, the
# default or the largest page size, and DRF's format override.
STATS_QUERY = {
    "year": integer(FIRST_YEAR, LAST_YEAR),
    "region": matching(REGION),
    "page": integer(1, 100_000),
    "page_size": optional(one_of(str(Pagination.page_size), str(Pagination.max_page_size))),
    "format": one_of("json", "api"),
}


def _figures(kind: str, *also: cache_tags.Tag) -> Depends:
    """What a stats answer shows: the figures of a kind of the year and region asked for (every year, every region
    when not asked), and `also`."""

    def depends(kwargs: Mapping[str, Any], query: Mapping[str, str]) -> list[cache_tags.Tag]:
        year = int(query["year"]) if "year" in query else None
        return [cache_tags.figures(kind, year, query.get("region")), *also]

    return depends


def _names_nothing(query: dict[str, object]) -> bool:
    """Whether the query asks for a region or pollutant that does not exist: its empty answer is not kept by the
    page cache, which made-up codes would otherwise fill."""
    region, pollutant = query.get("region"), query.get("pollutant")
    return bool(
        (region and region != "KZ" and not Region.objects.filter(iso_code=region).exists())
        or (pollutant and not Pollutant.objects.filter(code=pollutant).exists())
    )


# DRF answers JSON or the browsable API by Accept.
@cached_page(parameters=STATS_QUERY, headers=("Accept",), depends=_figures("waste", cache_tags.PUBLISHED))
class WasteStatsView(generics.GenericAPIView):
    """Open data: waste statistics by year and region, read-only, paged, with the unit in every record. A figure
    reported in returns carries its coverage (how many of the returns expected for its year and region are
    accepted; `provisional` below the threshold) and its parts by hazard level and by deposit kind."""

    permission_classes = [AllowAny]
    queryset = PublishedValue.objects.none()  # for the schema generator; records are built in `records`

    def records(self) -> list[dict]:
        query = StatsQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if _names_nothing(query.validated_data):
            decline(self.request)
        published = (
            selectors.published_values(**query.validated_data)
            .order_by("year", "series__code", "indicator", "row")
            .annotate(series_code=F("series__code"), region_code=F("region__iso_code"))
            .values("year", "region_code", "indicator", "value", "unit", "series_code")
        )
        records = [
            {
                "year": row["year"], "region": row["region_code"] or "KZ", "indicator": row["indicator"],
                "value": str(row["value"]), "unit": row["unit"], "source": "published", "series": row["series_code"],
                "coverage": None, "by_hazard_level": None, "by_deposit_kind": None,
            }
            for row in published
        ]  # fmt: skip
        parts = selectors.reported_parts(**query.validated_data)
        for row in selectors.reported_values(**query.validated_data):
            coverage = _coverage(row["coverage"])
            for name in selectors.AMOUNTS:
                split = parts.get((row["year"], row["region"], name))
                records.append(
                    {
                        "year": row["year"], "region": row["region"], "indicator": name, "value": str(row[name]),
                        "unit": "thousand tonnes", "source": "reported", "series": "accepted-waste-returns",
                        "coverage": coverage, "by_hazard_level": _parts(split, "hazard_level"),
                        "by_deposit_kind": _parts(split, "deposit_kind"),
                    }
                )  # fmt: skip
        return records

    @extend_schema(parameters=[StatsQuerySerializer], responses=WasteStatSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.get_paginated_response(self.paginate_queryset(self.records()))


class MonitoringStatsQuerySerializer(StatsQuerySerializer):
    pollutant = serializers.CharField(max_length=20, required=False, help_text="e.g. Cu")


# The figures of a cell, all null when it is suppressed.
MONITORING_FIGURES = (
    "results", "mean", "maximum", "exceeding", "exceeding_share", "high", "extreme", "points", "enterprises",
)  # fmt: skip
SMALL_CELL = "small_cell"


class MonitoringStatSerializer(serializers.Serializer):
    """For the schema only: records come from .values()."""

    year = serializers.IntegerField()
    region = serializers.CharField()
    pollutant = serializers.CharField()
    medium = serializers.CharField()
    unit = serializers.CharField()
    results = serializers.IntegerField(allow_null=True)
    mean = FigureField(allow_null=True, help_text="in the unit; a decimal string of 12 significant digits")
    maximum = FigureField(allow_null=True, help_text="in the unit; a decimal string of 12 significant digits")
    exceeding = serializers.IntegerField(allow_null=True)
    exceeding_share = FigureField(
        allow_null=True, help_text='exceeding / results, 0 to 1; a decimal string of 12 significant digits (0 is "0")'
    )
    high = serializers.IntegerField(allow_null=True)
    extreme = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField(allow_null=True)
    enterprises = serializers.IntegerField(allow_null=True)
    suppressed = serializers.ChoiceField(
        choices=[SMALL_CELL],
        allow_null=True,
        help_text="small_cell: the cell rests on fewer than STATISTICS_MIN_CELL (default 3) monitoring points or "
        "enterprises, and every figure of it is null (statistical confidentiality); null: not suppressed",
    )


def _monitoring_record(row: Mapping[str, Any]) -> dict[str, Any]:
    share = Decimal(row["exceeding"]) / row["results"]  # exact to 28 digits, then rounded half-even
    record = {
        "year": row["year"], "region": row["iso_code"], "pollutant": row["pollutant_code"], "medium": row["medium"],
        "unit": row["unit"], "results": row["results"], "mean": figure(row["mean"]), "maximum": figure(row["maximum"]),
        "exceeding": row["exceeding"], "exceeding_share": figure(share),
        "high": row["high"], "extreme": row["extreme"], "points": row["points"], "enterprises": row["enterprises"],
        "suppressed": None,
    }  # fmt: skip
    if small_cell(points=row["points"], enterprises=row["enterprises"]):
        record.update(dict.fromkeys(MONITORING_FIGURES), suppressed=SMALL_CELL)
    return record


# A pollutant's code is free text: only those of existing pollutants are cached (`_names_nothing`).
@cached_page(
    parameters={**STATS_QUERY, "pollutant": matching(r"[^\x00-\x1f]{1,20}")},
    headers=("Accept",),
    depends=_figures("monitoring"),
)
class MonitoringStatsView(generics.GenericAPIView):
    """Open data: the results of published monitoring points by year, region, pollutant and medium (values in the
    medium's base unit); a cell resting on fewer than STATISTICS_MIN_CELL points or enterprises is suppressed."""

    permission_classes = [AllowAny]
    queryset = MonitoringAggregate.objects.none()  # for the schema generator

    @extend_schema(parameters=[MonitoringStatsQuerySerializer], responses=MonitoringStatSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = MonitoringStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data.get("region") == "KZ":
            query.validated_data.pop("region")
        rows = selectors.monitoring_statistics(**query.validated_data).values(
            "year", "pollutant_code", "medium", "unit", "results", "mean", "maximum", "exceeding", "high", "extreme",
            "points", "enterprises", iso_code=F("region__iso_code"),
        )  # fmt: skip
        page = self.paginate_queryset(rows)
        assert page is not None  # every list of the API is paged (DEFAULT_PAGINATION_CLASS)
        if _names_nothing(query.validated_data):
            decline(request)
        records = [_monitoring_record(row) for row in page]
        return self.get_paginated_response(records)


class ReleaseStatsQuerySerializer(StatsQuerySerializer):
    """For the schema only: the filters are `reports.releases.ReleaseStatsFilterSet`, the page's."""

    pollutant = serializers.CharField(max_length=20, required=False, help_text="a substance's code, e.g. SOx, Pb")
    medium = serializers.ChoiceField(choices=["air", "water", "land"], required=False)


class ReleaseCoverageSerializer(serializers.Serializer):
    """For the schema only: how many release reports a total covers."""

    expected = serializers.IntegerField(
        help_text="enterprises expected to report for the year (a verified permit of category I valid in the year, "
        "or an accepted report of the year before or of the year), by their region on 31 December"
    )
    accepted = serializers.IntegerField(help_text="of them, with an accepted report: those in the totals")
    share = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="accepted / expected, %; null when none expected"
    )
    provisional = serializers.BooleanField(
        help_text="fewer than STATISTICS_PROVISIONAL_BELOW_PERCENT % (default 90) of the expected reports accepted"
    )


class ReleaseStatSerializer(serializers.Serializer):
    """For the schema only: records are built from `reports.releases.release_totals`."""

    year = serializers.IntegerField()
    region = serializers.CharField(help_text="ISO 3166-2 code of the region on 31 December; KZ for the republic")
    pollutant = serializers.CharField(help_text="the substance's code (E-PRTR short name)")
    cas = serializers.CharField(help_text="its CAS number; empty for a group of substances")
    medium = serializers.ChoiceField(choices=["air", "water", "land"])
    value = FigureField(help_text="released, in the unit; a decimal string of 12 significant digits")
    unit = serializers.CharField(help_text="kg/yr")
    enterprises = serializers.IntegerField(help_text="whose releases the total sums")
    coverage = ReleaseCoverageSerializer()


def _release_record(total: releases.ReleaseTotal) -> dict[str, Any]:
    coverage = total.coverage
    return {
        "year": total.year, "region": total.iso_code, "pollutant": total.substance.code, "cas": total.substance.cas,
        "medium": total.medium, "value": figure(total.kg_per_year), "unit": releases.UNIT,
        "enterprises": total.enterprises,
        "coverage": {
            "expected": coverage.expected, "accepted": coverage.accepted,
            "share": None if coverage.share is None else str(coverage.share), "provisional": coverage.provisional,
        },
    }  # fmt: skip


# A pollutant's code is free text, checked by the FilterSet: an unknown one is refused (400), never cached.
@cached_page(
    parameters={
        **STATS_QUERY,
        "pollutant": matching(r"[^\x00-\x1f]{1,20}"),
        "medium": one_of("air", "water", "land"),
    },
    headers=("Accept",),
    depends=_figures("releases"),
)
class ReleaseStatsView(generics.GenericAPIView):
    """Open data: the published releases of accepted PRTR reports (lines at or above their reporting threshold)
    by year, region, pollutant and medium, in kg/yr (the unit in every record), with the national totals as
    region KZ and each total's coverage of the expected reports. A bad filter is a 400 naming it."""

    permission_classes = [AllowAny]
    queryset = ReleaseAggregate.objects.none()  # for the schema generator

    @extend_schema(parameters=[ReleaseStatsQuerySerializer], responses=ReleaseStatSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = releases.ReleaseStatsFilterSet(request.query_params, queryset=ReleaseAggregate.objects.all())
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        page = self.paginate_queryset(releases.release_totals(filters))
        assert page is not None  # every list of the API is paged (DEFAULT_PAGINATION_CLASS)
        return self.get_paginated_response([_release_record(total) for total in page])
