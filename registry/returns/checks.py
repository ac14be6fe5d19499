"""The checks of a return's lines, shared by the web form, the file upload and the API.

`parse_lines` turns raw input (strings or numbers) into typed lines and lists every error with its
line and field; `warnings_for` compares a return with last year's accepted one and the deadline.
Warnings do not stop a submission, but the filer must confirm each with an explanation.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import coded, values
from registry.returns.models import AMOUNT_FIELDS, FilingYear, HazardLevel, ReturnLine, ReturnVersion, WasteCode

BALANCE_TOLERANCE_T = Decimal("0.001")
INPUT_FIELDS = ("waste_code", "storage_deposit", "hazard_level", *AMOUNT_FIELDS)


def field_label(name: str, models: Iterable[type[Model]] = (ReturnLine, ReturnVersion)) -> str:
    """A field of a line or version as the reader calls it (its verbose name, in the reader's language); the API
    names it by `name`."""
    for model in models:
        try:
            label = getattr(model._meta.get_field(name), "verbose_name", None)
        except FieldDoesNotExist:
            continue
        if label:
            return str(label)
    return name


def _located(
    line: int | None, field: str, message: str, models: Iterable[type[Model]] = (ReturnLine, ReturnVersion)
) -> str:
    if line is None:
        return message
    label = field_label(field, models)
    return _("Line %(line)s, %(field)s: %(message)s") % {"line": line, "field": label, "message": message}


@dataclass(frozen=True)
class Issue:
    """An error of a line (or of the return, `line` None): `code` is the machine's name for it, which the API gives
    beside the message (portal.api.exceptions)."""

    line: int | None
    field: str
    code: str
    message: str
    key: str = ""
    # Where the fields' names are looked up (another filing's issues name their own models).
    label_models: ClassVar[tuple[type[Model], ...]] = (ReturnLine, ReturnVersion)

    def __str__(self) -> str:
        return _located(self.line, self.field, self.message, self.label_models)

    @property
    def field_label(self) -> str:
        return field_label(self.field, self.label_models)


# The warnings' codes and texts; a version keeps its warnings as codes and parameters (amounts in tonnes as decimal
# strings, dates in ISO 8601) and they are written out when shown, in the reader's language.
OPENING_DIFFERS, CHANGE, LATE, LEGACY = "opening_differs", "change", "late", "legacy"
WARNINGS = {
    OPENING_DIFFERS: coded.Template(
        gettext_lazy("%(opening)s differs from the closing balance %(closing)s of last year's accepted return."),
        {"opening": coded.tonnes, "closing": coded.tonnes},
    ),
    CHANGE: coded.Template(
        gettext_lazy("%(now)s against %(then)s last year: a change of more than %(factor)s times."),
        {"now": coded.tonnes, "then": coded.tonnes, "factor": coded.number},
    ),
    LATE: coded.Template(
        gettext_lazy("Filed on %(date)s, after the deadline of %(deadline)s."),
        {"date": coded.date, "deadline": coded.date},
    ),
}


@dataclass(frozen=True)
class ReturnWarning:
    """What an inspector should look at twice, and the filer explains (by `key`). Stored on a submitted version as
    its code and parameters (`stored`); `message` writes it out in the reader's language. A warning stored as text
    before warnings had codes, and that could not be read back into one, keeps its text (code LEGACY)."""

    line: int | None
    field: str
    code: str
    params: Mapping[str, Any]
    key: str
    # The texts of the codes, and where the fields' names are looked up (another filing's warnings have their own).
    templates: ClassVar[Mapping[str, coded.Template]] = WARNINGS
    label_models: ClassVar[tuple[type[Model], ...]] = (ReturnLine, ReturnVersion)

    @property
    def message(self) -> str:
        if self.code == LEGACY:
            return str(self.params.get("text", ""))
        return coded.render(self.templates, self.code, self.params)

    def __str__(self) -> str:
        return _located(self.line, self.field, self.message, self.label_models)

    def stored(self) -> dict[str, Any]:
        return {"key": self.key, "line": self.line, "field": self.field, "code": self.code, "params": dict(self.params)}

    def as_dict(self) -> dict[str, Any]:
        return {**self.stored(), "message": self.message}

    @classmethod
    def from_stored(cls, item: Mapping[str, Any]) -> "ReturnWarning":
        code, params = item.get("code"), item.get("params")
        if not code:
            code, params = LEGACY, {"text": item.get("message", "")}
        return cls(item.get("line"), item.get("field", ""), code, params or {}, item.get("key", ""))


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


tonnes = coded.tonnes


def expected_closing(amounts: Mapping[str, Decimal]) -> Decimal:
    return (
        amounts["opening"]
        + amounts["generated"]
        + amounts["received"]
        - amounts["recycled"]
        - amounts["disposed"]
        - amounts["transferred"]
    )


# What a line's amount column holds (DecimalField(16, 3): below 10 billion tonnes, to the kilogram).
AMOUNT_COLUMN = values.decimal_column(ReturnLine, "opening")


def parse_amount(
    raw: Any, column: Mapping[str, int] = AMOUNT_COLUMN, decimals: Any = None
) -> tuple[Decimal | None, str, str]:
    """A non-negative amount that the column holds as written: more decimals (`decimals` says how many may be
    given, by default three, kilograms) or more than it holds are refused, never rounded behind the filer's back.
    A filer may group thousands with spaces and write a decimal comma. Returns the amount, or None with the error's
    code and message."""
    if raw is None or str(raw).strip() == "":
        return Decimal(0), "", ""
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".") if isinstance(raw, str) else raw
    try:
        value = values.number(text, **column)
    except ValidationError as exc:
        if exc.code == "decimal_places":
            return None, "decimal_places", str(decimals or _("give at most three decimals (kilograms)."))
        return None, exc.code or "invalid", values.message(exc)
    if value < 0:
        return None, "negative", _("amounts cannot be negative (%(value)s).") % {"value": values.shown(raw)}
    return value, "", ""


def typed_expected_closing(raw: Mapping[str, Any]) -> Decimal | None:
    """The closing balance the other amounts imply, as soon as they are all numbers."""
    values = {name: parse_amount(raw.get(name))[0] for name in AMOUNT_FIELDS}
    amounts = {name: value for name, value in values.items() if value is not None}
    return expected_closing(amounts) if len(amounts) == len(values) else None


def _deposit_id(raw: Any, allowed: set[int], names: Mapping[str, set[int]]) -> tuple[int | None, str, str]:
    """A storage place by its name in any language (as the template and the page show it), or by its number (the
    API's); a name several of the enterprise's deposits share is refused rather than guessed. Returns the id, or
    None with the error's code and message."""
    if raw is None or str(raw).strip() == "":
        return None, "", ""
    text = str(raw).strip()
    matches = names.get(text.casefold())
    if matches:
        if len(matches) > 1:
            return (
                None,
                "ambiguous_deposit",
                _("several of this enterprise's deposits are named “%(value)s”.") % {"value": values.shown(text)},
            )
        return next(iter(matches)), "", ""
    try:
        deposit_id = values.integer(raw)
    except ValidationError:
        return (
            None,
            "unknown_deposit",
            _("“%(value)s” is not the name of one of this enterprise's deposits.") % {"value": values.shown(raw)},
        )
    if deposit_id not in allowed:
        return (
            None,
            "unknown_deposit",
            _("deposit %(id)s is not one of this enterprise's deposits.") % {"id": deposit_id},
        )
    return deposit_id, "", ""


def _line_issues(
    position: int,
    raw: Mapping[str, Any],
    codes: Mapping[str, WasteCode],
    deposits: set[int],
    deposit_names: Mapping[str, set[int]],
) -> tuple[ParsedLine | None, list[Issue]]:
    issues: list[Issue] = []
    raw_code = str(raw.get("waste_code") or "").strip()
    normalised = WasteCode.normalise(raw_code)
    code = codes.get(normalised) if normalised else None
    if not raw_code:
        issues.append(Issue(position, "waste_code", "required", _("the waste code is missing.")))
    elif normalised is None:
        message = _("“%(code)s” is not a six-digit code.") % {"code": values.shown(raw_code)}
        issues.append(Issue(position, "waste_code", "invalid", message))
    elif code is None:
        message = _("%(code)s is not in the waste classifier.") % {"code": normalised}
        issues.append(Issue(position, "waste_code", "unknown_waste_code", message))
    deposit_id, problem, message = _deposit_id(raw.get("storage_deposit"), deposits, deposit_names)
    if problem:
        issues.append(Issue(position, "storage_deposit", problem, message))
    level = str(raw.get("hazard_level") or "").strip().lower()
    if level and level not in HazardLevel.values:
        message = _("“%(level)s” is not a hazard level (red, amber or green).") % {"level": values.shown(level)}
        issues.append(Issue(position, "hazard_level", "invalid_choice", message))
    elif code is not None and code.hazardous and not level:
        message = _("%(code)s is hazardous: give its hazard level (red, amber or green).") % {"code": code.label}
        issues.append(Issue(position, "hazard_level", "hazard_level_required", message))
    elif code is not None and not code.hazardous and level:
        message = _("%(code)s is not hazardous: leave the hazard level empty.") % {"code": code.label}
        issues.append(Issue(position, "hazard_level", "hazard_level_not_allowed", message))
    amounts: dict[str, Decimal] = {}
    for name in AMOUNT_FIELDS:
        value, problem, message = parse_amount(raw.get(name))
        if value is None:
            issues.append(Issue(position, name, problem, message))
        else:
            amounts[name] = value
    if len(amounts) == len(AMOUNT_FIELDS):
        expected = expected_closing(amounts)
        if abs(expected - amounts["closing"]) > BALANCE_TOLERANCE_T:
            message = _(
                "the balance does not hold: opening + generated + received - recycled - disposed - transferred"
                " = %(expected)s, but the closing balance is %(closing)s."
            ) % {"expected": tonnes(expected), "closing": tonnes(amounts["closing"])}
            issues.append(Issue(position, "closing", "balance", message))
    if issues or code is None:
        return None, issues
    return ParsedLine(position, code, deposit_id, level, amounts), []


def parse_lines(
    raw_lines: Iterable[Mapping[str, Any]],
    *,
    deposit_ids: set[int],
    deposit_names: Mapping[str, set[int]] | None = None,
    first_position: int = 1,
) -> tuple[list[ParsedLine], list[Issue]]:
    """Every line checked; lines are numbered from `first_position` (a file's first data row is 2).
    `deposit_names`: the enterprise's deposits by casefolded name, to take a storage place by its name."""
    codes = {code.code: code for code in WasteCode.objects.all()}
    parsed: list[ParsedLine] = []
    issues: list[Issue] = []
    first_line_of: dict[tuple[int, int | None], int] = {}
    for position, raw in enumerate(raw_lines, start=first_position):
        line, line_issues = _line_issues(position, raw, codes, deposit_ids, deposit_names or {})
        issues.extend(line_issues)
        if line is None:
            continue
        if line.key in first_line_of:
            message = _("%(code)s at this storage place is already on line %(first)s.") % {
                "code": line.waste_code.label,
                "first": first_line_of[line.key],
            }
            issues.append(Issue(position, "waste_code", "duplicate_line", message))
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
) -> list[ReturnWarning]:
    """What an inspector should look at twice; `previous` is last year's accepted lines, if any."""
    amount = coded.decimal_param
    warnings: list[ReturnWarning] = []
    if previous is not None:
        last_year = {line.key: line for line in previous}
        for line in lines:
            before = last_year.get(line.key)
            last_closing = before.closing if before else Decimal(0)
            if line.opening != last_closing:
                params = {"opening": amount(line.opening), "closing": amount(last_closing)}
                key = f"opening:{line.position}"
                warnings.append(ReturnWarning(line.position, "opening", OPENING_DIFFERS, params, key))
            if before is None:
                continue
            for name in ("generated", "closing"):
                now, then = getattr(line, name), getattr(before, name)
                if then > 0 and (now > then * filing.change_factor or now * filing.change_factor < then):
                    factor = amount(filing.change_factor.normalize())
                    params = {"now": amount(now), "then": amount(then), "factor": factor}
                    key = f"change:{line.position}:{name}"
                    warnings.append(ReturnWarning(line.position, name, CHANGE, params, key))
    if submitted_on > filing.deadline:
        params = {"date": submitted_on.isoformat(), "deadline": filing.deadline.isoformat()}
        warnings.append(ReturnWarning(None, "submitted_at", LATE, params, "late"))
    return warnings
