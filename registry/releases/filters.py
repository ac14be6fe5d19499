from registry.releases.models import ReleaseReport
from registry.returns.filters import ReturnFilterSet


class ReleaseReportFilterSet(ReturnFilterSet):
    """The returns' filters (BIN, year, status, region, late, has warnings) on release reports."""

    class Meta(ReturnFilterSet.Meta):
        model = ReleaseReport  # type: ignore[assignment]  # the same fields on release reports
