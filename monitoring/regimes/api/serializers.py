"""What the regimes API reads (input serializers, checked again by the services) and writes (output serializers)."""

import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring.regimes.models import City, Degree, Regime, RegimePlan
from monitoring.regimes.models.regimes import CUT_PLACES
from monitoring.regimes.selectors import required_cut_in_force
from portal.api import fields
from portal.api.fields import NaturalKeyField
from registry.permits.models import EmissionSource

# Output.


class CitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="local_name", help_text="In the language of the request.")
    region = serializers.CharField(source="region.iso_code")

    class Meta:
        model = City
        fields = ["code", "name", "name_kk", "name_ru", "name_en", "region", "latitude", "longitude", "radius_km"]


class RegimeSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.code", help_text="The city's code (/api/v1/regimes/cities/).")
    city_name = serializers.CharField(source="city.local_name")
    region = serializers.CharField(source="city.region.iso_code")
    running = serializers.SerializerMethodField()
    required_cut = serializers.SerializerMethodField()

    class Meta:
        model = Regime
        fields = [
            "id", "city", "city_name", "region", "degree", "starts_at", "ends_at", "bulletin", "running",
            "required_cut", "created_at",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list's rows share this serializer (its child): each degree and day's cut is read once per answer.
        self._required_cuts: dict[tuple[int, datetime.date], str] = {}

    def get_running(self, regime: Regime) -> bool:
        return regime.is_running()

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=CUT_PLACES))
    def get_required_cut(self, regime: Regime) -> str:
        """The degree's cut in force at the start (a fraction: 0.2000 is 20 %)."""
        key = (regime.degree, timezone.localdate(regime.starts_at))
        if key not in self._required_cuts:
            self._required_cuts[key] = str(required_cut_in_force(degree=regime.degree, at=regime.starts_at).cut)
        return self._required_cuts[key]


class RegimePlanSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.bin", help_text="The enterprise's BIN.")
    # A serializer field named "source" shadows Field.source (the attribute path) in the stubs only.
    source = serializers.CharField(source="source.code", help_text="The source's code.")  # type: ignore[assignment]
    source_id = serializers.IntegerField()
    required_cut = serializers.DecimalField(source="required_cut.cut", max_digits=5, decimal_places=CUT_PLACES)
    filed_by = serializers.CharField(source="filed_by.username")

    class Meta:
        model = RegimePlan
        fields = [
            "id", "enterprise", "source", "source_id", "degree", "planned_cut", "required_cut", "short", "filed_at",
            "filed_by",
        ]  # fmt: skip


# Input.


class RegimeInputSerializer(serializers.Serializer):
    degree = serializers.ChoiceField(choices=Degree.choices)
    starts_at = serializers.DateTimeField(help_text="With its offset: 2026-12-01T18:00:00+05:00.")
    ends_at = serializers.DateTimeField(help_text="After starts_at.")
    bulletin = fields.CharField(max_length=500, help_text="Number, date and issuer of the bulletin.")


class RegimeCreateSerializer(RegimeInputSerializer):
    city = NaturalKeyField(slug_field="code", queryset=City.objects.all(), help_text="The city's code.")


class RegimeEndSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField(required=False, help_text="When it ends; now when left out.")


class RegimePlanInputSerializer(serializers.Serializer):
    # See RegimePlanSerializer.source.
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=EmissionSource.objects.all(), help_text="The id of a source to air of the enterprise."
    )
    degree = serializers.ChoiceField(choices=Degree.choices)
    planned_cut = fields.DecimalField(
        max_digits=9, decimal_places=CUT_PLACES, help_text="A fraction above 0 and at most 1 (0.35 is 35 %)."
    )
