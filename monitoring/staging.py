"""The fast way in for a large file on PostgreSQL: COPY it as text into a temporary table, then check, resolve,
evaluate and store every row in a few set-based statements (the SQL is in monitoring.sql).

The fast path only accepts a file whose every row is good and in the usual shape. Anything else (a bad row, an
unusual but valid way of writing a value or a time, a duplicate, a malformed CSV) rolls it back, and the caller
reads the file row by row with monitoring.ingest, which stays the one definition of what is valid and reports
every problem with its row number. A good file therefore gets the same results either way, only sooner.
"""

from collections.abc import Callable
from typing import Any

import psycopg
from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from monitoring import partitions, sql
from monitoring.ingest import COLUMNS, REQUIRED, TEXT_COLUMNS, VALUE_COLUMN, read_file
from monitoring.models import Alert, Averaging, Submission
from portal import audit, values

PROGRESS_ROWS = 100_000


class NotUsual(Exception):
    """The file is not (only) good rows in the usual shape; the row-by-row path will say why."""


def ingest(submission: Submission, *, ruleset_id: int, progress: Callable[[int], None]) -> int:
    """Store the file's results evaluated, in the caller's transaction, telling `progress` the rows read as it goes;
    returns how many. Raises NotUsual, having rolled back everything it did, when the file needs the row-by-row
    path."""
    staging, checked = f"monitoring_staging_{submission.pk}", f"monitoring_checked_{submission.pk}"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in sql.BULK_SETTINGS:
                cursor.execute(setting)
            header, rows = _copy(cursor, submission, staging, progress)
            missing = [column for column in REQUIRED if column not in header]
            if missing or not rows or len(set(header)) != len(header):
                raise NotUsual
            archived = partitions.archived_before()
            cursor.execute(f"ANALYZE {staging}")  # without statistics the planner joins a million rows in a loop
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
            }
            columns = {name: (f"c{header.index(name)}" if name in header else "NULL") for name in COLUMNS}
            cursor.execute(sql.CHECKED.format(staging=staging, checked=checked, **columns), params)
            cursor.execute(sql.UNUSUAL.format(checked=checked))
            if cursor.fetchone()[0]:
                raise NotUsual
            cursor.execute(sql.MONTHS.format(checked=checked), params)
            partitions.prepare_for_rows(cursor.fetchall())  # the months' partitions (monitoring.partitions)
            cursor.execute(sql.OPEN_ALERTS.format(checked=checked), params)
            audit.created(Alert, [alert_id for (alert_id,) in cursor.fetchall()])
            cursor.execute(sql.LOCK_ALERTS.format(checked=checked))
            cursor.execute(sql.STORE.format(checked=checked), params)
            cursor.execute(sql.SPAN.format(checked=checked))
            submission.sampled_from, submission.sampled_to = cursor.fetchone()  # saved by the caller
            cursor.execute(f"DROP TABLE {staging}, {checked}")
    # A value not read as a number or a time, a duplicate result; COPY's errors come from psycopg itself.
    except (DataError, IntegrityError, psycopg.DataError, psycopg.IntegrityError) as exc:
        raise NotUsual from exc
    return rows


def _copy(
    cursor: CursorWrapper, submission: Submission, staging: str, progress: Callable[[int], None]
) -> tuple[list[str], int]:
    """COPY the file into a table of text columns c0, c1, ... (one per header column), each row read as the
    row-by-row path reads it: stripped, missing cells empty, cells beyond the header dropped, blank rows skipped.
    Returns the header and the number of rows."""
    with submission.file.open("rb") as handle:
        header, rows = read_file(handle)
        width = max(len(header), 1)
        names = ", ".join(f"c{index}" for index in range(width))
        columns = ", ".join(f"c{index} text" for index in range(width))
        cursor.execute(sql.STAGE.format(staging=staging, columns=columns))
        count = 0
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for count, (_number, values) in enumerate(rows, start=1):
                copy.write_row([value.strip() for value in (values + [""] * width)[:width]])
                if count % PROGRESS_ROWS == 0:
                    progress(count)
        return header, count
