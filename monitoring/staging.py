"""The fast way in for a large file on PostgreSQL: COPY it as text into a temporary table (a plain CSV file's bytes
go to COPY's own CSV reader, the rest is read in Python), then check, resolve, evaluate and store every row in a few
set-based statements (the SQL is in monitoring.sql): one pass types and checks the rows, one sums up what the rest
needs (months, span, the alerts to open and their totals), one stores them with their alerts. The alerts' totals
and persistence are brought up to date from those sums in the same transaction, and what the ingest knows of the
rows goes to their evaluation (`Staged`), which then need not read a million rows again.

The fast path only accepts a file whose every row is good and in the usual shape. Anything else (a bad row, an
unusual but valid way of writing a value or a time, a duplicate, a malformed CSV) rolls it back, and the caller
reads the file row by row with monitoring.ingest, which stays the one definition of what is valid and reports
every problem with its row number. A good file therefore gets the same results either way, only sooner.
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

import psycopg
from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from monitoring import partitions, sql
from monitoring.ingest import COLUMNS, REQUIRED, TEXT_COLUMNS, VALUE_COLUMN, read_file
from monitoring.models import Alert, Averaging, Submission
from portal import audit, values
from portal.uploads import Limits
from portal.uploads.xlsx import is_xlsx

PROGRESS_ROWS = 100_000
RAW_CHUNK = 1 << 20
Series = tuple[int, int]  # point, pollutant


class NotUsual(Exception):
    """The file is not (only) good rows in the usual shape; the row-by-row path will say why."""


@dataclass
class Staged:
    """What a staged ingest knows of the rows it stored, evaluated, each exceeding one with its alert, so that their
    evaluation need not read them again (monitoring.services.evaluation)."""

    rows: int
    first: datetime
    last: datetime
    series: set[Series] = field(default_factory=set)  # every point and pollutant of the file
    cells: set[tuple[int, int, int]] = field(default_factory=set)  # year, point, pollutant
    alert_ids: list[int] = field(default_factory=list)  # the alerts its exceeding results joined
    # False when an exceeding row may lack its alert (one closed meanwhile), whose totals were then left to the
    # evaluation: it reads the stored rows, as after the row-by-row path.
    alerts_complete: bool = True


@dataclass(frozen=True)
class Copied:
    """A file COPied into a staging table: the cursor of its transaction, its header and rows, and for each column
    the SQL that reads its cell as the row-by-row path does (stripped; NULL when the file has no such column)."""

    cursor: CursorWrapper
    header: list[str]
    rows: int
    columns: dict[str, str]


@contextmanager
def staged_file(
    file: FieldFile, staging: str, progress: Callable[[int], None], *, columns: Sequence[str], required: Sequence[str]
) -> Iterator[Copied]:
    """Within: a transaction (with BULK_SETTINGS) whose temporary table `staging` holds the file's rows as text
    (`copy_file`), analyzed. NotUsual, everything rolled back, for a file without rows, with a column twice or
    without a `required` one, and for any value the block's SQL cannot read (DataError) or any duplicate
    (IntegrityError): the row-by-row path then says what is wrong where. Shared with monitoring.emissions.staging."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in sql.BULK_SETTINGS:
                cursor.execute(setting)
            header, rows, strip = copy_file(cursor, file, staging, progress)
            if any(name not in header for name in required) or not rows or len(set(header)) != len(header):
                raise NotUsual
            cursor.execute(f"ANALYZE {staging}")  # without statistics the planner joins a million rows in a loop
            cell = "btrim(c{}, %(spaces)s)" if strip else "c{}"
            cells = {name: (cell.format(header.index(name)) if name in header else "NULL") for name in columns}
            yield Copied(cursor, header, rows, cells)
    # A value not read as a number or a time, a duplicate; COPY's errors come from psycopg itself.
    except (DataError, IntegrityError, psycopg.DataError, psycopg.IntegrityError) as exc:
        raise NotUsual from exc


