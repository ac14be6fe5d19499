"""With a real Redis and a real Celery worker: a worker killed while it reads a file keeps the file leased until the
lease runs out, the sweep leaves it alone until then, and a worker started afterwards reads it once."""

import csv
import io
from datetime import timedelta

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from monitoring import services
from monitoring.ingest import COLUMNS
from monitoring.models import Alert, MonitoringPoint, Result, Submission
from monitoring.reference import load_monitoring_reference
from portal.tests.worker import database_url_for_subprocess, start_worker, wait_for
from registry.tests.factories import EnterpriseFactory, MembershipFactory

ROWS = [
    {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-05-0{day}T10:00:00+05:00", "value": "0.05",
     "unit": "mg/m3", "averaging": "daily"}
    for day in range(1, 6)
] + [{"point": "AIR-1", "pollutant": "Pb", "sampled_at": "2024-05-01T10:00:00+05:00", "value": "0.01",
      "unit": "mg/m3", "averaging": "daily"}]  # fmt: skip


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch):
    """The worker reads the uploaded file from the test's media folder (it inherits the environment)."""
    monkeypatch.setenv("QALDYQ_VAR_DIR", str(tmp_path / "var"))
    settings.MEDIA_ROOT = tmp_path / "var" / "media"


def csv_upload(rows: list[dict]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("results.csv", buffer.getvalue().encode(), content_type="text/csv")


def waiting_on(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query ILIKE %s",
            [f"%{table}%"],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_ingest_leaves_the_file_leased_and_the_next_worker_reads_it_once(
    shared_media, transactional_db, celery_worker
):
    load_monitoring_reference()
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise).user
    MonitoringPoint.objects.create(enterprise=enterprise, code="AIR-1", medium="air", latitude="46.8", longitude="75")
    # Another transaction locks the results table, so the worker stops half-way through the file: read and
    # checked, not yet stored.
    blocker = psycopg.connect(database_url_for_subprocess())
    blocker.execute("LOCK TABLE monitoring_result IN ACCESS EXCLUSIVE MODE")
    submission = services.submission_from_file(actor=staff, enterprise=enterprise, upload=csv_upload(ROWS))
    assert wait_for(lambda: waiting_on("monitoring_result"))

    leased = Submission.objects.get(pk=submission.pk)
    assert (leased.status, leased.attempts) == ("processing", 1)
    assert leased.lease_until > timezone.now()
    assert services.submissions_sweep_unevaluated(older_than_seconds=0) == []  # the worker holds it

    celery_worker.kill()
    blocker.rollback()
    blocker.close()
    # Dead, the worker renews nothing: the lease runs out (here, at once) and only then is the file read again.
    assert services.submissions_sweep_unevaluated(older_than_seconds=0) == []
    Submission.objects.filter(pk=submission.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    replacement = start_worker(celery_worker.queue)
    try:
        assert services.submissions_sweep_unevaluated(older_than_seconds=0) == [submission.pk]
        assert wait_for(lambda: Submission.objects.get(pk=submission.pk).status == "processed")
        assert services.submissions_sweep_unevaluated(older_than_seconds=0) == []
    finally:
        replacement.process.terminate()
        replacement.process.wait(timeout=20)

    submission.refresh_from_db()
    assert (submission.status, submission.attempts, submission.error_code) == ("processed", 2, "")
    assert (submission.rows_done, Result.objects.filter(submission=submission).count()) == (len(ROWS), len(ROWS))
    assert sorted(Alert.objects.values_list("pollutant__code", "result_count")) == [("Cu", 5), ("Pb", 1)]
