"""Every result carries its point's enterprise (`Result.enterprise`, the key the results would be distributed by
over several nodes): every insert path stores it, the database refuses a result whose enterprise is not its
point's, and the reads scoped to an enterprise or a point filter by it rather than joining points."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from monitoring import selectors, services
from monitoring.filters import ResultFilterSet
from monitoring.models import MonitoringPoint, Result
from monitoring.tests.helpers import make_point, row
from monitoring.tests.test_staged_ingest import good_rows, staged, submission_of
from monitoring.windows import Window, local_today
from portal.permissions import Action

pytestmark = pytest.mark.django_db


def stored_with_their_points_enterprise(submission) -> bool:
    results = Result.objects.filter(submission=submission)
    mismatched = results.exclude(enterprise_id=F("point__enterprise_id")).exists()
    return (
        results.exists()
        and not mismatched
        and set(results.values_list("enterprise_id", flat=True)) == {submission.enterprise_id}
    )


def test_an_api_or_form_submission_stores_the_points_enterprise(points, staff_a, enterprise_a, submit):
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03"), row("GW-1", "Cu", "0.02", "mg/l")])

    assert stored_with_their_points_enterprise(submission)


def test_a_file_stores_the_points_enterprise_either_way(points, staff_a, enterprise_a, monkeypatch):
    fast = submission_of(staff_a, enterprise_a, good_rows())
    assert staged(fast) == len(good_rows())
    assert stored_with_their_points_enterprise(fast)

    slow = submission_of(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), row("SOIL-1", "Zn", "1", "mg/kg")])
    monkeypatch.setattr(connection, "vendor", "row-by-row")  # bulk_create, as on SQLite
    services.submission_ingest_file(submission_id=slow.pk)
    assert stored_with_their_points_enterprise(slow)


def test_the_database_refuses_a_result_of_another_enterprise_than_its_points(
    points, staff_a, enterprise_a, enterprise_b, submit
):
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    result = Result.objects.get(submission=submission)

    # The composite foreign key (point_id, enterprise_id) to the point's (id, enterprise_id) is checked at once.
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(pk=result.pk).update(enterprise=enterprise_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        result.pk, result.enterprise = None, enterprise_b
        result.sampled_at = result.sampled_at.replace(minute=(result.sampled_at.minute + 1) % 60)
        result.save()
    # Nor does a point with results change enterprise (no service or form offers it).
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringPoint.objects.filter(pk=points["air"].pk).update(enterprise=enterprise_b)
    # A point without results may.
    MonitoringPoint.objects.filter(pk=points["soil"].pk).update(enterprise=enterprise_b)


def test_a_duplicate_is_the_same_point_pollutant_time_and_averaging(points, staff_a, enterprise_a, submit):
    first = row("AIR-1", "Cu", "0.03")
    submit(staff_a, enterprise_a, [first])

    with pytest.raises(services.RowsInvalid) as refused:
        submit(staff_a, enterprise_a, [{**first, "value": "0.04"}])
    assert [(error.row, error.field, error.code) for error in refused.value.errors] == [
        (1, "sampled_at", "already_submitted")
    ]


def test_a_scoped_read_of_results_filters_by_their_enterprise_without_joining_points(staff_a, inspector):
    staff_sql = str(Result.objects.restrict(staff_a, Action.VIEW).query)
    assert '"monitoring_result"."enterprise_id" IN' in staff_sql
    assert "monitoring_monitoringpoint" not in staff_sql

    inspector_sql = str(Result.objects.restrict(inspector, Action.VIEW).query)
    assert "monitoring_monitoringpoint" not in inspector_sql
    assert 'ON ("monitoring_result"."enterprise_id" = "registry_enterprise"."id")' in inspector_sql


def test_the_reads_of_a_points_results_name_its_enterprise(points, staff_a, enterprise_a, enterprise_b, submit):
    """The results' unique index leads with the enterprise, then the point: a read by point names both."""
    other = make_point(enterprise_b, "AIR-1", "air")  # the same code at another enterprise
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    pollutant = Result.objects.get().pollutant
    window = Window(None, local_today())

    with CaptureQueriesContext(connection) as queries:
        selectors.series(points["air"], pollutant, window, user=staff_a)
        selectors.status_matrix(MonitoringPoint.objects.filter(enterprise=enterprise_a), window, user=staff_a)
        selectors.point_latest(points["air"], user=staff_a)
    reads = [query["sql"] for query in queries.captured_queries if 'FROM "monitoring_result"' in query["sql"]]
    assert reads
    named = re.compile(rf'\."enterprise_id" (= {enterprise_a.pk}\b|IN \({enterprise_a.pk}\))')  # of any alias
    assert all(named.search(sql) for sql in reads), [sql for sql in reads if not named.search(sql)]

    by_code = str(ResultFilterSet({"point": "AIR-1"}, queryset=Result.objects.all()).qs.query)
    enterprises = sorted([enterprise_a.pk, other.enterprise_id])
    assert f'"monitoring_result"."enterprise_id" IN ({enterprises[0]}, {enterprises[1]})' in by_code
