"""The checks of a return's lines, shared by the web form, the file upload and the API.

`parse_lines` turns raw input (strings or numbers) into typed lines and lists every error with its
line and field; `warnings_for` compares a return with last year's accepted one and the deadline.
Warnings do not stop a submission, but the filer must confirm each with an explanation.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from registry.returns.models import AMOUNT_FIELDS, FilingYear, HazardLevel, ReturnLine, WasteCode

BALANCE_TOLERANCE_T = Decimal("0.001")
INPUT_FIELDS = ("waste_code", "storage_deposit", "hazard_level", *AMOUNT_FIELDS)


@dataclass(frozen=True)
class Issue:
    line: int | None
    field: str
    message: str
    key: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "line": self.line, "field": self.field, "message": self.message}


@dataclass
class ParsedLine:
    position: int
    waste_code: WasteCode
    storage_deposit_id: int | None
    hazard_level: str
    amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.waste_code.pk, self.storage_deposit_id)


def tonnes(value: Decimal) -> str:
    return _("%(amount)s t") % {"amount": number_format(value, 3, force_grouping=True)}


def expected_closing(amounts: Mapping[str, Decimal]) -> Decimal:
    return (
        amounts["opening"]
        + amounts["generated"]
        + amounts["received"]
        - amounts["recycled"]
        - amounts["disposed"]
        - amounts["transferred"]
    )


def _amount(raw: Any) -> tuple[Decimal | None, str]:
    """A non-negative amount with at most three decimals; never rounded behind the filer's back."""
    text = "0" if raw is None or str(raw).strip() == "" else str(raw).strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    if not value.is_finite():
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    if value < 0:
        return None, _("amounts cannot be negative (%(value)s).") % {"value": raw}
    if value != value.quantize(Decimal("0.001")):
        return None, _("give at most three decimals (kilograms).")
    if value >= Decimal("1e13"):
        return None, _("%(value)s t is beyond any plausible amount.") % {"value": raw}
    return value, ""


def typed_expected_closing(raw: Mapping[str, Any]) -> Decimal | None:
    """The closing balance the other amounts imply, as soon as they are all numbers."""
    values = {name: _amount(raw.get(name))[0] for name in AMOUNT_FIELDS}
    amounts = {name: value for name, value in values.items() if value is not None}
    return expected_closing(amounts) if len(amounts) == len(values) else None


def _deposit_id(raw: Any, allowed: set[int]) -> tuple[int | None, str]:
    if raw is None or str(raw).strip() == "":
        return None, ""
    try:
        deposit_id = int(str(raw).strip())
    except ValueError:
        return None, _("“%(value)s” is not a deposit number.") % {"value": raw}
    if deposit_id not in allowed:
        return None, _("deposit %(id)s is not one of this enterprise's deposits.") % {"id": deposit_id}
    return deposit_id, ""


