"""Tables partitioned by month on PostgreSQL (declarative RANGE partitioning on a timestamp): the monitoring results by
`sampled_at` (`RESULTS`) and the continuous emission values by `interval_start` (monitoring.emissions, its own
`MonthlyTable`). What follows says it of the results; the emission values are partitioned alike, for the same reasons.

Why monthly: a national network of 150 stations x 20 pollutants hourly is about 26 million results a year, a
500-source emission network later two or three times that. A month is then 2-6 million rows: its indexes stay in
memory while it is written, a fresh month's statistics are gathered in a second, a query of a window or a year
reads only its months, and a year is archived as twelve tables. Yearly partitions would be 26-70 million rows each
(the hot one's indexes out of memory, its statistics stale for months); daily ones thousands of tables, which cost
the planner on every query that is not pruned.

Each partition covers a calendar month in the portal's time zone (settings.TIME_ZONE), the zone `sampled_on` and the
yearly statistics are reckoned in: a year is exactly twelve partitions. There is no default partition: a row of a
month without a partition is refused, so every insert path first calls `prepare_for_rows` for the months it
writes (a default partition would make every later partition's creation scan and move its rows). Beat creates the
coming months ahead.

A partition is created as a table and then attached (ATTACH PARTITION takes only a SHARE UPDATE EXCLUSIVE lock on
the results table, which neither reads nor inserts wait for; CREATE TABLE ... PARTITION OF would take an ACCESS
EXCLUSIVE one until the ingest that creates it commits). Old months are detached (CONCURRENTLY), dumped, verified and
dropped by `MonthlyTable.archive` (`archive_results`; the emission values: `archive_emission_values`). On SQLite
(the embedded default) the results table is a plain table and all of this is a no-op.
"""

import csv
import datetime
import gzip
import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper
from django.db.models import Max, QuerySet
from django.utils import timezone

from monitoring.models import PartitionArchive, Result, ResultArchive, Submission

logger = logging.getLogger(__name__)

AHEAD_MONTHS = 3  # beat keeps this many months after the current one ready
Month = tuple[int, int]


class ArchiveRefused(Exception):
    """Archiving is not possible here (SQLite, or inside a transaction)."""


class MissingPartitions(Exception):
    """Raised within `created_apart()` for the months of rows about to be stored that have no partition yet."""

    def __init__(self, names: list[str], months: list[Month]) -> None:
        super().__init__(", ".join(names))
        self.months = months


_APART: ContextVar[bool] = ContextVar("partitions_created_apart", default=False)


@contextmanager
def created_apart() -> Iterator[None]:
    """Within: `prepare_for_rows` raises MissingPartitions rather than create a partition in the current transaction.
    For a long transaction (a file's ingest): attaching a partition takes a SHARE ROW EXCLUSIVE lock on every table
    the partitioned table refers to (points or sources, submissions, alerts, ...), which would keep every other
    writer of those tables waiting until the ingest commits. The caller creates the months apart, then starts
    again."""
    token = _APART.set(True)
    try:
        yield
    finally:
        _APART.reset(token)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(year: int, month: int) -> datetime.datetime:
    """The first moment of a month in the portal's time zone."""
    return datetime.datetime(year, month, 1, tzinfo=_zone())


