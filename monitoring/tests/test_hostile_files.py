"""Poisoned files at /monitoring/upload/: the page answers at once (the file is read by a worker), and the worker
fails the submission at its first attempt with the reason, stored as a code and its parameters and shown on the
submission's page; never left "processing", never tried again by the sweep (issue 11: an XLSX with an XXE or
billion-laughs DOCTYPE, one with unclosed sheet XML and a CSV row timed in year 1 stayed "processing" while the
minute sweep retried them; a 1.3 MB decompression bomb held both workers for minutes)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.ingest import COLUMNS
from monitoring.models import Result, Submission
from monitoring.services import submissions
from monitoring.tests.helpers import row
from monitoring.tests.test_upload import csv_file, status_on, submission_page
from portal.tests import hostile_files

pytestmark = pytest.mark.django_db


def good_row() -> list[str]:
    values = row("AIR-1", "Cu", "0.03")
    return [str(values.get(column, "")) for column in COLUMNS]


@pytest.fixture
def upload(web, django_capture_on_commit_callbacks):
    def do(user, enterprise, name, content):
        with django_capture_on_commit_callbacks(execute=True):
            response = web(user).post(
                "/monitoring/upload/", {"enterprise": enterprise.pk, "file": SimpleUploadedFile(name, content)}
            )
        return submission_page(web, user, response)

    return do


def assert_failed_at_once(submission: Submission, page: str, code: str) -> None:
    submission.refresh_from_db()
    assert (submission.status, submission.error_code, submission.attempts) == ("failed", code, 1)
    assert status_on(page) == "failed"
    assert submission.error_message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Given up" not in page and "tried again" not in page
    assert not Result.objects.filter(submission=submission).exists()
    # Failed for good: the sweep has nothing to enqueue again.
    assert submissions.submissions_sweep_unevaluated(older_than_seconds=0) == []


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (hostile_files.xxe, "xml_declarations"),
        (hostile_files.billion_laughs, "xml_declarations"),
        (hostile_files.truncated, "damaged"),
    ],
    ids=["xxe", "billion-laughs", "unclosed-sheet-xml"],
)
def test_a_poisoned_workbook_fails_at_once_with_its_reason(points, staff_a, enterprise_a, upload, build, code):
    submission, page = upload(staff_a, enterprise_a, "results.xlsx", build(list(COLUMNS), good_row()))

    assert_failed_at_once(submission, page, code)
    assert "root:" not in page  # /etc/passwd was never read
    if code == "xml_declarations":
        assert "declares a DOCTYPE or entities (in xl/worksheets/sheet1.xml)" in page
    else:
        assert "cannot be read; it may be damaged (xl/worksheets/sheet1.xml, line 1" in page


def test_a_row_timed_in_year_one_fails_the_file_with_a_reason_not_a_retry(points, staff_a, enterprise_a, upload):
    file = csv_file([row("AIR-1", "Cu", "0.03"), row("AIR-1", "Cu", "0.03", sampled_at="0001-01-01T01:00:00+05:00")])

    submission, page = upload(staff_a, enterprise_a, "results.csv", file.read())

    submission.refresh_from_db()
    # Whether the row is refused (a row error) or its time is a value no check foresaw (the file cannot be read),
    # the submission ends failed at its first attempt, with its reason, and nothing is stored.
    assert (submission.status, submission.attempts) == ("failed", 1)
    assert submission.error_code in ("rows_invalid", "unreadable")
    assert submission.error_message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert not Result.objects.filter(submission=submission).exists()
    assert submissions.submissions_sweep_unevaluated(older_than_seconds=0) == []


def test_any_unexpected_error_reading_a_file_fails_it_at_once(points, staff_a, enterprise_a, upload, monkeypatch):
    def explode(*args, **kwargs):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(submissions, "_ingest_staged", lambda *args: 0)  # row by row, through the checker
    monkeypatch.setattr(submissions.Checker, "check", explode)

    submission, page = upload(staff_a, enterprise_a, "results.csv", csv_file([row("AIR-1")]).read())

    assert_failed_at_once(submission, page, "unreadable")
    assert "The file cannot be read (OverflowError: date value out of range)." in page


def test_a_database_outage_while_reading_is_tried_again(points, staff_a, enterprise_a, upload, monkeypatch):
    from django.db import OperationalError

    def lost(*args, **kwargs):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(submissions, "_ingest_staged", lambda *args: 0)
    monkeypatch.setattr(submissions.Checker, "check", lost)

    submission, _page = upload(staff_a, enterprise_a, "results.csv", csv_file([row("AIR-1")]).read())

    submission.refresh_from_db()
    assert (submission.status, submission.error_code, submission.attempts) == ("received", "exception", 1)


def test_a_decompression_bomb_fails_at_the_row_limit_without_being_unpacked(
    points, staff_a, enterprise_a, upload, settings
):
    # Limits lowered so that the test is quick; the defaults are of the same kind (2,000,000 rows, 1 GiB). The
    # bomb's sheet is about 120 MB of XML; refused at the row limit, the worker has unpacked a few megabytes of it.
    settings.UPLOAD_WORKER_MAX_ROWS = 20_000
    settings.UPLOAD_WORKER_MAX_UNPACKED_MB = 16
    bomb = hostile_files.bomb(list(COLUMNS), good_row(), rows=500_000)
    assert len(bomb) < 1_000_000

    started = time.monotonic()
    submission, page = upload(staff_a, enterprise_a, "results.xlsx", bomb)

    assert time.monotonic() - started < 10
    assert_failed_at_once(submission, page, "too_many_rows")
    assert submission.error_params == {"limit": 20_000}
    assert "The file has more than 20000 rows below the header, the limit for this upload." in page


def test_a_bomb_of_endless_whitespace_fails_at_the_unpacked_limit(points, staff_a, enterprise_a, upload, settings):
    settings.UPLOAD_WORKER_MAX_UNPACKED_MB = 4
    header = "".join(f'<c t="inlineStr"><is><t>{column}</t></is></c>' for column in COLUMNS)
    # Whitespace between rows: no cell, no row, only bytes to unpack (64 MB of them).
    start = (
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>{header}</row>'
    )
    bomb = hostile_files.with_sheet(
        start.encode(), repeat=64 * 1024, middle=b" " * 1024, tail=b"</sheetData></worksheet>"
    )

    submission, page = upload(staff_a, enterprise_a, "results.xlsx", bomb)

    assert_failed_at_once(submission, page, "unpacked_too_large")
    assert "The XLSX workbook unpacks to more than 4 MB, the limit for this upload." in page


def test_the_api_gives_the_reason_as_code_params_and_message(points, staff_a, enterprise_a, upload, client_for):
    submission, _page = upload(staff_a, enterprise_a, "results.xlsx", hostile_files.xxe(list(COLUMNS), good_row()))

    answer = client_for(staff_a).get(f"/api/v1/monitoring/submissions/{submission.pk}/")

    assert answer.status_code == 200
    assert answer.json()["status"] == "failed"
    error = answer.json()["error"]
    assert (error["code"], error["params"]) == ("xml_declarations", {"part": "xl/worksheets/sheet1.xml"})
    assert error["message"].startswith("The XLSX workbook declares a DOCTYPE or entities")


def test_the_request_reads_no_more_than_the_first_bytes(points, staff_a, enterprise_a, web, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the file was read in the web request")

    monkeypatch.setattr("monitoring.ingest.read_rows", never)
    bomb = hostile_files.bomb(list(COLUMNS), good_row(), rows=100_000)

    started = time.monotonic()
    response = web(staff_a).post(
        "/monitoring/upload/", {"enterprise": enterprise_a.pk, "file": SimpleUploadedFile("results.xlsx", bomb)}
    )

    assert time.monotonic() - started < 3
    assert response.status_code == 302
    assert Submission.objects.get().status == "received"  # the worker's, once the transaction commits
