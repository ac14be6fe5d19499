"""The API of the public register (every enterprise's published releases, open to everyone) and of the transfers
that do not reconcile (the inspectors of either party's region, administrators)."""

from typing import Any

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.views import BaseViewSet
from portal.permissions import Action
from portal.values import EARLIEST_YEAR
from registry.models import Enterprise
from registry.releases import reconciliation, register
from registry.releases.models import ReleaseLine, ReleaseMedium

KG_PER_YEAR = "kg/yr"
TONNES = "t"


class RegisterQuerySerializer(serializers.Serializer):
    enterprise = serializers.RegexField(r"^\d{12}$", required=False, help_text="the enterprise's BIN")
    year = serializers.IntegerField(min_value=EARLIEST_YEAR, max_value=2100, required=False)
    medium = serializers.ChoiceField(choices=ReleaseMedium.choices, required=False)
    substance = serializers.CharField(max_length=20, required=False, help_text="E-PRTR short name, e.g. SOx")


class PublishedReleaseSerializer(serializers.Serializer):
    enterprise = serializers.CharField(help_text="BIN")
    enterprise_name = serializers.CharField()
    year = serializers.IntegerField()
    medium = serializers.ChoiceField(choices=ReleaseMedium.choices)
    substance = serializers.CharField(help_text="E-PRTR short name")
    cas = serializers.CharField(allow_blank=True)
    source = serializers.CharField(  # type: ignore[assignment]  # stub: the metaclass takes fields off the class
        allow_null=True, help_text="the emission source's code; null for the whole site"
    )
    value = serializers.DecimalField(max_digits=18, decimal_places=3)
    unit = serializers.CharField(help_text="always kg/yr")
    method = serializers.ChoiceField(choices=["M", "C", "E"], help_text="measured, calculated or estimated")


class PublishedReleasesView(generics.GenericAPIView):
    """Open data: the published releases of accepted PRTR reports (at or above their reporting thresholds; those
    below are kept but never published), one record per line, with its unit."""

    permission_classes = [AllowAny]
    queryset = ReleaseLine.objects.none()  # for the schema generator; the records come from the register
    serializer_class = PublishedReleaseSerializer

    @extend_schema(parameters=[RegisterQuerySerializer], responses=PublishedReleaseSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = RegisterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted: dict[str, Any] = query.validated_data
        lines = register.published_lines()
        for name, lookup in (
            ("enterprise", "version__report__enterprise__bin"),
            ("year", "version__report__year"),
            ("medium", "medium"),
            ("substance", "substance__code"),
        ):
            if name in wanted:
                lines = lines.filter(**{lookup: wanted[name]})
        rows = lines.order_by("version__report__enterprise__bin", "-version__report__year", "position").values(
            "medium", "kg_per_year", "method",
            enterprise_bin=F("version__report__enterprise__bin"),
            enterprise_name=F("version__report__enterprise__name"),
            year=F("version__report__year"), substance_code=F("substance__code"), cas=F("substance__cas"),
            source_code=F("source__code"),
        )  # fmt: skip
        page = self.paginate_queryset(rows)
        assert page is not None
        records = [
            {
                "enterprise": row["enterprise_bin"], "enterprise_name": row["enterprise_name"], "year": row["year"],
                "medium": row["medium"], "substance": row["substance_code"], "cas": row["cas"],
                "source": row["source_code"], "value": row["kg_per_year"], "unit": KG_PER_YEAR,
                "method": row["method"],
            }
            for row in page
        ]  # fmt: skip
        return self.get_paginated_response(PublishedReleaseSerializer(records, many=True).data)


class PartySerializer(serializers.Serializer):
    bin = serializers.CharField()
    name = serializers.CharField(allow_null=True, help_text="null: the BIN is not in the register")
    region = serializers.CharField(allow_null=True, help_text="ISO code of its region; null when not registered")
    filed = serializers.BooleanField(help_text="an accepted report of the year; when false its figure counts as 0")


class DiscrepancySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    waste_code = serializers.CharField()
    sender = PartySerializer()
    receiver = PartySerializer()
    sent = serializers.DecimalField(max_digits=18, decimal_places=3, help_text="as the sender reports it")
    received = serializers.DecimalField(max_digits=18, decimal_places=3, help_text="as the receiver reports it")
    difference = serializers.DecimalField(max_digits=18, decimal_places=3, help_text="sent - received")
    tolerance = serializers.DecimalField(max_digits=16, decimal_places=3, help_text="the year's tolerance")
    unit = serializers.CharField(help_text="always t")


class DiscrepancyQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=EARLIEST_YEAR, max_value=2100, required=False)


def _party(enterprise: Enterprise | None, bin_: str, filed: bool) -> dict[str, Any]:
    return {
        "bin": bin_,
        "name": enterprise.name if enterprise else None,
        "region": enterprise.region.iso_code if enterprise else None,
        "filed": filed,
    }


class DiscrepancyViewSet(BaseViewSet):
    """Transfers whose sender and receiver report tonnes further apart than the year's tolerance, by year and waste
    code (accepted reports), for the inspectors of either party's region and administrators."""

    queryset = Enterprise.objects.none()  # the list is the reconciliation's
    serializer_class = DiscrepancySerializer
    permission_classes = [IsAuthenticated]
    permission_actions = {"list": Action.DECIDE}

    @extend_schema(parameters=[DiscrepancyQuerySerializer], responses=DiscrepancySerializer(many=True))
    def list(self, request: Request) -> Response:
        query = DiscrepancyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = reconciliation.discrepancies(user=request.user, year=query.validated_data.get("year"))
        page = self.paginate_queryset(found)
        assert page is not None
        records = [
            {
                "year": row.year, "waste_code": row.waste_code.code,
                "sender": _party(row.sender, row.sender_bin, row.sender_filed),
                "receiver": _party(row.receiver, row.receiver_bin, row.receiver_filed),
                "sent": row.sent, "received": row.received, "difference": row.difference,
                "tolerance": row.tolerance, "unit": TONNES,
            }
            for row in page
        ]  # fmt: skip
        return self.get_paginated_response(DiscrepancySerializer(records, many=True).data)
