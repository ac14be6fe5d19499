"""The API of a source's channels (read by whoever sees the source; registered and changed by its enterprise's staff)
and of their coverage (`/api/v1/emissions/coverage/?source=&month=` or `&year=`)."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from monitoring.emissions import coverage, selectors, services
from monitoring.emissions.filters import ChannelFilterSet
from monitoring.emissions.forms import MONTH
from monitoring.emissions.models import Channel, Interval
from monitoring.windows import EARLIEST, local_today
from portal.api import fields
from portal.api.views import BaseViewSet, validated
from portal.permissions import Action
from registry.permits.models import EmissionSource, Substance


class AwareDateTimeField(serializers.DateTimeField):
    """A time with its offset from UTC: a program states what it means (as monitoring's files and API)."""

    default_error_messages = {"time_zone_required": _("Give the time with its offset, as 2025-01-15T10:20:00+05:00.")}

    def to_internal_value(self, value: Any) -> datetime.datetime:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None and parsed.tzinfo is None:
            self.fail("time_zone_required")
        return super().to_internal_value(value)


class ChannelSerializer(serializers.ModelSerializer):
    source_code = serializers.CharField(source="source.code", read_only=True)
    enterprise = serializers.CharField(source="source.enterprise.bin", read_only=True)
    substance = serializers.CharField(source="substance.code", read_only=True)

    class Meta:
        model = Channel
        fields = [
            "id", "source", "source_code", "enterprise", "substance", "interval_minutes", "since",
            "silent_after_minutes", "is_active",
        ]  # fmt: skip


class ChannelInputSerializer(serializers.Serializer):
    """What may change of a channel (its source and substance are fixed once registered)."""

    interval_minutes = serializers.ChoiceField(choices=Interval.choices, help_text="20, 30 or 60.")
    since = AwareDateTimeField(help_text="Since when the channel measures, with its offset; not in the future.")
    silent_after_minutes = fields.IntegerField(
        required=False,
        allow_null=True,
        help_text="Minutes without a value after which the source counts as silent; null: the portal's default.",
    )
    is_active = serializers.BooleanField(required=False, default=True)


@extend_schema_field(OpenApiTypes.INT)
class VisibleSourceField(serializers.PrimaryKeyRelatedField):
    """A source by its id, among those the client sees: another is "does not exist", which tells nothing of it."""

    def get_queryset(self) -> QuerySet[EmissionSource]:
        return selectors.sources(user=self.context["request"].user)


class ChannelCreateSerializer(ChannelInputSerializer):
    source = VisibleSourceField(help_text="The source's id.")  # type: ignore[assignment]
    substance = fields.NaturalKeyField(slug_field="code", queryset=Substance.objects.all(), help_text="e.g. SOx.")


class ChannelViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Continuous-monitoring channels: a source's measured series, one per substance, at an interval of 20, 30 or
    60 minutes. Public when the source is published; its enterprise's staff register and change them."""

    queryset = Channel.objects.select_related("source__enterprise", "substance")
    serializer_class = ChannelSerializer
    filterset_class = ChannelFilterSet
    permission_actions = {"create": Action.FILE, "update": Action.FILE, "partial_update": Action.FILE}

    def get_queryset(self) -> QuerySet[Channel]:
        return super().get_queryset().order_by("source_id", "substance__code")

    def _answer(self, channel: Channel, code: int = status.HTTP_200_OK) -> Response:
        return Response(ChannelSerializer(self.get_queryset().get(pk=channel.pk)).data, status=code)

    @extend_schema(request=ChannelCreateSerializer, responses={201: ChannelSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ChannelCreateSerializer, request)
        source = data.pop("source")
        return self._answer(services.channel_create(actor=request.user, source=source, fields=data), 201)

    @extend_schema(request=ChannelInputSerializer, responses=ChannelSerializer)
    def update(self, request: Request, pk: str) -> Response:
        channel = self.get_object()
        data = validated(ChannelInputSerializer, request)
        return self._answer(services.channel_update(actor=request.user, channel=channel, fields=data))

    @extend_schema(request=ChannelInputSerializer, responses=ChannelSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        channel = self.get_object()
        data = validated(ChannelInputSerializer, request, partial=True)
        return self._answer(services.channel_update(actor=request.user, channel=channel, fields=data))


class CoverageQuerySerializer(serializers.Serializer):
    source = fields.IntegerField(help_text="The source's id.")  # type: ignore[assignment]
    month = serializers.CharField(required=False, help_text="2024-05: per day of that month (the default: this one).")
    year = fields.IntegerField(required=False, help_text="2024: per month of that year, instead of a month.")

    def validate_month(self, value: str) -> datetime.date:
        match = MONTH.match(value)
        if match and 1 <= int(match[2]) <= 12:
            month = datetime.date(int(match[1]), int(match[2]), 1)
            if EARLIEST <= month <= local_today():
                return month
        raise serializers.ValidationError(_("Enter a month from 1900-01 to this one, as 2024-05."), code="invalid")

    def validate_year(self, value: int) -> int:
        if not EARLIEST.year <= value <= local_today().year:
            raise serializers.ValidationError(_("Enter a year from 1900 to this one."), code="invalid")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "month" in attrs and "year" in attrs:
            raise serializers.ValidationError({"year": _("Give a month or a year, not both.")}, code="invalid")
        return attrs


class CoverageCellSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="Intervals expected: aligned, since the channel measures, ended.")
    received = serializers.IntegerField(help_text="Intervals received of those.")
    missing = serializers.IntegerField()
    share = serializers.CharField(
        allow_null=True, help_text="received / expected, 12 significant digits; null: none expected."
    )


class CoveragePeriodSerializer(CoverageCellSerializer):
    period = serializers.CharField(help_text="A local day (2024-05-01) or month (2024-05).")


class ChannelCoverageSerializer(CoverageCellSerializer):
    channel = serializers.IntegerField()
    substance = serializers.CharField()
    interval_minutes = serializers.IntegerField()
    since = serializers.DateTimeField()
    periods = CoveragePeriodSerializer(many=True)


class SourceCoverageSerializer(serializers.Serializer):
    source = serializers.IntegerField()  # type: ignore[assignment]
    source_code = serializers.CharField()
    by = serializers.ChoiceField(choices=[coverage.DAY, coverage.MONTH])
    period = serializers.CharField(help_text="The month (2024-05) or the year (2024).")
    channels = ChannelCoverageSerializer(many=True, help_text="The source's active channels, the totals first.")


def _coverage_answer(source: EmissionSource, found: coverage.Coverage, period: str) -> dict[str, Any]:
    shown = "%Y-%m-%d" if found.by == coverage.DAY else "%Y-%m"
    return {
        "source": source.pk,
        "source_code": source.code,
        "by": found.by,
        "period": period,
        "channels": [
            {
                "channel": row.channel.pk,
                "substance": row.channel.substance.code,
                "interval_minutes": row.channel.interval_minutes,
                "since": row.channel.since,
                **row.total.figures(),
                "periods": [
                    {"period": day.strftime(shown), **cell.figures()}
                    for day, cell in zip(found.periods, row.cells, strict=True)
                ],
            }
            for row in found.rows
        ],
    }


class CoverageViewSet(BaseViewSet):
    """Coverage of a source's continuous data: per active channel, the intervals expected (from its interval and
    `since`, up to now) against those received, per local day of a month or per month of a year. For whoever sees
    the source."""

    queryset = EmissionSource.objects.select_related("enterprise")
    serializer_class = SourceCoverageSerializer
    pagination_class = None

    @extend_schema(parameters=[CoverageQuerySerializer], responses=SourceCoverageSerializer)
    def list(self, request: Request) -> Response:
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        source = self.get_queryset().filter(pk=params["source"]).first()
        if source is None:  # none, or not one the client sees: as a detail route answers
            raise NotFound
        channels = [channel for channel in selectors.source_channels(source, user=request.user) if channel.is_active]
        if "year" in params:
            found = coverage.year_coverage(source, channels, params["year"])
            period = str(params["year"])
        else:
            month = params.get("month") or local_today().replace(day=1)
            found = coverage.month_coverage(source, channels, month)
            period = month.strftime("%Y-%m")
        return Response(SourceCoverageSerializer(_coverage_answer(source, found, period)).data)
