"""The nightly check compares the incremental aggregates with a fresh rebuild, logs every difference and repairs it;
`manage.py check_aggregates` does the same by hand, or only reports with --dry-run."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from monitoring import services as monitoring_services
from monitoring.models import MonitoringPoint
from monitoring.reference import load_monitoring_reference
from portal import cache_tags
from registry.returns.reference import load_waste_codes
from reports import aggregates, tasks
from reports.aggregates import check_against_rebuild
from reports.models import DirtyAggregate, MonitoringAggregate, WasteAggregate
from reports.tests.test_aggregates import MONITORING_FIELDS, WASTE_FIELDS, accept, line, snapshot


@pytest.fixture
def figures(db, enterprise_a, enterprise_b, staff_a, staff_b, inspector, django_capture_on_commit_callbacks):
    """Two accepted returns, refreshed: 130 t generated in 2023 and 40 t in 2022."""
    load_waste_codes()
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff_a, inspector, enterprise_a, 2023, [line("10 06 03", None, "amber", "0", "130", "0")])
        accept(staff_b, inspector, enterprise_b, 2022, [line("10 01 01", None, "", "0", "40", "0")])
    assert not DirtyAggregate.objects.exists()
    return snapshot(WasteAggregate, WASTE_FIELDS)


@pytest.fixture
def tampered(figures, region):
    """One figure changed, one row lost, one row that no return supports."""
    WasteAggregate.objects.filter(year=2023).update(generated=Decimal("13"))
    WasteAggregate.objects.filter(year=2022).delete()
    WasteAggregate.objects.create(
        year=2021, region=region, hazard_level="red", held=5, generated=5, received=0, recycled=0, disposed=0,
        transferred=0,
    )  # fmt: skip
    return figures


def test_a_clean_table_reports_nothing_and_keeps_the_cache(figures, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert check_against_rebuild(repair=True) == []
    assert callbacks == []  # no cache tag bumped
    out = StringIO()
    call_command("check_aggregates", "--dry-run", stdout=out)
    assert out.getvalue() == "The aggregates match a rebuild.\n"


def test_a_tampered_table_is_reported_logged_and_repaired(tampered, region, caplog, django_capture_on_commit_callbacks):
    repaired = [cache_tags.figures("waste", year, region.iso_code) for year in (2021, 2022, 2023)]
    untouched = [cache_tags.figures("waste", 2020, region.iso_code), cache_tags.figures("monitoring", 2023, None)]
    tags = repaired + untouched
    versions = cache_tags.versions(tuple(tags), cache.get_many(cache_tags.version_keys(tags)))
    with django_capture_on_commit_callbacks(execute=True):
        differences = check_against_rebuild(repair=True)

    key = {"region_id": region.pk, "deposit_kind": ""}
    nothing_else = {"received": 0, "recycled": 0, "disposed": 0, "transferred": 0}
    assert [(d.kind, d.key, d.incremental, d.rebuilt, d.awaiting_refresh) for d in differences] == [
        (
            "waste",
            {"year": 2021, "hazard_level": "red", **key},
            {"held": 5, "generated": 5, **nothing_else},
            None,
            False,
        ),
        (
            "waste",
            {"year": 2022, "hazard_level": "", **key},
            None,
            {"held": 40, "generated": 40, **nothing_else},
            False,
        ),
        ("waste", {"year": 2023, "hazard_level": "amber", **key}, {"generated": 13}, {"generated": 130}, False),
    ]
    assert snapshot(WasteAggregate, WASTE_FIELDS) == tampered
    now = cache_tags.versions(tuple(tags), cache.get_many(cache_tags.version_keys(tags)))
    # The years and region repaired are dropped from the cache, nothing else.
    assert [old != new for old, new in zip(versions, now, strict=True)] == [True, True, True, False, False]
    logged = [record.getMessage() for record in caplog.records if record.name.startswith("reports.aggregates")]
    assert logged[2] == (
        f"aggregate differs from a rebuild (repaired): waste year=2023 region_id={region.pk} hazard_level='amber' "
        "deposit_kind='': generated: 13.000 in the table, 130.000 rebuilt"
    )
    assert "waste year=2022" in logged[1] and "missing from the table; rebuilt: held=40.000" in logged[1]
    assert "waste year=2021" in logged[0] and "not in a rebuild; table: held=5.000" in logged[0]
    assert check_against_rebuild(repair=True) == []


def test_a_dry_run_reports_without_repairing_and_fails(tampered):
    before = snapshot(WasteAggregate, WASTE_FIELDS)
    out = StringIO()
    with pytest.raises(CommandError, match="3 aggregate rows differ from a rebuild; nothing repaired") as raised:
        call_command("check_aggregates", "--dry-run", stdout=out)
    assert raised.value.returncode == 1
    assert len(out.getvalue().splitlines()) == 3
    assert "generated: 13.000 in the table, 130.000 rebuilt" in out.getvalue()
    assert snapshot(WasteAggregate, WASTE_FIELDS) == before


def test_the_command_and_the_nightly_task_repair(tampered):
    out = StringIO()
    call_command("check_aggregates", stdout=out)
    assert out.getvalue().endswith("3 aggregate rows repaired.\n")
    assert snapshot(WasteAggregate, WASTE_FIELDS) == tampered

    WasteAggregate.objects.filter(year=2023).update(held=Decimal("1"))
    assert tasks.check_aggregates() == 1
    assert snapshot(WasteAggregate, WASTE_FIELDS) == tampered


def test_a_difference_awaiting_its_refresh_says_so_and_its_mark_is_cleared(figures, region, monkeypatch):
    monkeypatch.setattr(aggregates.refresh, "enqueue", lambda *args: None)  # the refresh does not run
    WasteAggregate.objects.filter(year=2023).update(generated=Decimal("13"))
    aggregates.mark_dirty("waste", [(2023, region.pk)])
    (difference,) = check_against_rebuild(repair=False)
    assert difference.awaiting_refresh
    assert str(difference).endswith("generated: 13.000 in the table, 130.000 rebuilt (awaiting refresh)")
    assert DirtyAggregate.objects.exists()

    assert len(check_against_rebuild(repair=True)) == 1
    assert not DirtyAggregate.objects.exists()  # the rebuild covered it
    assert snapshot(WasteAggregate, WASTE_FIELDS) == figures


def test_means_are_compared_within_float_rounding(enterprise_a, staff_a, django_capture_on_commit_callbacks):
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
    expected = snapshot(MonitoringAggregate, MONITORING_FIELDS)

    MonitoringAggregate.objects.filter(pk=row.pk).update(mean=row.mean * (1 + 1e-12))  # summed in another order
    assert check_against_rebuild(repair=False) == []

    MonitoringAggregate.objects.filter(pk=row.pk).update(mean=row.mean * 1.01, exceeding=0)
    (difference,) = check_against_rebuild(repair=True)
    assert (difference.kind, set(difference.rebuilt)) == ("monitoring", {"mean", "exceeding"})
    assert snapshot(MonitoringAggregate, MONITORING_FIELDS) == expected
