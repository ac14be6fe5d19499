from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.regimes.models import City
from monitoring.subscriptions.services import EMAIL_LENGTH
from registry.models import Enterprise


class SubscribeForm(forms.Form):
    """The address, and what it follows: a city or an enterprise (hidden, given by the page the form is on). The
    address is checked by the service (services.clean_address), the one definition the API shares."""

    email = forms.CharField(label=_("E-mail address"), max_length=EMAIL_LENGTH, strip=True)
    enterprise = forms.ModelChoiceField(Enterprise.objects.all(), required=False, widget=forms.HiddenInput)
    city = forms.ModelChoiceField(City.objects.all(), required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("enterprise") is None) == (data.get("city") is None):
            raise forms.ValidationError(_("Choose one city or one enterprise to follow."), code="required")
        return data
