import datetime

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.emissions.models import Channel, EmissionSubmission, EmissionValue, SubmissionStatus
from monitoring.windows import Window, local_today, months_before
from registry.permits.models import EmissionSource, Substance

# The months a list of values reads when not told its first day: a month of a national network is some 11 million
# values, in one or two partitions.
WINDOW_MONTHS = 1


class EmissionSubmissionFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))

    class Meta:
        model = EmissionSubmission
        fields = ["enterprise", "status"]


class EmissionValueFilterSet(django_filters.FilterSet):
    """Values by enterprise, source and substance codes, submission and local days (from, to: inclusive) within a
    window that every read has: `until` is today unless given, `since` a month before `until` unless given. The
    window is a range of `interval_start` that the planner prunes to its months' partitions; the codes are read
    as ids first, constants that bound the leading columns of the values' key (source, substance, interval_start,
    enterprise), which the list pages by (monitoring.emissions.api.views)."""

    enterprise = django_filters.CharFilter(method="filter_enterprise", label=_("Enterprise BIN"))
    source = django_filters.CharFilter(method="filter_source", label=_("Source code"))
    substance = django_filters.CharFilter(method="filter_substance", label=_("Substance"))
    submission = django_filters.NumberFilter(field_name="submission_id", label=_("Submission"))
    since = django_filters.DateFilter(method="within_window", label=_("From"))
    until = django_filters.DateFilter(method="within_window", label=_("To"))

    class Meta:
        model = EmissionValue
        fields = ["enterprise", "source", "substance", "submission", "since", "until"]

    def filter_queryset(self, queryset: QuerySet[EmissionValue]) -> QuerySet[EmissionValue]:
        until = self.form.cleaned_data.get("until") or local_today()
        since = self.form.cleaned_data.get("since") or months_before(until, WINDOW_MONTHS)
        return Window(since, until).filter(super().filter_queryset(queryset), "interval_start")

    def within_window(
        self, queryset: QuerySet[EmissionValue], name: str, value: datetime.date
    ) -> QuerySet[EmissionValue]:
        return queryset  # both ends at once, given or not: filter_queryset

    def filter_enterprise(self, queryset: QuerySet[EmissionValue], name: str, value: str) -> QuerySet[EmissionValue]:
        sources = list(EmissionSource.objects.filter(enterprise__bin=value).values_list("pk", "enterprise_id"))
        enterprises = sorted({enterprise for _pk, enterprise in sources})
        return queryset.filter(enterprise_id__in=enterprises, source_id__in=[pk for pk, _enterprise in sources])

    def filter_source(self, queryset: QuerySet[EmissionValue], name: str, value: str) -> QuerySet[EmissionValue]:
        return queryset.filter(
            source_id__in=list(EmissionSource.objects.filter(code=value).values_list("pk", flat=True))
        )

    def filter_substance(self, queryset: QuerySet[EmissionValue], name: str, value: str) -> QuerySet[EmissionValue]:
        return queryset.filter(substance_id__in=list(Substance.objects.filter(code=value).values_list("pk", flat=True)))


class ChannelFilterSet(django_filters.FilterSet):
    """Channels by source (id), enterprise (BIN), substance (code) and whether active."""

    source = django_filters.NumberFilter(field_name="source_id", label=_("Source"))
    enterprise = django_filters.CharFilter(field_name="source__enterprise__bin", label=_("Enterprise BIN"))
    substance = django_filters.CharFilter(field_name="substance__code", label=_("Substance"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Channel
        fields = ["source", "enterprise", "substance", "is_active"]
