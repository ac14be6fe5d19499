import datetime
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from monitoring.local_time import in_zone, only_zone, portal_zone
from monitoring.models import Alert, AlertStatus, Averaging, MonitoringPoint, Pollutant, Unit
from portal import values
from portal.models import User
from portal.permissions import Action, AnyUser, holders
from registry.models import Enterprise


class EnterpriseChoiceForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise = self.fields["enterprise"]
        assert isinstance(enterprise, forms.ModelChoiceField)  # declared above
        self.allowed = enterprise.queryset = Enterprise.objects.restrict(user, Action.SUBMIT)
        only = list(self.allowed[:2])
        if len(only) == 1:  # nothing to choose: preselected
            self.initial.setdefault("enterprise", only[0].pk)

    def chosen(self) -> QuerySet[Enterprise]:
        """The enterprise whose points a filer picks from: the one posted or preselected if it is allowed, else all
        the user may file for (the lists then group points by enterprise)."""
        allowed = self.allowed
        picked = self.data.get("enterprise") or self.initial.get("enterprise")
        if picked and str(picked).isdigit() and allowed.filter(pk=picked).exists():
            return allowed.filter(pk=picked)
        return allowed


class UploadForm(EnterpriseChoiceForm):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8) or XLSX with the columns of the template."))


Choices = Sequence[tuple[Any, Any]]


def row_choices(enterprises: QuerySet[Enterprise]) -> dict[str, Choices]:
    """What a filer picks from instead of typing: the points of the enterprise(s), the pollutants, and the units of
    those points' media. The values are the codes ingest reads, so a row is checked exactly as from the API."""
    points = list(MonitoringPoint.objects.filter(enterprise__in=enterprises).select_related("enterprise"))
    point_choices: list[tuple[Any, Any]] = [("", "—")]
    if len({point.enterprise_id for point in points}) > 1:
        groups: dict[str, list[tuple[str, str]]] = {}
        for point in sorted(points, key=lambda p: (str(p.enterprise), p.code)):
            groups.setdefault(str(point.enterprise), []).append((point.code, _label(point)))
        point_choices += list(groups.items())
    else:
        point_choices += [(point.code, _label(point)) for point in sorted(points, key=lambda p: p.code)]
    media = {point.medium for point in points}
    units = sorted(set(Unit.objects.filter(medium__in=media).values_list("code", flat=True)))
    return {
        "point": point_choices,
        "pollutant": [("", "—")]
        + [(item.code, f"{item.code} — {item.name}") for item in Pollutant.objects.order_by("code")],
        "unit": [("", "—")] + [(code, code) for code in units],
    }


def _label(point: MonitoringPoint) -> str:
    return f"{point.code} ({point.get_medium_display()})"


class ResultRowForm(forms.Form):
    """One result entered by hand; checked by monitoring.ingest like any other row. Point, pollutant and unit are
    picked from lists, yet stay text fields: a stale or tampered value gets ingest's row error, as from a file."""

    point = forms.CharField(label=_("Point"), required=False, widget=forms.Select)
    pollutant = forms.CharField(label=_("Pollutant"), required=False, widget=forms.Select)
    sampled_at = forms.CharField(label=_("Sampled at"), required=False)
    value = forms.CharField(label=_("Value"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False, widget=forms.Select)
    averaging = forms.ChoiceField(label=_("Averaging"), choices=[("", "—"), *Averaging.choices], required=False)
    method = forms.CharField(label=_("Method"), required=False)
    laboratory = forms.CharField(label=_("Laboratory"), required=False)

    def __init__(
        self,
        *args: Any,
        choices: dict[str, Choices] | None = None,
        zones: dict[str, zoneinfo.ZoneInfo] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, options in (choices or {}).items():
            widget = self.fields[name].widget
            assert isinstance(widget, forms.Select)  # declared above
            widget.choices = options
        self.zones = zones or {}
        # The local time a time without an offset was read as, shown to the filer: (local time, its zone).
        self.read_as: tuple[datetime.datetime, zoneinfo.ZoneInfo] | None = None
        zone = only_zone(self.zones.values())
        self.fields["sampled_at"].help_text = (
            _("e.g. 2026-11-25 10:00; without an offset, the local time of the point (%(zone)s) on that date")
            % {"zone": zone.key}
            if zone
            else _("e.g. 2026-11-25 10:00; without an offset, the local time of the point (its region's time zone)")
        )

    def clean(self) -> dict[str, Any]:
        """A time without an offset is taken in the point's local zone with the offset of that date; anything else
        goes to ingest as written, which names what is wrong with it (an unknown point, or a local time that zone
        repeated or skipped, which only an offset can place: `time_zone_required`)."""
        data = super().clean() or {}
        text = str(data.get("sampled_at", "")).strip()
        data["sampled_at"] = text
        try:
            moment = parse_datetime(text)
        except ValueError:
            return data
        if moment is None or moment.tzinfo is not None:
            return data
        # A point not of the enterprise fails as unknown whatever the zone: the portal's spares it a second error.
        zone = self.zones.get(str(data.get("point", "")).strip(), portal_zone())
        local = in_zone(moment, zone)
        if local is not None:
            data["sampled_at"] = local.isoformat()
            self.read_as = (local, zone)
        return data


ResultRowFormSet = forms.formset_factory(ResultRowForm, extra=5, max_num=20)


class AlertUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *AlertStatus.choices], required=False)
    assigned_to = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(), required=False)
    comment = values.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # How many results the page showed (the template writes the current count): none may arrive unseen.
    seen_results = values.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whoever may work this alert: the inspectors of its region and the administrators (portal.permissions).
        assignees = holders(Action.WORK_ALERTS, alert).order_by("username")
        self.fields["assigned_to"].queryset = assignees  # type: ignore[attr-defined]


class ComplianceYearForm(forms.Form):
    """The year of the compliance matrix: one of the enterprise's reporting years offered, any year from 1900 to
    this one accepted (a year without a report shows its limits as not reported)."""

    year = values.IntegerField(label=_("Year"), required=False, validators=[values.check_year])

    def __init__(self, data: Any, *, years: Sequence[int], default: int) -> None:
        super().__init__(data)
        self.default = default
        asked = self.chosen()
        offered = sorted({*years, default, asked}, reverse=True)
        self.fields["year"].widget = forms.Select(choices=[(year, year) for year in offered])
        self.initial["year"] = asked

    def chosen(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return self.default