def year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a calendar year in the portal's time zone: a filter on `sampled_at` that the planner prunes to
    the year's twelve partitions, equal to `sampled_on`'s year (the local date of sampling)."""
    return month_start(year, 1), month_start(year + 1, 1)


def _next(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def month_of(moment: datetime.datetime) -> Month:
    """The (year, month) of a moment in the portal's time zone: its partition's month."""
    local = moment.astimezone(_zone())
    return local.year, local.month


@dataclass(frozen=True)
class MonthlyTable:
    """A table partitioned by RANGE on the month (in the portal's time zone) of one timestamp `column`, each
    partition named `<table>_pYYYY_MM`: the monitoring results and the continuous emission values. `archives`: the
    model that records its archived months (`archive`)."""

    table: str
    column: str
    archives: type[PartitionArchive]

    def partitioned(self) -> bool:
        """Whether the table is partitioned (PostgreSQL, migrated)."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [self.table])
            row = cursor.fetchone()
        return row is not None and row[0] == "p"

    def partition_name(self, month: Month) -> str:
        return f"{self.table}_p{month[0]:04d}_{month[1]:02d}"

    def month_of_name(self, name: str) -> Month | None:
        match = re.fullmatch(rf"{self.table}_p(\d{{4}})_(\d{{2}})", name)
        return (int(match[1]), int(match[2])) if match else None

    def attached(self, cursor: CursorWrapper) -> set[str]:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [self.table],
        )
        return {name for (name,) in cursor.fetchall()}

    def _create(self, cursor: CursorWrapper, month: Month, *, attach: bool) -> str:
        name = self.partition_name(month)
        start, end = month_start(*month).isoformat(), month_start(*_next(month)).isoformat()
        if attach:
            cursor.execute(f"CREATE TABLE {name} (LIKE {self.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(f"ALTER TABLE {self.table} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')")
        else:
            cursor.execute(f"CREATE TABLE {name} PARTITION OF {self.table} FOR VALUES FROM ('{start}') TO ('{end}')")
        return name

    def ensure(self, *, ahead: int = AHEAD_MONTHS, months: Iterable[Month] = ()) -> list[str]:
        """Make sure the partitions exist for the current month and `ahead` months after it, and for `months`
        (those of a batch about to be stored: only months that have rows); returns the names of those created.

        Runs in the caller's transaction (an ingest's, whose rows then find their partitions); the lock it takes on
        the table (SHARE UPDATE EXCLUSIVE, held until that transaction ends) makes two creators take turns and
        blocks neither its readers nor its writers. Only what is missing is created, so this is cheap to call on
        every batch.
        """
        if not self.partitioned():
            return []
        month = month_of(timezone.now())
        wanted = set(months)
        for _ in range(ahead + 1):
            wanted.add(month)
            month = _next(month)
        with connection.cursor() as cursor:
            if {self.partition_name(month) for month in wanted} <= self.attached(cursor):
                return []
            created = []
            with transaction.atomic():
                cursor.execute(f"LOCK TABLE {self.table} IN SHARE UPDATE EXCLUSIVE MODE")
                existing = self.attached(cursor)  # another creator may have committed meanwhile
                for month in sorted(wanted):
                    if self.partition_name(month) not in existing:
                        created.append(self._create(cursor, month, attach=True))
        if created:
            logger.info("%s partitions created: %s", self.table, ", ".join(created))
        return created

    def analyze_fresh(self, months: Iterable[Month]) -> list[str]:
        """ANALYZE the partitions of `months` that have no statistics yet (freshly created and filled by an
        ingest): autovacuum would analyze them in a while, but until then the planner guesses their rows, and the
        statements that follow an ingest (evaluation, alert totals, the aggregate refresh) would be planned on those
        guesses. Run after the ingest commits (its rows are then visible to ANALYZE and its locks released)."""
        if not self.partitioned():
            return []
        names = [self.partition_name(month) for month in months]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind = 'r'"
                " AND c.relnamespace = current_schema()::regnamespace"
                " AND NOT EXISTS (SELECT 1 FROM pg_stats s"
                " WHERE s.schemaname = current_schema() AND s.tablename = c.relname)",
                [names],
            )
            fresh = [name for (name,) in cursor.fetchall()]
            for name in fresh:
                cursor.execute(f"ANALYZE {name}")
        return fresh

    def prepare_for_rows(self, months: Iterable[Month]) -> None:
        """What every insert path calls before storing rows of `months` (`month_of` their times): their partitions
        created now, in the caller's transaction (or MissingPartitions raised, within `created_apart()`), and
        analyzed once it commits if they have no statistics yet."""
        months = sorted(set(months))
        if not self.partitioned():
            return
        if _APART.get():
            with connection.cursor() as cursor:
                attached = self.attached(cursor)
            if missing := [month for month in months if self.partition_name(month) not in attached]:
                raise MissingPartitions([self.partition_name(month) for month in missing], missing)
        else:
            self.ensure(months=months)
        transaction.on_commit(lambda: self.analyze_fresh(months))

    def stored_apart(self, store: Callable[[], None]) -> None:
        """Run `store`, a long transaction that writes this table, within `created_apart()`: should it lack months,
        they are created in a short transaction of their own and `store` runs again."""
        try:
            with created_apart():
                store()
        except MissingPartitions as missing:
            self.ensure(months=missing.months)
            store()

    def convert(self, schema_editor: BaseDatabaseSchemaEditor, *, partition: bool, key: tuple[str, ...]) -> None:
        """For a migration: turn the table into one partitioned by month (`partition`) or back into a plain one, in
        the migration's transaction, keeping its rows, keys, checks, foreign keys and indexes under their names.

        A partitioned table of the same columns is created, with a partition for every month that has rows and the
        current one and AHEAD_MONTHS after it; the rows are moved, the old table dropped and its keys and indexes
        recreated (indexes as partitioned indexes). PostgreSQL requires every unique key of a partitioned table to
        include the partition key: the primary key becomes `key` (Django keeps `id` as the pk: ids stay unique, from
        one sequence), whose identity becomes a sequence default (no identity columns on partitioned tables before
        PostgreSQL 17). On SQLite nothing is done. The rows are moved while the table is locked: on a large table
        this is downtime, once."""
        if schema_editor.connection.vendor != "postgresql":
            return
        table, old, sequence = self.table, f"{self.table}_unpartitioned", f"{self.table}_id_seq"
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])
            if (cursor.fetchone()[0] == "p") == partition:
                return
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            constraints, indexes = _definitions(cursor, table)
            last_id = _last_id(cursor, table)
            cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
            like = f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
            if partition:
                cursor.execute(f"{like} PARTITION BY RANGE ({self.column})")
                cursor.execute(
                    f"SELECT DISTINCT extract(year FROM {self.column} AT TIME ZONE %s)::int,"
                    f" extract(month FROM {self.column} AT TIME ZONE %s)::int FROM {old}",
                    [settings.TIME_ZONE, settings.TIME_ZONE],
                )
                months = {(year, month) for year, month in cursor.fetchall()}
                month = month_of(timezone.now())
                for _ in range(AHEAD_MONTHS + 1):
                    months.add(month)
                    month = _next(month)
                for month in sorted(months):
                    self._create(cursor, month, attach=False)
            else:
                cursor.execute(like)
            # The id's sequence is the old table's (an identity, or owned by its column) and goes with it.
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")
            cursor.execute(f"DROP TABLE {old}")
            cursor.execute(f"DROP SEQUENCE IF EXISTS {sequence}")
            if partition:
                cursor.execute(f"CREATE SEQUENCE {sequence} OWNED BY {table}.id")
                cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({', '.join(key)})")
            else:
                cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)")
            if last_id:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last_id])
            for name, definition in constraints:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            for definition in indexes:
                cursor.execute(definition)
            cursor.execute(f"ANALYZE {table}")

    def archive(self, *, before: int, out: Path) -> list[PartitionArchive]:
        """Detach, dump, verify and drop the partitions of every month before 1 January of `before` (local time),
        each recorded in `archives`; returns the records of those dropped by this run.

        Each partition goes through the same steps, each safe to run again, so an interrupted run is finished by the
        next one: its record is written first (from then on rows of its year are refused by the ingests, and the
        results' statistics of its year are kept as they are, see reports.aggregates), the partition is detached,
        copied to `out/<partition>.csv.gz`, the copy read back and compared with the table (rows and the sum of their
        ids), and only then is the table dropped, in the transaction that records the copy. Runs in autocommit:
        DETACH ... CONCURRENTLY cannot run in a transaction.
        """
        if not self.partitioned():
            raise ArchiveRefused(f"{self.table} is not partitioned here (the embedded SQLite keeps one plain table)")
        if connection.in_atomic_block:
            raise ArchiveRefused("archiving detaches partitions concurrently, which cannot run inside a transaction")
        out.mkdir(parents=True, exist_ok=True)
        archived = []
        with connection.cursor() as cursor:
            for name in _partitions_before(cursor, self, (before, 1)):
                record, _ = self.archives.objects.get_or_create(partition=name, defaults={"before": before})
                if record.dropped_at is not None:
                    continue
                _detach(cursor, self.table, name)
                path = out / f"{name}.csv.gz"
                dump = _dump(cursor, name, path)
                cursor.execute(f"SELECT count(*), coalesce(sum(id), 0) FROM {name}")
                rows, id_sum = cursor.fetchone()
                if (dump.rows, dump.id_sum) != (rows, int(id_sum)):
                    raise RuntimeError(f"{path}: {dump.rows} rows read back, {rows} in {name}; the table is kept")
                with transaction.atomic():
                    record.rows, record.sha256, record.file = rows, dump.sha256, str(path)
                    record.dropped_at = timezone.now()
                    record.save()
                    cursor.execute(f"DROP TABLE {name}")
                logger.info("%s archived: %s, %s rows, %s", self.table, name, rows, path)
                archived.append(record)
        return archived

    def archived_before(self) -> int | None:
        """The first year whose rows are all still in the table: the years before it were archived (or are being
        archived), and no row of them is taken any more."""
        return self.archives.objects.aggregate(before=Max("before"))["before"]


