"""The checks of a permit's sources and limits as rows (a file's, the API's), shared by the upload and the API.

`parse_rows` turns raw rows (strings or numbers) into typed sources and limits and lists every error with its row
and field, so that nothing is saved unless every row passes. A row names a source by its code; it may describe the
source (medium, kind, location, dimensions: a new source, or the same values as stored), give a limit on one
substance (by its code or CAS number), or both. A limit's figures are given in their own columns
(`grams_per_second`, `tonnes_per_year`) or as one `value` with its `unit` (g/s or t/yr).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from portal import values
from portal.coded import error_item
from registry.geo import in_kazakhstan
from registry.permits.models import EmissionLimit, EmissionSource, SourceKind, SourceMedium, Substance

SOURCE_FIELDS = ("name", "medium", "kind", "latitude", "longitude", "height_m", "diameter_m")
LIMIT_FIELDS = ("substance", "grams_per_second", "tonnes_per_year", "value", "unit")
# A row's columns: the source's code, what describes it, and a limit. In a file the source's name is "source_name".
INPUT_FIELDS = ("source", *SOURCE_FIELDS, *LIMIT_FIELDS)
UNITS = {"g/s": "grams_per_second", "t/yr": "tonnes_per_year"}
# How units are also written, in Russian and Kazakh too (g/s, t/yr and t/yr in Cyrillic).
UNIT_ALIASES = {
    "g/s": "g/s", "\u0433/\u0441": "g/s", "t/yr": "t/yr", "t/y": "t/yr", "t/year": "t/yr",
    "\u0442/\u0433\u043e\u0434": "t/yr", "\u0442/\u0436\u044b\u043b": "t/yr",
}  # fmt: skip


@dataclass(frozen=True)
class RowIssue:
    """An error of one row (`row` None: of the whole input) and field, with the machine's `code` for it."""

    row: int | None
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)s, %(field)s: %(message)s") % {
            "row": self.row,
            "field": field_label(self.field),
            "message": self.message,
        }


class RowsInvalid(ValidationError):
    """Rows of sources and limits that break the checks; nothing of them was saved."""

    def __init__(self, issues: list[RowIssue]) -> None:
        self.issues = issues
        super().__init__([str(issue) for issue in issues])

    def error_items(self) -> list[dict[str, Any]]:
        """As the API answers them (portal.api.exceptions)."""
        return [
            error_item(row=issue.row, field=issue.field, code=issue.code, message=issue.message)
            for issue in self.issues
        ]


def field_label(name: str) -> str:
    """A column as the reader calls it: the model field's verbose name, in the reader's language."""
    labels = {"source": _("source"), "value": _("value"), "unit": _("unit")}
    if name in labels:
        return str(labels[name])
    for model in (EmissionSource, EmissionLimit):
        try:
            return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        except FieldDoesNotExist:
            continue
    return name


@dataclass
class ParsedSource:
    code: str
    row: int
    values: dict[str, Any] = field(default_factory=dict)  # only what the row described


@dataclass
class ParsedLimit:
    row: int
    source_code: str
    substance: Substance
    grams_per_second: Decimal | None
    tonnes_per_year: Decimal


@dataclass
class Parsed:
    sources: dict[str, ParsedSource] = field(default_factory=dict)  # by code, in the order first given
    limits: list[ParsedLimit] = field(default_factory=list)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _choice(raw: Any, choices: type[SourceMedium] | type[SourceKind]) -> str | None:
    """A medium or kind by its machine name or its label in any of the portal's languages."""
    text = str(raw).strip().casefold()
    for value, label in choices.choices:
        if text == value:
            return value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if text == str(label).casefold():
                    return value
    return None


