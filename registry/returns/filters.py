import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.permissions import Action
from registry.models import Enterprise, Region
from registry.returns.models import ReturnStatus, WasteCode, WasteReturn
from registry.returns.selectors import FilingDue, latest_overdue


class ReturnFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(
        field_name="current__status", choices=ReturnStatus.choices, empty_label=_("Any status"), label=_("Status")
    )
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


class WasteCodeFilterSet(django_filters.FilterSet):
    """The waste classifier: `q` finds a code (“1006”, “10 06 01”) or a word of its name in any language."""

    q = django_filters.CharFilter(method="search", label=_("Code or name"))
    hazardous = django_filters.BooleanFilter(label=_("Hazardous"))

    class Meta:
        model = WasteCode
        fields = ["q", "hazardous", "chapter"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        found = Q(name_en__icontains=text) | Q(name_ru__icontains=text) | Q(name_kk__icontains=text)
        digits = text.replace(" ", "").rstrip("*")
        if digits.isascii() and digits.isdigit():
            # Codes are stored in pairs ("10 06 01"): a typed prefix matches however it is spaced.
            found |= Q(code__startswith=" ".join(digits[i : i + 2] for i in range(0, len(digits), 2)))
        return qs.filter(found)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _decided_regions(request: HttpRequest | None) -> QuerySet[Region]:
    """The regions whose returns the user may decide: an inspector's, every region for administrators."""
    if request is None:
        return Region.objects.none()
    return Region.objects.restrict(request.user, Action.DECIDE)


class LateFilerFilterSet(django_filters.FilterSet):
    """The late filers of a year (selectors.late_filers), in one region whose returns the user may decide. The
    year picks the list rather than narrowing it (`due`): by default the latest year whose deadline has passed."""

    year = YearFilter(method="chosen_year", min_value=2000, max_value=2100, label=_("Year"))
    region = django_filters.ModelChoiceFilter(
        field_name="region", queryset=_decided_regions, to_field_name="iso_code", label=_("Region")
    )

    class Meta:
        model = Enterprise
        fields = ["year", "region"]

    def chosen_year(self, qs: QuerySet, name: str, value: int) -> QuerySet:
        return qs  # the list is already the year's: see `due`

    def due(self, *, today: datetime.date) -> FilingDue:
        """The chosen year's deadline; the latest passed one when no (valid) year is chosen."""
        if self.is_bound:
            self.form.is_valid()  # fills cleaned_data with the fields that are valid, whatever the others
        year = getattr(self.form, "cleaned_data", {}).get("year")
        return latest_overdue(today=today) if year is None else FilingDue.of(year, today=today)
