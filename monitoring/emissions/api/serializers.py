from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.api.serializers import RawRowsField, WorkErrorsMixin
from monitoring.emissions.ingest import COLUMNS
from monitoring.emissions.models import EmissionSubmission, EmissionValue, Unit
from portal.api import fields
from portal.api.fields import NaturalKeyField
from registry.models import Enterprise


class ValueInputSerializer(serializers.Serializer):
    """One interval's value as a machine client sends it; checked by monitoring.emissions.ingest, which names the row
    and the field."""

    # DRF takes declared fields off the class: this one does not shadow Field.source, whatever the stubs say.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The emission source's code, as numbered in the permit: 0001."
    )
    substance = serializers.CharField(help_text="The substance's code, e.g. SO2.")
    interval_start = serializers.CharField(
        help_text="The start of the interval, ISO 8601 with a time zone, on the channel's boundary: "
        "2025-01-15T10:20:00+05:00."
    )
    value = serializers.CharField(help_text="A decimal number: a rate (g/s) or a concentration (mg/m3).")
    unit = serializers.ChoiceField(choices=Unit.values)
    flow_m3s = serializers.CharField(
        required=False, allow_null=True, help_text="The gas flow of the interval (m3/s): with mg/m3 only."
    )


@extend_schema_field(ValueInputSerializer(many=True))
class RawValuesField(RawRowsField):
    """Interval values, as monitoring.emissions.ingest reads them."""

    columns = COLUMNS


class ValuesCreateSerializer(serializers.Serializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())
    values = RawValuesField(max_length=50_000, help_text="Up to 50,000 values; larger batches as a file upload.")


class FileCreateSerializer(serializers.Serializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())
    file = serializers.FileField(
        help_text="CSV or XLSX with the columns source, substance, interval_start, value, unit, flow_m3s."
    )


class GapSerializer(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]
    substance = serializers.CharField()
    # "from" is a Python keyword: declared in get_fields.
    to = serializers.DateTimeField(help_text="The last interval missing.")
    intervals = serializers.IntegerField(help_text="How many intervals are missing in this range.")

    def get_fields(self) -> dict[str, serializers.Field]:
        return {"from": serializers.DateTimeField(help_text="The first interval missing."), **super().get_fields()}


class EmissionSubmissionSerializer(WorkErrorsMixin, serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin")
    gaps = GapSerializer(many=True, help_text="The gaps of each channel between its first and last value sent.")

    class Meta:
        model = EmissionSubmission
        fields = [
            "id", "enterprise", "via", "status", "received_at", "processed_at", "received_count", "duplicate_count",
            "over_limit_count", "gap_count", "gaps", "interval_from", "interval_to", "errors", "attempts", "error",
        ]  # fmt: skip


class EmissionValueSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.code")  # type: ignore[assignment]
    substance = serializers.CharField(source="substance.code")
    rate_gs = fields.FigureField(help_text="The emission rate in g/s; 12 significant digits.")
    alert = serializers.IntegerField(source="alert_id", allow_null=True)
    submission = serializers.IntegerField(source="submission_id")

    class Meta:
        model = EmissionValue
        fields = ["id", "submission", "source", "substance", "interval_start", "value", "unit", "flow_m3s", "rate_gs",
                  "alert"]  # fmt: skip
