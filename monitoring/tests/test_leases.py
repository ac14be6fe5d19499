"""Reading and evaluating a submission under a lease (portal.leases): a file is never read twice at once, the minute
sweep leaves leased work to its worker and enqueues only what ran out, failed attempts end in a failed submission
with its error for the person who sent it, and no severity rule set ends the evaluation at once, not in a loop."""

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from monitoring import services, staging
from monitoring.ingest import COLUMNS
from monitoring.models import Alert, MonitoringPoint, Result, SeverityRuleSet, Submission
from monitoring.reference import load_monitoring_reference
from monitoring.services import evaluation, submissions
from monitoring.tests.helpers import SUBMISSIONS, row
from portal import leases
from registry.tests.factories import EnterpriseFactory, MembershipFactory

LONG_AGO = timedelta(minutes=5)


def csv_content(rows: list[dict]) -> ContentFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ContentFile(buffer.getvalue().encode(), "results.csv")


def exceeding_rows() -> list[dict]:
    return [
        row("AIR-1", "Cu", "0.03", sampled_at=f"2024-05-{day:02}T10:00:00+05:00", averaging="daily")
        for day in range(1, 6)
    ] + [row("AIR-1", "Pb", "0.01", sampled_at="2024-05-01T10:00:00+05:00", averaging="daily")]


@pytest.mark.django_db(transaction=True)
def test_the_same_file_read_twice_at_once_is_stored_once(monkeypatch):
    """The first read holds its lease while it stores the rows; a second task for the same file (a redelivery, or
    the sweep's) finds it held and leaves it. Before leases, the second read ran too: its rows waited on the first
    one's, then clashed with them, and the submission ended failed with every row a duplicate."""
    load_monitoring_reference()
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise).user
    MonitoringPoint.objects.create(enterprise=enterprise, code="AIR-1", medium="air", latitude="46.8", longitude="75")
    rows = exceeding_rows()
    submission = Submission.objects.create(
        enterprise=enterprise, submitted_by=staff, channel="file", file=csv_content(rows)
    )
    # The first read stops after storing its rows, before it commits, until the test lets it go.
    stored, release = threading.Event(), threading.Event()
    reads: list[staging.Staged] = []
    ingest = staging.ingest

    def ingest_then_wait(*args, **kwargs) -> staging.Staged:
        reads.append(ingest(*args, **kwargs))
        if len(reads) == 1:
            stored.set()
            assert release.wait(20)
        return reads[-1]

    monkeypatch.setattr(staging, "ingest", ingest_then_wait)
    failures: list[Exception] = []

    def read() -> None:
        try:
            services.submission_ingest_file(submission_id=submission.pk)
        except Exception as exc:  # handed to the test
            failures.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=read)
    first.start()
    assert stored.wait(20)
    assert Submission.objects.get(pk=submission.pk).status == "processing"

    second = threading.Thread(target=read)
    second.start()
    second.join(5)
    finished_alone = not second.is_alive()
    release.set()
    first.join(20)
    second.join(20)

    assert finished_alone, "the second read waited for the first instead of leaving the file to it"
    assert failures == []
    assert [read.rows for read in reads] == [len(rows)]
    submission.refresh_from_db()
    assert (submission.status, submission.attempts, submission.error_code) == ("processed", 1, "")
    assert Result.objects.filter(submission=submission).count() == len(rows)
    assert sorted(Alert.objects.values_list("pollutant__code", "result_count")) == [("Cu", 5), ("Pb", 1)]


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(submissions, "enqueue", lambda *args: calls.append(args))
    return calls


def make_submission(staff, enterprise, **fields) -> Submission:
    submission = Submission.objects.create(enterprise=enterprise, submitted_by=staff, channel="api", rows_done=1)
    Submission.objects.filter(pk=submission.pk).update(received_at=timezone.now() - LONG_AGO, **fields)
    return submission


