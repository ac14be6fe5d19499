from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from monitoring.api.pagination import KeysetPagination
from monitoring.emissions import selectors, services
from monitoring.emissions.api import serializers as s
from monitoring.emissions.filters import EmissionSubmissionFilterSet, EmissionValueFilterSet
from monitoring.emissions.models import EmissionSubmission, EmissionValue
from portal.api.views import BaseViewSet
from portal.permissions import Action


class ValuePagination(KeysetPagination):
    """By the values' unique key, in the order of its index (emission_value_unique): a channel's values in time
    order, channel after channel."""

    ordering = ("source_id", "substance_id", "interval_start", "enterprise_id")


class EmissionValueViewSet(BaseViewSet, mixins.ListModelMixin):
    """Continuous emission data. A machine client posts each interval's values; a 400 lists every bad row as
    `{"row", "field", "code", "message"}` (the first thousand; `error_count` counts them all) and saves none. The
    list holds the local days `since` to `until` (today and a month before unless given), a channel's values in time
    order, channel after channel, in pages linked by `next` and `previous` (no count, no page numbers)."""

    permission_classes = [IsAuthenticated]  # the values are the enterprise's and its inspectors'
    queryset = EmissionValue.objects.all()
    permission_actions = {"create": Action.SUBMIT}
    serializer_class = s.EmissionValueSerializer
    filterset_class = EmissionValueFilterSet
    pagination_class = ValuePagination

    def get_queryset(self) -> QuerySet[EmissionValue]:
        return selectors.emission_values(user=self.request.user)

    @extend_schema(request=s.ValuesCreateSerializer, responses={201: s.EmissionSubmissionSerializer})
    def create(self, request: Request) -> Response:
        """Values of one enterprise: checked, converted to g/s, compared with the limits and stored at once; the
        answer is the submission, with the gaps of each channel between its first and last value."""
        serializer = s.ValuesCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = services.submission_create(actor=request.user, enterprise=data["enterprise"], rows=data["values"])
        return Response(s.EmissionSubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


class EmissionSubmissionViewSet(BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Batches of values, by API or file. A file is read by a worker: follow its `status` (received, processing,
    processed, failed with its row errors)."""

    permission_classes = [IsAuthenticated]
    queryset = EmissionSubmission.objects.select_related("enterprise")
    permission_actions = {"create": Action.SUBMIT}
    serializer_class = s.EmissionSubmissionSerializer
    filterset_class = EmissionSubmissionFilterSet
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[EmissionSubmission]:
        return selectors.submissions(user=self.request.user) if self.action == "list" else super().get_queryset()

    @extend_schema(request=s.FileCreateSerializer, responses={202: s.EmissionSubmissionSerializer})
    def create(self, request: Request) -> Response:
        """A CSV or XLSX file of values, read in the background (monitoring.emissions.services)."""
        serializer = s.FileCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = services.submission_from_file(
            actor=request.user, enterprise=data["enterprise"], upload=data["file"]
        )
        submission.refresh_from_db()
        return Response(s.EmissionSubmissionSerializer(submission).data, status=status.HTTP_202_ACCEPTED)