def _line_issues(
    position: int, raw: Mapping[str, Any], codes: Mapping[str, WasteCode], deposits: set[int]
) -> tuple[ParsedLine | None, list[Issue]]:
    issues: list[Issue] = []
    raw_code = str(raw.get("waste_code") or "").strip()
    normalised = WasteCode.normalise(raw_code)
    code = codes.get(normalised) if normalised else None
    if not raw_code:
        issues.append(Issue(position, "waste_code", _("the waste code is missing.")))
    elif normalised is None:
        issues.append(Issue(position, "waste_code", _("“%(code)s” is not a six-digit code.") % {"code": raw_code}))
    elif code is None:
        message = _("%(code)s is not in the waste classifier.") % {"code": normalised}
        issues.append(Issue(position, "waste_code", message))
    deposit_id, problem = _deposit_id(raw.get("storage_deposit"), deposits)
    if problem:
        issues.append(Issue(position, "storage_deposit", problem))
    level = str(raw.get("hazard_level") or "").strip().lower()
    if level and level not in HazardLevel.values:
        message = _("“%(level)s” is not a hazard level (red, amber or green).") % {"level": level}
        issues.append(Issue(position, "hazard_level", message))
    elif code is not None and code.hazardous and not level:
        message = _("%(code)s is hazardous: give its hazard level (red, amber or green).") % {"code": code.label}
        issues.append(Issue(position, "hazard_level", message))
    elif code is not None and not code.hazardous and level:
        message = _("%(code)s is not hazardous: leave the hazard level empty.") % {"code": code.label}
        issues.append(Issue(position, "hazard_level", message))
    amounts: dict[str, Decimal] = {}
    for name in AMOUNT_FIELDS:
        value, problem = _amount(raw.get(name))
        if value is None:
            issues.append(Issue(position, name, problem))
        else:
            amounts[name] = value
    if len(amounts) == len(AMOUNT_FIELDS):
        expected = expected_closing(amounts)
        if abs(expected - amounts["closing"]) > BALANCE_TOLERANCE_T:
            message = _(
                "the balance does not hold: opening + generated + received - recycled - disposed - transferred"
                " = %(expected)s, but the closing balance is %(closing)s."
            ) % {"expected": tonnes(expected), "closing": tonnes(amounts["closing"])}
            issues.append(Issue(position, "closing", message))
    if issues or code is None:
        return None, issues
    return ParsedLine(position, code, deposit_id, level, amounts), []


def parse_lines(
    raw_lines: Iterable[Mapping[str, Any]], *, deposit_ids: set[int], first_position: int = 1
) -> tuple[list[ParsedLine], list[Issue]]:
    """Every line checked; lines are numbered from `first_position` (a file's first data row is 2)."""
    codes = {code.code: code for code in WasteCode.objects.all()}
    parsed: list[ParsedLine] = []
    issues: list[Issue] = []
    first_line_of: dict[tuple[int, int | None], int] = {}
    for position, raw in enumerate(raw_lines, start=first_position):
        line, line_issues = _line_issues(position, raw, codes, deposit_ids)
        issues.extend(line_issues)
        if line is None:
            continue
        if line.key in first_line_of:
            message = _("%(code)s at this storage place is already on line %(first)s.") % {
                "code": line.waste_code.label,
                "first": first_line_of[line.key],
            }
            issues.append(Issue(position, "waste_code", message))
            continue
        first_line_of[line.key] = position
        parsed.append(line)
    return parsed, issues


def warnings_for(
    lines: Iterable[ReturnLine],
    *,
    previous: Iterable[ReturnLine] | None,
    filing: FilingYear,
    submitted_on: datetime.date,
) -> list[Issue]:
    """What an inspector should look at twice; `previous` is last year's accepted lines, if any."""
    warnings: list[Issue] = []
    if previous is not None:
        last_year = {line.key: line for line in previous}
        for line in lines:
            before = last_year.get(line.key)
            last_closing = before.closing if before else Decimal(0)
            if line.opening != last_closing:
                message = _("%(opening)s differs from the closing balance %(closing)s of last year's accepted return.")
                warnings.append(
                    Issue(
                        line.position,
                        "opening",
                        message % {"opening": tonnes(line.opening), "closing": tonnes(last_closing)},
                        f"opening:{line.position}",
                    )
                )
            if before is None:
                continue
            for name in ("generated", "closing"):
                now, then = getattr(line, name), getattr(before, name)
                if then > 0 and (now > then * filing.change_factor or now * filing.change_factor < then):
                    message = _("%(now)s against %(then)s last year: a change of more than %(factor)s times.")
                    params = {"now": tonnes(now), "then": tonnes(then), "factor": filing.change_factor.normalize()}
                    warnings.append(Issue(line.position, name, message % params, f"change:{line.position}:{name}"))
    if submitted_on > filing.deadline:
        message = _("Filed on %(date)s, after the deadline of %(deadline)s.") % {
            "date": submitted_on.isoformat(),
            "deadline": filing.deadline.isoformat(),
        }
        warnings.append(Issue(None, "submitted_at", message, "late"))
    return warnings
