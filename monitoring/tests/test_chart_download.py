"""The chart's "every result of this period": the raw results of its window as a CSV (streamed) or an XLSX, in the
upload's columns under the upload's names (so that a corrected download can be sent again) and what evaluation
added, named in the reader's language, the severity by its name and the ratio as the API writes it."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from monitoring.models import Result, Submission
from monitoring.tests.helpers import row
from monitoring.tests.test_chart_window import at

pytestmark = pytest.mark.django_db

UPLOAD = ["point", "pollutant", "sampled_at", "value", "unit", "averaging", "method", "laboratory"]
HEADER = [*UPLOAD, "MPC", "MPC unit", "Ratio", "Severity"]


@pytest.fixture
def sampled(air, staff_a, enterprise_a, submit):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03", sampled_at=at(), method="AAS", laboratory="=Lab 1"),
            row("AIR-1", "Cu", "<0.0005", sampled_at=at(days=-10)),
            row("AIR-1", "Cu", "0.001", sampled_at=at(days=-400)),  # outside the default window
        ],
    )


def csv_lines(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().removeprefix("\ufeff"))))


def test_the_csv_of_the_window_streamed(sampled, air, inspector, web):
    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {"format": "csv"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="qaldyq-AIR-1-Cu-2024-06-16-2025-06-15.csv"'
    lines = csv_lines(response)
    assert lines[0] == HEADER
    # The ratio in 12 significant digits, as the API writes it: 0.03 / 0.002 is 14.999999999999998 as a float.
    assert lines[1:] == [
        ["AIR-1", "Cu", "2025-06-05T12:00:00+05:00", "<0.0005", "mg/m3", "daily", "", "", "0.002", "mg/m3",
         "0.250000000000", "none"],
        ["AIR-1", "Cu", "2025-06-15T12:00:00+05:00", "0.03", "mg/m3", "daily", "AAS", "'=Lab 1", "0.002", "mg/m3",
         "15.0000000000", "high"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "evaluation", "severities"),
    [
        ("ru", ["ПДК", "Единица ПДК", "Кратность ПДК", "Уровень загрязнения"], ["нет", "высокое загрязнение"]),
        ("kk", ["ШРК", "ШРК бірлігі", "ШРК еселігі", "Ластану деңгейі"], ["жоқ", "жоғары ластану"]),
    ],
)
def test_the_evaluations_columns_in_the_readers_language(
    sampled, air, inspector, web, language, evaluation, severities
):
    with translation.override(language):
        client = web(inspector)
        client.cookies["django_language"] = language
        lines = csv_lines(client.get(f"/monitoring/points/{air.pk}/Cu/", {"format": "csv"}))

    assert lines[0] == [*UPLOAD, *evaluation]  # the upload reads its own columns by these names
    assert [line[-1] for line in lines[1:]] == severities


def test_a_tiny_ratio_is_not_cut_to_zero(sampled, air, inspector, web):
    Result.objects.filter(point=air, value=Decimal("0.03")).update(ratio=1e-13)
    lines = csv_lines(web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {"format": "csv"}))
    assert lines[-1][-2] == "0.000000000000100000000000"


def test_a_download_corrected_can_be_sent_again(
    sampled, air, staff_a, enterprise_a, web, django_capture_on_commit_callbacks
):
    lines = csv_lines(web(staff_a).get(f"/monitoring/points/{air.pk}/Cu/", {"format": "csv"}))
    for line in lines[1:]:  # sampled a year later, by another method: new results
        line[2], line[6] = line[2].replace("2025-", "2026-"), "ICP-MS"
    body = io.StringIO()
    csv.writer(body).writerows(lines)
    file = SimpleUploadedFile("corrected.csv", body.getvalue().encode(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = web(staff_a).post("/monitoring/upload/", {"enterprise": enterprise_a.pk, "file": file})

    assert response.status_code == 302
    submission = Submission.objects.latest("pk")
    assert (submission.status, submission.rows_done) == ("processed", 2)
    assert set(submission.results.values_list("method", flat=True)) == {"ICP-MS"}


def test_the_xlsx_of_a_window_asked_for(sampled, air, inspector, web):
    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {"window": "all", "format": "xlsx"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADER
    assert [line[10] for line in rows[1:]] == [0.5, 0.25, 15]  # numbers in numeric cells
    assert [(line[2], line[3]) for line in rows[1:]] == [
        ("2024-05-11T12:00:00+05:00", "0.001"),
        ("2025-06-05T12:00:00+05:00", "<0.0005"),
        ("2025-06-15T12:00:00+05:00", "0.03"),
    ]


def test_the_page_links_the_downloads_of_its_window(sampled, air, inspector, web):
    page = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {"window": "1m"}).content.decode()

    assert 'href="?since=2025-05-16&amp;until=2025-06-15&amp;format=csv"' in page
    assert 'href="?since=2025-05-16&amp;until=2025-06-15&amp;format=xlsx"' in page


def test_no_download_of_a_point_the_user_may_not_see_the_results_of(sampled, air, staff_b, other_inspector, web):
    # A published point is public, its results are not.
    for user in (staff_b, other_inspector):
        response = web(user).get(f"/monitoring/points/{air.pk}/Cu/", {"format": "csv"})
        assert response.status_code == 200
        assert b"".join(response.streaming_content).decode().removeprefix("\ufeff").splitlines() == [",".join(HEADER)]
