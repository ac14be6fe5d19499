"""With a real Redis and a real Celery worker: a broker outage loses no submission, and a worker killed
in the middle of an evaluation loses no alert and duplicates none once its lease has run out and a worker runs
again."""

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from monitoring import services
from monitoring.models import Alert, MonitoringPoint, Result, Submission
from monitoring.reference import load_monitoring_reference
from portal.models import OutboxMessage
from portal.tests.worker import ROOT, database_url_for_subprocess, start_worker, wait_for
from registry.tests.factories import EnterpriseFactory, InspectorAssignmentFactory, MembershipFactory

EXCEEDING = [
    {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-05-0{day}T10:00:00+05:00", "value": "0.05",
     "unit": "mg/m3", "averaging": "daily"}
    for day in range(1, 4)
] + [{"point": "AIR-1", "pollutant": "Pb", "sampled_at": "2024-05-01T10:00:00+05:00", "value": "0.01",
      "unit": "mg/m3", "averaging": "daily"}]  # fmt: skip


@pytest.fixture
def site(transactional_db):
    load_monitoring_reference()
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise).user
    inspectors = [InspectorAssignmentFactory(region=enterprise.region).user for _ in range(2)]
    point = MonitoringPoint.objects.create(
        enterprise=enterprise, code="AIR-1", medium="air", latitude="46.84", longitude="74.98"
    )
    return enterprise, staff, inspectors, point


def test_submission_is_kept_while_the_broker_is_down_and_evaluated_by_the_sweep(site, celery_worker):
    enterprise, staff, inspectors, point = site
    # The web process, as if Redis were down: its broker is a port where nothing listens.
    script = textwrap.dedent(f"""
        import django, json
        django.setup()
        from monitoring import services
        from portal.models import User
        from registry.models import Enterprise
        rows = json.loads({json.dumps(EXCEEDING)!r})
        submission = services.submission_create(
            actor=User.objects.get(pk={staff.pk}), enterprise=Enterprise.objects.get(pk={enterprise.pk}), rows=rows)
        print(submission.pk)
    """)
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
           "DJANGO_SETTINGS_MODULE": "portal.settings"}  # fmt: skip
    started = time.monotonic()
    web = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert web.returncode == 0, web.stderr
    assert time.monotonic() - started < 30
    assert "left to the sweep" in web.stderr
    submission = Submission.objects.get(pk=int(web.stdout.split()[-1]))
    assert submission.status == "received"
    assert Result.objects.filter(submission=submission).count() == len(EXCEEDING)

    # The broker is back (the worker's): the periodic sweep enqueues what was left.
    assert services.submissions_sweep_unevaluated(older_than_seconds=0) == [submission.pk]
    assert wait_for(lambda: Submission.objects.get(pk=submission.pk).status == "processed")
    assert Alert.objects.filter(point=point).count() == 2
    assert OutboxMessage.objects.filter(channel="email").count() == 2 * len(inspectors)


def _waiting_on_alert_insert() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
            ['%INSERT INTO "monitoring_alert"%'],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_evaluation_loses_no_alert_and_duplicates_none(site, celery_worker):
    enterprise, staff, inspectors, point = site
    # Another transaction holds an uncommitted alert for the same point and pollutant, so the worker's
    # evaluation stops half-way: results already classified, alerts not yet written.
    blocker = psycopg.connect(database_url_for_subprocess())
    blocker.execute(
        "INSERT INTO monitoring_alert (enterprise_id, kind, point_id, pollutant_id, status, severity, persistent,"
        " opened_at, result_count)"
        " SELECT %s, 'exceedance', %s, id, 'new', 1, false, now(), 0 FROM monitoring_pollutant WHERE code = 'Cu'",
        [enterprise.pk, point.pk],
    )
    submission = services.submission_create(actor=staff, enterprise=enterprise, rows=EXCEEDING)
    assert wait_for(_waiting_on_alert_insert)

    celery_worker.kill()
    blocker.rollback()
    blocker.close()
    assert Submission.objects.get(pk=submission.pk).status == "processing"
    assert not Alert.objects.exists()
    # The dead worker's lease holds until it runs out: the sweep leaves the submission alone until then.
    assert services.submissions_sweep_unevaluated(older_than_seconds=0) == []
    Submission.objects.filter(pk=submission.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    replacement = start_worker(celery_worker.queue)
    try:
        assert services.submissions_sweep_unevaluated(older_than_seconds=0) == [submission.pk]
        assert wait_for(lambda: Submission.objects.get(pk=submission.pk).status == "processed")
        # Run it once more through the worker: nothing changes.
        services.submissions_sweep_unevaluated(older_than_seconds=0)
        services.submission_evaluate(submission_id=submission.pk)
    finally:
        replacement.process.terminate()
        replacement.process.wait(timeout=20)

    alerts = Alert.objects.filter(point=point)
    assert alerts.count() == 2
    assert sorted(alerts.values_list("result_count", flat=True)) == [1, 3]
    assert Result.objects.filter(submission=submission, alert__isnull=True).count() == 0
    assert OutboxMessage.objects.filter(channel="email").count() == 2 * len(inspectors)
