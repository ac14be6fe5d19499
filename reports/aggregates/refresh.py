"""Recompute, mark, refresh and rebuild: the writers of the aggregate tables, taking turns."""

import logging
from collections.abc import Iterable

from django.db import connection, transaction

from portal.tasks import enqueue
from reports import invalidation
from reports.aggregates.tables import KINDS, _clear, _recomputable, _scope
from reports.models import (
    DirtyAggregate,
    DirtyMonitoringCell,
)

logger = logging.getLogger(__name__)

# Every writer of the aggregate tables (a mark's refresh, the full rebuild, the check against a rebuild) holds this
# PostgreSQL advisory lock until it commits, so that they take turns: two recomputes of one year and region would
# collide on the tables' unique keys, and a check that computed its rebuild before a refresh committed would
# "repair" the refresh's newer figures with older ones. Marking never takes it, so it never waits for a refresh.
WRITERS_LOCK = 0x7161_6C64_7961_6767  # "qaldyagg"


def _writers_take_turns() -> None:
    """Wait for the other writers of the aggregates; held until the current transaction ends. SQLite (the embedded
    default) has one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])


@transaction.atomic
def recompute(kind: str, *, year: int | None = None, region_id: int | None = None) -> int:
    """Delete and recompute the aggregate rows of one year and region (all of them when both are None) in every
    table of the kind; returns how many rows the kind's first table has. The caller holds the writers' lock in its
    transaction."""
    counts = []
    before = invalidation.snapshot(KINDS[kind], year, region_id)  # the cache drops only what changes
    for aggregate in KINDS[kind]:
        if aggregate.sources is not None:
            aggregate.sources(year)
        region = region_id if aggregate.by_region else None
        rows = aggregate.model._default_manager
        _scope(_recomputable(aggregate, rows.all()), "year", "region_id", year, region).delete()
        counts.append(len(rows.bulk_create(aggregate.rows(year, region))))
    invalidation.recomputed(kind, KINDS[kind], year, region_id, before)
    return counts[0]


def _marks() -> list[tuple[int, int]]:
    return list(DirtyAggregate.objects.values_list("pk", "generation"))


def rebuild_all() -> dict[str, int]:
    """Recompute every aggregate (`manage.py rebuild_aggregates`, the demo data)."""
    with transaction.atomic():
        _writers_take_turns()
        marks = _marks()
        counts = {kind: recompute(kind) for kind in KINDS}
        _clear(DirtyAggregate, marks)
    return counts


def mark_dirty(kind: str, periods: list[tuple[int, int]], *, cells: Iterable[tuple[int, int, int]] = ()) -> None:
    """Remember what changed and ask for one refresh; a burst of marks is served by one task run.

    Called once the change is committed (on commit of the accepting or evaluating transaction), or in its
    transaction: a refresh that sees this mark's generation computes from data that include the change. A new mark
    is inserted; an existing one, even one a refresh is computing from, gets a new generation, in one statement
    that never waits for a refresh's computation (at most for the commit of a refresh deleting the mark, and then
    it inserts a new one). Sorted, so that two markers lock the rows in the same order.

    `cells`: the (year, point, pollutant) of monitoring results changed, marked first: a refresh that sees the
    periods' marks sees them too (`_refresh_cells`).
    """
    rows = sorted(set(periods))
    if not rows:
        return
    table = connection.ops.quote_name(DirtyAggregate._meta.db_table)
    with connection.cursor() as cursor:
        if marked := sorted(set(cells)):
            cell_table = connection.ops.quote_name(DirtyMonitoringCell._meta.db_table)
            cursor.execute(
                f"INSERT INTO {cell_table} (year, point_id, pollutant_id, generation) VALUES "
                + ", ".join(["(%s, %s, %s, 1)"] * len(marked))
                + f" ON CONFLICT (year, point_id, pollutant_id) DO UPDATE SET generation = {cell_table}.generation + 1",
                [value for cell in marked for value in cell],
            )
        cursor.execute(
            f"INSERT INTO {table} (kind, year, region_id, generation) VALUES "
            + ", ".join(["(%s, %s, %s, 1)"] * len(rows))
            + f" ON CONFLICT (kind, year, region_id) DO UPDATE SET generation = {table}.generation + 1",
            [value for year, region_id in rows for value in (kind, year, region_id)],
        )
    enqueue("reports.tasks.refresh_aggregates")


def sweep_marks() -> bool:
    """Beat, every minute: marks left behind ask for a refresh again. A refresh holds the writers' lock for its
    transaction, which PostgreSQL releases when its worker dies, so a mark outlives only a lost enqueue (broker
    down) or a killed refresh; a refresh enqueued twice waits its turn and finds nothing more to do."""
    if not DirtyAggregate.objects.exists():
        return False
    enqueue("reports.tasks.refresh_aggregates")
    return True


def refresh_dirty() -> int:
    """Recompute every marked (kind, year, region), one mark per transaction; returns how many were recomputed.

    The order inside each transaction is what keeps every update (READ COMMITTED: each statement reads the data
    committed when it starts):
    1. take the writers' lock: a concurrent refresh of the same mark, the rebuild and the check wait, or have
       committed;
    2. read the mark and its generation (it may be gone: another refresh cleared it meanwhile);
    3. recompute: statements that start after step 2, so they read every change committed before the mark had
       that generation, since each change is committed before (or with) its mark;
    4. delete the mark only if its generation is still the one read in step 2. A change marked after step 2
       gave the mark a new generation: the mark stays, and the refresh that marking asked for recomputes it.
    Writing the figures and deleting the mark commit together: a worker stopped before the commit leaves both.
    """
    refreshed = 0
    for pk in DirtyAggregate.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            _writers_take_turns()
            mark = DirtyAggregate.objects.filter(pk=pk).first()
            if mark is None:
                continue
            recompute(mark.kind, year=mark.year, region_id=mark.region_id)
            _clear(DirtyAggregate, [(mark.pk, mark.generation)])
            refreshed += 1
    return refreshed
