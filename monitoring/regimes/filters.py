import datetime

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.regimes.models import City, Degree, Regime, RegimePlan
from registry.permits.filters import YearFilter

NOW_OR_NOT = [("true", _("running now")), ("false", _("not running now"))]


class RegimeFilterSet(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(
        queryset=City.objects.all(), to_field_name="code", empty_label=_("Any city"), label=_("City")
    )
    year = YearFilter(method="in_year", min_value=1990, max_value=2100, label=_("Year"))
    degree = django_filters.ChoiceFilter(choices=Degree.choices, empty_label=_("Any degree"), label=_("Degree"))
    active = django_filters.ChoiceFilter(
        method="running", choices=NOW_OR_NOT, empty_label=_("Any time"), label=_("Running")
    )

    class Meta:
        model = Regime
        fields = ["city", "year", "degree", "active"]

    def in_year(self, qs: QuerySet, name: str, value: int | None) -> QuerySet:
        """Regimes with some moment in the year (local time)."""
        if value is None:
            return qs
        zone = timezone.get_current_timezone()
        first = datetime.datetime(value, 1, 1, tzinfo=zone)
        after = datetime.datetime(value + 1, 1, 1, tzinfo=zone)
        return qs.filter(starts_at__lt=after, ends_at__gt=first)

    def running(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return qs
        now = timezone.now()
        running = qs.filter(starts_at__lte=now, ends_at__gt=now)
        return running if value == "true" else qs.exclude(pk__in=running.values("pk"))


class RegimePlanFilterSet(django_filters.FilterSet):
    enterprise = django_filters.CharFilter(field_name="enterprise__bin", label=_("Enterprise BIN"))
    degree = django_filters.ChoiceFilter(choices=Degree.choices, empty_label=_("Any degree"), label=_("Degree"))
    short = django_filters.BooleanFilter(label=_("Short of the required cut"))

    class Meta:
        model = RegimePlan
        fields = ["enterprise", "degree", "short"]
