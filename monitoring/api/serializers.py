from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring import selectors
from monitoring.ingest import COLUMNS
from monitoring.models import (
    SEVERITY_NAMES,
    Alert,
    AlertEvent,
    AlertStatus,
    MonitoringPoint,
    Result,
    Severity,
    Submission,
)
from portal import coded
from portal.api import fields
from portal.api.fields import NaturalKeyField
from portal.api.serializers import ModelSerializer
from portal.models import User
from registry.models import Enterprise


class ResultInputSerializer(serializers.Serializer):
    """One result as submitted; checked by monitoring.ingest, which names the row and the field."""

    point = serializers.CharField(help_text="The monitoring point's code.")
    pollutant = serializers.CharField(help_text="e.g. Cu")
    sampled_at = serializers.CharField(help_text="ISO 8601 with a time zone, e.g. 2024-05-01T10:00:00+05:00")
    value = serializers.CharField(help_text="A number, or below a detection limit as “<0.001”.")
    unit = serializers.CharField(help_text="e.g. mg/m3, ug/m3, mg/kg, mg/l, ug/l")
    averaging = serializers.ChoiceField(choices=["single", "daily", "annual"])
    method = serializers.CharField(required=False, allow_blank=True)
    laboratory = serializers.CharField(required=False, allow_blank=True)


class RawRowsField(serializers.ListField):
    """Rows are passed on unparsed, so that every error comes back with its row number and field; each row keeps
    the `columns` the checks read. Shared with monitoring.emissions."""

    child = serializers.DictField()
    columns: tuple[str, ...] = COLUMNS

    def to_internal_value(self, data: Any) -> list[dict]:
        return [{name: row.get(name) for name in self.columns} for row in super().to_internal_value(data)]


@extend_schema_field(ResultInputSerializer(many=True))
class RawResultsField(RawRowsField):
    """Monitoring results, as monitoring.ingest reads them."""


class SubmissionCreateSerializer(serializers.Serializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())
    results = RawResultsField(max_length=50_000, help_text="Up to 50,000 results; larger batches as a file upload.")


class CountsSerializer(serializers.Serializer):
    results = serializers.IntegerField()
    evaluated = serializers.IntegerField()
    without_norm = serializers.IntegerField()
    exceeding = serializers.IntegerField()
    high = serializers.IntegerField()
    extreme = serializers.IntegerField()
    rows_read = serializers.IntegerField()


class WorkErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. rows_invalid, no_ruleset, interrupted, exception")
    params = serializers.DictField(help_text="The code's parameters, such as the number of rows with errors.")
    message = serializers.CharField(help_text="The error in the language of the request.")


class StoredRowErrorSerializer(serializers.Serializer):
    """A row's error in the shape of the API's 400 answers (portal.api.exceptions)."""

    row = serializers.IntegerField(required=False, help_text="The row of the file; absent for the file as a whole.")
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField(help_text="e.g. required, invalid, unknown_point, duplicate_row")
    message = serializers.CharField(help_text="In the language of the request.")


