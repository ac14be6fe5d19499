"""The release reports' API: input serializers pass lines on unparsed (registry.releases.checks names each error's
line and field), output serializers write figures as decimal strings. The version, warning, reasons and submit
serializers are the returns'."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import fields
from portal.api.fields import NaturalKeyField
from registry.models import Enterprise
from registry.releases import selectors, services
from registry.releases.checks import RELEASE_FIELDS, TRANSFER_FIELDS, ReleaseWarning
from registry.releases.models import ReleaseLine, ReleaseReport, ReleaseVersion, TransferLine
from registry.returns.api.serializers import VersionSerializer, WarningSerializer


class ReleaseInputSerializer(serializers.Serializer):
    """A release as filed."""

    medium = serializers.CharField(help_text="air, water or land.")
    substance = serializers.CharField(help_text="The pollutant's code (SOx, Pb) or CAS number.")
    source = serializers.CharField(  # type: ignore[assignment]  # a field named as Field.source
        required=False, allow_blank=True, allow_null=True, help_text="One of the enterprise's sources; empty for land."
    )
    kg_per_year = serializers.DecimalField(max_digits=18, decimal_places=3)
    method = serializers.CharField(help_text="M (measured), C (calculated) or E (estimated).")
    note = serializers.CharField(required=False, allow_blank=True)


class TransferInputSerializer(serializers.Serializer):
    """A transfer as filed."""

    direction = serializers.CharField(required=False, help_text="sent (default) or received.")
    waste_code = serializers.CharField(help_text="Six digits, e.g. “10 05 01”.")
    operation = serializers.CharField(help_text="R1-R13 or D1-D15.")
    counterpart_bin = serializers.CharField(help_text="The other party's BIN (12 digits).")
    tonnes = serializers.DecimalField(max_digits=16, decimal_places=3)


def _raw_list(names: tuple[str, ...], item: type[serializers.Serializer]) -> type[serializers.ListField]:
    @extend_schema_field(item(many=True))
    class RawLines(serializers.ListField):
        child = serializers.DictField()

        def to_internal_value(self, data: Any) -> list[dict]:
            return [{name: line.get(name) for name in names} for line in super().to_internal_value(data)]

    return RawLines


RawReleases = _raw_list(RELEASE_FIELDS, ReleaseInputSerializer)
RawTransfers = _raw_list(TRANSFER_FIELDS, TransferInputSerializer)


class ReportCreateSerializer(serializers.Serializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())
    year = fields.IntegerField(min_value=1900, max_value=2100)
    releases = RawReleases(required=False, default=list)
    transfers = RawTransfers(required=False, default=list)


class ReleaseLinesSerializer(serializers.Serializer):
    """Either list, or both; a list left out stays as it is."""

    releases = RawReleases(required=False)
    transfers = RawTransfers(required=False)


class ReleaseSerializer(serializers.ModelSerializer):
    substance = serializers.CharField(source="substance.code")
    cas = serializers.CharField(source="substance.cas")
    source = serializers.CharField(source="source.code", allow_null=True, default=None)  # type: ignore[assignment]
    unit = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseLine
        fields = ["position", "medium", "substance", "cas", "source", "kg_per_year", "unit", "method", "note"]

    def get_unit(self, line: ReleaseLine) -> str:
        return "kg/yr"


class MarkedReleaseSerializer(ReleaseSerializer):
    """A release as its enterprise sees it, with whether it is published (at or above the threshold)."""

    published = serializers.BooleanField(read_only=True)
    threshold_kg = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True, read_only=True)

    class Meta(ReleaseSerializer.Meta):
        fields = [*ReleaseSerializer.Meta.fields, "published", "threshold_kg"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance.line)
        threshold = instance.threshold
        return {**data, "published": instance.published, "threshold_kg": None if threshold is None else str(threshold)}


class TransferSerializer(serializers.ModelSerializer):
    waste_code = serializers.CharField(source="waste_code.code")
    counterpart = serializers.CharField(source="counterpart.name", allow_null=True, default=None)
    unit = serializers.SerializerMethodField()

    class Meta:
        model = TransferLine
        fields = ["position", "direction", "waste_code", "hazardous", "operation", "counterpart_bin", "counterpart",
                  "tonnes", "unit"]  # fmt: skip

    def get_unit(self, line: TransferLine) -> str:
        return "t"


class ReleaseVersionSerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        model = ReleaseVersion  # type: ignore[assignment]  # the same workflow fields as a return version

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, version: ReleaseVersion) -> list[dict[str, Any]]:  # type: ignore[override]
        return [ReleaseWarning.from_stored(item).as_dict() for item in version.warnings]


class ReleaseVersionDetailSerializer(ReleaseVersionSerializer):
    releases = ReleaseSerializer(many=True, read_only=True, source="lines")
    transfers = TransferSerializer(many=True, read_only=True)

    class Meta(ReleaseVersionSerializer.Meta):
        fields = [*ReleaseVersionSerializer.Meta.fields, "releases", "transfers"]


class ReportSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin")
    enterprise_name = serializers.CharField(source="enterprise.name")
    region = serializers.CharField(source="enterprise.region.iso_code")
    status = serializers.CharField(source="current.status")
    version = serializers.IntegerField(source="current.number")
    accepted_version = serializers.IntegerField(source="accepted.number", allow_null=True)

    class Meta:
        model = ReleaseReport
        fields = ["id", "enterprise", "enterprise_name", "region", "year", "status", "version", "accepted_version",
                  "first_submitted_at", "late"]  # fmt: skip


class ReportDetailSerializer(ReportSerializer):
    releases = serializers.SerializerMethodField()
    transfers = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "releases", "transfers", "warnings", "versions"]

    @extend_schema_field(MarkedReleaseSerializer(many=True))
    def get_releases(self, report: ReleaseReport) -> list[dict[str, Any]]:
        assert report.current is not None
        return [MarkedReleaseSerializer().to_representation(row) for row in selectors.version_releases(report.current)]

    @extend_schema_field(TransferSerializer(many=True))
    def get_transfers(self, report: ReleaseReport) -> list[dict[str, Any]]:
        assert report.current is not None
        return TransferSerializer(selectors.version_transfers(report.current), many=True).data  # type: ignore[return-value]

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, report: ReleaseReport) -> list[dict[str, Any]]:
        assert report.current is not None
        return [warning.as_dict() for warning in services.current_warnings(report.current)]

    @extend_schema_field(ReleaseVersionSerializer(many=True))
    def get_versions(self, report: ReleaseReport) -> list[dict[str, Any]]:
        versions = report.versions.select_related("created_by", "submitted_by", "decided_by")
        return ReleaseVersionSerializer(versions, many=True).data  # type: ignore[return-value]


class ReleaseDifferenceSerializer(serializers.Serializer):
    list = serializers.CharField(help_text="releases or transfers.")
    change = serializers.CharField()
    line = serializers.DictField(help_text="What identifies the line: medium, substance, source; or direction, "
                                 "waste_code, counterpart_bin, operation.")  # fmt: skip
    changes = serializers.DictField()
