"""Checking rows of monitoring results, from the API, a form or a file, before anything is saved.

Each row is checked alone (point, pollutant, unit for the medium, value, time) and against the others
and the database (duplicates). Every problem is reported with its row number; one bad row saves nothing.
"""

import csv
import datetime
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from monitoring.models import Averaging, MonitoringPoint, Pollutant, Result, Unit
from portal.uploads import XLSX_MAGIC
from registry.models import Enterprise

COLUMNS = ("point", "pollutant", "sampled_at", "value", "unit", "averaging", "method", "laboratory")
REQUIRED = ("point", "pollutant", "sampled_at", "value", "unit", "averaging")
_AVERAGING_INDEX = {value: index for index, value in enumerate(Averaging.values)}
MAX_OFFSET = datetime.timedelta(hours=16)  # PostgreSQL's limit; no zone on Earth is that far from UTC
MAX_ERRORS = 1000  # a file with more bad rows than this is reported by its first thousand


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        return _("Row %(row)s, %(field)s: %(reason)s") % {"row": self.row, "field": self.field, "reason": self.reason}


@dataclass(slots=True)
class Row:
    point_id: int
    pollutant_id: int
    medium: str
    sampled_at: datetime.datetime
    sampled_on: datetime.date
    averaging: str
    value: Decimal
    below_detection: bool
    unit: str
    value_base: float
    method: str
    laboratory: str

    @property
    def key(self) -> int:
        return _pack(self.point_id, self.pollutant_id, self.sampled_at, self.averaging)


def _pack(point_id: int, pollutant_id: int, sampled_at: datetime.datetime, averaging: str) -> int:
    """Point, pollutant, time and averaging in one int: a million of them fit in little memory."""
    microseconds = round(sampled_at.timestamp() * 1_000_000) * 4 + _AVERAGING_INDEX[averaging]
    return (microseconds * 2**20 + pollutant_id) * 2**32 + point_id


