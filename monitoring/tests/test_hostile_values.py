"""Values no result column holds, through the API, the form and a file (both the fast staged path and the
row-by-row one): each refused with its row and field, nothing saved, never a server error and never stored
changed. Faults of the issue: `sampled_at` in year 1 gave 500 (OverflowError) with +05:00 and was stored with
-05:00; a NUL in `method` gave 500 (psycopg.DataError); a method or laboratory over 200 characters was cut to
200; more than 10 decimals were rounded; Arabic-Indic digits were read as numbers."""

import csv
import io

import pytest
from django.core.files.base import ContentFile

from monitoring import services, staging
from monitoring.ingest import COLUMNS
from monitoring.models import Result, Submission
from monitoring.reference import current_ruleset
from monitoring.tests.helpers import row

pytestmark = pytest.mark.django_db

LONG = "x" * 201
# (field, value, words of the refusal)
HOSTILE = [
    ("sampled_at", "0001-01-01T01:00:00+05:00", "before 1900"),
    ("sampled_at", "0001-01-01T01:00:00-05:00", "before 1900"),
    ("sampled_at", "1899-12-31T23:00:00+05:00", "before 1900"),
    ("sampled_at", "9999-12-31T23:00:00-05:00", "beyond any plausible date"),
    ("method", "AAS\x00", "control character (\\x00)"),
    ("laboratory", "Lab\x1b[31m", "control character (\\x1b)"),
    ("method", LONG, "201 characters long; this field holds at most 200"),
    ("laboratory", LONG, "201 characters long; this field holds at most 200"),
    ("value", "0.00000000001", "more decimals than the 10 this field holds"),
    ("value", "0,00000000001", "more decimals than the 10 this field holds"),
    ("value", "<0.00000000001", "more decimals than the 10 this field holds"),
    ("value", "\u0660\u066b\u0660\u0663", "write numbers with the digits 0-9"),
    ("value", "\u0663", "write numbers with the digits 0-9"),
    ("value", "1e25", "beyond what this field holds"),
    ("value", "9" * 40, "beyond what this field holds"),
    ("value", "Infinity", "is not a number"),
    ("point", "AIR-1\x00", "control character (\\x00)"),
]


@pytest.mark.parametrize(("field", "value", "words"), HOSTILE)
def test_the_api_refuses_naming_row_and_field(points, staff_a, enterprise_a, post_results, field, value, words):
    rows = [row("AIR-1", "Cu", "0.01"), {**row("AIR-1", "Cu", "0.02"), field: value}]

    response = post_results(staff_a, enterprise_a, rows)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (2, field)
    assert words in error["message"]
    assert error["code"]
    assert not Result.objects.exists()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("value", [1e25, 1e-11, 1e300, True, [1], {"a": 1}])
def test_the_api_refuses_json_values_no_column_holds(points, staff_a, enterprise_a, post_results, value):
    response = post_results(staff_a, enterprise_a, [row("AIR-1", "Cu", value)])

    assert response.status_code == 400
    assert [(error["row"], error["field"]) for error in response.json()["errors"]] == [(1, "value")]


def test_text_as_long_as_its_column_is_kept_whole(points, staff_a, enterprise_a, submit):
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.01", method="m" * 200, laboratory="l" * 200)])

    assert Result.objects.filter(submission=submission).values_list("method", "laboratory").get() == (
        "m" * 200,
        "l" * 200,
    )


def test_ten_decimals_are_kept_exactly(points, staff_a, enterprise_a, submit):
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.0000000001")])

    assert str(Result.objects.get(submission=submission).value) == "1E-10"


def _file_submission(user, enterprise, rows: list[dict]) -> Submission:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Submission.objects.create(
        enterprise=enterprise, submitted_by=user, channel="file", file=ContentFile(buffer.getvalue(), "r.csv")
    )


# The file path cannot carry a NUL (the upload check refuses it as binary) and reads cells as text.
FILE_HOSTILE = [(field, value, words) for field, value, words in HOSTILE if "\x00" not in value]


@pytest.mark.parametrize(("field", "value", "words"), FILE_HOSTILE)
def test_a_file_fails_naming_row_and_field(points, staff_a, enterprise_a, field, value, words):
    rows = [row("AIR-1", "Cu", "0.01"), {**row("AIR-1", "Cu", "0.02"), field: value}]
    submission = _file_submission(staff_a, enterprise_a, rows)

    services.submission_ingest_file(submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == "failed"
    [error] = submission.errors
    assert (error["row"], error["field"]) == (3, field)
    assert words in error["reason"]
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"method": LONG},
        {"laboratory": LONG},
        {"method": "AAS\x07"},
        {"value": "0.00000000001"},
        {"value": "<0.00000000001"},
        {"sampled_at": "0001-01-01T01:00:00+05:00"},
        {"sampled_at": "1899-12-31T23:59:59Z"},
    ],
)
def test_the_fast_path_hands_what_a_column_cannot_hold_to_the_row_by_row_path(points, staff_a, enterprise_a, change):
    """The staged ingest cut text to 200 characters, rounded decimals and stored year 1."""
    submission = _file_submission(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.01"), {**row("AIR-1", "Cu"), **change}])
    ruleset = current_ruleset()
    assert ruleset is not None

    with pytest.raises(staging.NotUsual):
        staging.ingest(submission, ruleset_id=ruleset.pk, progress=lambda rows: None)

    assert not Result.objects.exists()


def test_the_form_refuses_a_year_one_time_naming_its_row(points, staff_a, enterprise_a, web):
    result = row("AIR-1", "Cu", "0.001", sampled_at="0001-01-01T01:00:00+05:00")
    management = {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 0, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 20}
    data = {"enterprise": enterprise_a.pk, **management, **{f"form-0-{key}": value for key, value in result.items()}}

    response = web(staff_a).post("/monitoring/submit/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 1, " in page and "the time lies before 1900" in page
    assert not Submission.objects.exists()
