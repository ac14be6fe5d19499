from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import values
from registry.models import Deposit, Enterprise
from registry.permits.models import (
    EmissionLimit,
    EmissionSource,
    Permit,
    PermitStatus,
    PlacementLimit,
    Substance,
)


class DateInput(forms.DateInput):
    input_type = "date"


class PermitForm(forms.ModelForm):
    """A permit's own fields; `replaces` offers the enterprise's verified permits that nothing replaces yet."""

    class Meta:
        model = Permit
        fields = ["number", "category", "issuer", "valid_from", "valid_to", "document", "replaces"]
        formfield_callback = values.formfield
        widgets = {"valid_from": DateInput(format="%Y-%m-%d"), "valid_to": DateInput(format="%Y-%m-%d")}

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        replaceable = Permit.objects.filter(enterprise=enterprise, status=PermitStatus.VERIFIED).filter(
            replaced_by__isnull=True
        )
        if self.instance.replaces_id:
            replaceable = replaceable | Permit.objects.filter(pk=self.instance.replaces_id)
        replaces = self.fields["replaces"]
        assert isinstance(replaces, forms.ModelChoiceField)  # the model's foreign key
        replaces.queryset = replaceable.exclude(pk=self.instance.pk)
        replaces.help_text = _("The verified permit this one replaces, if any; both stay readable.")


class SourceForm(forms.ModelForm):
    class Meta:
        model = EmissionSource
        fields = ["code", "name", "medium", "kind", "latitude", "longitude", "height_m", "diameter_m"]
        formfield_callback = values.formfield


class SubstanceChoiceField(forms.ModelChoiceField):
    """A substance by its code and its name in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.local_name}"


class LimitForm(forms.ModelForm):
    """A limit on one of the enterprise's sources: g/s (air only) and t/yr."""

    class Meta:
        model = EmissionLimit
        fields = ["source", "substance", "grams_per_second", "tonnes_per_year"]
        formfield_callback = values.formfield
        field_classes = {"substance": SubstanceChoiceField}

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        substance = self.fields["substance"]
        assert isinstance(source, forms.ModelChoiceField) and isinstance(substance, forms.ModelChoiceField)
        source.queryset = EmissionSource.objects.filter(enterprise=enterprise).order_by("code")
        substance.queryset = Substance.objects.order_by("code")
        self.fields["grams_per_second"].help_text = _("Sources to air only.")


class PlacementLimitForm(forms.ModelForm):
    class Meta:
        model = PlacementLimit
        fields = ["deposit", "tonnes_per_year"]
        formfield_callback = values.formfield

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deposit = self.fields["deposit"]
        assert isinstance(deposit, forms.ModelChoiceField)  # the model's foreign key
        deposit.queryset = Deposit.objects.filter(operator=enterprise).order_by("name")


class PermitUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("XLSX or CSV (UTF-8) made from the template."))


class ReasonsForm(forms.Form):
    reasons = values.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
