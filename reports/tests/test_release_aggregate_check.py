"""The check against a rebuild covers the release totals and their coverage: drift is found, named, and repaired
(`manage.py check_aggregates`, `rebuild_aggregates`)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.aggregates import check_against_rebuild
from reports.models import ReleaseAggregate, ReleaseCoverage
from reports.tests.test_release_aggregates import coverage, report, thresholds, totals  # noqa: F401 (a fixture)


@pytest.fixture
def refreshed(thresholds, enterprise_a, enterprise_b, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_a, 2023, ("SOx", "air", "300000"), ("Pb", "air", "500"))
        report(enterprise_b, 2023, ("SOx", "air", "200000"))
    return totals(), coverage()


def test_drift_in_the_release_tables_is_found_and_repaired(refreshed, region):
    ReleaseAggregate.objects.filter(substance__code="SOx").update(kg_per_year=Decimal("1"))
    ReleaseAggregate.objects.filter(substance__code="Pb").delete()
    ReleaseCoverage.objects.update(expected=7)

    out = StringIO()
    with pytest.raises(CommandError, match="3 aggregate rows differ"):
        call_command("check_aggregates", "--dry-run", stdout=out)
    found = out.getvalue()
    assert "releases year=2023" in found and "kg_per_year: 1.000 in the table, 500000.000 rebuilt" in found
    assert "missing from the table" in found
    assert "release coverage year=2023" in found and "expected: 7 in the table, 2 rebuilt" in found

    differences = check_against_rebuild(repair=True)
    assert {(difference.kind, difference.table) for difference in differences} == {
        ("releases", "releases"), ("releases", "release coverage"),
    }  # fmt: skip
    assert (totals(), coverage()) == refreshed
    assert check_against_rebuild(repair=False) == []


def test_the_full_rebuild_recomputes_the_release_tables(refreshed):
    ReleaseAggregate.objects.all().delete()
    ReleaseCoverage.objects.all().delete()
    call_command("rebuild_aggregates", stdout=StringIO())
    assert (totals(), coverage()) == refreshed