def read_file(handle: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header of a CSV or XLSX file and its rows that are not blank, with their numbers (the header is row 1),
    streamed: a million-row file is never held in memory. Both ways of reading a file start here, so that they
    see the same rows and values."""
    if handle.read(4) == XLSX_MAGIC:
        handle.seek(0)
        sheet = load_workbook(handle, read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True)
        rows: Iterator[list[str]] = ([("" if cell is None else str(cell)) for cell in row] for row in sheet)
    else:
        handle.seek(0)
        rows = csv.reader(io.TextIOWrapper(handle, encoding="utf-8-sig", newline=""))
    header = [column.strip() for column in next(rows, [])]
    numbered = ((number, values) for number, values in enumerate(rows, start=2) if any(values))
    return header, numbered


class Catalogue:
    """What rows of one enterprise may name, loaded once per submission."""

    def __init__(self, enterprise: Enterprise) -> None:
        points = MonitoringPoint.objects.filter(enterprise=enterprise).values_list("pk", "code", "medium")
        self.points = {code: (pk, medium) for pk, code, medium in points}
        self.pollutants = dict(Pollutant.objects.values_list("code", "pk"))
        units = Unit.objects.values_list("code", "medium", "factor")
        self.factors = {(code, medium): float(factor) for code, medium, factor in units}
        self.now = timezone.now()
        self.local_zone = timezone.get_current_timezone()


def _value(raw: str) -> tuple[Decimal | None, bool, str]:
    text = raw.strip().replace(",", ".")
    below = text.startswith("<")
    try:
        value = Decimal(text.lstrip("<").strip())
    except InvalidOperation:
        return None, below, _("“%(value)s” is not a number.") % {"value": raw}
    if not value.is_finite() or abs(value) >= Decimal("1e9"):
        return None, below, _("“%(value)s” is not a plausible concentration.") % {"value": raw}
    if value < 0:
        return None, below, _("a concentration cannot be negative (%(value)s).") % {"value": raw}
    return value, below, ""


def _datetime(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text)  # fast, and covers ISO 8601 as machines write it
    except ValueError:
        pass
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def check_row(number: int, raw: Mapping[str, Any], catalogue: Catalogue) -> tuple[Row | None, list[RowError]]:
    errors = []
    text = {name: str(raw.get(name) if raw.get(name) is not None else "").strip() for name in COLUMNS}
    for name in REQUIRED:
        if not text[name]:
            errors.append(RowError(number, name, _("this field is required.")))
    if errors:
        return None, errors
    point = catalogue.points.get(text["point"])
    if point is None:
        errors.append(RowError(number, "point", _("unknown monitoring point “%(code)s”.") % {"code": text["point"]}))
    pollutant = catalogue.pollutants.get(text["pollutant"])
    if pollutant is None:
        message = _("unknown pollutant “%(code)s”.") % {"code": text["pollutant"]}
        errors.append(RowError(number, "pollutant", message))
    factor = None
    if point is not None:
        factor = catalogue.factors.get((text["unit"], point[1]))
        if factor is None:
            message = _("the unit “%(unit)s” does not fit the medium %(medium)s.")
            errors.append(RowError(number, "unit", message % {"unit": text["unit"], "medium": point[1]}))
    value, below, problem = _value(text["value"])
    if problem:
        errors.append(RowError(number, "value", problem))
    sampled_at = _datetime(text["sampled_at"])
    if sampled_at is None:
        message = _("“%(value)s” is not a date and time (ISO 8601, e.g. 2024-05-01T10:00:00+05:00).")
        errors.append(RowError(number, "sampled_at", message % {"value": text["sampled_at"]}))
    elif (offset := sampled_at.utcoffset()) is None:  # a naive time
        errors.append(RowError(number, "sampled_at", _("give the time zone, e.g. +05:00.")))
    elif abs(offset) >= MAX_OFFSET:
        errors.append(RowError(number, "sampled_at", _("a time zone offset is less than 16 hours.")))
    elif sampled_at > catalogue.now:
        errors.append(RowError(number, "sampled_at", _("the sampling time is in the future.")))
    if text["averaging"] not in _AVERAGING_INDEX:
        message = _("“%(value)s” is not an averaging period (%(choices)s).")
        errors.append(
            RowError(
                number, "averaging", message % {"value": text["averaging"], "choices": ", ".join(Averaging.values)}
            )
        )
    if errors:
        return None, errors
    # Each of these missing is an error above.
    assert point is not None and pollutant is not None and factor is not None
    assert value is not None and sampled_at is not None
    row = Row(
        point_id=point[0], pollutant_id=pollutant, medium=point[1], sampled_at=sampled_at,
        sampled_on=sampled_at.astimezone(catalogue.local_zone).date(), averaging=text["averaging"],
        value=value, below_detection=below, unit=text["unit"], value_base=float(value) * factor,
        method=text["method"][:200], laboratory=text["laboratory"][:200],
    )  # fmt: skip
    return row, []


class Checker:
    """Checks rows one by one, remembering what it has seen, so that a file of a million rows can stream."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.errors: list[RowError] = []
        self.error_count = 0
        self.first_row: dict[int, int] = {}

    def check(self, number: int, raw: Mapping[str, Any]) -> Row | None:
        row, errors = check_row(number, raw, self.catalogue)
        if row is not None and row.key in self.first_row:
            message = _("the same result as row %(first)s.") % {"first": self.first_row[row.key]}
            row, errors = None, [RowError(number, "sampled_at", message)]
        if row is None:  # a row comes without errors, or errors without a row
            self._add(errors)
            return None
        self.first_row[row.key] = number
        return row

    def check_stored(self, rows: list[Row], *, submission_id: int) -> None:
        """Results already in the database are duplicates too (one query per chunk of rows). The submission's own
        earlier chunks are left out: duplicates within it were caught as rows were checked."""
        if not rows:
            return
        keys = {row.key: row for row in rows}
        stored = (
            Result.objects.filter(
                point_id__in={row.point_id for row in rows},
                sampled_at__gte=min(row.sampled_at for row in rows),
                sampled_at__lte=max(row.sampled_at for row in rows),
            )
            .exclude(submission_id=submission_id)
            .values_list("point_id", "pollutant_id", "sampled_at", "averaging")
        )
        for point_id, pollutant_id, sampled_at, averaging in stored.iterator(chunk_size=10_000):
            probe = _pack(point_id, pollutant_id, sampled_at, averaging)
            if probe in keys:
                self._add([RowError(self.first_row[probe], "sampled_at", _("this result was already submitted."))])

    def _add(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        self.errors.extend(errors[: max(0, MAX_ERRORS - len(self.errors))])
