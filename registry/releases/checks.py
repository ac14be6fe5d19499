"""The checks of a release report's lines, shared by the form, the file upload and the API, on the machinery of the
returns' checks (registry.returns.checks: issues named by line and field, amounts never rounded, warnings stored as
codes and parameters).

A report has two lists: releases (medium, substance, source, kg/yr, method, note) and transfers (direction, waste
code, operation, the other party's BIN, tonnes); their fields' names differ, so an issue's field says which list
its line is in. Warnings: a release that changed by more than the year's factor against last year's accepted report
(per substance and medium, summed over sources), a pollutant missing whose sister pollutants are reported
(registry/releases/data/sister_groups.csv), and a report filed after the deadline.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import coded, values
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance
from registry.reference import read_rows
from registry.releases.models import (
    OPERATIONS,
    Method,
    ReleaseLine,
    ReleaseMedium,
    ReleaseVersion,
    ReleaseYear,
    TransferDirection,
    TransferLine,
)
from registry.returns.checks import LATE, Issue, ReturnWarning, parse_amount
from registry.returns.models import WasteCode
from registry.validators import validate_bin

RELEASE_FIELDS = ("medium", "substance", "source", "kg_per_year", "method", "note")
TRANSFER_FIELDS = ("direction", "waste_code", "operation", "counterpart_bin", "tonnes")
LABEL_MODELS = (ReleaseLine, TransferLine, ReleaseVersion)
KG_COLUMN = values.decimal_column(ReleaseLine, "kg_per_year")
TONNES_COLUMN = values.decimal_column(TransferLine, "tonnes")
NOTE_LENGTH = 2000
SISTER_GROUPS_CSV = Path(__file__).parent / "data" / "sister_groups.csv"


class ReleaseIssue(Issue):
    label_models = LABEL_MODELS


def kilograms(value: Any) -> str:
    return _("%(amount)s kg") % {"amount": coded.number(Decimal(str(value)).normalize())}


def medium_label(value: Any) -> str:
    return str(ReleaseMedium(value).label)


CHANGE, SISTER_MISSING = "release_change", "sister_missing"
WARNINGS = {
    CHANGE: coded.Template(
        gettext_lazy(
            "%(substance)s to %(medium)s: %(now)s against %(then)s last year, a change of more than %(factor)s times."
        ),
        {
            "now": kilograms,
            "then": kilograms,
            "factor": coded.number,
            "medium": medium_label,
        },
    ),
    SISTER_MISSING: coded.Template(
        gettext_lazy("%(substance)s to %(medium)s is not reported, though %(sisters)s, released with it, are."),
        {"medium": medium_label},
    ),
    LATE: ReturnWarning.templates[LATE],
}


class ReleaseWarning(ReturnWarning):
    templates = WARNINGS
    label_models = LABEL_MODELS


@dataclass(frozen=True)
class SisterGroup:
    name: str
    media: frozenset[str]
    expect_after: int
    substances: tuple[str, ...]


@cache
def sister_groups(path: Path = SISTER_GROUPS_CSV) -> tuple[SisterGroup, ...]:
    return tuple(
        SisterGroup(row["group"], frozenset(row["media"].split()), int(row["expect_after"]),
                    tuple(row["substances"].split()))
        for row in read_rows(path)
    )  # fmt: skip


@dataclass
class ParsedRelease:
    position: int
    medium: str
    substance: Substance
    source: EmissionSource | None
    kg_per_year: Decimal
    method: str
    note: str

    @property
    def key(self) -> tuple[str, int, int | None]:
        return (self.medium, self.substance.pk, self.source.pk if self.source else None)

    def values(self) -> dict[str, Any]:
        return {"medium": self.medium, "substance": self.substance, "source": self.source,
                "kg_per_year": self.kg_per_year, "method": self.method, "note": self.note}  # fmt: skip


@dataclass
class ParsedTransfer:
    position: int
    direction: str
    waste_code: WasteCode
    operation: str
    counterpart_bin: str
    tonnes: Decimal

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.direction, self.waste_code.pk, self.counterpart_bin, self.operation)

    def values(self) -> dict[str, Any]:
        return {"direction": self.direction, "waste_code": self.waste_code, "hazardous": self.waste_code.hazardous,
                "operation": self.operation, "counterpart_bin": self.counterpart_bin,
                "counterpart": Enterprise.objects.filter(bin=self.counterpart_bin).first(),
                "tonnes": self.tonnes}  # fmt: skip


def _choice(raw: Any, choices: type[models.TextChoices]) -> str | None:
    """A choice by its value or its label in any of the portal's languages (a file made on a Kazakh page loads on
    a Russian one)."""
    text = str(raw or "").strip().casefold()
    for value, label in choices.choices:
        if text == str(value).casefold():
            return str(value)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if text == str(label).casefold():
                    return str(value)
    return None


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


class _Context:
    """What the checks look lines up in: the substances by code and CAS number, the enterprise's sources by code,
    the waste classifier."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.substances: dict[str, Substance] = {}
        for substance in Substance.objects.all():
            self.substances[substance.code.casefold()] = substance
            if substance.cas:
                self.substances.setdefault(substance.cas.casefold(), substance)
        self.sources = {
            source.code.casefold(): source for source in EmissionSource.objects.filter(enterprise=enterprise)
        }
        self._codes: dict[str, WasteCode] | None = None

    @property
    def codes(self) -> dict[str, WasteCode]:
        if self._codes is None:
            self._codes = {code.code: code for code in WasteCode.objects.all()}
        return self._codes


