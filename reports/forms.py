from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal import values
from portal.permissions import Action, AnyUser
from registry.models import Region


class ReportForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.all(), label=_("Region"))
    year = values.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)  # declared above
        region.queryset = Region.objects.restrict(user, Action.ORDER_REPORTS)