def ingest(submission: Submission, *, ruleset_id: int, progress: Callable[[int], None]) -> Staged:
    """Store the file's results evaluated, in the caller's transaction, telling `progress` the rows read as it goes;
    returns what it stored. Raises NotUsual, having rolled back everything it did, when the file needs the row-by-row
    path."""
    staging, checked = f"monitoring_staging_{submission.pk}", f"monitoring_checked_{submission.pk}"
    with staged_file(submission.file, staging, progress, columns=COLUMNS, required=REQUIRED) as copied:
        cursor = copied.cursor
        archived = partitions.archived_before()
        params: dict[str, Any] = {
            "zone": settings.TIME_ZONE,
            "usual_times": sql.USUAL_TIMES,
            "averagings": Averaging.values,
            "enterprise": submission.enterprise_id,
            "now": timezone.now(),
            # The checks of the row-by-row path (monitoring.ingest) on what the columns hold.
            # Nor a result of an archived year (the row-by-row path says why).
            "earliest": max(values.EARLIEST, partitions.year_range(archived)[0]) if archived else values.EARLIEST,
            "decimal_places": VALUE_COLUMN["decimal_places"],
            "method_length": TEXT_COLUMNS["method"],
            "laboratory_length": TEXT_COLUMNS["laboratory"],
            "ruleset": ruleset_id,
            "submission": submission.pk,
            "spaces": SPACES,
        }
        cursor.execute(sql.CHECKED.format(staging=staging, checked=checked, **copied.columns), params)
        staged, months, exceeding = _summary(cursor, checked, copied.rows)
        partitions.prepare_for_rows(months)  # the months' partitions (monitoring.partitions)
        # The alerts of the file's series are opened and updated by SQL: the audit trail compares them before
        # and after (once, each alert's name read once).
        points, pollutants = {point for point, _ in staged.series}, {pollutant for _, pollutant in staged.series}
        with audit.track(Alert.objects.filter(point_id__in=points, pollutant_id__in=pollutants)):
            _open_alerts(cursor, staged, exceeding, params)
            if staged.alerts_complete:
                _set_persistent(cursor, staged, checked)
        cursor.execute(sql.STORE.format(checked=checked), params)
        submission.sampled_from, submission.sampled_to = staged.first, staged.last  # saved by the caller
        cursor.execute(f"DROP TABLE {staging}, {checked}")
    return staged


def _summary(
    cursor: CursorWrapper, checked: str, rows: int
) -> tuple[Staged, set[partitions.Month], dict[Series, tuple[int, int, datetime]]]:
    """What the checked rows hold (sql.SUMMARY): the Staged record, the months of their partitions, and per exceeding
    series its exceeding rows' count, highest severity and latest time. Raises NotUsual for rows not in the usual
    shape."""
    cursor.execute(sql.SUMMARY.format(checked=checked))
    days, cells = [], []
    for day, point, pollutant, year, unusual, first, last, exceeding, top, latest in cursor.fetchall():
        if unusual:
            raise NotUsual
        if day is not None:
            days.append((day, first, last))
        else:
            cells.append((year, point, pollutant, exceeding, top, latest))
    staged = Staged(rows=rows, first=min(first for _, first, _ in days), last=max(last for *_, last in days))
    totals: dict[Series, list[Any]] = defaultdict(lambda: [0, 0, None])
    for year, point, pollutant, count, top, latest in cells:
        staged.series.add((point, pollutant))
        staged.cells.add((year, point, pollutant))
        if count:
            total = totals[(point, pollutant)]
            total[0] += count
            total[1] = max(total[1], top)
            total[2] = max(total[2] or latest, latest)
    months = {(day.year, day.month) for day, _, _ in days}  # sampled_on is the local date: its month's partition
    return staged, months, {series: (count, top, latest) for series, (count, top, latest) in totals.items()}


def _open_alerts(
    cursor: CursorWrapper, staged: Staged, exceeding: dict[Series, tuple[int, int, datetime]], params: dict[str, Any]
) -> None:
    """Open an alert for each exceeding series without an open one, hold the open ones (sql.LOCK_ALERTS) and add the
    file's exceeding rows to their totals (sql.ALERT_ADD)."""
    if not exceeding:
        return
    pairs = {"points": [point for point, _ in exceeding], "pollutants": [pollutant for _, pollutant in exceeding]}
    cursor.execute(sql.OPEN_ALERTS, {**params, **pairs})
    cursor.execute(sql.LOCK_ALERTS, pairs)
    held = {(point, pollutant): alert_id for alert_id, point, pollutant in cursor.fetchall()}
    if len(held) != len(exceeding):
        # An inspector closed an alert between its opening here and its holding: the evaluation, reading the
        # stored rows, opens another for the rows left without one and counts the totals.
        staged.alerts_complete = False
        return
    staged.alert_ids = sorted(held.values())
    changes = [(held[series], *totals) for series, totals in exceeding.items()]
    cursor.execute(
        sql.ALERT_ADD,
        {
            "alerts": [alert_id for alert_id, *_ in changes],
            "counts": [count for _, count, _, _ in changes],
            "tops": [top for _, _, top, _ in changes],
            "latests": [latest for *_, latest in changes],
        },
    )


def _set_persistent(cursor: CursorWrapper, staged: Staged, checked: str) -> None:
    """Whether each open alert of the file's series is persistent (monitoring.services.evaluation._set_persistent),
    counted before the rows are stored: the results stored before, and the file's rows (sql.WINDOW_STORED and
    WINDOW_STAGED), with the same division as there."""
    pairs = {
        "points": [point for point, _ in staged.series],
        "pollutants": [pollutant for _, pollutant in staged.series],
    }
    cursor.execute(sql.SERIES_ALERTS, pairs)
    alert_ids = sorted(alert_id for (alert_id,) in cursor.fetchall())
    if not alert_ids:
        return
    window = timedelta(days=30.44 * settings.MONITORING_PERSISTENT_MONTHS)
    params: dict[str, Any] = {"alerts": alert_ids, "window": window}
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for statement in (sql.WINDOW_STORED, sql.WINDOW_STAGED.format(checked=checked)):
        cursor.execute(statement, params)
        for alert_id, total, exceeding in cursor.fetchall():
            counts[alert_id][0] += total
            counts[alert_id][1] += exceeding
    share = settings.MONITORING_PERSISTENT_SHARE
    flags = [bool(counts[alert_id][0]) and counts[alert_id][1] / counts[alert_id][0] >= share for alert_id in alert_ids]
    cursor.execute(sql.SET_PERSISTENT, {"alerts": alert_ids, "flags": flags})


