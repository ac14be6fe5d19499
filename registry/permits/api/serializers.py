"""What the permits API reads (input serializers, checked again by the services) and writes (output serializers)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import fields
from portal.api.fields import NaturalKeyField
from portal.api.serializers import ModelSerializer
from registry.models import Enterprise
from registry.permits import selectors
from registry.permits.checks import INPUT_FIELDS
from registry.permits.models import (
    EmissionLimit,
    EmissionSource,
    Permit,
    PermitCategory,
    PlacementLimit,
    Substance,
)

# Output.


class SubstanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="local_name", help_text="In the language of the request.")

    class Meta:
        model = Substance
        fields = ["code", "cas", "group", "toxic", "name"]


class SourceSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin", help_text="The enterprise's BIN.")

    class Meta:
        model = EmissionSource
        fields = [
            "id", "enterprise", "code", "name", "medium", "kind", "latitude", "longitude", "height_m", "diameter_m",
            "is_published",
        ]  # fmt: skip


class LimitSerializer(serializers.ModelSerializer):
    # A serializer field named "source" shadows Field.source (the attribute path) in the stubs only.
    source = serializers.CharField(source="source.code", help_text="The source's code.")  # type: ignore[assignment]
    source_id = serializers.IntegerField()
    medium = serializers.CharField(source="source.medium")
    substance = serializers.CharField(source="substance.code")
    cas = serializers.CharField(source="substance.cas")

    class Meta:
        model = EmissionLimit
        fields = ["id", "source", "source_id", "medium", "substance", "cas", "grams_per_second", "tonnes_per_year"]


class PlacementLimitSerializer(serializers.ModelSerializer):
    deposit_name = serializers.CharField(source="deposit.name")

    class Meta:
        model = PlacementLimit
        fields = ["id", "deposit", "deposit_name", "tonnes_per_year"]


class PermitSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin", help_text="The enterprise's BIN.")
    enterprise_name = serializers.CharField(source="enterprise.name")
    region = serializers.CharField(source="enterprise.region.iso_code")
    replaces = serializers.PrimaryKeyRelatedField[Permit](read_only=True, help_text="The permit this one replaces.")

    class Meta:
        model = Permit
        fields = [
            "id", "enterprise", "enterprise_name", "region", "number", "category", "issuer", "valid_from",
            "valid_to", "replaces", "status", "submitted_at", "verified_at", "reasons",
        ]  # fmt: skip


class PermitDetailSerializer(PermitSerializer):
    """A permit with the limits the reader may see (on sources and deposits they see) and its successor, if any."""

    replaced_by = serializers.SerializerMethodField()
    limits = serializers.SerializerMethodField()
    placement_limits = serializers.SerializerMethodField()

    class Meta(PermitSerializer.Meta):
        fields = [*PermitSerializer.Meta.fields, "replaced_by", "limits", "placement_limits"]

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_replaced_by(self, permit: Permit) -> int | None:
        newer = selectors.permit_list(user=self._user()).filter(replaces=permit).first()
        return newer.pk if newer else None

    @extend_schema_field(LimitSerializer(many=True))
    def get_limits(self, permit: Permit) -> list[dict[str, Any]]:
        limits = selectors.permit_limits(user=self._user(), permit=permit)
        return LimitSerializer(limits, many=True).data  # type: ignore[return-value]  # stub: many=True gives a list

    @extend_schema_field(PlacementLimitSerializer(many=True))
    def get_placement_limits(self, permit: Permit) -> list[dict[str, Any]]:
        placements = selectors.permit_placement_limits(user=self._user(), permit=permit)
        return PlacementLimitSerializer(placements, many=True).data  # type: ignore[return-value]


# Input.


class PermitInputSerializer(serializers.Serializer):
    number = fields.CharField(max_length=64)
    category = serializers.ChoiceField(choices=PermitCategory.choices)
    issuer = fields.CharField(max_length=300)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    replaces = serializers.PrimaryKeyRelatedField(
        queryset=Permit.objects.all(), required=False, allow_null=True,
        help_text="The id of the verified permit of the same enterprise that this one replaces.",
    )  # fmt: skip


class PermitCreateSerializer(PermitInputSerializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all(), help_text="The BIN.")


@extend_schema_field(
    serializers.ListField(
        child=serializers.DictField(),
        help_text="Rows; each names a `source` by its code and may describe it ("
        + ", ".join(INPUT_FIELDS[1:8])
        + ") and give a limit: `substance` (code or CAS), `grams_per_second` (air only) and `tonnes_per_year`, or a "
        "`value` with its `unit` (g/s or t/yr).",
    )
)
class RawRowsField(serializers.ListField):
    """Rows are passed on unparsed, so that every error comes back with its row number and field."""

    child = serializers.DictField()


class LimitsSerializer(serializers.Serializer):
    limits = RawRowsField()
    placement_limits = serializers.ListField(
        child=serializers.DictField(), required=False,
        help_text="Rows of `deposit` (id) and `tonnes_per_year`; when given, they replace the placement limits.",
    )  # fmt: skip


class PermitReasonsSerializer(serializers.Serializer):
    reasons = fields.CharField()


class SourceInputSerializer(ModelSerializer):
    class Meta:
        model = EmissionSource
        fields = ["code", "name", "medium", "kind", "latitude", "longitude", "height_m", "diameter_m"]
        # Uniqueness and the source's own rules are checked by the service, which names the field the same way.
        validators: list[Any] = []


class SourceCreateSerializer(SourceInputSerializer):
    enterprise = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all(), help_text="The BIN.")

    class Meta(SourceInputSerializer.Meta):
        fields = ["enterprise", *SourceInputSerializer.Meta.fields]