def _definitions(cursor: CursorWrapper, table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A table's keys, checks and foreign keys, and its other indexes, as SQL that recreates them."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = [(name, definition) for name, _kind, definition in cursor.fetchall()]
    cursor.execute(
        "SELECT indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = current_schema()"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(i.indexname))",
        [table],
    )
    return constraints, [definition for (definition,) in cursor.fetchall()]


def _last_id(cursor: CursorWrapper, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    (top,) = cursor.fetchone()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    if sequence:
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
        top = max(top, cursor.fetchone()[0])
    return int(top)


RESULTS = MonthlyTable("monitoring_result", "sampled_at", ResultArchive)
TABLE = RESULTS.table


def partitioned() -> bool:
    """Whether the results table is partitioned (PostgreSQL, migrated)."""
    return RESULTS.partitioned()


def partition_name(month: Month) -> str:
    return RESULTS.partition_name(month)


def _attached(cursor: CursorWrapper) -> set[str]:
    return RESULTS.attached(cursor)


def ensure_result_partitions(*, ahead: int = AHEAD_MONTHS, months: Iterable[Month] = ()) -> list[str]:
    """The results table's partitions of the current month, `ahead` months after it and `months`
    (MonthlyTable.ensure)."""
    return RESULTS.ensure(ahead=ahead, months=months)


def analyze_fresh_partitions(months: Iterable[Month]) -> list[str]:
    return RESULTS.analyze_fresh(months)


def prepare_for_rows(months: Iterable[Month]) -> None:
    """Before storing results of `months` (MonthlyTable.prepare_for_rows)."""
    RESULTS.prepare_for_rows(months)


# Archiving old years.


@dataclass(frozen=True)
class Dump:
    rows: int
    id_sum: int
    sha256: str


def _partitions_before(cursor: CursorWrapper, table: MonthlyTable, cutoff: Month) -> list[str]:
    """Partitions of months before `cutoff`, attached or left detached by an interrupted archive run."""
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
        " AND relname LIKE %s",
        [f"{table.table}_p%"],
    )
    names = []
    for (name,) in cursor.fetchall():
        if (month := table.month_of_name(name)) and month < cutoff:
            names.append(name)
    return sorted(names)


