from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import fields
from portal.api.fields import NaturalKeyField
from portal.models import User
from registry.models import Enterprise
from registry.returns import services
from registry.returns.checks import INPUT_FIELDS, ReturnWarning
from registry.returns.models import AMOUNT_FIELDS, ReturnLine, ReturnStatus, ReturnVersion, WasteCode, WasteReturn
from registry.returns.selectors import LineDifference


class LineSerializer(serializers.ModelSerializer):
    waste_code = serializers.CharField(source="waste_code.code")
    hazardous = serializers.BooleanField(source="waste_code.hazardous")

    class Meta:
        model = ReturnLine
        fields = ["position", "waste_code", "hazardous", "storage_deposit", "hazard_level", *AMOUNT_FIELDS]


class LineInputSerializer(serializers.Serializer):
    """A line as filed; its values are checked by registry.returns.checks, which names line and field."""

    waste_code = serializers.CharField(help_text="Six digits, e.g. “10 06 01”.")
    storage_deposit = serializers.IntegerField(allow_null=True, required=False, help_text="A deposit id, or null.")
    hazard_level = serializers.CharField(allow_null=True, allow_blank=True, required=False)
    opening = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)
    generated = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)
    received = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)
    recycled = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)
    disposed = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)
    transferred = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)
    closing = serializers.DecimalField(max_digits=16, decimal_places=3, required=False)


@extend_schema_field(LineInputSerializer(many=True))
class RawLinesField(serializers.ListField):
    """Lines are passed on unparsed, so that every error comes back with its line number and field."""

    child = serializers.DictField()

    def to_internal_value(self, data: Any) -> list[dict]:
        lines = super().to_internal_value(data)
        return [{name: line.get(name) for name in INPUT_FIELDS} for line in lines]


class ReturnCreateSerializer(serializers.Serializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())
    year = fields.IntegerField(min_value=1900, max_value=2100)
    lines = RawLinesField()


class LinesSerializer(serializers.Serializer):
    lines = RawLinesField()


class SubmitSerializer(serializers.Serializer):
    confirmations = serializers.DictField(
        child=fields.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="An explanation for each warning, by the warning's key.",
    )


class ReasonsSerializer(serializers.Serializer):
    reasons = fields.CharField()


class IssueSerializer(serializers.Serializer):
    key = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    message = serializers.CharField()


class WarningSerializer(IssueSerializer):
    code = serializers.CharField(help_text="What the warning is: opening_differs, change or late.")
    params = serializers.DictField(help_text="Its figures: amounts in tonnes as decimal strings, dates ISO 8601.")
    message = serializers.CharField(help_text="The warning in the language of the request (Accept-Language).")


class VersionSerializer(serializers.ModelSerializer):
    warnings = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    submitted_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)

    class Meta:
        model = ReturnVersion
        fields = [
            "number", "status", "created_by", "created_at", "submitted_by", "submitted_at",
            "decided_by", "decided_at", "reasons", "warnings", "confirmations",
        ]  # fmt: skip

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, version: ReturnVersion) -> list[dict[str, Any]]:
        """As frozen at submission, written out in the language of the request."""
        return [ReturnWarning.from_stored(item).as_dict() for item in version.warnings]


class VersionDetailSerializer(VersionSerializer):
    lines = LineSerializer(many=True, read_only=True)

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "lines"]


class ReturnSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin")
    enterprise_name = serializers.CharField(source="enterprise.name")
    region = serializers.CharField(source="enterprise.region.iso_code")
    status = serializers.CharField(source="current.status")
    version = serializers.IntegerField(source="current.number")
    accepted_version = serializers.IntegerField(source="accepted.number", allow_null=True)

    class Meta:
        model = WasteReturn
        fields = [
            "id", "enterprise", "enterprise_name", "region", "year", "status", "version", "accepted_version",
            "first_submitted_at", "late",
        ]  # fmt: skip


class ReturnDetailSerializer(ReturnSerializer):
    lines = LineSerializer(many=True, source="current.lines.all")
    warnings = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "lines", "warnings", "versions"]

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, waste_return: WasteReturn) -> list[dict[str, Any]]:
        return [warning.as_dict() for warning in services.current_warnings(waste_return.current_version)]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, waste_return: WasteReturn) -> list[dict[str, Any]]:
        versions = waste_return.versions.select_related("created_by", "submitted_by", "decided_by")
        return VersionSerializer(versions, many=True).data  # type: ignore[return-value]  # stub: many=True gives a list


class DifferenceSerializer(serializers.Serializer):
    change = serializers.CharField()
    waste_code = serializers.CharField(source="line.waste_code.code")
    storage_deposit = serializers.IntegerField(source="line.storage_deposit_id", allow_null=True)
    changes = serializers.SerializerMethodField()

    def get_changes(self, difference: LineDifference) -> dict[str, list[str]]:
        return {name: [str(old), str(new)] for name, (old, new) in difference.fields.items()}


class TotalsSerializer(serializers.Serializer):
    """Sums of a return's lines, in tonnes (decimals as strings)."""

    generated = serializers.DecimalField(max_digits=19, decimal_places=3)
    recycled = serializers.DecimalField(max_digits=19, decimal_places=3)
    disposed = serializers.DecimalField(max_digits=19, decimal_places=3)
    closing = serializers.DecimalField(max_digits=19, decimal_places=3)


class LateFilerSerializer(serializers.Serializer):
    enterprise = serializers.CharField(source="enterprise.bin")
    enterprise_name = serializers.CharField(source="enterprise.name")
    region = serializers.CharField(source="enterprise.region.iso_code")
    year = serializers.IntegerField()
    deadline = serializers.DateField()
    days_overdue = serializers.IntegerField()
    return_id = serializers.IntegerField(allow_null=True, help_text="The year's return, null when none was begun.")
    return_status = serializers.ChoiceField(
        choices=ReturnStatus.choices,
        allow_null=True,
        help_text="Its current version's status: draft or returned (for correction); null when none was begun.",
    )
    last_year = TotalsSerializer(
        allow_null=True, help_text="Last year's accepted figures; null when last year's return was never accepted."
    )


class WasteCodeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the language of the request (English if not held).")
    mirror = serializers.SlugRelatedField[WasteCode](
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The partner entry of a mirror pair; null for absolute entries.",
    )

    class Meta:
        model = WasteCode
        fields = ["code", "label", "name", "hazardous", "chapter", "mirror"]  # label: the code with "*" if hazardous
