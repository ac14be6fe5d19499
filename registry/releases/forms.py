"""Forms of the release reports' pages. Filing a report, uploading a file, explaining warnings and giving reasons
are the returns' forms (registry.returns.forms); a line's values are checked by registry.releases.checks, which
fills in the errors."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import values
from registry.models import Enterprise
from registry.permits.models import EmissionSource
from registry.releases.models import OPERATIONS, Method, ReleaseLine, ReleaseMedium, TransferDirection, TransferLine


class ReleaseLineForm(forms.Form):
    medium = forms.ChoiceField(label=_("Medium"), choices=ReleaseMedium.choices)
    substance = forms.CharField(label=_("Pollutant (code or CAS number)"), max_length=40)
    source = forms.ChoiceField(label=_("Emission source"), required=False)
    kg_per_year = forms.CharField(label=_("Released, kg/yr"))
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    note = values.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = EmissionSource.objects.filter(enterprise=enterprise).values_list("code", "name")
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)  # declared above
        source.choices = [
            ("", _("none (the site as a whole)")),
            *((code, f"{code} {name}".strip()) for code, name in sources),
        ]
        self.fields["kg_per_year"].widget.attrs.update({"inputmode": "decimal"})
        self.fields["substance"].widget.attrs.update({"list": "substances"})

    @staticmethod
    def initial_for(line: ReleaseLine) -> dict[str, object]:
        source = line.source.code if line.source else ""
        return {"medium": line.medium, "substance": line.substance.code, "source": source,
                "kg_per_year": line.kg_per_year, "method": line.method, "note": line.note}  # fmt: skip


class TransferLineForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=TransferDirection.choices)
    waste_code = forms.CharField(label=_("Waste code"), max_length=20)
    operation = forms.ChoiceField(label=_("Operation (R1-R13, D1-D15)"), choices=[(code, code) for code in OPERATIONS])
    counterpart_bin = forms.CharField(label=_("BIN of the other party"), max_length=20)
    tonnes = forms.CharField(label=_("Tonnes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tonnes"].widget.attrs.update({"inputmode": "decimal"})
        self.fields["counterpart_bin"].widget.attrs.update({"inputmode": "numeric"})

    @staticmethod
    def initial_for(line: TransferLine) -> dict[str, object]:
        return {"direction": line.direction, "waste_code": line.waste_code.code, "operation": line.operation,
                "counterpart_bin": line.counterpart_bin, "tonnes": line.tonnes}  # fmt: skip
