"""A file of results (CSV or XLSX) through /monitoring/upload/: read at once here (tasks run eagerly), every bad
row listed on the submission page, and nothing saved if any row is bad."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from monitoring.ingest import COLUMNS
from monitoring.models import Alert, Result, Submission
from monitoring.tests.helpers import row, when

pytestmark = pytest.mark.django_db


def csv_file(rows: list[dict], columns=COLUMNS, name: str = "results.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[dict]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.append(list(COLUMNS))
    for item in rows:
        sheet.append([item.get(column, "") for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("results.xlsx", buffer.getvalue())


@pytest.fixture
def upload(web, django_capture_on_commit_callbacks):
    def do(user, enterprise, file):
        with django_capture_on_commit_callbacks(execute=True):
            return web(user).post("/monitoring/upload/", {"enterprise": enterprise.pk, "file": file})

    return do


def submission_page(web, user, response) -> tuple[Submission, str]:
    assert response.status_code == 302
    match = re.fullmatch(r"/monitoring/submissions/(\d+)/", response["Location"])
    assert match, response["Location"]
    submission = Submission.objects.get(pk=int(match.group(1)))
    page = web(user).get(response["Location"])
    assert page.status_code == 200
    return submission, page.content.decode()


def status_on(page: str) -> str:
    match = re.search(r'data-testid="submission-status">([^<]*)<', page)
    assert match, page
    return match.group(1)


def test_a_good_file_is_read_and_evaluated(points, staff_a, enterprise_a, inspector, upload, web):
    rows = [row("AIR-1", "Cu", "0.03"), row("GW-1", "Cu", "20", "ug/l"), row("SOIL-1", "Zn", "10", "mg/kg")]

    submission, page = submission_page(web, staff_a, upload(staff_a, enterprise_a, csv_file(rows)))

    assert submission.status == "processed"
    assert submission.channel == "file"
    assert (submission.rows_total, submission.rows_done) == (3, 3)
    assert status_on(page) == "processed"
    assert Result.objects.filter(submission=submission, evaluated=True).count() == 3
    assert set(Alert.objects.values_list("point__code", "severity")) == {("AIR-1", 2), ("GW-1", 1)}


def test_an_xlsx_file_is_read_too(points, staff_a, enterprise_a, upload, web):
    rows = [row("AIR-1", "Cu", 0.03), row("SOIL-1", "Zn", 10, "mg/kg")]

    submission, _page = submission_page(web, staff_a, upload(staff_a, enterprise_a, xlsx_file(rows)))

    assert submission.status == "processed"
    assert sorted(Result.objects.values_list("ratio", flat=True)) == pytest.approx([10 / 23, 15])


def test_every_bad_row_of_a_file_is_listed_and_nothing_is_saved(points, staff_a, enterprise_a, upload, web):
    twice = when()
    rows = [
        row("AIR-1", "Cu", "0.03"),  # file row 2: good
        row("AIR-9", "Cu", "0.03"),  # 3
        row("AIR-1", "Kryptonite", "0.03"),  # 4
        row("AIR-1", "Cu", "0.03", "mg/kg"),  # 5
        row("AIR-1", "Cu", "-1"),  # 6
        row("AIR-1", "Cu", "n/a"),  # 7
        row("AIR-1", "Cu", "0.03", sampled_at="2999-01-01T10:00:00+05:00"),  # 8
        row("AIR-1", "Cu", "0.03", sampled_at="2024-05-01 10:00"),  # 9
        row("AIR-1", "Cu", "0.03", averaging="weekly"),  # 10
        row("SOIL-1", "Zn", "10", "mg/kg", sampled_at=twice),  # 11: good
        row("SOIL-1", "Zn", "11", "mg/kg", sampled_at=twice),  # 12
        *[row("SOIL-1", "Zn", "10", "mg/kg") for _ in range(30)],
    ]
    results = Result.objects.count()

    submission, page = submission_page(web, staff_a, upload(staff_a, enterprise_a, csv_file(rows)))

    assert submission.status == "failed"
    assert status_on(page) == "failed"
    assert {(error["row"], error["field"]) for error in submission.errors} == {
        (3, "point"),
        (4, "pollutant"),
        (5, "unit"),
        (6, "value"),
        (7, "value"),
        (8, "sampled_at"),
        (9, "sampled_at"),
        (10, "averaging"),
        (12, "sampled_at"),
    }
    assert "Nothing was saved" in page
    assert "Row 3, point: unknown monitoring point “AIR-9”." in page
    assert "Row 7, value: “n/a” is not a number." in page
    assert "Row 8, sampled_at: the sampling time is in the future." in page
    assert "Row 12, sampled_at: the same result as row 11." in page
    assert Result.objects.count() == results


def test_a_file_repeating_stored_results_is_refused(points, staff_a, enterprise_a, upload, web):
    rows = [row("AIR-1", "Cu", "0.03"), row("AIR-1", "Cu", "0.001")]
    first, _page = submission_page(web, staff_a, upload(staff_a, enterprise_a, csv_file(rows)))
    assert first.status == "processed"

    again, page = submission_page(web, staff_a, upload(staff_a, enterprise_a, csv_file([row("AIR-1"), *rows])))

    assert again.status == "failed"
    assert [(error["row"], error["field"]) for error in again.errors] == [(3, "sampled_at"), (4, "sampled_at")]
    assert "already submitted" in page
    assert Result.objects.count() == 2


def test_a_file_without_the_required_columns_fails(points, staff_a, enterprise_a, upload, web):
    file = csv_file([row("AIR-1")], columns=("point", "pollutant", "value"))

    submission, page = submission_page(web, staff_a, upload(staff_a, enterprise_a, file))

    assert submission.status == "failed"
    assert "Row 1, sampled_at, unit, averaging: the header lacks these columns." in page
    assert submission.errors == [
        {
            "row": 1,
            "field": "sampled_at, unit, averaging",
            "code": "missing_columns",
            "reason": "the header lacks these columns.",
            "msgid": "the header lacks these columns.",
            "params": {},
        }
    ]
    assert Result.objects.count() == 0


def test_staff_cannot_upload_for_another_enterprise(points, staff_a, enterprise_b, upload):
    response = upload(staff_a, enterprise_b, csv_file([row("AIR-1")]))

    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert Submission.objects.count() == 0


def test_a_file_of_another_type_is_refused(points, staff_a, enterprise_a, upload):
    response = upload(staff_a, enterprise_a, SimpleUploadedFile("results.pdf", b"%PDF-1.4"))

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert Submission.objects.count() == 0