def _number(raw: Any, model: type, name: str) -> Decimal:
    """A non-negative figure the column holds exactly (a decimal comma and spaced thousands allowed in text)."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".") if isinstance(raw, str) else raw
    value = values.number(text, **values.decimal_column(model, name))
    if value < 0:
        raise ValidationError(
            _("%(value)s is negative; a limit or a dimension cannot be."), code="negative",
            params={"value": values.shown(raw)},
        )  # fmt: skip
    return value


class Substances:
    """The reference list, by code (case does not matter) and by CAS number, read once per parse."""

    def __init__(self) -> None:
        self.by_code: dict[str, Substance] = {}
        self.by_cas: dict[str, Substance] = {}
        for substance in Substance.objects.all():
            self.by_code[substance.code.casefold()] = substance
            if substance.cas:
                self.by_cas[substance.cas] = substance

    def find(self, raw: Any) -> tuple[Substance | None, str, str]:
        text = str(raw).strip()
        found = self.by_code.get(text.casefold()) or self.by_cas.get(text)
        if found is not None:
            return found, "", ""
        if text[:1].isdigit() and "-" in text:
            return (
                None,
                "unknown_cas",
                _("no substance of the list has the CAS number “%(value)s”.") % {"value": values.shown(text)},
            )
        return None, "unknown_substance", _("“%(value)s” is not a substance of the list (a code such as SOx or Pb, "
                                            "or a CAS number).") % {"value": values.shown(text)}  # fmt: skip


def _source_values(row: int, raw: Mapping[str, Any], issues: list[RowIssue]) -> dict[str, Any]:
    """What a row says of its source, typed; errors are added to `issues`."""
    described: dict[str, Any] = {}
    for name in SOURCE_FIELDS:
        cell = raw.get(name)
        if _blank(cell):
            continue
        try:
            if name == "name":
                described[name] = values.text(cell, max_length=values.text_column(EmissionSource, name)).strip()
            elif name in ("medium", "kind"):
                choices = SourceMedium if name == "medium" else SourceKind
                choice = _choice(cell, choices)
                if choice is None:
                    allowed = ", ".join(str(value) for value in choices.values)
                    raise ValidationError(
                        _("“%(value)s” is not one of: %(allowed)s."), code="invalid_choice",
                        params={"value": values.shown(cell), "allowed": allowed},
                    )  # fmt: skip
                described[name] = choice
            elif name in ("latitude", "longitude"):
                described[name] = values.number(cell, **values.decimal_column(EmissionSource, name))
            else:
                described[name] = _number(cell, EmissionSource, name)
        except ValidationError as exc:
            issues.append(RowIssue(row, name, exc.code or "invalid", values.message(exc)))
    return described


def source_issues(row: int | None, fields: Mapping[str, Any]) -> list[RowIssue]:
    """What a complete source breaks: its kind must fit its medium (a stack or an unorganised source to air, an
    outlet to water), only a stack has a height and a diameter, and it lies in Kazakhstan."""
    issues = []
    medium, kind = fields.get("medium"), fields.get("kind")
    for name in ("medium", "kind", "latitude", "longitude"):
        if fields.get(name) is None:
            issues.append(RowIssue(row, name, "required", _("this field is required for a new source.")))
    if medium and kind and (medium == SourceMedium.WATER) != (kind == SourceKind.OUTLET):
        message = _("a source to water is an outlet, and an outlet discharges to water.")
        issues.append(RowIssue(row, "kind", "kind_medium", message))
    if kind and kind != SourceKind.ORGANISED:
        for name in ("height_m", "diameter_m"):
            if fields.get(name) is not None:
                message = _("only an organised source (a stack) has a height and a diameter.")
                issues.append(RowIssue(row, name, "not_a_stack", message))
    latitude, longitude = fields.get("latitude"), fields.get("longitude")
    if (
        latitude is not None
        and longitude is not None
        and not in_kazakhstan(latitude=float(latitude), longitude=float(longitude))
    ):
        message = _("the location %(lat)s, %(lon)s lies outside Kazakhstan.") % {"lat": latitude, "lon": longitude}
        issues.append(RowIssue(row, "latitude", "outside_kazakhstan", message))
    return issues


def limit_issues(row: int | None, *, medium: str, grams_per_second: Decimal | None) -> list[RowIssue]:
    """A rate in g/s limits emissions to air only; a water outlet's limit is in t/yr."""
    if medium != SourceMedium.AIR and grams_per_second is not None:
        message = _("a limit in g/s is set for sources to air only; a water outlet's limit is in t/yr.")
        return [RowIssue(row, "grams_per_second", "rate_for_water", message)]
    return []


def _limit_figures(row: int, raw: Mapping[str, Any], issues: list[RowIssue]) -> dict[str, Decimal | None]:
    """The limit's g/s and t/yr from their columns, or from `value` with its `unit`."""
    figures: dict[str, Decimal | None] = {"grams_per_second": None, "tonnes_per_year": None}
    for name in figures:
        if not _blank(raw.get(name)):
            try:
                figures[name] = _number(raw.get(name), EmissionLimit, name)
            except ValidationError as exc:
                issues.append(RowIssue(row, name, exc.code or "invalid", values.message(exc)))
                figures[name] = Decimal(0)  # given, though wrong: no second error that it is missing
    value, unit = raw.get("value"), raw.get("unit")
    if _blank(value) and _blank(unit):
        return figures
    if _blank(unit):
        issues.append(RowIssue(row, "unit", "unit_required", _("give the unit of the value: g/s or t/yr.")))
        return figures
    canonical = UNIT_ALIASES.get(str(unit).strip().casefold().replace(" ", ""))
    if canonical is None:
        message = _("“%(value)s” is not a unit of a limit: g/s or t/yr.") % {"value": values.shown(unit)}
        issues.append(RowIssue(row, "unit", "invalid_unit", message))
        return figures
    name = UNITS[canonical]
    if _blank(value):
        issues.append(RowIssue(row, "value", "required", _("the unit is given without a value.")))
    elif figures[name] is not None:
        message = _("the limit in %(unit)s is given twice.") % {"unit": canonical}
        issues.append(RowIssue(row, "value", "duplicate_value", message))
    else:
        try:
            figures[name] = _number(value, EmissionLimit, name)
        except ValidationError as exc:
            issues.append(RowIssue(row, "value", exc.code or "invalid", values.message(exc)))
            figures[name] = Decimal(0)
    return figures


