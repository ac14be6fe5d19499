"""The chart's "every result of this period": the raw results of its window as a CSV (streamed) or an XLSX, in the
upload's columns (so that a corrected download can be sent again) and what evaluation added."""

import csv
import io

import pytest
from openpyxl import load_workbook

from monitoring.tests.helpers import row
from monitoring.tests.test_chart_window import at

pytestmark = pytest.mark.django_db

HEADER = [
    "point", "pollutant", "sampled_at", "value", "unit", "averaging", "method", "laboratory",
    "mpc", "mpc_unit", "ratio", "severity",
]  # fmt: skip


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


def test_the_csv_of_the_window_streamed(sampled, air, inspector, web):
    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {"format": "csv"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="qaldyq-AIR-1-Cu-2024-06-16-2025-06-15.csv"'
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().removeprefix("\ufeff"))))
    assert lines[0] == HEADER
    assert lines[1:] == [
        ["AIR-1", "Cu", "2025-06-05T12:00:00+05:00", "<0.0005", "mg/m3", "daily", "", "", "0.002", "mg/m3",
         "0.25", "none"],
        ["AIR-1", "Cu", "2025-06-15T12:00:00+05:00", "0.03", "mg/m3", "daily", "AAS", "'=Lab 1", "0.002", "mg/m3",
         "15.0", "high"],
    ]  # fmt: skip


def test_the_xlsx_of_a_window_asked_for(sampled, air, inspector, web):
    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {"window": "all", "format": "xlsx"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADER
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
