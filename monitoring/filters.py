import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.models import (
    SEVERITY_NAMES,
    Alert,
    AlertStatus,
    MonitoringPoint,
    Result,
    Severity,
    Submission,
    SubmissionStatus,
)
from registry.models import Region


class PointFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))

    class Meta:
        model = MonitoringPoint
        fields = ["enterprise", "medium", "deposit"]


class SubmissionFilterSet(django_filters.FilterSet):
    """A client's submissions by status and the day they were received (from, to: inclusive)."""

    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))
    since = django_filters.DateFilter(field_name="received_at__date", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="received_at__date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Submission
        fields = ["enterprise", "status", "since", "until"]


class ResultFilterSet(django_filters.FilterSet):
    """Results (and exceedances, a subset) by point, pollutant, submission, severity, sampling day (from, to:
    inclusive) and whether they exceed their MPC."""

    point = django_filters.CharFilter(field_name="point__code", label=_("Point code"))
    pollutant = django_filters.CharFilter(field_name="pollutant__code", label=_("Pollutant"))
    severity = django_filters.ChoiceFilter(
        method="filter_severity", choices=[(name, name) for name in list(SEVERITY_NAMES.values())[1:]]
    )
    since = django_filters.DateFilter(field_name="sampled_on", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="sampled_on", lookup_expr="lte", label=_("To"))
    exceeds = django_filters.BooleanFilter(method="filter_exceeds", label=_("Exceeds the MPC"))

    class Meta:
        model = Result
        fields = ["submission", "point", "pollutant", "severity", "since", "until", "exceeds"]

    def filter_severity(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        level = {label: level for level, label in SEVERITY_NAMES.items()}[value]
        return qs.filter(severity=level)

    def filter_exceeds(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(severity__gt=Severity.NONE) if value else qs.filter(severity=Severity.NONE)


class AlertFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("Status"))
    region = django_filters.ModelChoiceFilter(
        field_name="point__enterprise__region",
        queryset=Region.objects.all(),
        to_field_name="iso_code",
        label=_("Region"),
    )
    enterprise = django_filters.CharFilter(field_name="point__enterprise__bin", label=_("Enterprise BIN"))
    point = django_filters.CharFilter(field_name="point__code", label=_("Point code"))
    pollutant = django_filters.CharFilter(field_name="pollutant__code", label=_("Pollutant"))
    persistent = django_filters.BooleanFilter(label=_("Persistent"))

    class Meta:
        model = Alert
        fields = ["status", "region", "enterprise", "point", "pollutant", "persistent"]
