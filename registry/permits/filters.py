import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import values
from registry.models import Region
from registry.permits.models import EmissionSource, Permit, PermitCategory, PermitStatus, SourceKind, SourceMedium


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    field_class = values.IntegerField


class PermitFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    region = django_filters.ModelChoiceFilter(
        field_name="enterprise__region", queryset=Region.objects.all(), to_field_name="iso_code", label=_("Region")
    )
    status = django_filters.ChoiceFilter(choices=PermitStatus.choices, empty_label=_("Any status"), label=_("Status"))
    category = django_filters.ChoiceFilter(
        choices=PermitCategory.choices, empty_label=_("Any category"), label=_("Category")
    )
    year = YearFilter(method="in_force", min_value=1980, max_value=2100, label=_("In force in"))

    class Meta:
        model = Permit
        fields = ["enterprise", "region", "status", "category"]

    def in_force(self, qs: QuerySet, name: str, value: int | None) -> QuerySet:
        """Permits valid on some day of the year (verified or not: the filter reads what the user sees)."""
        if value is None:
            return qs
        first, last = datetime.date(value, 1, 1), datetime.date(value, 12, 31)
        return qs.filter(Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first)))


class SourceFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    region = django_filters.ModelChoiceFilter(
        field_name="enterprise__region", queryset=Region.objects.all(), to_field_name="iso_code", label=_("Region")
    )
    medium = django_filters.ChoiceFilter(choices=SourceMedium.choices, label=_("Medium"))
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("Kind"))

    class Meta:
        model = EmissionSource
        fields = ["enterprise", "region", "medium", "kind"]
