"""Making a regional report under a lease (portal.leases): each step of progress renews it, a report held by a worker
is not made twice, a failing report is tried TASK_MAX_ATTEMPTS times and then failed with its error on its page,
and an administrator, only, queues it again."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal import leases
from reports import pdf, services
from reports.models import RegionalReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(region, inspector, settings, tmp_path) -> RegionalReport:
    settings.MEDIA_ROOT = str(tmp_path)
    return RegionalReport.objects.create(region=region, year=2023, language="en", requested_by=inspector)


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(services, "enqueue", lambda *args: calls.append(args))
    return calls


def test_each_step_of_progress_renews_the_lease(report, monkeypatch, settings):
    settings.TASK_LEASE_SECONDS = 60
    seen: list[tuple] = []

    def fake_pdf(report, *, generated_at, progress) -> bytes:
        for percent in (30, 60, 90):
            RegionalReport.objects.filter(pk=report.pk).update(lease_until=timezone.now())  # nearly run out
            progress(percent)
            seen.append(RegionalReport.objects.values_list("progress", "lease_until").get(pk=report.pk))
        return b"%PDF-1.4"

    monkeypatch.setattr(pdf, "regional_report", fake_pdf)

    services.report_generate(report_id=report.pk)

    assert [percent for percent, _until in seen] == [30, 60, 90]
    assert all(until > timezone.now() + timedelta(seconds=50) for _percent, until in seen)
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts, report.lease_until) == ("done", 100, 1, None)


def test_a_report_held_by_a_worker_is_left_to_it_until_its_lease_runs_out(report, enqueued, monkeypatch):
    monkeypatch.setattr(pdf, "regional_report", lambda *args, **kwargs: pytest.fail("made twice"))
    held = leases.claim(RegionalReport, report.pk)
    assert held is not None

    services.report_generate(report_id=report.pk)  # a second delivery of the task
    assert services.reports_sweep(older_than_seconds=0) == []

    RegionalReport.objects.filter(pk=report.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert services.reports_sweep(older_than_seconds=0) == [report.pk]
    assert enqueued == [("reports.tasks.generate_report", report.pk)]


def test_a_failing_report_is_tried_three_times_then_failed_with_its_error_on_its_page(
    report, inspector, web, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs) -> bytes:
        raise ValueError("no font")

    monkeypatch.setattr(pdf, "regional_report", broken)

    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error_code) == ("queued", 1, "exception")
    page = web(inspector).get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "The work failed: ValueError: no font" in page
    assert "Attempts so far: 1 of 3; the work is tried again." in page

    for _minute in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            services.reports_sweep(older_than_seconds=0)

    report.refresh_from_db()
    assert (report.status, report.attempts, report.error_params) == ("failed", 3, {"detail": "ValueError: no font"})
    page = web(inspector).get(reverse("reports:report", args=[report.pk])).content.decode()
    assert 'data-testid="work-error">The work failed: ValueError: no font<' in page
    assert "Given up after 3 attempts." in page
    assert 'hx-trigger="every 1s"' not in page


def test_only_administrators_retry_and_only_failed_reports(report, inspector, administrator, enqueued):
    RegionalReport.objects.filter(pk=report.pk).update(status="failed", attempts=3, error_code="interrupted")
    done = RegionalReport.objects.create(
        region=report.region, year=2022, language="en", requested_by=inspector, status="done"
    )

    with pytest.raises(PermissionDenied):
        services.reports_retry(actor=inspector, reports=RegionalReport.objects.all())
    assert services.reports_retry(actor=administrator, reports=RegionalReport.objects.all()) == [report.pk]

    report.refresh_from_db()
    assert (report.status, report.attempts, report.error_code) == ("queued", 0, "")
    assert RegionalReport.objects.get(pk=done.pk).status == "done"
    assert enqueued == [("reports.tasks.generate_report", report.pk)]
