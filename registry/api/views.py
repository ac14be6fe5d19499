from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from portal.api.serializers import ChangeRecordSerializer
from portal.api.views import BaseViewSet
from portal.permissions import Action
from registry import estimates, selectors, services
from registry.api import serializers as s
from registry.filters import DepositFilterSet, EnterpriseFilterSet, RegionFilterSet
from registry.models import Deposit, Enterprise, Region


class RegionViewSet(BaseViewSet, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "iso_code"


class EnterpriseViewSet(
    BaseViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    queryset = Enterprise.objects.select_related("region")
    serializer_class = s.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    lookup_field = "bin"
    permission_actions = {"create": Action.ADMINISTER, "history": Action.READ_HISTORY}

    def perform_create(self, serializer: BaseSerializer[Enterprise]) -> None:
        serializer.instance = services.enterprise_create(actor=self.request.user, fields=serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Enterprise]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update gives the serializer the enterprise
        serializer.instance = services.enterprise_update(
            actor=self.request.user, enterprise=serializer.instance, fields=serializer.validated_data
        )

    @extend_schema(responses=ChangeRecordSerializer(many=True))
    @action(detail=True)
    def history(self, request: Request, bin: str) -> Response:
        records = selectors.enterprise_history(user=request.user, enterprise=self.get_object())
        return _history_response(self, records)


def _history_response(view: viewsets.GenericViewSet, records: QuerySet) -> Response:
    return _page_response(view, records, ChangeRecordSerializer)


def _page_response(view: viewsets.GenericViewSet, rows: QuerySet, serializer: type[BaseSerializer]) -> Response:
    """A list of a detail route, paginated like every list (the schema describes it so)."""
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(serializer(page, many=True).data)


class DepositViewSet(
    BaseViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    queryset = Deposit.objects.select_related("operator", "region")
    filterset_class = DepositFilterSet
    permission_actions = {"history": Action.READ_HISTORY}

    def get_queryset(self) -> QuerySet[Deposit]:
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related("surveys", "components")
        return queryset

    def get_serializer_class(self) -> type:
        return {
            "list": s.DepositSerializer,
            "create": s.DepositWriteSerializer,
            "update": s.DepositWriteSerializer,
            "partial_update": s.DepositWriteSerializer,
        }.get(self.action, s.DepositDetailSerializer)

    def _detail(self, deposit: Deposit, status_code: int = status.HTTP_200_OK) -> Response:
        deposit = self.get_queryset().get(pk=deposit.pk)
        return Response(s.DepositDetailSerializer(deposit).data, status=status_code)

    @extend_schema(responses=s.DepositDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self.get_object())

    @extend_schema(request=s.DepositWriteSerializer, responses={201: s.DepositDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = s.DepositWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deposit = services.deposit_create(actor=request.user, fields=serializer.validated_data)
        return self._detail(deposit, status.HTTP_201_CREATED)

    @extend_schema(request=s.DepositWriteSerializer, responses=s.DepositDetailSerializer)
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        deposit = self.get_object()
        # The surveyed state is writable here only to be refused by the service with a clear message:
        # it changes by adding a survey.
        serializer = s.DepositWriteSerializer(deposit, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.deposit_update(actor=request.user, deposit=deposit, fields=serializer.validated_data)
        return self._detail(deposit)

    @extend_schema(request=s.SurveySerializer, responses={200: s.SurveySerializer(many=True), 201: s.SurveySerializer})
    @action(detail=True, methods=["get", "post"])
    def surveys(self, request: Request, pk: str) -> Response:
        deposit = self.get_object()
        if request.method == "GET":
            return _page_response(self, deposit.surveys.all(), s.SurveySerializer)
        serializer = s.SurveySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        survey = services.survey_add(actor=request.user, deposit=deposit, fields=serializer.validated_data)
        return Response(s.SurveySerializer(survey).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ComponentSerializer, responses={200: s.ComponentSerializer(many=True), 201: s.ComponentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def composition(self, request: Request, pk: str) -> Response:
        deposit = self.get_object()
        if request.method == "GET":
            return _page_response(self, deposit.components.all(), s.ComponentSerializer)
        serializer = s.ComponentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        component = services.component_add(actor=request.user, deposit=deposit, fields=serializer.validated_data)
        return Response(s.ComponentSerializer(component).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[s.ForecastQuerySerializer], responses=s.ForecastSerializer)
    @action(detail=True)
    def forecast(self, request: Request, pk: str) -> Response:
        query = s.ForecastQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = estimates.forecast(self.get_object(), query.validated_data["year"])
        return Response(s.ForecastSerializer(result).data)

    @extend_schema(responses=ChangeRecordSerializer(many=True))
    @action(detail=True)
    def history(self, request: Request, pk: str) -> Response:
        records = selectors.deposit_history(user=request.user, deposit=self.get_object())
        return _history_response(self, records)
