"""Forms of continuous emission data: a source's channels, and the periods its page shows."""

import datetime
import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from monitoring.emissions.models import Channel
from monitoring.windows import EARLIEST, local_today
from portal import values
from registry.permits.forms import SubstanceChoiceField
from registry.permits.models import Substance


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ChannelForm(forms.ModelForm):
    """A channel of a source: the substance it measures (fixed once registered), its interval, since when, and
    after how long without data it counts as silent."""

    class Meta:
        model = Channel
        fields = ["substance", "interval_minutes", "since", "silent_after_minutes", "is_active"]
        formfield_callback = values.formfield
        field_classes = {"substance": SubstanceChoiceField}
        widgets = {"since": DateTimeInput(format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["substance"]
        else:
            substance = self.fields["substance"]
            assert isinstance(substance, forms.ModelChoiceField)  # the model's foreign key
            substance.queryset = Substance.objects.order_by("code")
        self.fields["since"].help_text = _("The local time of the portal (Asia/Almaty), to the minute.")
        self.fields["silent_after_minutes"].help_text = _("Empty: the portal's default.")


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodForm(forms.Form):
    """What a source's page shows: the coverage of a month per day and of a year per month, and the chart of one
    channel's substance. A month or year to come, or before 1900, is refused (400, the form shows why)."""

    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})
    )
    year = forms.IntegerField(label=_("Year"), required=False)
    substance = forms.ChoiceField(label=_("Substance of the chart"), required=False)

    def __init__(self, data: QueryDict, *, substances: list[str]) -> None:
        # The controls show what is shown: this month and year when nothing is asked.
        data = data.copy()
        today = local_today()
        data.setdefault("month", f"{today:%Y-%m}")
        data.setdefault("year", str(today.year))
        super().__init__(data)
        choice = self.fields["substance"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(code, code) for code in substances]
        self.substances = substances

    def clean_month(self) -> datetime.date | None:
        text = self.cleaned_data.get("month") or ""
        if not text:
            return None
        match = MONTH.match(text)
        month = None
        if match and 1 <= int(match[2]) <= 12:
            month = datetime.date(int(match[1]), int(match[2]), 1)
        if month is None or not EARLIEST <= month <= local_today():
            raise forms.ValidationError(
                _("Enter a month from %(first)s to %(last)s, as 2024-05.")
                % {"first": f"{EARLIEST:%Y-%m}", "last": f"{local_today():%Y-%m}"},
                code="invalid",
            )
        return month

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and not EARLIEST.year <= year <= local_today().year:
            raise forms.ValidationError(
                _("Enter a year from %(first)s to %(last)s.") % {"first": EARLIEST.year, "last": local_today().year},
                code="invalid",
            )
        return year

    def chosen(self) -> tuple[datetime.date, int, str | None]:
        """The month (its first day), the year and the chart's substance asked for; this month and year and the
        first channel's substance by default (and in place of what the form refused)."""
        self.is_valid()  # what it refused is left out of cleaned_data
        data = self.cleaned_data
        today = local_today()
        month = data.get("month") or today.replace(day=1)
        return month, data.get("year") or month.year, data.get("substance") or next(iter(self.substances), None)