class WorkErrorsMixin(serializers.Serializer):
    """A submission's (portal.leases.LeasedWork with stored row errors) `errors` and `error`, in the API's shape;
    shared with monitoring.emissions."""

    error = serializers.SerializerMethodField(
        help_text="Why the submission failed, or why its last attempt did while it is tried again; null if none."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # Declared here: a class attribute named "errors" would hide the serializer's own `errors`.
        fields = super().get_fields()
        fields["errors"] = serializers.SerializerMethodField(
            help_text="The rows of a file that failed, each with its reason."
        )
        return fields

    @extend_schema_field(StoredRowErrorSerializer(many=True))
    def get_errors(self, submission: Any) -> list[dict[str, object]]:
        # Errors stored before they had codes are "invalid".
        return [
            coded.error_item(
                row=error.get("row") or None,
                field=error.get("field"),
                code=error.get("code") or "invalid",
                message=coded.written(error, "reason"),
            )
            for error in submission.errors
        ]

    @extend_schema_field(WorkErrorSerializer(allow_null=True))
    def get_error(self, submission: Any) -> dict[str, object] | None:
        if not submission.error_code:
            return None
        return {"code": submission.error_code, "params": submission.error_params, "message": submission.error_message}


class SubmissionSerializer(WorkErrorsMixin, serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin")
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id", "enterprise", "channel", "status", "received_at", "evaluated_at", "counts", "errors", "attempts",
            "error",
        ]  # fmt: skip

    @extend_schema_field(CountsSerializer())
    def get_counts(self, submission: Submission) -> dict[str, Any]:
        return CountsSerializer(selectors.submission_counts(submission)).data


class SubmissionListSerializer(SubmissionSerializer):
    """A submission in a list: its counts come with the page (context["counts"]), its row errors are left out."""

    class Meta(SubmissionSerializer.Meta):
        fields = [name for name in SubmissionSerializer.Meta.fields if name != "errors"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        del fields["errors"]
        return fields

    @extend_schema_field(CountsSerializer())
    def get_counts(self, submission: Submission) -> dict[str, Any]:
        return CountsSerializer(self.context["counts"][submission.pk]).data


class EvaluatedResultSerializer(serializers.Serializer):
    """What the exceedances and the results lists both say of an evaluated result."""

    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    point = serializers.CharField(source="point.code")
    pollutant = serializers.CharField(source="pollutant.code")
    sampled_at = serializers.DateTimeField()
    averaging = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=10)
    unit = serializers.CharField()
    severity = serializers.SerializerMethodField()
    alert = serializers.IntegerField(source="alert_id", allow_null=True)

    def get_severity(self, result: Result) -> str:
        return SEVERITY_NAMES[result.severity]


class ExceedanceSerializer(EvaluatedResultSerializer):
    mpc = serializers.DecimalField(source="norm.value", max_digits=20, decimal_places=10)
    mpc_unit = serializers.CharField(source="norm.unit")
    ratio = fields.FigureField(help_text="The value over the MPC, both in the base unit; 12 significant digits.")


class ResultSerializer(EvaluatedResultSerializer):
    """An evaluated result with its MPC and ratio (null when no norm applies); decimals as strings."""

    below_detection = serializers.BooleanField(help_text="The value is a detection limit the result was below.")
    mpc = serializers.DecimalField(source="norm.value", max_digits=20, decimal_places=10, allow_null=True)
    mpc_unit = serializers.CharField(source="norm.unit", allow_null=True)
    ratio = fields.FigureField(
        allow_null=True, help_text="The value over the MPC, both in the base unit; 12 significant digits."
    )
    exceeds = serializers.SerializerMethodField()

    def get_exceeds(self, result: Result) -> bool:
        return result.severity > Severity.NONE


class AlertEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField[User](slug_field="username", read_only=True)

    class Meta:
        model = AlertEvent
        fields = ["time", "actor", "status", "comment"]


class AlertSerializer(serializers.ModelSerializer):
    """An alert of either kind: an exceedance names its point and pollutant; a release over a permit's limit
    (`over_limit`) its source, substance and year, with the tonnes released and permitted and their ratio."""

    point = serializers.CharField(source="point.code", allow_null=True, help_text="An exceedance's point.")
    enterprise = serializers.CharField(source="enterprise.bin")
    region = serializers.CharField(source="enterprise.region.iso_code")
    pollutant = serializers.CharField(source="pollutant.code", allow_null=True, help_text="An exceedance's pollutant.")
    # DRF takes declared fields off the class: this one does not shadow Field.source, whatever the stubs say.
    source = serializers.CharField(  # type: ignore[assignment]
        source="source.code", allow_null=True, help_text="An over-limit alert's source."
    )
    substance = serializers.CharField(
        source="substance.code", allow_null=True, help_text="An over-limit alert's substance."
    )
    released_tonnes = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, read_only=True,
        help_text="Released in the year, t/yr (the accepted release report; over-limit alerts).",
    )  # fmt: skip
    permitted_tonnes = serializers.DecimalField(
        max_digits=16, decimal_places=6, allow_null=True, read_only=True,
        help_text="The permit's limit for the year, t/yr (over-limit alerts).",
    )  # fmt: skip
    ratio = fields.FigureField(allow_null=True, help_text="Released over permitted (over-limit alerts).")
    severity = serializers.SerializerMethodField()
    assigned_to = serializers.SlugRelatedField[User](slug_field="username", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "enterprise", "region", "point", "pollutant", "source", "substance", "year",
            "released_tonnes", "permitted_tonnes", "ratio", "status", "severity", "persistent", "opened_at",
            "last_sampled_at", "result_count", "assigned_to", "closed_at",
        ]  # fmt: skip

    def get_severity(self, alert: Alert) -> str:
        return SEVERITY_NAMES[alert.severity]


class AlertDetailSerializer(AlertSerializer):
    events = AlertEventSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "events"]


class AlertUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices, required=False)
    comment = fields.CharField(required=False, allow_blank=True, default="")
    assigned_to = fields.CharField(required=False, help_text="An inspector's username.")
    seen_results = fields.IntegerField(
        required=False, min_value=0, help_text="How many results you saw: closing is refused if more arrived since."
    )


class PointSerializer(ModelSerializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())

    class Meta:
        model = MonitoringPoint
        fields = [
            "id", "enterprise", "code", "medium", "latitude", "longitude", "deposit", "distance_m", "description",
            "is_published",
        ]  # fmt: skip
