"""Checking rows of monitoring results, from the API, a form or a file, before anything is saved.

Each row is checked alone (point, pollutant, unit for the medium, value, time) and against the others
and the database (duplicates). Every problem is reported with its row number; one bad row saves nothing.
"""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_noop

from monitoring import partitions
from monitoring.models import Averaging, MonitoringPoint, Pollutant, Result, Unit
from portal import coded, values
from portal.uploads import Limits, read_rows
from registry.models import Enterprise

# A row's errors are stored with a submission whose file a worker read: each is written in the worker's language
# and keeps its template and parameters (coded.Message), so that it is shown in the language of whoever reads it.
_ = coded.Message

COLUMNS = ("point", "pollutant", "sampled_at", "value", "unit", "averaging", "method", "laboratory")
REQUIRED = ("point", "pollutant", "sampled_at", "value", "unit", "averaging")
_AVERAGING_INDEX = {value: index for index, value in enumerate(Averaging.values)}
MAX_OFFSET = datetime.timedelta(hours=16)  # PostgreSQL's limit; no zone on Earth is that far from UTC
# What the result's columns hold: a value beyond them is refused, never rounded or cut.
VALUE_COLUMN = values.decimal_column(Result, "value")
TEXT_COLUMNS = {name: values.text_column(Result, name) for name in ("method", "laboratory")}
PLAUSIBLE_LIMIT = Decimal("1e9")  # a concentration this high is a mistake (the column holds ten times more)
MAX_ERRORS = 1000  # a file with more bad rows than this is reported by its first thousand


@dataclass(frozen=True)
class RowError:
    """A row's error: `code` is the machine's name for it, `reason` the text (row 0: about the batch as a whole)."""

    row: int
    field: str
    code: str
    reason: str  # a coded.Message, or text

    def error_item(self) -> dict[str, Any]:
        """As the API answers it (portal.coded.error_item)."""
        return coded.error_item(row=self.row or None, field=self.field, code=self.code, message=str(self.reason))

    def stored(self) -> dict[str, Any]:
        """As a submission keeps it: with the reason's msgid and parameters, to be shown in its reader's language."""
        stored = {"row": self.row, "field": self.field, "code": self.code, "reason": str(self.reason)}
        return {**stored, **(self.reason.stored() if isinstance(self.reason, coded.Message) else {})}

    def __str__(self) -> str:
        # The field as the file's header, the API's key and the form's column name it: "sampled_at".
        return gettext("Row %(row)s, %(field)s: %(reason)s") % {
            "row": self.row,
            "field": self.field,
            "reason": self.reason,
        }


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
    streamed within a worker's limits (portal.uploads): a million-row file is never held in memory, and a file
    breaking a limit or the format raises FileRefused as its rows are read. Both ways of reading a file start here,
    so that they see the same rows and values."""
    return read_rows(handle, limits=Limits.in_worker())


class Catalogue:
    """What rows of one enterprise may name, loaded once per submission."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.enterprise_id = enterprise.pk
        points = MonitoringPoint.objects.filter(enterprise=enterprise).values_list("pk", "code", "medium")
        self.points = {code: (pk, medium) for pk, code, medium in points}
        self.pollutants = dict(Pollutant.objects.values_list("code", "pk"))
        units = Unit.objects.values_list("code", "medium", "factor")
        self.factors = {(code, medium): float(factor) for code, medium, factor in units}
        self.now = timezone.now()
        self.local_zone = timezone.get_current_timezone()


def _value(raw: str) -> tuple[Decimal | None, bool, str, str]:
    """The value, whether it is below a detection limit, and an error's code and message."""
    text = raw.strip().replace(",", ".")
    below = text.startswith("<")
    try:
        value = values.number(text.lstrip("<").strip(), **VALUE_COLUMN)
    except ValidationError as exc:
        if exc.code == "invalid":  # with the value as written, not as read after "<"
            return None, below, "invalid", _("“%(value)s” is not a number.") % {"value": values.shown(raw)}
        return None, below, exc.code or "invalid", coded.from_error(exc)
    if abs(value) >= PLAUSIBLE_LIMIT:
        message = _("“%(value)s” is not a plausible concentration.") % {"value": values.shown(raw)}
        return None, below, "implausible", message
    if value < 0:
        message = _("a concentration cannot be negative (%(value)s).") % {"value": values.shown(raw)}
        return None, below, "negative", message
    return value, below, "", ""