def copy_file(
    cursor: CursorWrapper, file: FieldFile, staging: str, progress: Callable[[int], None]
) -> tuple[list[str], int, bool]:
    """COPY the file into a table of text columns c0, c1, ... (one per header column), each row read as the
    row-by-row path reads it: missing cells empty, cells beyond the header dropped, blank rows skipped, and stripped
    (unless the third value returned says the SQL must strip them). Returns the header and the number of rows."""
    with file.open("rb") as handle:
        header, rows = read_file(handle)
        width = max(len(header), 1)
        names = ", ".join(f"c{index}" for index in range(width))
        columns = ", ".join(f"c{index} text" for index in range(width))
        cursor.execute(sql.STAGE.format(staging=staging, columns=columns))
        if width > 1 and (plain := _plain_csv(handle, header)) is not None:
            start, strip = plain
            count = _copy_bytes(cursor, handle, start, f"COPY {staging} ({names}) FROM STDIN", progress)
            limits = Limits.in_worker()  # as portal.uploads counts them; the row-by-row path refuses the file
            if count > limits.rows or (count + 1) * width > limits.cells:
                raise NotUsual
            return header, count, strip
        count = 0
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for count, (_number, values) in enumerate(rows, start=1):
                copy.write_row([value.strip() for value in (values + [""] * width)[:width]])
                if count % PROGRESS_ROWS == 0:
                    progress(count)
        return header, count, False


# Bytes that make PostgreSQL's CSV reader read a file otherwise than Python's csv (portal.uploads.csvfile) and the
# row-by-row path do: a quote (their rules for quotes inside a cell differ), a backslash (COPY's end-of-data mark),
# a NUL (refused by Python), and the control characters that str.strip() takes off a cell.
_NOT_PLAIN = b'"\\\x00\x0b\x0c\x1c\x1d\x1e\x1f'
# Bytes of what str.strip() may also take off a cell: spaces, tabs, and the first bytes of Unicode's other spaces
# in UTF-8 (U+0085, U+00A0, U+1680, U+2000-U+3000). Cells of a file holding none of them need no stripping.
_SPACES = b" \t\xc2\xe1\xe2\xe3"
# What str.strip() takes off a cell, as btrim's characters in SQL.
SPACES = "".join(character for character in map(chr, range(0x3001)) if character.isspace())
_BLOCK = 1 << 16  # a line longer than two blocks (csv's field limit) holds a whole block without a line end


def _plain_csv(handle: IO[bytes], header: list[str]) -> tuple[int, bool] | None:
    """Where the rows of a CSV file start, and whether their cells may need stripping, if PostgreSQL's COPY reads
    its rows as Python's csv does: none of `_NOT_PLAIN`, no line longer than csv's field limit, and a first line
    that is the header. None for any other file, which is read in Python. Each check looks for single bytes (as
    fast as the disk); a difference that remains (a row with more or fewer cells than the header, a blank line, a
    lone carriage return, a byte that is not UTF-8) makes COPY fail, and the row-by-row path then reads the file."""
    if csv.field_size_limit() < 2 * _BLOCK:
        return None
    handle.seek(0)
    chunk = handle.read(RAW_CHUNK)
    end = chunk.find(b"\n")
    if is_xlsx(chunk[:4]) or end < 0:
        return None
    line = chunk[:end].decode("utf-8-sig", errors="replace").removesuffix("\r")
    if "\r" in line or [name.strip() for name in line.split(",")] != header:
        return None
    spaces = False
    while chunk:
        if any(byte in chunk for byte in _NOT_PLAIN):
            return None
        if any(chunk.find(b"\n", start, start + _BLOCK) < 0 for start in range(0, len(chunk), _BLOCK)):
            return None  # perhaps a line longer than the limit (or the file's last block)
        spaces = spaces or any(byte in chunk for byte in _SPACES)
        chunk = handle.read(RAW_CHUNK)
    return end + 1, spaces


def _copy_bytes(
    cursor: CursorWrapper, handle: IO[bytes], start: int, statement: str, progress: Callable[[int], None]
) -> int:
    """The file's bytes from `start` through PostgreSQL's CSV reader (see `_plain_csv`); returns the rows copied."""
    handle.seek(start)
    lines = 0
    with cursor.cursor.copy(f"{statement} WITH (FORMAT csv, ENCODING 'UTF8')") as copy:
        while chunk := handle.read(RAW_CHUNK):
            copy.write(chunk)
            before, lines = lines, lines + chunk.count(b"\n")
            if lines // PROGRESS_ROWS > before // PROGRESS_ROWS:
                progress(lines)
    return cursor.cursor.rowcount
