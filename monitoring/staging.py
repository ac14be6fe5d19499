"""The fast way in for a large file on PostgreSQL: COPY it as text into a temporary table, then check, resolve,
evaluate and store every row in a few set-based statements (the SQL is in monitoring.sql).

The fast path only accepts a file whose every row is good and in the usual shape. Anything else (a bad row, an
unusual but valid way of writing a value or a time, a duplicate, a malformed CSV) rolls it back, and the caller
reads the file row by row with monitoring.ingest, which stays the one definition of what is valid and reports
every problem with its row number. A good file therefore gets the same results either way, only sooner.
"""

import csv
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.db import DataError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from openpyxl import load_workbook

from monitoring import sql
from monitoring.ingest import COLUMNS, REQUIRED
from monitoring.models import Averaging, Submission
from portal.uploads import XLSX_MAGIC

BLOCK = 1 << 20
PROGRESS_ROWS = 100_000


class NotUsual(Exception):
    """The file is not (only) good rows in the usual shape; the row-by-row path will say why."""


def ingest(submission: Submission, *, ruleset_id: int, progress_key: str) -> int:
    """Store the file's results evaluated, in the caller's transaction; returns how many. Raises NotUsual, having
    rolled back everything it did, when the file needs the row-by-row path."""
    staging, checked = f"monitoring_staging_{submission.pk}", f"monitoring_checked_{submission.pk}"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            header, rows = _copy(cursor, submission, staging, progress_key)
            missing = [column for column in REQUIRED if column not in header]
            if missing or not rows or len(set(header)) != len(header):
                raise NotUsual
            cursor.execute(f"ANALYZE {staging}")  # without statistics the planner joins a million rows in a loop
            params = {
                "zone": settings.TIME_ZONE,
                "usual_times": sql.USUAL_TIMES,
                "averagings": Averaging.values,
                "enterprise": submission.enterprise_id,
                "now": timezone.now(),
                "ruleset": ruleset_id,
                "submission": submission.pk,
            }
            columns = {name: (f"c{header.index(name)}" if name in header else "NULL") for name in COLUMNS}
            cursor.execute(sql.CHECKED.format(staging=staging, checked=checked, **columns), params)
            cursor.execute(sql.UNUSUAL.format(checked=checked))
            if cursor.fetchone()[0]:
                raise NotUsual
            cursor.execute(sql.OPEN_ALERTS.format(checked=checked), params)
            cursor.execute(sql.STORE.format(checked=checked), params)
            cursor.execute(f"DROP TABLE {staging}, {checked}")
    except (DataError, IntegrityError) as exc:  # a value not read as a number or a time; a duplicate result
        raise NotUsual from exc
    return rows


def _copy(cursor: CursorWrapper, submission: Submission, staging: str, progress_key: str) -> tuple[list[str], int]:
    """COPY the file into a table of text columns c0, c1, ... (one per header column); returns header and rows."""
    with submission.file.open("rb") as handle:
        is_xlsx = handle.read(4) == XLSX_MAGIC
        handle.seek(0)
        if is_xlsx:
            sheet = load_workbook(handle, read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True)
            header = [str(cell or "").strip() for cell in next(sheet, ())]
        else:
            header = [column.strip() for column in next(csv.reader([handle.readline().decode("utf-8-sig")]), [])]
        names = [f"c{index}" for index in range(max(len(header), 1))]
        cursor.execute(sql.STAGE.format(staging=staging, columns=", ".join(f"{name} text" for name in names)))
        statement = f"COPY {staging} ({', '.join(names)}) FROM STDIN" + ("" if is_xlsx else " WITH (FORMAT csv)")
        with cursor.cursor.copy(statement) as copy:
            if is_xlsx:
                for row in sheet:
                    copy.write_row([None if cell is None else str(cell) for cell in row])
            else:
                _stream(handle, copy.write, progress_key)
        return header, cursor.rowcount


def _stream(handle: IO[bytes], write: Callable[[bytes], object], progress_key: str) -> None:
    """Hand the file to COPY in blocks, telling the upload page roughly how many rows have been read."""
    lines = reported = 0
    while block := handle.read(BLOCK):
        write(block)
        lines += block.count(b"\n")
        if lines - reported >= PROGRESS_ROWS:
            cache.set(progress_key, lines, timeout=3600)
            reported = lines