def _release(position: int, raw: Mapping[str, Any], context: _Context) -> tuple[ParsedRelease | None, list[Issue]]:
    issues: list[Issue] = []

    def problem(field: str, code: str, message: str) -> None:
        issues.append(ReleaseIssue(position, field, code, message))

    medium = _choice(raw.get("medium"), ReleaseMedium)
    if not _text(raw.get("medium")):
        problem("medium", "required", _("give the medium: air, water or land."))
    elif medium is None:
        problem(
            "medium",
            "invalid_choice",
            _("“%(value)s” is not air, water or land.") % {"value": values.shown(raw.get("medium"))},
        )
    substance_text = _text(raw.get("substance"))
    substance = context.substances.get(substance_text.casefold())
    if not substance_text:
        problem("substance", "required", _("give the pollutant by its code or CAS number."))
    elif substance is None:
        message = _("“%(value)s” is not a pollutant of the register (a code such as SOx or a CAS number).")
        problem("substance", "unknown_substance", message % {"value": values.shown(substance_text)})
    source_text = _text(raw.get("source"))
    source = context.sources.get(source_text.casefold()) if source_text else None
    if source_text and source is None:
        message = _("“%(value)s” is not one of this enterprise's emission sources.")
        problem("source", "unknown_source", message % {"value": values.shown(source_text)})
    elif source is not None and medium == ReleaseMedium.LAND:
        problem("source", "source_not_allowed", _("a release to land has no emission source; leave it empty."))
    elif source is not None and medium is not None and source.medium != medium:
        message = _("source %(source)s releases to %(its)s, not to %(medium)s.")
        problem("source", "source_medium", message % {"source": source.code, "its": source.get_medium_display(),
                                                      "medium": ReleaseMedium(medium).label})  # fmt: skip
    amount: Decimal | None = None
    if _text(raw.get("kg_per_year")) == "":
        problem("kg_per_year", "required", _("give the amount released, in kg/yr."))
    else:
        amount, code, message = parse_amount(
            raw.get("kg_per_year"), KG_COLUMN, _("give at most three decimals (grams).")
        )
        if amount is None:
            problem("kg_per_year", code, message)
    method = _text(raw.get("method")).upper()
    if not method:
        problem("method", "required", _("give the method: M (measured), C (calculated) or E (estimated)."))
    elif method not in Method.values:
        message = _("“%(value)s” is not a method: M (measured), C (calculated) or E (estimated).")
        problem("method", "invalid_choice", message % {"value": values.shown(raw.get("method"))})
    try:
        note = values.text(raw.get("note"), max_length=NOTE_LENGTH).strip()
    except ValidationError as exc:
        note = ""
        problem("note", exc.code or "invalid", values.message(exc))
    if issues or medium is None or substance is None or amount is None:
        return None, issues
    return ParsedRelease(position, medium, substance, source, amount, method, note), []


def _transfer(position: int, raw: Mapping[str, Any], context: _Context) -> tuple[ParsedTransfer | None, list[Issue]]:
    issues: list[Issue] = []

    def problem(field: str, code: str, message: str) -> None:
        issues.append(ReleaseIssue(position, field, code, message))

    direction = _choice(raw.get("direction") or TransferDirection.SENT, TransferDirection)
    if direction is None:
        message = _("“%(value)s” is not a direction: sent or received.")
        problem("direction", "invalid_choice", message % {"value": values.shown(raw.get("direction"))})
    raw_code = _text(raw.get("waste_code"))
    normalised = WasteCode.normalise(raw_code)
    waste_code = context.codes.get(normalised) if normalised else None
    if not raw_code:
        problem("waste_code", "required", _("the waste code is missing."))
    elif normalised is None:
        problem("waste_code", "invalid", _("“%(code)s” is not a six-digit code.") % {"code": values.shown(raw_code)})
    elif waste_code is None:
        problem(
            "waste_code", "unknown_waste_code", _("%(code)s is not in the waste classifier.") % {"code": normalised}
        )
    operation = _text(raw.get("operation")).upper().replace(" ", "")
    if not operation:
        problem("operation", "required", _("give the operation: R1 to R13 (recovery) or D1 to D15 (disposal)."))
    elif operation not in OPERATIONS:
        message = _("“%(value)s” is not an operation: R1 to R13 (recovery) or D1 to D15 (disposal).")
        problem("operation", "unknown_operation", message % {"value": values.shown(raw.get("operation"))})
    bin_text = _text(raw.get("counterpart_bin"))
    if not bin_text:
        problem("counterpart_bin", "required", _("give the BIN of the other party."))
    else:
        try:
            validate_bin(bin_text)
        except ValidationError as exc:
            problem("counterpart_bin", exc.code or "invalid", values.message(exc))
    tonnes: Decimal | None = None
    if _text(raw.get("tonnes")) == "":
        problem("tonnes", "required", _("give the tonnes transferred."))
    else:
        tonnes, code, message = parse_amount(raw.get("tonnes"), TONNES_COLUMN)
        if tonnes is None:
            problem("tonnes", code, message)
    if issues or direction is None or waste_code is None or tonnes is None:
        return None, issues
    return ParsedTransfer(position, direction, waste_code, operation, bin_text, tonnes), []


