import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from registry.models import Region
from registry.returns.models import ReturnStatus, WasteReturn


class ReturnFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(field_name="current__status", choices=ReturnStatus.choices, label=_("Status"))
    region = django_filters.ModelChoiceFilter(
        field_name="enterprise__region", queryset=Region.objects.all(), to_field_name="iso_code", label=_("Region")
    )
    late = django_filters.BooleanFilter(label=_("Filed late"))
    has_warnings = django_filters.BooleanFilter(method="filter_has_warnings", label=_("Has warnings"))

    class Meta:
        model = WasteReturn
        fields = ["enterprise", "year", "status", "region", "late"]

    def filter_has_warnings(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        # Warnings are frozen into a version when it is submitted; a draft has none yet.
        unwarned = Q(current__warnings=[])
        return qs.exclude(unwarned) if value else qs.filter(unwarned)
