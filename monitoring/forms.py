from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.models import AlertStatus, Averaging
from portal import values
from portal.models import User
from portal.permissions import Action, AnyUser
from registry.models import Enterprise


class EnterpriseChoiceForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        assert isinstance(enterprise, forms.ModelChoiceField)  # declared above
        enterprise.queryset = Enterprise.objects.restrict(user, Action.SUBMIT)


class UploadForm(EnterpriseChoiceForm):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8) or XLSX with the columns of the template."))


class ResultRowForm(forms.Form):
    """One result typed by hand; checked by monitoring.ingest like any other row."""

    point = forms.CharField(label=_("Point"), required=False)
    pollutant = forms.CharField(label=_("Pollutant"), required=False)
    sampled_at = forms.CharField(label=_("Sampled at"), required=False, help_text="2024-05-01T10:00+05:00")
    value = forms.CharField(label=_("Value"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False)
    averaging = forms.ChoiceField(label=_("Averaging"), choices=[("", "—"), *Averaging.choices], required=False)
    method = forms.CharField(label=_("Method"), required=False)
    laboratory = forms.CharField(label=_("Laboratory"), required=False)


ResultRowFormSet = forms.formset_factory(ResultRowForm, extra=5, max_num=20)


class AlertUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *AlertStatus.choices], required=False)
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.filter(role=User.Role.INSPECTOR, is_active=True), required=False
    )
    comment = values.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # How many results the page showed (the template writes the current count): none may arrive unseen.
    seen_results = values.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