def parse_releases(
    raw_lines: Iterable[Mapping[str, Any]], *, enterprise: Enterprise, first_position: int = 1
) -> tuple[list[ParsedRelease], list[Issue]]:
    """Every release line checked; numbered from `first_position` (a file's first data row is 2)."""
    return _parse(raw_lines, _release, _Context(enterprise), first_position, "substance")


def parse_transfers(
    raw_lines: Iterable[Mapping[str, Any]], *, enterprise: Enterprise, first_position: int = 1
) -> tuple[list[ParsedTransfer], list[Issue]]:
    """Every transfer line checked; an own BIN as the other party is refused."""
    parsed, issues = _parse(raw_lines, _transfer, _Context(enterprise), first_position, "waste_code")
    for transfer in parsed:
        if transfer.counterpart_bin == enterprise.bin:
            message = _("a transfer goes to or comes from another party, not the enterprise itself.")
            issues.append(ReleaseIssue(transfer.position, "counterpart_bin", "own_bin", message))
    return ([] if issues else parsed), issues


def _parse(raw_lines: Iterable[Mapping[str, Any]], check: Any, context: _Context, first: int, field: str) -> Any:
    parsed: list[Any] = []
    issues: list[Issue] = []
    first_line_of: dict[tuple, int] = {}
    for position, raw in enumerate(raw_lines, start=first):
        line, line_issues = check(position, raw, context)
        issues.extend(line_issues)
        if line is None:
            continue
        if line.key in first_line_of:
            message = _("the same line is already on line %(first)s.") % {"first": first_line_of[line.key]}
            issues.append(ReleaseIssue(position, field, "duplicate_line", message))
            continue
        first_line_of[line.key] = position
        parsed.append(line)
    return parsed, issues


def _totals(lines: Iterable[ReleaseLine]) -> dict[tuple[str, int], Decimal]:
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.medium, line.substance_id)] += line.kg_per_year
    return totals


def warnings_for(
    lines: Iterable[ReleaseLine],
    *,
    previous: Iterable[ReleaseLine] | None,
    year: ReleaseYear,
    submitted_on: datetime.date,
) -> list[ReturnWarning]:
    """What an inspector should look at twice; `previous` is last year's accepted releases, if any."""
    lines = list(lines)
    codes = dict(Substance.objects.values_list("pk", "code"))
    first_line: dict[tuple[str, int], int] = {}
    for line in lines:
        first_line.setdefault((line.medium, line.substance_id), line.position)
    warnings: list[ReturnWarning] = []
    now_totals = _totals(lines)
    if previous is not None:
        factor = year.change_factor
        for key, then in sorted(_totals(previous).items(), key=lambda item: (item[0][0], codes[item[0][1]])):
            now = now_totals.get(key, Decimal(0))
            if then > 0 and (now > then * factor or now * factor < then):
                medium, substance = key[0], codes[key[1]]
                figures = {"now": now, "then": then, "factor": factor.normalize()}
                params = {"substance": substance, "medium": medium}
                params.update({name: coded.decimal_param(value) for name, value in figures.items()})
                key_text = f"change:{medium}:{substance}"
                warnings.append(ReleaseWarning(first_line.get(key), "kg_per_year", CHANGE, params, key_text))
    reported = {(medium, codes[substance]) for medium, substance in now_totals}
    missing: dict[tuple[str, str], set[str]] = {}
    for group in sister_groups():
        for medium in sorted(group.media):
            present = [code for code in group.substances if (medium, code) in reported]
            if len(present) < group.expect_after:
                continue
            for code in group.substances:
                if (medium, code) not in reported and code in codes.values():
                    missing.setdefault((medium, code), set()).update(present)
    for (medium, code), sisters in sorted(missing.items()):
        params = {"substance": code, "medium": medium, "sisters": ", ".join(sorted(sisters))}
        warnings.append(ReleaseWarning(None, "substance", SISTER_MISSING, params, f"sister:{medium}:{code}"))
    if submitted_on > year.deadline:
        params = {"date": submitted_on.isoformat(), "deadline": year.deadline.isoformat()}
        warnings.append(ReleaseWarning(None, "submitted_at", LATE, params, "late"))
    return warnings
