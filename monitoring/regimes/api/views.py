from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from monitoring.regimes import services
from monitoring.regimes.api import serializers as s
from monitoring.regimes.filters import RegimeFilterSet, RegimePlanFilterSet
from monitoring.regimes.models import City, Regime, RegimePlan
from portal.api.views import BaseViewSet, validated
from portal.permissions import Action


class CityViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The cities regimes are declared over (public reference data), by code."""

    queryset = City.objects.select_related("region").order_by("name")
    serializer_class = s.CitySerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-z0-9_]+"


class RegimeViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Adverse-weather regimes (public), newest first; filters `city` (code), `year`, `degree`, `active`. An inspector
    of the city's region or an administrator declares (`create`), changes (`partial_update`) and ends (`end`) them
    through monitoring.regimes.services."""

    queryset = Regime.objects.select_related("city__region")
    serializer_class = s.RegimeSerializer
    filterset_class = RegimeFilterSet
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_actions = {
        "create": Action.DECLARE_REGIMES, "partial_update": Action.DECLARE_REGIMES, "end": Action.DECLARE_REGIMES,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[Regime]:
        return super().get_queryset().order_by("-starts_at", "-pk")

    def _answer(self, regime: Regime, code: int = status.HTTP_200_OK) -> Response:
        regime = self.get_queryset().get(pk=regime.pk)
        return Response(s.RegimeSerializer(regime, context={"request": self.request}).data, status=code)

    @extend_schema(request=s.RegimeCreateSerializer, responses={201: s.RegimeSerializer})
    def create(self, request: Request) -> Response:
        data = validated(s.RegimeCreateSerializer, request)
        city = data.pop("city")
        regime = services.regime_declare(actor=request.user, city=city, fields=data)
        return self._answer(regime, status.HTTP_201_CREATED)

    @extend_schema(request=s.RegimeInputSerializer, responses=s.RegimeSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        regime = self.get_object()
        data = validated(s.RegimeInputSerializer, request, partial=True)
        return self._answer(services.regime_change(actor=request.user, regime=regime, fields=data))

    @extend_schema(request=s.RegimeEndSerializer, responses=s.RegimeSerializer, summary="End the regime early")
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        regime = self.get_object()
        data = validated(s.RegimeEndSerializer, request)
        return self._answer(services.regime_end(actor=request.user, regime=regime, at=data.get("ends_at")))


class RegimePlanViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    """Regime plans (never public): an enterprise's staff file them (`create` files or files again the plan of a
    source and degree), its region's inspectors read them."""

    permission_classes = [IsAuthenticated]
    queryset = RegimePlan.objects.select_related("enterprise", "source", "required_cut", "filed_by")
    serializer_class = s.RegimePlanSerializer
    filterset_class = RegimePlanFilterSet

    def get_queryset(self) -> QuerySet[RegimePlan]:
        return super().get_queryset().order_by("enterprise__name", "source__code", "degree")

    @extend_schema(request=s.RegimePlanInputSerializer, responses={201: s.RegimePlanSerializer})
    def create(self, request: Request) -> Response:
        data = validated(s.RegimePlanInputSerializer, request)
        plan = services.plan_save(
            actor=request.user, source=data["source"], degree=data["degree"], planned_cut=data["planned_cut"]
        )
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(s.RegimePlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: RegimePlan) -> None:
        services.plan_delete(actor=self.request.user, plan=instance)
