"""One FilterSet per model, used by both the HTML lists and the API (NetBox style)."""

from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.filters import OrderingFilter
from registry.models import (
    Deposit,
    DepositKind,
    DepositStatus,
    DepositSubkind,
    Enterprise,
    Region,
    local_name,
    name_search,
)


class BoundingBoxField(forms.CharField):
    """`min_lon,min_lat,max_lon,max_lat` in degrees (the order of GeoJSON and OpenAQ)."""

    def clean(self, value: str | None) -> tuple[Decimal, ...] | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            box = tuple(Decimal(part) for part in value.split(","))
        except InvalidOperation:
            box = ()
        if len(box) != 4 or not all(part.is_finite() for part in box):
            raise forms.ValidationError(_("Give four numbers: min_lon,min_lat,max_lon,max_lat."))
        min_lon, min_lat, max_lon, max_lat = box
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError(_("Longitudes lie within ±180 and latitudes within ±90 degrees."))
        if min_lon > max_lon or min_lat > max_lat:
            raise forms.ValidationError(_("The minimum longitude and latitude must not exceed the maxima."))
        # Coordinates are stored with 5 decimals; finer input would only overflow the database's numeric type.
        return tuple(part.quantize(Decimal("0.00001")) for part in box)


@extend_schema_field(OpenApiTypes.STR)
class BoundingBoxFilter(django_filters.Filter):
    field_class = BoundingBoxField

    def filter(self, qs: QuerySet, value: tuple[Decimal, ...] | None) -> QuerySet:
        if not value:
            return qs
        min_lon, min_lat, max_lon, max_lat = value
        return qs.filter(longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat)


class RegionFilterSet(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on (date)"))

    class Meta:
        model = Region
        fields = ["kind"]

    def filter_valid_on(self, qs: QuerySet, name: str, value: object) -> QuerySet:
        return qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=value)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=value)
        )


class EnterpriseFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="iso_code", label=_("Region")
    )
    bin = django_filters.CharFilter(label=_("BIN"))
    q = django_filters.CharFilter(method="search", label=_("Search"))
    ordering = OrderingFilter(
        fields=(("name", "name"), ("bin", "bin"), ("region__iso_code", "region")),
        field_labels={"name": _("Name"), "bin": _("BIN"), "region__iso_code": _("Region")},
        label=_("Order by"),
        expressions={"name": local_name},  # the name the reader reads
    )

    class Meta:
        model = Enterprise
        fields = ["region", "bin"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """By its name or its region's in any language, BIN or address."""
        return qs.filter(
            name_search(value)
            | name_search(value, "region__", registered=False)
            | Q(bin=value)
            | Q(address__icontains=value)
        )


class DepositFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="iso_code", label=_("Region")
    )
    kind = django_filters.ChoiceFilter(choices=DepositKind.choices, label=_("Kind"))
    subkind = django_filters.ChoiceFilter(choices=DepositSubkind.choices, label=_("Sub-kind"))
    status = django_filters.ChoiceFilter(choices=DepositStatus.choices, label=_("Status"))
    operator = django_filters.CharFilter(field_name="operator__bin", label=_("Operator BIN"))
    min_tonnage = django_filters.NumberFilter(field_name="tonnage_t", lookup_expr="gte", label=_("Minimum tonnage, t"))
    bbox = BoundingBoxFilter(label=_("Bounding box: min_lon,min_lat,max_lon,max_lat"))
    q = django_filters.CharFilter(method="search", label=_("Search"))
    ordering = OrderingFilter(
        fields=(
            ("name", "name"),
            ("tonnage_t", "tonnage"),
            ("area_ha", "area"),
            ("state_year", "state_year"),
            ("region__iso_code", "region"),
        ),
        field_labels={
            "name": _("Name"),
            "tonnage_t": _("Tonnage"),
            "area_ha": _("Area"),
            "state_year": _("Year of the surveyed state"),
            "region__iso_code": _("Region"),
        },
        label=_("Order by"),
        expressions={"name": local_name},  # the name the reader reads
    )

    class Meta:
        model = Deposit
        fields = ["region", "kind", "subkind", "status", "operator"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """By its name, its operator's or its region's in any language, the operator's BIN, notes, hazard class."""
        return qs.filter(
            name_search(value)
            | name_search(value, "operator__")
            | name_search(value, "region__", registered=False)
            | Q(operator__bin=value)
            | Q(notes__icontains=value)
            | Q(hazard_class__icontains=value)
        )
