import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.models import SEVERITY_NAMES, Alert, AlertStatus, MonitoringPoint, Result
from registry.models import Region


class PointFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))

    class Meta:
        model = MonitoringPoint
        fields = ["enterprise", "medium", "deposit"]


class ExceedanceFilterSet(django_filters.FilterSet):
    point = django_filters.CharFilter(field_name="point__code", label=_("Point code"))
    pollutant = django_filters.CharFilter(field_name="pollutant__code", label=_("Pollutant"))
    severity = django_filters.ChoiceFilter(
        method="filter_severity", choices=[(name, name) for name in list(SEVERITY_NAMES.values())[1:]]
    )

    class Meta:
        model = Result
        fields = ["submission", "point", "pollutant"]

    def filter_severity(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        level = {label: level for level, label in SEVERITY_NAMES.items()}[value]
        return qs.filter(severity=level)


class AlertFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("Status"))
    region = django_filters.ModelChoiceFilter(
        field_name="point__enterprise__region",
        queryset=Region.objects.all(),
        to_field_name="iso_code",
        label=_("Region"),
    )
    enterprise = django_filters.CharFilter(field_name="point__enterprise__bin", label=_("Enterprise BIN"))
    pollutant = django_filters.CharFilter(field_name="pollutant__code", label=_("Pollutant"))
    persistent = django_filters.BooleanFilter(label=_("Persistent"))

    class Meta:
        model = Alert
        fields = ["status", "region", "enterprise", "pollutant", "persistent"]
