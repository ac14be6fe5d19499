from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import values
from portal.permissions import Action, AnyUser
from registry.models import Deposit, Enterprise
from registry.returns.models import AMOUNT_FIELDS, HazardLevel, ReturnLine


class NewReturnForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))
    year = values.IntegerField(label=_("Reporting year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        assert isinstance(enterprise, forms.ModelChoiceField)  # declared above
        enterprise.queryset = Enterprise.objects.restrict(user, Action.FILE)


class LineForm(forms.Form):
    """One line as typed; the values are checked by registry.returns.checks, which fills in the errors."""

    waste_code = forms.CharField(label=_("Waste code"), max_length=20)
    storage_deposit = forms.ChoiceField(label=_("Storage place"), required=False)
    hazard_level = forms.ChoiceField(label=_("Hazard level"), required=False, choices=[("", "—"), *HazardLevel.choices])
    opening = forms.CharField(label=_("Opening"), required=False)
    generated = forms.CharField(label=_("Generated"), required=False)
    received = forms.CharField(label=_("Received"), required=False)
    recycled = forms.CharField(label=_("Recycled"), required=False)
    disposed = forms.CharField(label=_("Disposed"), required=False)
    transferred = forms.CharField(label=_("Transferred"), required=False)
    closing = forms.CharField(label=_("Closing"), required=False)

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deposits = Deposit.objects.filter(operator=enterprise).values_list("pk", "name")
        storage = self.fields["storage_deposit"]
        assert isinstance(storage, forms.ChoiceField)  # declared above
        storage.choices = [("", _("none")), *((str(pk), name) for pk, name in deposits)]
        for name in AMOUNT_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "amount"})
        self.fields["waste_code"].widget.attrs.update({"list": "waste-codes", "class": "code"})

    @staticmethod
    def initial_for(line: ReturnLine) -> dict[str, object]:
        return {
            "waste_code": line.waste_code.code,
            "storage_deposit": str(line.storage_deposit_id or ""),
            "hazard_level": line.hazard_level,
            **{name: getattr(line, name) for name in AMOUNT_FIELDS},
        }


class ReturnUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("XLSX or CSV (UTF-8) made from the template."))


class SubmitForm(forms.Form):
    """One explanation per warning; the field names are the warnings' keys."""

    def __init__(self, *args: Any, warnings: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for warning in warnings:
            self.fields[warning.key] = values.CharField(
                label=str(warning), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )


class ReasonsForm(forms.Form):
    reasons = values.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