def parse_moment(text: str) -> datetime.datetime | None:
    """A date and time as machines write it (ISO 8601), or None; shared with monitoring.emissions."""
    try:
        return datetime.datetime.fromisoformat(text)  # fast, and covers ISO 8601 as machines write it
    except ValueError:
        pass
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def _text_errors(number: int, text: Mapping[str, str]) -> list[RowError]:
    """Control characters anywhere, and a method or laboratory longer than its column (refused, never cut)."""
    errors = []
    for name, value in text.items():
        try:
            values.text(value, max_length=TEXT_COLUMNS.get(name))
        except ValidationError as exc:
            errors.append(RowError(number, name, exc.code or "invalid", coded.from_error(exc)))
    return errors


def moment_error(
    sampled_at: datetime.datetime,
    now: datetime.datetime,
    future: str = gettext_noop("the sampling time is in the future."),
) -> tuple[str, str]:
    """An error's code and message, or two empty strings; `future` says what is in the future."""
    if (offset := sampled_at.utcoffset()) is None:  # a naive time
        return "time_zone_required", _("give the time zone, e.g. +05:00.")
    if abs(offset) >= MAX_OFFSET:
        return "time_zone_offset", _("a time zone offset is less than 16 hours.")
    try:
        values.check_moment(sampled_at, now=now)
    except ValidationError as exc:
        if exc.code == "future":
            return "future", _(future)
        return exc.code or "invalid", coded.from_error(exc)
    return "", ""


def check_row(number: int, raw: Mapping[str, Any], catalogue: Catalogue) -> tuple[Row | None, list[RowError]]:
    errors = []
    text = {name: str(raw.get(name) if raw.get(name) is not None else "").strip() for name in COLUMNS}
    for name in REQUIRED:
        if not text[name]:
            errors.append(RowError(number, name, "required", _("this field is required.")))
    errors += _text_errors(number, text)
    if errors:
        return None, errors
    point = catalogue.points.get(text["point"])
    if point is None:
        errors.append(
            RowError(
                number,
                "point",
                "unknown_point",
                _("unknown monitoring point “%(code)s”.") % {"code": values.shown(text["point"])},
            )
        )
    pollutant = catalogue.pollutants.get(text["pollutant"])
    if pollutant is None:
        message = _("unknown pollutant “%(code)s”.") % {"code": values.shown(text["pollutant"])}
        errors.append(RowError(number, "pollutant", "unknown_pollutant", message))
    factor = None
    if point is not None:
        factor = catalogue.factors.get((text["unit"], point[1]))
        if factor is None:
            message = _("the unit “%(unit)s” does not fit the medium %(medium)s.")
            message %= {"unit": values.shown(text["unit"]), "medium": point[1]}
            errors.append(RowError(number, "unit", "unit_not_for_medium", message))
    value, below, problem, reason = _value(text["value"])
    if problem:
        errors.append(RowError(number, "value", problem, reason))
    sampled_at = parse_moment(text["sampled_at"])
    if sampled_at is None:
        message = _("“%(value)s” is not a date and time (ISO 8601, e.g. 2024-05-01T10:00:00+05:00).")
        errors.append(RowError(number, "sampled_at", "invalid", message % {"value": values.shown(text["sampled_at"])}))
    else:
        problem, reason = moment_error(sampled_at, catalogue.now)
        if problem:
            errors.append(RowError(number, "sampled_at", problem, reason))
    if text["averaging"] not in _AVERAGING_INDEX:
        message = _("“%(value)s” is not an averaging period (%(choices)s).")
        errors.append(
            RowError(
                number,
                "averaging",
                "invalid_choice",
                message % {"value": values.shown(text["averaging"]), "choices": ", ".join(Averaging.values)},
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
        method=text["method"], laboratory=text["laboratory"],
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
            row, errors = None, [RowError(number, "sampled_at", "duplicate_row", message)]
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
                enterprise_id=self.catalogue.enterprise_id,  # the unique index leads with it
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
                message = _("this result was already submitted.")
                self._add([RowError(self.first_row[probe], "sampled_at", "already_submitted", message)])

    def check_archived(self, rows: list[Row]) -> None:
        """Results of an archived year are refused (`manage.py archive_results`): its months' partitions are gone, a
        new one would never be archived, and its statistics are kept as they were computed."""
        if (before := partitions.archived_before()) is None:
            return
        start = partitions.year_range(before)[0]
        message = _("the results before %(year)s are archived; none can be added.") % {"year": before}
        archived = [row for row in rows if row.sampled_at < start]
        self._add([RowError(self.first_row[row.key], "sampled_at", "archived", message) for row in archived])

    def _add(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        self.errors.extend(errors[: max(0, MAX_ERRORS - len(self.errors))])
