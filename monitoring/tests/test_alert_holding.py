"""An evaluation holds the open alerts its exceedances join until it commits: an inspector closing one of them
meanwhile waits, and is then told of the results that arrived (two database connections, two threads)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from monitoring import services
from monitoring.models import Alert, MonitoringPoint, Submission
from monitoring.reference import load_monitoring_reference
from monitoring.services import evaluation as evaluating
from monitoring.services import submissions
from registry.tests.factories import EnterpriseFactory, InspectorAssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def exceeding(day: int) -> list[dict]:
    return [{"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-05-{day:02}T10:00:00+05:00", "value": "0.05",
             "unit": "mg/m3", "averaging": "daily"}]  # fmt: skip


def in_thread(target, *args) -> tuple[threading.Thread, list]:
    """Run `target` on its own database connection; its outcome (result or exception) lands in the list."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(target(*args))
        except Exception as exc:  # handed to the test
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_an_inspector_closing_an_alert_waits_for_the_evaluation_that_extends_it(monkeypatch):
    monkeypatch.setattr(submissions, "enqueue", lambda *args: None)  # the test runs the evaluations
    load_monitoring_reference()
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise).user
    inspector = InspectorAssignmentFactory(region=enterprise.region).user
    MonitoringPoint.objects.create(enterprise=enterprise, code="AIR-1", medium="air", latitude="46.8", longitude="75")
    first = services.submission_create(actor=staff, enterprise=enterprise, rows=exceeding(1))
    services.submission_evaluate(submission_id=first.pk)
    alert = Alert.objects.get()
    second = services.submission_create(actor=staff, enterprise=enterprise, rows=exceeding(2))

    # The evaluation stops just before its commit, holding what it holds, until the test lets it go.
    attached, release = threading.Event(), threading.Event()
    notify = evaluating._notify_once

    def notify_then_wait(alert_ids: list[int]) -> None:
        notify(alert_ids)
        attached.set()
        assert release.wait(10)

    monkeypatch.setattr(evaluating, "_notify_once", notify_then_wait)
    evaluation, evaluated = in_thread(lambda: services.submission_evaluate(submission_id=second.pk))
    assert attached.wait(10)
    closing, closed = in_thread(
        lambda: services.alert_update(
            actor=inspector, alert=alert, status="resolved", comment="Filter replaced", seen_results=1
        )
    )
    closing.join(1)
    assert closing.is_alive(), "the inspector waits for the evaluation"

    release.set()
    evaluation.join(10)
    closing.join(10)

    assert evaluated == [None]
    assert isinstance(closed[0], ValidationError)
    assert "new result arrived" in str(closed[0])
    alert.refresh_from_db()
    assert alert.status == "new"
    assert alert.result_count == 2
    assert set(alert.results.values_list("submission_id", flat=True)) == {first.pk, second.pk}
    assert Submission.objects.get(pk=second.pk).status == "processed"
