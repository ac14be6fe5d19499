"""What the ingest benchmarks share: tasks left unsent, and where an ingest's time goes."""

import collections
import functools
import io
import multiprocessing
import resource
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.backends.utils import CursorWrapper

from monitoring import staging
from portal import tasks as portal_tasks


class Unsent:
    """A task the ingest enqueues (the statistics' refresh, messages), left to a worker of its own as in production
    rather than run inside the ingest's process; the refresh is timed on its own afterwards."""

    def apply_async(self, *args: object, **kwargs: object) -> None:
        pass


class Phases:
    """Where the ingest's time goes: each statement (by its first words), the file's reading and COPY, and the
    commits (where the deferred foreign keys are checked); what is left is Python between them."""

    def __init__(self) -> None:
        self.seconds: collections.defaultdict[str, float] = collections.defaultdict(float)

    def statement(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[" ".join(sql.split())[:90]] += time.perf_counter() - started

    def timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        return wrapper


def _ingest_in_child(ingest: Callable[[], None], queue: multiprocessing.Queue) -> None:
    connections.close_all()
    portal_tasks.registered_task = lambda name: Unsent()  # type: ignore[assignment,return-value]
    phases = Phases()
    monkey = pytest.MonkeyPatch()  # in the child only, which ends after the ingest
    monkey.setattr(
        staging, "copy_file", phases.timed("reading the file, COPY into the staging table", staging.copy_file)
    )
    monkey.setattr(connection, "commit", phases.timed("COMMIT (the deferred foreign keys' checks)", connection.commit))
    started = time.perf_counter()
    with connection.execute_wrapper(phases.statement):
        ingest()
    elapsed = time.perf_counter() - started
    queue.put((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, dict(phases.seconds)))


def ingest_in_child(ingest: Callable[[], None], *, timeout: int) -> tuple[float, float, dict[str, float]]:
    """Run `ingest` (a file task's work) in a forked process, so that its peak memory is its own, with the tasks it
    enqueues left unsent and its time split by phases; returns its seconds, peak resident MB and phases."""
    connections.close_all()
    queue: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_ingest_in_child, args=(ingest, queue))
    child.start()
    elapsed, peak_mb, phases = queue.get(timeout=timeout)
    child.join()
    return elapsed, peak_mb, phases


def copied_out(cursor: CursorWrapper, select: str) -> io.BytesIO:
    """The rows of `select` as COPY writes them (text format), in memory."""
    rows = io.BytesIO()
    with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
        for block in copy:
            rows.write(block)
    return rows


def copy_in_seconds(cursor: CursorWrapper, table: str, rows: io.BytesIO) -> float:
    """How long a COPY of `rows` (copied_out) into `table` takes, its commit (the deferred foreign keys' checks)
    included."""
    rows.seek(0)
    started = time.perf_counter()
    with transaction.atomic(), cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
        while block := rows.read(1 << 20):
            copy.write(block)
    return time.perf_counter() - started
