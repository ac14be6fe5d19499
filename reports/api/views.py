from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from reports import selectors
from reports.models import MonitoringAggregate, PublishedValue


class WasteStatSerializer(serializers.Serializer):
    """For the schema only: records are built from .values(), which is faster for long lists."""

    year = serializers.IntegerField()
    region = serializers.CharField(help_text="ISO 3166-2 code; KZ for the republic")
    indicator = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=1)
    unit = serializers.CharField()
    source = serializers.CharField(help_text="published (official statistics) or reported (accepted returns)")
    series = serializers.CharField()


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100, required=False)
    region = serializers.RegexField(r"^KZ(-\d{2})?$", required=False, help_text="e.g. KZ-35; KZ for the republic")


class WasteStatsView(generics.GenericAPIView):
    """Open data: waste statistics by year and region, read-only, paged, with the unit in every record."""

    permission_classes = [AllowAny]
    queryset = PublishedValue.objects.none()  # for the schema generator; records are built in `records`

    def records(self) -> list[dict]:
        query = StatsQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
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
            }
            for row in published
        ]  # fmt: skip
        for row in selectors.reported_values(**query.validated_data):
            records += [
                {
                    "year": row["year"], "region": row["region"], "indicator": name, "value": str(row[name]),
                    "unit": "thousand tonnes", "source": "reported", "series": "accepted-waste-returns",
                }
                for name in selectors.AMOUNTS
            ]  # fmt: skip
        return records

    @extend_schema(parameters=[StatsQuerySerializer], responses=WasteStatSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.get_paginated_response(self.paginate_queryset(self.records()))


class MonitoringStatsQuerySerializer(StatsQuerySerializer):
    pollutant = serializers.CharField(max_length=20, required=False, help_text="e.g. Cu")


class MonitoringStatSerializer(serializers.Serializer):
    """For the schema only: records come from .values()."""

    year = serializers.IntegerField()
    region = serializers.CharField()
    pollutant = serializers.CharField()
    medium = serializers.CharField()
    unit = serializers.CharField()
    results = serializers.IntegerField()
    mean = serializers.FloatField()
    maximum = serializers.FloatField()
    exceeding = serializers.IntegerField()
    exceeding_share = serializers.FloatField()
    high = serializers.IntegerField()
    extreme = serializers.IntegerField()
    points = serializers.IntegerField()
    enterprises = serializers.IntegerField()


class MonitoringStatsView(generics.GenericAPIView):
    """Open data: monitoring results by year, region, pollutant and medium (values in the medium's base unit)."""

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
        records = [
            {
                "year": row["year"], "region": row["iso_code"], "pollutant": row["pollutant_code"],
                "medium": row["medium"], "unit": row["unit"], "results": row["results"], "mean": row["mean"],
                "maximum": row["maximum"], "exceeding": row["exceeding"],
                "exceeding_share": round(row["exceeding"] / row["results"], 4), "high": row["high"],
                "extreme": row["extreme"], "points": row["points"], "enterprises": row["enterprises"],
            }
            for row in page
        ]  # fmt: skip
        return self.get_paginated_response(records)
