"""Bad rows are all reported at once, with row number, field, code and reason; one bad row saves nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring import services
from monitoring.models import Result, Submission
from monitoring.tests.helpers import BASE_TIME, SUBMISSIONS, error_pairs, row, when

pytestmark = pytest.mark.django_db

STORED_AT = when(BASE_TIME - timedelta(days=3))
TWICE_AT = when(BASE_TIME - timedelta(days=2))


def bad_batch() -> tuple[list[dict], dict[tuple[int, str], str]]:
    """Good rows mixed with one of every kind of bad row; the errors expected, by (row, field), with a word of
    the reason."""
    rows = [
        row("AIR-1", "Cu", "0.001"),  # 1: good
        row("AIR-9", "Cu", "0.001"),  # 2
        row("AIR-1", "Unobtainium", "0.001"),  # 3
        row("AIR-1", "Cu", "0.001", "mg/kg"),  # 4
        row("AIR-1", "Cu", "-0.5"),  # 5
        row("AIR-1", "Cu", "a lot"),  # 6
        row("AIR-1", "Cu", "0.001", sampled_at=when(timezone.now(), days=2)),  # 7
        row("AIR-1", "Cu", "0.001", sampled_at="2024-05-01T10:00:00"),  # 8
        row("AIR-1", "Cu", "0.001", averaging="hourly"),  # 9
        row("GW-1", "Cu", "0.0005", "mg/l", sampled_at=TWICE_AT),  # 10: good, first of two
        row("GW-1", "Cu", "0.0007", "mg/l", sampled_at=TWICE_AT),  # 11: the same result again
        row("AIR-1", "Cu", "0.001", sampled_at=STORED_AT),  # 12: stored already
        *[row("SOIL-1", "Zn", "10", "mg/kg") for _ in range(20)],  # 13-32: good
    ]
    expected = {
        (2, "point"): "AIR-9",
        (3, "pollutant"): "Unobtainium",
        (4, "unit"): "mg/kg",
        (5, "value"): "negative",
        (6, "value"): "not a number",
        (7, "sampled_at"): "future",
        (8, "sampled_at"): "time zone",
        (9, "averaging"): "hourly",
        (11, "sampled_at"): "row 10",
        (12, "sampled_at"): "already submitted",
    }
    return rows, expected


@pytest.fixture
def stored(points, staff_a, enterprise_a, submit):
    """The result that row 12 of the bad batch repeats."""
    return submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001", sampled_at=STORED_AT)])


def assert_reported(errors: list[dict], expected: dict[tuple[int, str], str]) -> None:
    assert error_pairs(errors) == set(expected)
    assert len(errors) == len(expected), "each bad row is reported once"
    for error in errors:
        assert expected[(error["row"], error["field"])] in error["message"], error


def test_the_service_reports_every_bad_row_and_saves_nothing(stored, staff_a, enterprise_a):
    rows, expected = bad_batch()
    results, submissions = Result.objects.count(), Submission.objects.count()

    with pytest.raises(services.RowsInvalid) as raised:
        services.submission_create(actor=staff_a, enterprise=enterprise_a, rows=rows)

    assert_reported([error.error_item() for error in raised.value.errors], expected)
    assert raised.value.total == len(expected)
    assert (Result.objects.count(), Submission.objects.count()) == (results, submissions)


def test_the_api_reports_every_bad_row_and_saves_nothing(stored, staff_a, enterprise_a, client_for):
    rows, expected = bad_batch()
    results, submissions = Result.objects.count(), Submission.objects.count()

    response = client_for(staff_a).post(SUBMISSIONS, {"enterprise": enterprise_a.bin, "results": rows}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert_reported(body["errors"], expected)
    assert body["error_count"] == len(expected)
    assert [error["code"] for error in body["errors"]] == [
        "unknown_point", "unknown_pollutant", "unit_not_for_medium", "negative", "invalid", "future",
        "time_zone_required", "invalid_choice", "duplicate_row", "already_submitted",
    ]  # fmt: skip
    assert (Result.objects.count(), Submission.objects.count()) == (results, submissions)


def test_one_bad_row_among_many_good_ones_saves_nothing(points, staff_a, enterprise_a, client_for):
    rows = [row("SOIL-1", "Zn", "10", "mg/kg") for _ in range(200)]
    rows[150]["value"] = "ten"

    response = client_for(staff_a).post(SUBMISSIONS, {"enterprise": enterprise_a.bin, "results": rows}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 151, "field": "value", "code": "invalid", "message": "“ten” is not a number."}
    ]
    assert Result.objects.count() == 0
    assert Submission.objects.count() == 0


def test_missing_fields_are_named(points, staff_a, enterprise_a):
    rows = [row("AIR-1", "Cu", "0.001"), {"point": "AIR-1", "pollutant": "Cu", "value": "", "unit": "mg/m3"}]

    with pytest.raises(services.RowsInvalid) as raised:
        services.submission_create(actor=staff_a, enterprise=enterprise_a, rows=rows)

    assert error_pairs([error.error_item() for error in raised.value.errors]) == {
        (2, "sampled_at"),
        (2, "value"),
        (2, "averaging"),
    }


def test_an_empty_batch_is_refused(points, staff_a, enterprise_a):
    with pytest.raises(services.RowsInvalid) as raised:
        services.submission_create(actor=staff_a, enterprise=enterprise_a, rows=[])

    assert [error.field for error in raised.value.errors] == ["results"]
    assert Submission.objects.count() == 0


def test_the_same_time_in_another_zone_is_a_duplicate(points, staff_a, enterprise_a):
    moment = BASE_TIME - timedelta(days=5)
    rows = [
        row("AIR-1", "Cu", "0.001", sampled_at=moment.isoformat()),
        row("AIR-1", "Cu", "0.001", sampled_at=timezone.localtime(moment).isoformat()),  # +05:00, same instant
        row("AIR-1", "Cu", "0.001", sampled_at=moment.isoformat(), averaging="single"),  # another averaging: fine
    ]

    with pytest.raises(services.RowsInvalid) as raised:
        services.submission_create(actor=staff_a, enterprise=enterprise_a, rows=rows)

    assert [error.error_item() for error in raised.value.errors] == [
        {"row": 2, "field": "sampled_at", "code": "duplicate_row", "message": "the same result as row 1."}
    ]
