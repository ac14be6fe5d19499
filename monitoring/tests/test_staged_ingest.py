"""The fast path of a file on PostgreSQL (monitoring.staging) stores exactly what reading row by row stores, and
hands anything unusual or bad to the row-by-row path, which stays the one definition of a valid row."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from monitoring import services, staging
from monitoring.ingest import COLUMNS
from monitoring.models import Alert, Result, Submission
from monitoring.reference import current_ruleset
from monitoring.tests.helpers import row, when

pytestmark = pytest.mark.django_db

STORED = (
    "point__code", "pollutant__code", "medium", "sampled_at", "sampled_on", "averaging", "value", "below_detection",
    "unit", "value_base", "method", "laboratory", "norm_id", "mpc_base", "ratio", "severity", "ruleset_id",
    "evaluated", "alert__point__code",
)  # fmt: skip


def good_rows() -> list[dict]:
    return [
        row("AIR-1", "Cu", "0.03", method="ICP-MS", laboratory="Lab"),  # extreme
        row("AIR-1", "Cu", "<0.001"),  # below the detection limit
        row("AIR-1", "Cu", "30", "ug/m3"),  # converted
        row("GW-1", "Cu", "0.02", "mg/l"),
        row("GW-1", "Cu", "20", "ug/l"),
        row("SOIL-1", "Zn", "10", "mg/kg", sampled_at="2024-05-01 10:00:00Z"),
        row("SOIL-1", "Zn", "1e1", "mg/kg", sampled_at="2024-05-02T10:00:00-01:00"),
        row("AIR-1", "Cd", "0.5", averaging="single"),  # no norm: stored, evaluated, counted as such
    ]


def submission_of(user, enterprise, rows: list[dict]) -> Submission:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Submission.objects.create(
        enterprise=enterprise, submitted_by=user, channel="file", file=ContentFile(buffer.getvalue(), "r.csv")
    )


def stored(submission: Submission) -> list[tuple]:
    return list(Result.objects.filter(submission=submission).order_by("point__code", "sampled_at").values_list(*STORED))


def staged(submission: Submission) -> int:
    ruleset = current_ruleset()
    assert ruleset is not None
    return staging.ingest(submission, ruleset_id=ruleset.pk, progress=lambda rows: None).rows


def test_a_good_file_is_stored_as_reading_row_by_row_stores_it(points, staff_a, enterprise_a, monkeypatch):
    rows = good_rows()
    fast = submission_of(staff_a, enterprise_a, rows)
    assert staged(fast) == len(rows)
    fast_results = stored(fast)
    Result.objects.filter(submission=fast).update(alert=None)
    Result.objects.filter(submission=fast).delete()
    Alert.objects.all().delete()

    slow = submission_of(staff_a, enterprise_a, rows)
    monkeypatch.setattr(connection, "vendor", "row-by-row")  # as on SQLite
    services.submission_ingest_file(submission_id=slow.pk)
    services.submission_evaluate(submission_id=slow.pk)

    assert stored(slow) == fast_results
    assert {result[-1] for result in fast_results} == {"AIR-1", "GW-1", None}


@pytest.mark.parametrize(
    "change",
    [
        {"point": "AIR-9"},
        {"point": " AIR-1"},  # valid once trimmed: the row-by-row path reads it
        {"pollutant": "Unobtainium"},
        {"unit": "mg/kg"},
        {"value": "-1"},
        {"value": "0,03"},
        {"value": "NaN"},
        {"value": "a lot"},
        {"value": ""},
        {"sampled_at": "2999-01-01T10:00:00+05:00"},
        {"sampled_at": "2024-05-01T10:00:00"},
        {"sampled_at": "2024-05-01T10:00+05:00"},
        {"sampled_at": "2024-02-30T10:00:00+05:00"},
        {"sampled_at": "2024-05-01T24:00:00+05:00"},
        {"sampled_at": "2024-05-01T10:00:60+05:00"},
        {"sampled_at": "2024-05-01T10:00:00+99:00"},
        {"sampled_at": "now"},
        {"averaging": "hourly"},
    ],
)
def test_anything_unusual_rolls_the_fast_path_back(points, staff_a, enterprise_a, change):
    rows = good_rows()
    rows[3].update(change)
    submission = submission_of(staff_a, enterprise_a, rows)

    with pytest.raises(staging.NotUsual):
        staged(submission)

    assert not Result.objects.exists()
    assert not Alert.objects.exists()


def test_a_duplicate_rolls_the_fast_path_back(points, staff_a, enterprise_a):
    twice = row("AIR-1", "Cu", "0.03", sampled_at=when())
    submission = submission_of(staff_a, enterprise_a, [*good_rows(), twice, {**twice, "value": "0.04"}])

    with pytest.raises(staging.NotUsual):
        staged(submission)

    assert not Result.objects.exists()


def test_a_result_stored_before_rolls_the_fast_path_back(points, staff_a, enterprise_a, submit):
    earlier = row("AIR-1", "Cu", "0.03", sampled_at=when())
    submit(staff_a, enterprise_a, [earlier])
    submission = submission_of(staff_a, enterprise_a, [*good_rows(), earlier])

    with pytest.raises(staging.NotUsual):
        staged(submission)

    assert Result.objects.count() == 1


def test_a_bad_file_is_still_reported_row_by_row(points, staff_a, enterprise_a):
    rows = good_rows()
    rows[2]["value"] = "-1"
    submission = submission_of(staff_a, enterprise_a, rows)

    services.submission_ingest_file(submission_id=submission.pk)

    submission.refresh_from_db()
    assert submission.status == "failed"
    assert [(error["row"], error["field"]) for error in submission.errors] == [(4, "value")]


def raw_submission(user, enterprise, text: str) -> Submission:
    return Submission.objects.create(
        enterprise=enterprise, submitted_by=user, channel="file", file=ContentFile(text.encode(), "r.csv")
    )


def ingested(submission: Submission) -> tuple[str, list[tuple]]:
    services.submission_ingest_file(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission.status, [result[:-1] for result in stored(submission)]  # alerts differ between the runs


HEADER = ",".join(COLUMNS)
AT = "2024-05-01T10:00:00+05:00"


@pytest.mark.parametrize(
    "lines",
    [
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily,ICP-MS,Lab", ""],  # a blank line at the end
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily,ICP-MS,Lab", "", f"GW-1,Cu,{AT},0.02,mg/l,single,,"],  # and in the middle
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily"],  # the optional columns left out
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily,ICP-MS,Lab,a note"],  # a cell beyond the header
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily,ICP-MS,Lab", "\\.", f"GW-1,Cu,{AT},0.02,mg/l,single,,"],  # COPY's end mark
        [f'AIR-1,Cu,{AT},0.03,mg/m3,daily,ICP "MS",Lab'],  # a quote inside an unquoted cell
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily,  ICP-MS  , Lab "],  # spaces around the cells
        [f" AIR-1 ,Cu,{AT}, 0.03 ,mg/m3,daily,ICP-MS,Lab"],
        [f"AIR-1,Cu,{AT},0x1A,mg/m3,daily,ICP-MS,Lab"],  # PostgreSQL 16 reads hexadecimal numbers
        [f"AIR-1,Cu,{AT},0.03,mg/m3,daily,ICP-MS,Lab\r", f"GW-1,Cu,{AT},0.02,mg/l,single,,"],  # mixed line ends
        ["AIR-1,Cu,2024-05-01T10:00:00+16:00,0.03,mg/m3,daily,ICP-MS,Lab"],  # beyond PostgreSQL's offsets
    ],
)
def test_a_file_is_read_alike_either_way(points, staff_a, enterprise_a, monkeypatch, lines):
    text = "\n".join([HEADER, *lines])
    fast = ingested(raw_submission(staff_a, enterprise_a, text))
    Result.objects.update(alert=None)
    Result.objects.all().delete()
    Alert.objects.all().delete()

    monkeypatch.setattr(connection, "vendor", "row-by-row")
    slow = ingested(raw_submission(staff_a, enterprise_a, text))

    assert fast == slow
