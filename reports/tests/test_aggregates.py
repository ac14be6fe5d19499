"""Accepted returns and evaluated results reach the aggregates at once, and the incremental path and the full
rebuild give identical tables."""

from decimal import Decimal

import pytest

from monitoring import services as monitoring_services
from monitoring.models import MonitoringPoint
from monitoring.reference import load_monitoring_reference
from registry.returns import services
from registry.returns.reference import load_waste_codes
from registry.tests.factories import DepositFactory
from reports.aggregates import rebuild_all
from reports.models import DirtyAggregate, MonitoringAggregate, WasteAggregate

WASTE_FIELDS = ("year", "region_id", "hazard_level", "deposit_kind", "held", "generated", "received", "recycled",
                "disposed", "transferred")  # fmt: skip
MONITORING_FIELDS = ("year", "region_id", "pollutant_code", "medium", "unit", "results", "mean", "maximum",
                     "exceeding", "high", "extreme", "points", "enterprises")  # fmt: skip


def snapshot(model, fields):
    return sorted(model.objects.values_list(*fields))


def line(code, deposit, level, opening, generated, recycled):
    closing = Decimal(opening) + Decimal(generated) - Decimal(recycled)
    return {"waste_code": code, "storage_deposit": deposit, "hazard_level": level, "opening": opening,
            "generated": generated, "recycled": recycled, "closing": str(closing)}  # fmt: skip


def accept(staff, inspector, enterprise, year, lines, confirm=True):
    waste_return = services.return_create(actor=staff, enterprise=enterprise, year=year, lines=lines)
    version = waste_return.current
    confirmations = {w.key: "test" for w in services.current_warnings(version)}
    services.return_submit(actor=staff, version=version, confirmations=confirmations)
    services.return_accept(actor=inspector, version=version)
    return waste_return


@pytest.fixture
def codes(db):
    load_waste_codes()


def test_accepting_a_return_updates_its_region_at_once_and_matches_the_rebuild(
    codes, enterprise_a, enterprise_b, staff_a, staff_b, inspector, django_capture_on_commit_callbacks
):
    slag = DepositFactory(operator=enterprise_a, kind="chemical_metallurgical", subkind="slag").pk
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff_a, inspector, enterprise_a, 2022, [line("10 06 01", slag, "", "100", "50", "10")])
    (row,) = WasteAggregate.objects.all()
    assert (row.held, row.generated, row.deposit_kind) == (Decimal("140"), Decimal("50"), "chemical_metallurgical")

    with django_capture_on_commit_callbacks(execute=True):
        accept(staff_b, inspector, enterprise_b, 2022, [line("10 06 03", None, "amber", "0", "7", "0")])
        accept(staff_a, inspector, enterprise_a, 2023, [line("10 06 01", slag, "", "140", "60", "0")])
    assert not DirtyAggregate.objects.exists()
    incremental = snapshot(WasteAggregate, WASTE_FIELDS)
    assert len(incremental) == 3

    rebuild_all()
    assert snapshot(WasteAggregate, WASTE_FIELDS) == incremental


def test_a_correction_replaces_the_figures_of_its_year(
    codes, enterprise_a, staff_a, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waste_return = accept(staff_a, inspector, enterprise_a, 2022, [line("10 06 03", None, "amber", "0", "5", "0")])
        version = services.return_correct(actor=staff_a, waste_return=waste_return)
        services.draft_replace_lines(
            actor=staff_a, version=version, lines=[line("10 06 03", None, "amber", "0", "9", "0")]
        )
        confirmations = {w.key: "test" for w in services.current_warnings(version)}
        services.return_submit(actor=staff_a, version=version, confirmations=confirmations)
        services.return_accept(actor=inspector, version=version)
    assert WasteAggregate.objects.get().held == Decimal("9")
    incremental = snapshot(WasteAggregate, WASTE_FIELDS)
    rebuild_all()
    assert snapshot(WasteAggregate, WASTE_FIELDS) == incremental


def test_evaluated_results_reach_the_monitoring_aggregates(enterprise_a, staff_a, django_capture_on_commit_callbacks):
    load_monitoring_reference()
    MonitoringPoint.objects.create(
        enterprise=enterprise_a, code="AIR-1", medium="air", latitude="46.84", longitude="74.98"
    )
    rows = [
        {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-0{m}-01T10:00:00+05:00", "value": value,
         "unit": "mg/m3", "averaging": "daily"}
        for m, value in ((1, "0.001"), (2, "0.03"), (3, "0.2"))
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.submission_create(actor=staff_a, enterprise=enterprise_a, rows=rows)
    row = MonitoringAggregate.objects.get()
    assert (row.results, row.exceeding, row.high, row.extreme, row.points, row.enterprises) == (3, 2, 1, 1, 1, 1)
    assert row.maximum == pytest.approx(0.2)
    incremental = snapshot(MonitoringAggregate, MONITORING_FIELDS)
    rebuild_all()
    assert snapshot(MonitoringAggregate, MONITORING_FIELDS) == incremental