def _limit(
    row: int, code: str, raw: Mapping[str, Any], substances: Substances, issues: list[RowIssue]
) -> ParsedLimit | None:
    figures = _limit_figures(row, raw, issues)
    given = any(not _blank(raw.get(name)) for name in LIMIT_FIELDS)
    if not given:
        return None
    substance = None
    if _blank(raw.get("substance")):
        issues.append(RowIssue(row, "substance", "required", _("the limit names no substance.")))
    else:
        substance, problem, message = substances.find(raw.get("substance"))
        if substance is None:
            issues.append(RowIssue(row, "substance", problem, message))
    tonnes = figures["tonnes_per_year"]
    if tonnes is None and not any(issue.row == row and issue.field in ("unit", "value") for issue in issues):
        message = _("give the limit in t/yr (a limit in g/s alone is not enough).")
        issues.append(RowIssue(row, "tonnes_per_year", "required", message))
    if substance is None or tonnes is None:
        return None
    return ParsedLimit(row, code, substance, figures["grams_per_second"], tonnes)


def parse_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]], *, known_sources: Mapping[str, EmissionSource]
) -> tuple[Parsed, list[RowIssue]]:
    """Every row checked: `rows` are (row number, cells); `known_sources` the enterprise's sources by code. A source
    described twice must be described alike; each source and substance is limited once."""
    substances = Substances()
    parsed = Parsed()
    issues: list[RowIssue] = []
    first_limit_row: dict[tuple[str, int], int] = {}
    for row, raw in rows:
        before = len(issues)
        code = "" if _blank(raw.get("source")) else str(raw.get("source")).strip()
        if not code:
            issues.append(RowIssue(row, "source", "required", _("the row names no source (its code).")))
            continue
        try:
            values.text(code, max_length=values.text_column(EmissionSource, "code"))
        except ValidationError as exc:
            issues.append(RowIssue(row, "source", exc.code or "invalid", values.message(exc)))
            continue
        described = _source_values(row, raw, issues)
        limit = _limit(row, code, raw, substances, issues)
        if len(issues) > before:
            continue
        seen = parsed.sources.get(code)
        if described:
            if seen is not None and seen.values and seen.values != described:
                message = _("source %(code)s is described differently in row %(first)s.") % {
                    "code": code, "first": seen.row,
                }  # fmt: skip
                issues.append(RowIssue(row, "source", "conflicting_source", message))
                continue
            if seen is None or not seen.values:
                parsed.sources[code] = seen = ParsedSource(code, row, described)
        elif seen is None and code in known_sources:
            parsed.sources[code] = ParsedSource(code, row)
        elif seen is None:
            message = _("%(code)s is not one of this enterprise's sources: describe it (medium, kind, location).") % {
                "code": code
            }
            issues.append(RowIssue(row, "source", "unknown_source", message))
            continue
        if limit is not None:
            key = (code, limit.substance.pk)
            if key in first_limit_row:
                message = _("the limit of %(substance)s on source %(code)s is already in row %(first)s.") % {
                    "substance": limit.substance.code, "code": code, "first": first_limit_row[key],
                }  # fmt: skip
                issues.append(RowIssue(row, "substance", "duplicate_limit", message))
                continue
            first_limit_row[key] = row
            parsed.limits.append(limit)
    issues.extend(_complete_sources(parsed, known_sources))
    return parsed, issues


def merged_source(parsed: ParsedSource, known: EmissionSource | None) -> dict[str, Any]:
    """A source's fields after the row: what it described over what is stored (a stack described as unorganised
    loses its dimensions unless the row gives them)."""
    stored = {name: getattr(known, name) for name in SOURCE_FIELDS} if known is not None else {}
    merged = {**{name: None for name in SOURCE_FIELDS}, **stored, **parsed.values}
    if merged["name"] is None:
        merged["name"] = ""
    if merged.get("kind") and merged["kind"] != SourceKind.ORGANISED:
        for name in ("height_m", "diameter_m"):
            if name not in parsed.values:
                merged[name] = None
    return merged


def _complete_sources(parsed: Parsed, known_sources: Mapping[str, EmissionSource]) -> list[RowIssue]:
    """Each described source, merged with what is stored, must be whole; each limit fits its source's medium."""
    issues: list[RowIssue] = []
    media: dict[str, str] = {}
    for code, source in parsed.sources.items():
        fields = merged_source(source, known_sources.get(code))
        issues.extend(source_issues(source.row, fields))
        media[code] = fields.get("medium") or ""
    for limit in parsed.limits:
        issues.extend(limit_issues(limit.row, medium=media[limit.source_code], grams_per_second=limit.grams_per_second))
    return issues
