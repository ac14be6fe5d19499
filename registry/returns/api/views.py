from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.views import BaseViewSet, validated
from portal.permissions import Action
from registry.models import Enterprise
from registry.returns import selectors, services
from registry.returns.api import serializers as s
from registry.returns.filters import LateFilerFilterSet, ReturnFilterSet, WasteCodeFilterSet
from registry.returns.models import ReturnVersion, WasteCode, WasteReturn
from registry.returns.pages import FilingApiMixin


@extend_schema_view(
    version=extend_schema(responses=s.VersionDetailSerializer),
    diff=extend_schema(responses=s.DifferenceSerializer(many=True)),
)
class ReturnViewSet(FilingApiMixin, BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Annual waste returns. Writes go through registry.returns.services; a line's errors name its line and field
    (portal.api.exceptions answers services.LinesInvalid and WarningsUnconfirmed)."""

    queryset = WasteReturn.objects.select_related("enterprise__region", "current", "accepted")
    serializer_class = s.ReturnSerializer
    # Returns are never public: an anonymous client is asked to authenticate (401).
    permission_classes = [IsAuthenticated]
    filterset_class = ReturnFilterSet
    version_serializer = s.VersionDetailSerializer
    difference_serializer = s.DifferenceSerializer

    def _detail(self, waste_return: WasteReturn, code: int = status.HTTP_200_OK) -> Response:
        waste_return = self.get_queryset().get(pk=waste_return.pk)
        return Response(s.ReturnDetailSerializer(waste_return).data, status=code)

    @extend_schema(responses=s.ReturnDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self.get_object())

    @extend_schema(request=s.ReturnCreateSerializer, responses={201: s.ReturnDetailSerializer})
    def create(self, request: Request) -> Response:
        data = validated(s.ReturnCreateSerializer, request)
        waste_return = services.return_create(actor=request.user, **data)
        return self._detail(waste_return, status.HTTP_201_CREATED)

    @extend_schema(request=s.LinesSerializer, responses=s.ReturnDetailSerializer, summary="Replace the draft's lines")
    def update(self, request: Request, pk: str) -> Response:
        waste_return = self.get_object()
        data = validated(s.LinesSerializer, request)
        services.draft_replace_lines(actor=request.user, version=waste_return.current_version, lines=data["lines"])
        return self._detail(waste_return)

    @extend_schema(request=s.SubmitSerializer, responses=s.ReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        waste_return = self.get_object()
        data = validated(s.SubmitSerializer, request)
        services.return_submit(
            actor=request.user, version=waste_return.current_version, confirmations=data["confirmations"]
        )
        return self._detail(waste_return)

    @extend_schema(request=None, responses=s.ReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        waste_return = self.get_object()
        services.return_accept(actor=request.user, version=waste_return.current_version)
        return self._detail(waste_return)

    @extend_schema(request=s.ReasonsSerializer, responses=s.ReturnDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        waste_return = self.get_object()
        data = validated(s.ReasonsSerializer, request)
        services.return_send_back(actor=request.user, version=waste_return.current_version, reasons=data["reasons"])
        return self._detail(waste_return)

    @extend_schema(request=None, responses=s.ReturnDetailSerializer, summary="Start a correction (a new version)")
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        waste_return = self.get_object()
        services.return_correct(actor=request.user, waste_return=waste_return)
        return self._detail(waste_return)

    def differences(self, older: ReturnVersion, newer: ReturnVersion) -> list[Any]:
        return selectors.version_difference(older, newer)


class LateFilerViewSet(BaseViewSet):
    """The enterprises whose return for `year` is missing after the deadline (selectors.late_filers), among those
    whose returns the user may decide, with last year's accepted figures. `year` defaults to the latest year whose
    deadline has passed; before a year's deadline nothing is late."""

    queryset = Enterprise.objects.none()  # the list is the selector's, for the year asked for
    serializer_class = s.LateFilerSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = LateFilerFilterSet
    permission_actions = {"list": Action.DECIDE}

    def list(self, request: Request) -> Response:
        filterset = LateFilerFilterSet(request.query_params, queryset=Enterprise.objects.none(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        due = filterset.due(today=timezone.localdate())
        enterprises = filterset.filter_queryset(selectors.late_filers(user=request.user, due=due))
        page = self.paginate_queryset(enterprises)
        assert page is not None  # the API paginates every list (REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"])
        rows = selectors.late_filer_rows(page, due=due)
        return self.get_paginated_response(s.LateFilerSerializer(rows, many=True).data)


class WasteCodeViewSet(BaseViewSet, mixins.ListModelMixin):
    """The national waste classifier that return lines name their waste by; public."""

    queryset = WasteCode.objects.select_related("mirror")
    serializer_class = s.WasteCodeSerializer
    filterset_class = WasteCodeFilterSet
