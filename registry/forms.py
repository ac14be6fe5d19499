from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import values
from portal.permissions import Action, AnyUser, can
from registry.models import Deposit, DepositComponent, DepositSurvey, Enterprise
from registry.services import STATE_FIELDS

DEPOSIT_FIELDS = [
    "name", "name_kk", "name_ru", "name_en", "operator", "region", "kind", "subkind", "status", "latitude",
    "longitude", "start_year",
    "state_year", "tonnage_t", "area_ha", "area_uncertainty_ha", "max_height_m", "mean_height_m",
    "density_min_t_m3", "density_max_t_m3", "annual_increase_min_t", "annual_increase_max_t",
    "area_increase_min_ha", "area_increase_max_ha", "height_increase_min_m", "height_increase_max_m",
    "hazard_class", "hazard_system", "notes", "sources", "is_published",
]  # fmt: skip


class DepositForm(forms.ModelForm):
    """Registers a deposit with its current state; editing leaves the state to surveys."""

    class Meta:
        model = Deposit
        formfield_callback = values.formfield
        fields = DEPOSIT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "sources": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        operator = self.fields["operator"]
        assert isinstance(operator, forms.ModelChoiceField)  # the form field of a foreign key
        operator.queryset = Enterprise.objects.restrict(user, Action.CHANGE)
        if self.instance.pk:
            for name in STATE_FIELDS:
                del self.fields[name]
        if not can(user, Action.PUBLISH):
            del self.fields["is_published"]
        # The region follows from the location (registry.services): the filer neither sets nor changes it.
        if can(user, Action.ADMINISTER):
            self.fields["region"].required = False
            self.fields["region"].help_text = _("Empty: the region the location lies in.")
        else:
            del self.fields["region"]


class SurveyForm(forms.ModelForm):
    class Meta:
        model = DepositSurvey
        formfield_callback = values.formfield
        fields = ["year", "tonnage_t", "annual_t", "area_ha", "max_height_m", "mean_height_m", "source"]


class ComponentForm(forms.ModelForm):
    class Meta:
        model = DepositComponent
        formfield_callback = values.formfield
        fields = ["basis", "component", "unit", "mean", "minimum", "maximum", "method"]


class ForecastForm(forms.Form):
    year = values.IntegerField(min_value=1900, max_value=2300)


class SurveyUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8) or XLSX, with the columns of the template."))


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        formfield_callback = values.formfield
        fields = ["name", "name_kk", "name_ru", "name_en", "bin", "region", "address", "email", "phone", "website"]

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The BIN and the region decide who regulates the enterprise: not the filer's to change.
        if not can(user, Action.ADMINISTER, self.instance if self.instance.pk else None):
            self.fields["bin"].disabled = True
            self.fields["region"].disabled = True