@pytest.mark.django_db
def test_the_sweep_leaves_leased_work_and_enqueues_what_ran_out(staff_a, enterprise_a, enqueued, settings):
    now = timezone.now()
    running = dict(status="processing", claimed_at=now - LONG_AGO, attempts=1)
    leased = make_submission(staff_a, enterprise_a, lease_until=now + timedelta(minutes=5), **running)
    ran_out = make_submission(staff_a, enterprise_a, lease_until=now - timedelta(seconds=1), **running)
    given_back = make_submission(staff_a, enterprise_a, attempts=1, error_code="exception")
    lost_by_the_broker = make_submission(staff_a, enterprise_a)
    just_received = Submission.objects.create(enterprise=enterprise_a, submitted_by=staff_a, channel="api")
    exhausted = make_submission(
        staff_a, enterprise_a, **{**running, "attempts": 3}, lease_until=now - timedelta(seconds=1)
    )
    done = make_submission(staff_a, enterprise_a, status="processed")

    swept = services.submissions_sweep_unevaluated()

    assert swept == [ran_out.pk, given_back.pk, lost_by_the_broker.pk]
    assert enqueued == [("monitoring.tasks.evaluate_submission", pk) for pk in swept]
    for untouched, status in [(leased, "processing"), (just_received, "received"), (done, "processed")]:
        assert Submission.objects.get(pk=untouched.pk).status == status
    exhausted.refresh_from_db()
    assert (exhausted.status, exhausted.error_code, exhausted.lease_until) == ("failed", "interrupted", None)


