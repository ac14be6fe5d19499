"""The stretch of time a chart or matrix shows: a few local days up to all of a point's history, chosen by a preset
("12m") or by dates, so that a page reads what its reader asked for and not every result ever taken.

A window is a range of local days (the portal's zone, in which `Result.sampled_on` is the local date) and filters
on `sampled_at`, the column the results table is ordered and partitioned by, so that an index range scan and
partition pruning apply.
"""

import calendar
import datetime
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from monitoring.local_time import portal_zone

_Row = TypeVar("_Row", bound=Model)

# Preset -> months back from the window's last day; None: from the first result.
PRESETS: dict[str, int | None] = {"1m": 1, "3m": 3, "12m": 12, "5y": 60, "all": None}
DEFAULT = "12m"
# No result is older (the ingest refuses a time before 1900).
EARLIEST = datetime.date(1900, 1, 1)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), portal_zone())


def local_today() -> datetime.date:
    return timezone.now().astimezone(portal_zone()).date()


@dataclass(frozen=True)
class Window:
    """Local days `first` to `last`, both included; `first` None: from the first result."""

    first: datetime.date | None
    last: datetime.date
    preset: str = ""  # the preset it was chosen by, "" when chosen by dates

    def filter(self, results: QuerySet[_Row], field: str = "sampled_at") -> QuerySet[_Row]:
        """`results` sampled within the window, as a range of `field`, the time the table is partitioned by
        (index and partition pruning): `sampled_at` of results, `interval_start` of emission values."""
        results = results.filter(**{f"{field}__lt": local_midnight(self.last + datetime.timedelta(days=1))})
        return results if self.first is None else results.filter(**{f"{field}__gte": local_midnight(self.first)})

    def query(self) -> str:
        """The window as the query of a link (a chart's, a download's) that shows the same days."""
        if self.first is None:
            return urlencode({"window": "all", "until": self.last.isoformat()})
        return urlencode({"since": self.first.isoformat(), "until": self.last.isoformat()})


class WindowForm(forms.Form):
    """A preset ending at `anchor` (the newest result, or today), or dates: `since` alone runs to the anchor,
    `until` alone goes back twelve months. Dates lie between 1900 and today, `since` not after `until`."""

    window = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("by dates")),
            ("1m", _("1 month")),
            ("3m", _("3 months")),
            ("12m", _("12 months")),
            ("5y", _("5 years")),
            ("all", _("all")),
        ],
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: QueryDict, *, anchor: datetime.date) -> None:
        # The control shows what is shown: the default preset when nothing is asked, "by dates" when a start is.
        data = data.copy()
        if data.get("since"):
            data["window"] = ""
        elif "window" not in data:
            data["window"] = DEFAULT
        super().__init__(data)
        self.anchor = anchor

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = local_today()
        for name in ("since", "until"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST <= day <= today:
                bounds = {"first": formats.date_format(EARLIEST), "last": formats.date_format(today)}
                self.add_error(name, _("Enter a date from %(first)s to %(last)s.") % bounds)
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned

    def chosen(self) -> Window:
        """The window asked for (the default one when the form is not valid: its errors are shown beside it)."""
        data = self.cleaned_data if self.is_valid() else {}
        since, until, preset = data.get("since"), data.get("until"), data.get("window") or DEFAULT
        if since is not None:
            return Window(since, until or max(since, self.anchor))
        last = until or self.anchor
        months = PRESETS[preset]
        first = None if months is None else months_before(last, months) + datetime.timedelta(days=1)
        # A date alone chose it, unless a preset was named too.
        return Window(first, last, preset if data.get("window") or until is None else "")
