from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from monitoring import selectors, services
from monitoring.api import serializers as s
from monitoring.api.pagination import ResultCursorPagination
from monitoring.filters import AlertFilterSet, PointFilterSet, ResultFilterSet, SubmissionFilterSet
from monitoring.models import Alert, MonitoringPoint, Result, Submission
from portal.api.views import BaseViewSet
from portal.models import User
from portal.permissions import Action


class SubmissionViewSet(BaseViewSet, mixins.RetrieveModelMixin):
    """Batches of monitoring results. A 400 lists every bad row as `{"row", "field", "code", "message"}` (the first
    thousand; `error_count` counts them all) and saves none (portal.api.exceptions answers services.RowsInvalid)."""

    permission_classes = [IsAuthenticated]  # monitoring results are not public; points are

    queryset = Submission.objects.select_related("enterprise")
    permission_actions = {"create": Action.SUBMIT}
    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilterSet

    def get_queryset(self) -> QuerySet[Submission]:
        return selectors.submissions(user=self.request.user) if self.action == "list" else super().get_queryset()

    @extend_schema(responses=s.SubmissionListSerializer(many=True))
    def list(self, request: Request) -> Response:
        """The submissions you may see (your enterprise's; an inspector's regions'), newest first, without the
        rows of a file that failed (see a submission for those)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # every list is paginated (DEFAULT_PAGINATION_CLASS)
        context = {"counts": selectors.submissions_counts(page)}
        return self.get_paginated_response(s.SubmissionListSerializer(page, many=True, context=context).data)

    def _response(self, submission: Submission, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.SubmissionSerializer(submission).data, status=code)

    @extend_schema(request=s.SubmissionCreateSerializer, responses={201: s.SubmissionSerializer})
    def create(self, request: Request) -> Response:
        serializer = s.SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = services.submission_create(actor=request.user, enterprise=data["enterprise"], rows=data["results"])
        submission.refresh_from_db()
        return self._response(submission, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._response(self.get_object())


class _ResultListViewSet(BaseViewSet, mixins.ListModelMixin):
    """Results newest first, in keyset pages: follow `next` (and `previous`); there is no count and no page number."""

    permission_classes = [IsAuthenticated]  # monitoring results are not public; points are
    queryset = Result.objects.all()
    filterset_class = ResultFilterSet
    pagination_class = ResultCursorPagination


class ExceedanceViewSet(_ResultListViewSet):
    """Every result above its MPC, with the norm, the ratio and the severity."""

    serializer_class = s.ExceedanceSerializer

    def get_queryset(self) -> QuerySet[Result]:
        return selectors.exceedances(user=self.request.user)


class ResultViewSet(_ResultListViewSet):
    """Every evaluated result, exceeding or not, with its MPC and the ratio to it (null without a norm)."""

    serializer_class = s.ResultSerializer

    def get_queryset(self) -> QuerySet[Result]:
        return selectors.results(user=self.request.user)


class AlertViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    permission_classes = [IsAuthenticated]  # monitoring results are not public; points are
    queryset = Alert.objects.all()
    serializer_class = s.AlertSerializer
    filterset_class = AlertFilterSet
    permission_actions = {"update_status": Action.WORK_ALERTS}

    def get_queryset(self) -> QuerySet[Alert]:
        queryset = selectors.alerts(user=self.request.user)
        return queryset.prefetch_related("events__actor") if self.action == "retrieve" else queryset

    def get_serializer_class(self) -> type:
        return s.AlertDetailSerializer if self.action == "retrieve" else s.AlertSerializer

    @extend_schema(request=s.AlertUpdateSerializer, responses=s.AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def update_status(self, request: Request, pk: str) -> Response:
        """Move the alert on (new → acknowledged → under investigation → resolved, or dismissed with a reason),
        assign it, or comment on it."""
        alert = self.get_object()
        serializer = s.AlertUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignee = User.objects.filter(username=data["assigned_to"]).first() if data.get("assigned_to") else None
        if data.get("assigned_to") and assignee is None:
            # The same answer as for a user who does not inspect the region: no probing for user names.
            message = _("%(user)s does not inspect this region.") % {"user": data["assigned_to"]}
            raise ValidationError({"assigned_to": [message]})
        services.alert_update(
            actor=request.user, alert=alert, status=data.get("status"), comment=data["comment"], assign_to=assignee,
            seen_results=data.get("seen_results"),
        )  # fmt: skip
        return Response(s.AlertDetailSerializer(self.get_queryset().get(pk=alert.pk)).data)


class PointViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    queryset = MonitoringPoint.objects.select_related("enterprise")
    serializer_class = s.PointSerializer
    filterset_class = PointFilterSet

    def perform_create(self, serializer: BaseSerializer[MonitoringPoint]) -> None:
        serializer.instance = services.point_create(actor=self.request.user, fields=serializer.validated_data)
