"""Evaluating a submission again (a redelivered task, the sweep) changes nothing: the same results, alerts,
counts, notifications and e-mails."""

import pytest
from django.core import mail

from monitoring import services
from monitoring.models import Alert, Result, Submission, SubmissionStatus
from monitoring.tests.helpers import row
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def state() -> dict:
    return {
        "results": list(
            Result.objects.order_by("pk").values_list("pk", "norm_id", "ratio", "severity", "evaluated", "alert_id")
        ),
        "alerts": list(
            Alert.objects.order_by("pk").values_list(
                "pk", "status", "severity", "persistent", "result_count", "last_sampled_at"
            )
        ),
        "messages": list(OutboxMessage.objects.order_by("pk").values_list("pk", "dedupe_key", "sent_at", "attempts")),
        "mail": len(mail.outbox),
    }


@pytest.fixture
def evaluated(points, inspector, second_inspector, staff_a, enterprise_a, submit):
    submission = submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03"),
            row("AIR-1", "Cu", "0.001"),
            row("GW-1", "Pb", "0.04", "mg/l"),
            row("AIR-1", "Cd", "1"),
            row("SOIL-1", "Zn", "<50", "mg/kg"),
        ],
    )
    assert submission.status == SubmissionStatus.PROCESSED
    assert Alert.objects.count() == 2
    assert len(mail.outbox) == 4
    return submission


def test_evaluating_again_changes_nothing(evaluated, django_capture_on_commit_callbacks):
    before = state()

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_evaluate(submission_id=evaluated.pk)
        services.submission_evaluate(submission_id=evaluated.pk)

    assert state() == before
    evaluated.refresh_from_db()
    assert evaluated.status == SubmissionStatus.PROCESSED


def test_evaluating_again_an_unfinished_submission_changes_nothing(evaluated, django_capture_on_commit_callbacks):
    """As if the worker died after its work but before the status was saved."""
    before = state()
    Submission.objects.filter(pk=evaluated.pk).update(status=SubmissionStatus.RECEIVED, evaluated_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_evaluate(submission_id=evaluated.pk)

    assert state() == before
    evaluated.refresh_from_db()
    assert evaluated.status == SubmissionStatus.PROCESSED
    assert evaluated.evaluated_at is not None


def test_reading_a_processed_submission_again_stores_nothing(points, staff_a, enterprise_a, submit):
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    before = state()

    services.submission_ingest_file(submission_id=submission.pk)

    assert state() == before
