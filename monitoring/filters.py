import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.models import (
    SEVERITY_NAMES,
    Alert,
    AlertKind,
    AlertStatus,
    MonitoringPoint,
    Pollutant,
    Result,
    Severity,
    Submission,
    SubmissionStatus,
)
from monitoring.windows import local_midnight
from portal import values
from portal.values import EARLIEST_YEAR
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

    # By ids read first: given them as constants, the planner walks the index that leads with enterprise, point,
    # pollutant and sampling time, in time order, partition by partition; joined on the codes, it scans every
    # partition.
    point = django_filters.CharFilter(method="filter_point", label=_("Point code"))
    pollutant = django_filters.CharFilter(method="filter_pollutant", label=_("Pollutant"))
    severity = django_filters.ChoiceFilter(
        method="filter_severity", choices=[(name, name) for name in list(SEVERITY_NAMES.values())[1:]]
    )
    since = django_filters.DateFilter(method="filter_since", label=_("From"))
    until = django_filters.DateFilter(method="filter_until", label=_("To"))
    exceeds = django_filters.BooleanFilter(method="filter_exceeds", label=_("Exceeds the MPC"))

    class Meta:
        model = Result
        fields = ["submission", "point", "pollutant", "severity", "since", "until", "exceeds"]

    def filter_point(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        points = list(MonitoringPoint.objects.filter(code=value).values_list("pk", "enterprise_id"))
        enterprises = sorted({enterprise for _pk, enterprise in points})
        return qs.filter(enterprise_id__in=enterprises, point_id__in=[pk for pk, _enterprise in points])

    def filter_pollutant(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(pollutant_id__in=list(Pollutant.objects.filter(code=value).values_list("pk", flat=True)))

    def filter_severity(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        level = {label: level for level, label in SEVERITY_NAMES.items()}[value]
        return qs.filter(severity=level)

    # The local day (`sampled_on`) decides; a range of `sampled_at` a day wider than any zone's offset lets the
    # planner scan the time index and prune the partitions of other times.
    def filter_since(self, qs: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return qs.filter(sampled_on__gte=value, sampled_at__gte=local_midnight(value - datetime.timedelta(days=1)))

    def filter_until(self, qs: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return qs.filter(sampled_on__lte=value, sampled_at__lt=local_midnight(value + datetime.timedelta(days=2)))

    def filter_exceeds(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(severity__gt=Severity.NONE) if value else qs.filter(severity=Severity.NONE)


class _YearFilter(django_filters.NumberFilter):
    field_class = values.IntegerField  # digits 0-9 only (portal.values)


class AlertFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("Status"))
    region = django_filters.ModelChoiceFilter(
        field_name="enterprise__region",
        queryset=Region.objects.all(),
        to_field_name="iso_code",
        label=_("Region"),
    )
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    point = django_filters.CharFilter(field_name="point__code", label=_("Point code"))
    source = django_filters.CharFilter(field_name="source__code", label=_("Source code"))
    # An exceedance's pollutant or an over-limit alert's substance, by code.
    pollutant = django_filters.CharFilter(method="filter_pollutant", label=_("Pollutant"))
    year = _YearFilter(field_name="year", min_value=EARLIEST_YEAR, max_value=9999, label=_("Year"))
    persistent = django_filters.BooleanFilter(label=_("Persistent"))

    class Meta:
        model = Alert
        fields = ["kind", "status", "region", "enterprise", "point", "source", "pollutant", "year", "persistent"]

    def filter_pollutant(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(pollutant__code=value) | Q(substance__code=value))
