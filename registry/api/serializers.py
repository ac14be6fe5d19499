from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import fields
from portal.api.fields import NaturalKeyField
from portal.api.serializers import ModelSerializer
from registry import estimates
from registry.models import Deposit, DepositComponent, DepositSurvey, Enterprise, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = [
            "iso_code", "kind", "name_kk", "name_ru", "name_en", "admin_centre", "valid_from", "valid_to", "note",
            "time_zone",
        ]  # fmt: skip


class EnterpriseSerializer(ModelSerializer):
    region = NaturalKeyField(slug_field="iso_code", queryset=Region.objects.all())

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "name_kk", "name_ru", "name_en", "bin", "region", "address", "email", "phone", "website",
            "synthetic",
        ]  # fmt: skip
        read_only_fields = ["synthetic"]
        # Uniqueness is checked by the service's full_clean, which names the field the same way.
        extra_kwargs: dict[str, dict[str, Any]] = {"bin": {"validators": []}}


class OperatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "bin"]


class SurveySerializer(ModelSerializer):
    class Meta:
        model = DepositSurvey
        fields = ["year", "tonnage_t", "annual_t", "area_ha", "max_height_m", "mean_height_m", "source"]


class ComponentSerializer(ModelSerializer):
    class Meta:
        model = DepositComponent
        fields = ["id", "basis", "component", "unit", "mean", "minimum", "maximum", "method"]


class SpanSerializer(serializers.Serializer):
    low = serializers.DecimalField(max_digits=20, decimal_places=1)
    high = serializers.DecimalField(max_digits=20, decimal_places=1)


class ContainedMetalSerializer(serializers.Serializer):
    component = serializers.CharField()
    mean_t = serializers.DecimalField(max_digits=20, decimal_places=1, allow_null=True)
    range_t = SpanSerializer(allow_null=True)


class ForecastSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    from_year = serializers.IntegerField()
    tonnage_t = SpanSerializer(allow_null=True)
    area_ha = SpanSerializer(allow_null=True)
    max_height_m = SpanSerializer(allow_null=True)


class DepositSerializer(serializers.ModelSerializer):
    """Deposit as read; `operator` is nested, `region` is its ISO code."""

    operator = OperatorSerializer(read_only=True)
    region = serializers.SlugRelatedField[Region](slug_field="iso_code", read_only=True)
    tonnage_mt = serializers.SerializerMethodField()

    class Meta:
        model = Deposit
        fields = [
            "id", "name", "name_kk", "name_ru", "name_en", "operator", "region", "kind", "subkind", "status",
            "latitude", "longitude", "start_year", "state_year", "tonnage_t", "tonnage_mt", "area_ha",
            "area_uncertainty_ha",
            "max_height_m", "mean_height_m", "density_min_t_m3", "density_max_t_m3",
            "annual_increase_min_t", "annual_increase_max_t", "area_increase_min_ha", "area_increase_max_ha",
            "height_increase_min_m", "height_increase_max_m", "hazard_class", "hazard_system",
            "notes", "sources", "is_published", "synthetic",
        ]  # fmt: skip

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=3))
    def get_tonnage_mt(self, deposit: Deposit) -> str:
        # A decimal string like every amount of the API (and as the schema says), not a JSON number.
        return str(round(deposit.tonnage_mt, 3))


class DepositDetailSerializer(DepositSerializer):
    surveys = SurveySerializer(many=True, read_only=True)
    components = ComponentSerializer(many=True, read_only=True)
    resource_potential = serializers.SerializerMethodField()

    class Meta(DepositSerializer.Meta):
        fields = [*DepositSerializer.Meta.fields, "surveys", "components", "resource_potential"]

    @extend_schema_field(ContainedMetalSerializer(many=True))
    def get_resource_potential(self, deposit: Deposit) -> list[dict[str, Any]]:
        metals = ContainedMetalSerializer(estimates.resource_potential(deposit, deposit.components.all()), many=True)
        return metals.data  # type: ignore[return-value]  # stub: many=True gives a list


class DepositWriteSerializer(ModelSerializer):
    """Deposit as written: the operator by BIN, the region by ISO code."""

    operator = NaturalKeyField(slug_field="bin", queryset=Enterprise.objects.all())
    region = NaturalKeyField(
        slug_field="iso_code",
        queryset=Region.objects.all(),
        required=False,
        help_text="ISO code. Derived from the location when left out; only administrators set another.",
    )

    class Meta:
        model = Deposit
        fields = [name for name in DepositSerializer.Meta.fields if name not in {"id", "tonnage_mt", "synthetic"}]


class ForecastQuerySerializer(serializers.Serializer):
    year = fields.IntegerField(min_value=1900, max_value=2300)
