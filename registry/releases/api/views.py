from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.views import BaseViewSet, validated
from registry.releases import selectors, services
from registry.releases.api import serializers as s
from registry.releases.filters import ReleaseReportFilterSet
from registry.releases.models import ReleaseReport, ReleaseVersion
from registry.returns.api import serializers as returns
from registry.returns.pages import FilingApiMixin
from registry.returns.selectors import LineDifference


@extend_schema_view(
    version=extend_schema(responses=s.ReleaseVersionDetailSerializer),
    diff=extend_schema(responses=s.ReleaseDifferenceSerializer(many=True)),
)
class ReleaseReportViewSet(FilingApiMixin, BaseViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Annual release reports (PRTR). Writes go through registry.releases.services; a line's errors name its line
    and field in the one error envelope (portal.api.exceptions)."""

    queryset = ReleaseReport.objects.select_related("enterprise__region", "current", "accepted")
    serializer_class = s.ReportSerializer
    # Reports are never public as such: the published register has its own routes.
    permission_classes = [IsAuthenticated]
    filterset_class = ReleaseReportFilterSet
    version_serializer = s.ReleaseVersionDetailSerializer
    difference_serializer = s.ReleaseDifferenceSerializer

    def _detail(self, report: ReleaseReport, code: int = status.HTTP_200_OK) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(s.ReportDetailSerializer(report).data, status=code)

    def _current(self) -> tuple[ReleaseReport, ReleaseVersion]:
        report = self.get_object()
        assert report.current is not None  # every report has its first version
        return report, report.current

    @extend_schema(responses=s.ReportDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self.get_object())

    @extend_schema(request=s.ReportCreateSerializer, responses={201: s.ReportDetailSerializer})
    def create(self, request: Request) -> Response:
        report = services.report_create(actor=request.user, **validated(s.ReportCreateSerializer, request))
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ReleaseLinesSerializer, responses=s.ReportDetailSerializer, summary="Replace the draft's lines"
    )
    def update(self, request: Request, pk: str) -> Response:
        report, version = self._current()
        services.draft_replace_lines(
            actor=request.user, version=version, **validated(s.ReleaseLinesSerializer, request)
        )
        return self._detail(report)

    @extend_schema(request=returns.SubmitSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        report, version = self._current()
        data = validated(returns.SubmitSerializer, request)
        services.report_submit(actor=request.user, version=version, confirmations=data["confirmations"])
        return self._detail(report)

    @extend_schema(request=None, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        report, version = self._current()
        services.report_accept(actor=request.user, version=version)
        return self._detail(report)

    @extend_schema(request=returns.ReasonsSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        report, version = self._current()
        data = validated(returns.ReasonsSerializer, request)
        services.report_send_back(actor=request.user, version=version, reasons=data["reasons"])
        return self._detail(report)

    @extend_schema(request=None, responses=s.ReportDetailSerializer, summary="Start a correction (a new version)")
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        services.report_correct(actor=request.user, report=self.get_object())
        return self._detail(self.get_object())

    def differences(self, older: ReleaseVersion, newer: ReleaseVersion) -> list[Any]:
        return [
            _difference(part, difference)
            for part, differences in selectors.version_difference(older, newer).items()
            for difference in differences
        ]


def _difference(part: str, difference: LineDifference) -> dict[str, Any]:
    line = difference.line
    if part == "releases":
        where = {"medium": line.medium, "substance": line.substance.code,
                 "source": line.source.code if line.source else None}  # fmt: skip
    else:
        where = {"direction": line.direction, "waste_code": line.waste_code.code,
                 "counterpart_bin": line.counterpart_bin, "operation": line.operation}  # fmt: skip
    changes = {name: [str(old), str(new)] for name, (old, new) in difference.fields.items()}
    return {"list": part, "change": difference.change, "line": where, "changes": changes}
