"""A statistics update is never lost: a mark touched while a refresh computes survives that refresh, and the writers
of the aggregates take turns (two database connections, two threads)."""

import threading
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection

from registry.returns import services
from registry.returns.reference import load_waste_codes
from reports import aggregates
from reports.models import DirtyAggregate, WasteAggregate
from reports.tests.test_aggregates import WASTE_FIELDS, line, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target: Callable[[], object]) -> tuple[threading.Thread, list]:
    """Run `target` on its own database connection; its outcome (result or exception) lands in the list."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as exc:  # handed to the test
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def submitted(staff, enterprise, generated: str):
    waste_return = services.return_create(
        actor=staff, enterprise=enterprise, year=2023, lines=[line("10 06 03", None, "amber", "0", generated, "0")]
    )
    version = waste_return.current
    assert version is not None
    confirmations = {w.key: "test" for w in services.current_warnings(version)}
    return services.return_submit(actor=staff, version=version, confirmations=confirmations)


@pytest.fixture
def paused_refresh(monkeypatch):
    """The first waste recompute in a thread of the test stops once it has computed its rows, before it writes
    them, until released."""
    computed, release = threading.Event(), threading.Event()
    figures, *others = aggregates.KINDS["waste"]

    def rows_then_wait(year: int | None, region_id: int | None) -> list[WasteAggregate]:
        result = figures.rows(year, region_id)
        if threading.current_thread() is not threading.main_thread() and not computed.is_set():
            computed.set()
            assert release.wait(10), "the test did not release the refresh"
        return result

    monkeypatch.setitem(aggregates.KINDS, "waste", (replace(figures, rows=rows_then_wait), *others))
    return computed, release


@pytest.fixture
def refreshes_requested(monkeypatch):
    """The test runs the refreshes itself; what was asked for is recorded."""
    requested: list[str] = []
    monkeypatch.setattr(aggregates.refresh, "enqueue", lambda name, *args: requested.append(name))
    return requested


def test_a_return_accepted_while_a_refresh_computes_is_not_lost(
    paused_refresh, refreshes_requested, region, enterprise_a, enterprise_b, staff_a, staff_b, inspector
):
    computed, release = paused_refresh
    load_waste_codes()
    services.return_accept(actor=inspector, version=submitted(staff_a, enterprise_a, "130"))
    second = submitted(staff_b, enterprise_b, "130")
    assert DirtyAggregate.objects.filter(kind="waste", year=2023, region=region).exists()

    # The refresh claims the mark and computes 130 t; meanwhile, on another connection, the second return is
    # accepted and committed, and its acceptance touches the same mark; then the refresh writes and commits.
    refresh, refreshed = in_thread(aggregates.refresh_dirty)
    assert computed.wait(10)
    services.return_accept(actor=inspector, version=second)
    release.set()
    refresh.join(10)
    assert refreshed == [1]
    assert WasteAggregate.objects.get().generated == Decimal("130")

    # The touched mark survived the refresh that had claimed it, and a refresh was asked for: it gives 260 t.
    assert DirtyAggregate.objects.filter(kind="waste", year=2023, region=region).exists()
    assert refreshes_requested
    assert aggregates.refresh_dirty() == 1
    assert not DirtyAggregate.objects.exists()
    assert WasteAggregate.objects.get().generated == Decimal("260")
    incremental = snapshot(WasteAggregate, WASTE_FIELDS)
    aggregates.rebuild_all()
    assert snapshot(WasteAggregate, WASTE_FIELDS) == incremental


def test_the_check_waits_for_a_running_refresh(
    paused_refresh, refreshes_requested, enterprise_a, enterprise_b, staff_a, staff_b, inspector
):
    computed, release = paused_refresh
    load_waste_codes()
    services.return_accept(actor=inspector, version=submitted(staff_a, enterprise_a, "130"))
    aggregates.refresh_dirty()
    services.return_accept(actor=inspector, version=submitted(staff_b, enterprise_b, "130"))

    # Had the check compared while the refresh was computing, it would have seen 130 t against a rebuild's 260 t
    # and "repaired" it, or, having rebuilt first, written its figures over the refresh's newer ones.
    refresh, refreshed = in_thread(aggregates.refresh_dirty)
    assert computed.wait(10)
    check, checked = in_thread(lambda: aggregates.check_against_rebuild(repair=True))
    check.join(1)
    assert check.is_alive(), "the check waits for the refresh to commit"
    release.set()
    refresh.join(10)
    check.join(10)
    assert (refreshed, checked) == ([1], [[]])
    assert WasteAggregate.objects.get().generated == Decimal("260")
