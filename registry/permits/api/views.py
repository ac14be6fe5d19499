from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.serializers import ChangeRecordSerializer
from portal.api.views import BaseViewSet, validated
from portal.permissions import Action
from registry.permits import selectors, services
from registry.permits.api import serializers as s
from registry.permits.filters import PermitFilterSet, SourceFilterSet
from registry.permits.models import EmissionSource, Permit, Substance


class PermitViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Environmental permits: verified ones are public. Staff of the enterprise enter them (`create`, `update`,
    `limits`, `submit`); an inspector of its region verifies them or returns them with reasons. Writes go through
    registry.permits.services; a row's errors name its row and field."""

    queryset = Permit.objects.select_related("enterprise__region", "replaces")
    serializer_class = s.PermitSerializer
    filterset_class = PermitFilterSet
    permission_actions = {
        "create": Action.FILE, "update": Action.FILE, "partial_update": Action.FILE, "limits": Action.FILE,
        "submit": Action.FILE, "verify": Action.DECIDE, "send_back": Action.DECIDE, "history": Action.READ_HISTORY,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[Permit]:
        return super().get_queryset().order_by("-valid_from", "pk")

    def _detail(self, permit: Permit, code: int = status.HTTP_200_OK) -> Response:
        permit = self.get_queryset().get(pk=permit.pk)
        return Response(s.PermitDetailSerializer(permit, context={"request": self.request}).data, status=code)

    @extend_schema(responses=s.PermitDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self.get_object())

    @extend_schema(request=s.PermitCreateSerializer, responses={201: s.PermitDetailSerializer})
    def create(self, request: Request) -> Response:
        data = validated(s.PermitCreateSerializer, request)
        enterprise = data.pop("enterprise")
        permit = services.permit_create(actor=request.user, enterprise=enterprise, fields=data)
        return self._detail(permit, status.HTTP_201_CREATED)

    @extend_schema(request=s.PermitInputSerializer, responses=s.PermitDetailSerializer)
    def update(self, request: Request, pk: str) -> Response:
        permit = self.get_object()
        data = validated(s.PermitInputSerializer, request)
        return self._detail(services.permit_update(actor=request.user, permit=permit, fields=data))

    @extend_schema(request=s.PermitInputSerializer, responses=s.PermitDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        permit = self.get_object()
        data = validated(s.PermitInputSerializer, request, partial=True)
        return self._detail(services.permit_update(actor=request.user, permit=permit, fields=data))

    @extend_schema(request=s.LimitsSerializer, responses=s.PermitDetailSerializer, summary="Replace the limits")
    @action(detail=True, methods=["put"])
    def limits(self, request: Request, pk: str) -> Response:
        permit = self.get_object()
        data = validated(s.LimitsSerializer, request)
        services.limits_replace(
            actor=request.user, permit=permit, limits=data["limits"], placement_limits=data.get("placement_limits")
        )
        return self._detail(permit)

    @extend_schema(request=None, responses=s.PermitDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._detail(services.permit_submit(actor=request.user, permit=self.get_object()))

    @extend_schema(request=None, responses=s.PermitDetailSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return self._detail(services.permit_verify(actor=request.user, permit=self.get_object()))

    @extend_schema(request=s.PermitReasonsSerializer, responses=s.PermitDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        permit = self.get_object()
        data = validated(s.PermitReasonsSerializer, request)
        return self._detail(services.permit_send_back(actor=request.user, permit=permit, reasons=data["reasons"]))

    @extend_schema(responses=ChangeRecordSerializer(many=True))
    @action(detail=True)
    def history(self, request: Request, pk: str) -> Response:
        records = selectors.permit_history(user=request.user, permit=self.get_object())
        page = self.paginate_queryset(records)
        return self.get_paginated_response(ChangeRecordSerializer(page, many=True).data)


class SourceViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Emission sources and water outlets of enterprises: published ones are public. They belong to the enterprise
    and outlive its permits; its staff add and change them."""

    queryset = EmissionSource.objects.select_related("enterprise")
    serializer_class = s.SourceSerializer
    filterset_class = SourceFilterSet
    permission_actions = {"create": Action.FILE, "update": Action.FILE, "partial_update": Action.FILE}

    def get_queryset(self) -> QuerySet[EmissionSource]:
        return super().get_queryset().order_by("enterprise_id", "code")

    def _answer(self, source: EmissionSource, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.SourceSerializer(source).data, status=code)

    @extend_schema(request=s.SourceCreateSerializer, responses={201: s.SourceSerializer})
    def create(self, request: Request) -> Response:
        data = validated(s.SourceCreateSerializer, request)
        enterprise = data.pop("enterprise")
        source = services.source_create(actor=request.user, enterprise=enterprise, fields=data)
        return self._answer(source, status.HTTP_201_CREATED)

    @extend_schema(request=s.SourceInputSerializer, responses=s.SourceSerializer)
    def update(self, request: Request, pk: str) -> Response:
        source = self.get_object()
        data = validated(s.SourceInputSerializer, request)
        return self._answer(services.source_update(actor=request.user, source=source, fields=data))

    @extend_schema(request=s.SourceInputSerializer, responses=s.SourceSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        source = self.get_object()
        data = validated(s.SourceInputSerializer, request, partial=True)
        return self._answer(services.source_update(actor=request.user, source=source, fields=data))


class SubstanceViewSet(BaseViewSet, mixins.ListModelMixin):
    """The pollutants of the register (E-PRTR Annex II), that limits and releases name by code or CAS; public."""

    queryset = Substance.objects.all()
    serializer_class = s.SubstanceSerializer
