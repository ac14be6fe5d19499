"""With a real Redis and a real Celery worker: a report whose worker is killed in the middle is held by its lease until
it runs out, tried again by the sweep, failed with its error once the configured attempts are used up (and never
tried again after that), and made once when an administrator retries it."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.tests.factories import UserFactory
from portal.tests.worker import database_url_for_subprocess, start_worker, wait_for
from registry.tests.factories import RegionFactory
from reports import services
from reports.models import PublishedSeries, PublishedValue, RegionalReport
from reports.selectors import REGIONAL_SERIES


@pytest.fixture
def two_attempts(tmp_path, settings, monkeypatch):
    """TASK_MAX_ATTEMPTS=2 here and in the workers, which inherit the environment, as does the media folder."""
    monkeypatch.setenv("TASK_MAX_ATTEMPTS", "2")
    settings.TASK_MAX_ATTEMPTS = 2
    monkeypatch.setenv("QALDYQ_VAR_DIR", str(tmp_path / "var"))
    settings.MEDIA_ROOT = tmp_path / "var" / "media"


def claimed(report: RegionalReport, attempt: int) -> bool:
    current = RegionalReport.objects.get(pk=report.pk)
    return (current.status, current.attempts) == ("running", attempt)


def run_out(report: RegionalReport) -> None:
    """As if TASK_LEASE_SECONDS had passed since the dead worker's last renewal."""
    RegionalReport.objects.filter(pk=report.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


def test_a_report_killed_at_every_attempt_fails_after_the_configured_attempts_then_is_retried_and_made_once(
    two_attempts, transactional_db, celery_worker, web
):
    administrator = UserFactory(role=User.Role.ADMINISTRATOR)
    region = RegionFactory()
    series = PublishedSeries.objects.create(code=REGIONAL_SERIES, title="Hazardous waste held", source="Bureau")
    PublishedValue.objects.create(
        series=series, indicator="held", region=region, year=2023, value=Decimal("12.5"), unit="thousand tonnes"
    )
    # Another transaction locks the published figures the report reads first: every attempt stops there. It is
    # released in `finally`, so that a failing assertion cannot leave the test database locked at teardown.
    blocker = psycopg.connect(database_url_for_subprocess())
    blocker.execute("LOCK TABLE reports_publishedvalue IN ACCESS EXCLUSIVE MODE")
    try:
        report = services.report_request(actor=administrator, region=region, year=2023, language="en")
        _attempts_killed_until_failed(report, celery_worker, web, administrator)
    finally:
        blocker.rollback()
        blocker.close()
    third = start_worker(celery_worker.queue)
    try:
        response = web(administrator).post(
            reverse("admin:reports_regionalreport_changelist"),
            {"action": "retry", "_selected_action": [report.pk], "index": 0},
        )
        assert response.status_code == 302
        assert wait_for(lambda: RegionalReport.objects.get(pk=report.pk).status == "done")
    finally:
        third.process.terminate()
        third.process.wait(timeout=20)

    report.refresh_from_db()
    assert (report.attempts, report.error_code, report.lease_until, report.progress) == (1, "", None, 100)
    assert [path.name for path in Path(settings.MEDIA_ROOT).rglob("*.pdf")] == [Path(report.file.name).name]


def _attempts_killed_until_failed(report, celery_worker, web, administrator):
    assert wait_for(lambda: claimed(report, 1))
    assert services.reports_sweep(older_than_seconds=0) == []  # held by its worker
    celery_worker.kill()
    run_out(report)
    second = start_worker(celery_worker.queue)
    try:
        assert services.reports_sweep(older_than_seconds=0) == [report.pk]
        assert wait_for(lambda: claimed(report, 2))
        assert RegionalReport.objects.get(pk=report.pk).error_code == "interrupted"
    finally:
        second.kill()
    run_out(report)

    assert services.reports_sweep(older_than_seconds=0) == []
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error_code) == ("failed", 2, "interrupted")
    assert services.reports_sweep(older_than_seconds=0) == []
    page = web(administrator).get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "The work stopped before it finished: the worker doing it was stopped or lost." in page
    assert "Given up after 2 attempts." in page
