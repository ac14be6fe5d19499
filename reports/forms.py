from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from registry.models import Region


class ReportForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.all(), label=_("Region"))
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
