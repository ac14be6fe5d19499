import datetime
import zoneinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.regimes.models import City, Degree, Regime
from portal import values
from registry.models import Enterprise
from registry.permits.models import EmissionSource

LOCAL_TIME_HELP = _("Local time of the city.")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def in_city_zone(value: datetime.datetime | None, city: City | None) -> datetime.datetime | None:
    """A time typed without an offset is the city's local time (its region's zone), not the portal's."""
    if value is None or city is None:
        return value
    typed = timezone.localtime(value).replace(tzinfo=None)
    return timezone.make_aware(typed, zoneinfo.ZoneInfo(city.region.time_zone))


class RegimeForm(forms.ModelForm):
    """A regime's fields; a new one also names its city (among those the inspector declares regimes over)."""

    class Meta:
        model = Regime
        fields = ["city", "degree", "starts_at", "ends_at", "bulletin"]
        formfield_callback = values.formfield
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(), "bulletin": forms.Textarea({"rows": 2})}

    def __init__(self, *args: Any, cities: QuerySet[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["city"]
        else:
            city = self.fields["city"]
            assert isinstance(city, forms.ModelChoiceField)
            city.queryset = cities.select_related("region")
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = LOCAL_TIME_HELP
            if self.instance.pk:
                self.initial[name] = timezone.localtime(
                    getattr(self.instance, name), zoneinfo.ZoneInfo(self.instance.city.region.time_zone)
                ).replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        city = data.get("city") if "city" in self.fields else self.instance.city
        for name in ("starts_at", "ends_at"):
            data[name] = in_city_zone(data.get(name), city)
        return data

    def _post_clean(self) -> None:
        # The service checks and saves (the model's own checks would run before the city's zone is applied).
        pass


class RegimeEndForm(forms.Form):
    ends_at = forms.DateTimeField(
        label=_("Ends"), required=False, widget=DateTimeInput(), help_text=_("Local time of the city; empty: now.")
    )


class SourceChoiceField(forms.ModelChoiceField):
    """A source by its enterprise and code."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.enterprise.local_name}: {obj}"


class PlanForm(forms.Form):
    source = SourceChoiceField(queryset=EmissionSource.objects.none(), label=_("Source"))
    degree = forms.TypedChoiceField(choices=Degree.choices, coerce=int, label=_("Degree"))
    planned_cut_percent = values.DecimalField(
        max_digits=5, decimal_places=2, label=_("Planned cut, %"), help_text=_("More than 0 and at most 100.")
    )

    def __init__(self, *args: Any, sources: QuerySet[EmissionSource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ModelChoiceField)
        source.queryset = sources


class PlanUploadForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8) or XLSX with the columns source, degree, planned_cut_percent.")
    )

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        assert isinstance(enterprise, forms.ModelChoiceField)
        enterprise.queryset = enterprises