@pytest.mark.django_db
def test_attempts_used_up_fail_the_submission_with_its_error_on_the_page_and_the_api(
    points, staff_a, enterprise_a, submit, web, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(submission_id: int, staged: object = None) -> list[int]:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(evaluation, "_open_or_extend_alerts", broken)
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    page = web(staff_a).get(reverse("monitoring:submission", args=[submission.pk])).content.decode()
    assert (submission.status, submission.attempts, submission.error_code) == ("received", 1, "exception")
    assert "The work failed: RuntimeError: the disk is full" in page
    assert "Attempts so far: 1 of 3; the work is tried again." in page

    for _minute in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            services.submissions_sweep_unevaluated(older_than_seconds=0)

    submission.refresh_from_db()
    assert (submission.status, submission.attempts) == ("failed", 3)
    assert services.submissions_sweep_unevaluated(older_than_seconds=0) == []
    page = web(staff_a).get(reverse("monitoring:submission", args=[submission.pk])).content.decode()
    assert 'data-testid="work-error">The work failed: RuntimeError: the disk is full<' in page
    assert "Given up after 3 attempts." in page
    assert 'hx-trigger="every 1s"' not in page  # the page stops asking
    body = client_for(staff_a).get(f"{SUBMISSIONS}{submission.pk}/").json()
    assert (body["status"], body["attempts"]) == ("failed", 3)
    assert body["error"] == {
        "code": "exception",
        "params": {"detail": "RuntimeError: the disk is full"},
        "message": "The work failed: RuntimeError: the disk is full",
    }
    assert not Result.objects.filter(submission=submission, evaluated=True).exists()


@pytest.mark.django_db
def test_without_a_severity_rule_set_the_evaluation_fails_once_with_its_reason(
    points, staff_a, enterprise_a, administrator, post_results, client_for, web, django_capture_on_commit_callbacks
):
    """It used to fail on every attempt, and the sweep enqueued it again every minute, for ever."""
    SeverityRuleSet.objects.all().delete()

    response = post_results(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    assert response.status_code == 201
    submission = Submission.objects.get(pk=response.json()["id"])
    assert (submission.status, submission.attempts, submission.error_code) == ("failed", 1, "no_ruleset")
    assert services.submissions_sweep_unevaluated(older_than_seconds=0) == []
    error = client_for(staff_a).get(f"{SUBMISSIONS}{submission.pk}/").json()["error"]
    assert error["code"] == "no_ruleset"
    assert error["message"].startswith("The results are saved but cannot be classified: no severity rule set")
    # Stored as a code, the error is told in the reader's language.
    russian = client_for(staff_a).get(f"{SUBMISSIONS}{submission.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()["error"]
    assert (russian["code"], russian["message"][:40]) == ("no_ruleset", "Результаты сохранены, но не могут быть к")
    page = web(staff_a).get(reverse("monitoring:submission", args=[submission.pk])).content.decode()
    assert "no severity rule set is defined" in page

    # An administrator sees why in the admin, adds the rules and retries it.
    admin_web = web(administrator)
    listing = admin_web.get(reverse("admin:monitoring_submission_changelist")).content.decode()
    assert "no severity rule set is defined" in listing
    assert admin_web.get(reverse("admin:monitoring_submission_change", args=[submission.pk])).status_code == 200
    load_monitoring_reference()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(
            reverse("admin:monitoring_submission_changelist"),
            {"action": "retry", "_selected_action": [submission.pk], "index": 0},
        )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.attempts, submission.error_code) == ("processed", 1, "")
    assert Alert.objects.filter(point__code="AIR-1", pollutant__code="Cu").count() == 1


@pytest.mark.django_db
def test_a_file_with_bad_rows_fails_at_once_with_every_row_listed(points, staff_a, enterprise_a, web):
    submission = Submission.objects.create(
        enterprise=enterprise_a, submitted_by=staff_a, channel="file",
        file=csv_content([row("AIR-1", "Cu", "-1"), row("AIR-9", "Cu", "0.01")]),
    )  # fmt: skip

    services.submission_ingest_file(submission_id=submission.pk)

    submission.refresh_from_db()
    assert (submission.status, submission.attempts, submission.error_params) == ("failed", 1, {"count": 2})
    assert [(error["row"], error["field"]) for error in submission.errors] == [(2, "value"), (3, "point")]
    page = web(staff_a).get(reverse("monitoring:submission", args=[submission.pk])).content.decode()
    assert "Nothing was saved: 2 rows have errors. Correct them and upload the file again." in page
    assert "Given up" not in page


@pytest.mark.django_db
def test_retrying_is_for_administrators_and_failed_submissions_only(
    points, staff_a, enterprise_a, administrator, enqueued
):
    failed = make_submission(staff_a, enterprise_a, status="failed", attempts=3, error_code="interrupted")
    running = make_submission(staff_a, enterprise_a, status="processing", attempts=1)

    with pytest.raises(PermissionDenied):
        services.submissions_retry(actor=staff_a, submissions=Submission.objects.all())
    assert services.submissions_retry(actor=administrator, submissions=Submission.objects.all()) == [failed.pk]

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error_code) == ("received", 0, "")
    assert Submission.objects.get(pk=running.pk).attempts == 1
    assert enqueued == [("monitoring.tasks.evaluate_submission", failed.pk)]


def in_own_connection(work):
    """Run `work` on a connection of its own (another worker), committed when it returns."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(20)
    return outcome[0]


@pytest.mark.django_db(transaction=True)
def test_a_read_whose_lease_was_taken_over_stores_nothing(monkeypatch):
    """A worker that stalled past its lease, while another claimed the file, rolls its rows back at the end."""
    load_monitoring_reference()
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise).user
    MonitoringPoint.objects.create(enterprise=enterprise, code="AIR-1", medium="air", latitude="46.8", longitude="75")
    submission = Submission.objects.create(
        enterprise=enterprise, submitted_by=staff, channel="file", file=csv_content(exceeding_rows())
    )
    ingest = staging.ingest
    takeover: list = []

    def run_out_and_claim() -> leases.Lease | None:
        Submission.objects.filter(pk=submission.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        return leases.claim(Submission, submission.pk)

    def ingest_then_lose_the_lease(*args, **kwargs) -> staging.Staged:
        staged = ingest(*args, **kwargs)
        takeover.append(in_own_connection(run_out_and_claim))
        return staged

    monkeypatch.setattr(staging, "ingest", ingest_then_lose_the_lease)

    services.submission_ingest_file(submission_id=submission.pk)

    assert takeover[0] is not None, "the other worker claimed the submission"
    submission.refresh_from_db()
    assert (submission.status, submission.attempts, submission.claimed_at) == ("processing", 2, takeover[0].claimed_at)
    assert (submission.rows_done, Result.objects.count(), Alert.objects.count()) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_read_renews_its_lease_where_others_see_it_while_its_transaction_is_open(monkeypatch):
    load_monitoring_reference()
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise).user
    submission = Submission.objects.create(enterprise=enterprise, submitted_by=staff, channel="api")
    lease = leases.claim(Submission, submission.pk)
    Submission.objects.filter(pk=submission.pk).update(lease_until=timezone.now() + timedelta(seconds=5))

    def lease_until_seen_elsewhere() -> object:
        return in_own_connection(lambda: Submission.objects.get(pk=submission.pk).lease_until)

    with lease.held(), transaction.atomic():
        before = lease_until_seen_elsewhere()
        lease.renew()
        assert lease_until_seen_elsewhere() > before + timedelta(minutes=9)
        lease.finish()

    assert Submission.objects.get(pk=submission.pk).status == "processed"
