import datetime

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.emissions.models import Channel, EmissionSubmission, EmissionValue, SubmissionStatus
from monitoring.windows import local_midnight


class EmissionSubmissionFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))

    class Meta:
        model = EmissionSubmission
        fields = ["enterprise", "status"]


class EmissionValueFilterSet(django_filters.FilterSet):
    """Values by enterprise, source and substance codes, submission and local days (from, to: inclusive), as a range
    of `interval_start` that the planner prunes to the days' partitions."""

    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    source = django_filters.CharFilter(field_name="source__code", label=_("Source code"))
    substance = django_filters.CharFilter(field_name="substance__code", label=_("Substance"))
    submission = django_filters.NumberFilter(field_name="submission_id", label=_("Submission"))
    since = django_filters.DateFilter(method="filter_since", label=_("From"))
    until = django_filters.DateFilter(method="filter_until", label=_("To"))

    class Meta:
        model = EmissionValue
        fields = ["enterprise", "source", "substance", "submission", "since", "until"]

    def filter_since(
        self, queryset: QuerySet[EmissionValue], name: str, value: datetime.date
    ) -> QuerySet[EmissionValue]:
        return queryset.filter(interval_start__gte=local_midnight(value))

    def filter_until(
        self, queryset: QuerySet[EmissionValue], name: str, value: datetime.date
    ) -> QuerySet[EmissionValue]:
        return queryset.filter(interval_start__lt=local_midnight(value + datetime.timedelta(days=1)))


class ChannelFilterSet(django_filters.FilterSet):
    """Channels by source (id), enterprise (BIN), substance (code) and whether active."""

    source = django_filters.NumberFilter(field_name="source_id", label=_("Source"))
    enterprise = django_filters.CharFilter(field_name="source__enterprise__bin", label=_("Enterprise BIN"))
    substance = django_filters.CharFilter(field_name="substance__code", label=_("Substance"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Channel
        fields = ["source", "enterprise", "substance", "is_active"]