def _detach(cursor: CursorWrapper, table: str, name: str) -> None:
    """Detach without blocking the table's readers and writers (PostgreSQL 14+: CONCURRENTLY waits for the queries
    that may be reading the partition); a detach interrupted half-way is finished."""
    cursor.execute(
        "SELECT i.inhdetachpending FROM pg_inherits i WHERE i.inhrelid = %s::regclass AND i.inhparent = %s::regclass",
        [name, table],
    )
    row = cursor.fetchone()
    if row is None:
        return  # already detached
    mode = "FINALIZE" if row[0] else "CONCURRENTLY"
    cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {name} {mode}")


def _dump(cursor: CursorWrapper, name: str, path: Path) -> Dump:
    """COPY the table to a gzip-compressed CSV with a header, written aside and renamed when complete."""
    partial = path.with_name(path.name + ".part")
    with gzip.open(partial, "wb") as handle, cursor.cursor.copy(f"COPY {name} TO STDOUT (FORMAT csv, HEADER)") as copy:
        for block in copy:
            handle.write(block)
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return _read_dump(path)


def _read_dump(path: Path) -> Dump:
    """Count the rows of a dump and add up their ids, reading it back from the disk."""
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    rows = id_sum = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        position = next(reader).index("id")
        for record in reader:
            rows += 1
            id_sum += int(record[position])
    return Dump(rows, id_sum, digest.hexdigest())


def archived_before() -> int | None:
    """The first year whose results are all still in the table: the years before it were archived (or are being
    archived) and their statistics are kept as they were computed."""
    return RESULTS.archived_before()


def submission_results(submission_id: int) -> QuerySet[Result]:
    """A submission's results, read from its months' partitions only (its span of sampling times); from every
    partition when the span is unknown (a submission stored before it was kept)."""
    first, last = Submission.objects.values_list("sampled_from", "sampled_to").get(pk=submission_id)
    results = Result.objects.filter(submission_id=submission_id)
    return results.filter(sampled_at__gte=first, sampled_at__lte=last) if first and last else results
