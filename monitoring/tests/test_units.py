"""Results are converted to the medium's base unit before they meet their norm; a unit of another medium is a
row error."""

import pytest

from monitoring.models import Result, Submission
from monitoring.tests.helpers import SUBMISSIONS, error_pairs, row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("point", "pollutant", "base", "other", "ratio", "severity"),
    [
        ("AIR-1", "Cu", ("0.03", "mg/m3"), ("30", "ug/m3"), 15, 2),
        ("AIR-1", "Cu", ("0.15", "mg/m3"), ("150", "µg/m3"), 75, 3),
        ("AIR-1", "Cu", ("0.002", "mg/m3"), ("2", "ug/m3"), 1.0, 0),
        ("GW-1", "Cu", ("0.02", "mg/l"), ("20", "ug/l"), 20, 1),
        ("GW-1", "Pb", ("0.04", "mg/l"), ("40", "µg/l"), 4, 2),
        ("SOIL-1", "Zn", ("46", "mg/kg"), ("0.046", "g/kg"), 2, 1),
        ("SOIL-1", "Zn", ("460", "mg/kg"), ("460000", "ug/kg"), 20, 2),
    ],
)
def test_the_same_concentration_in_another_unit_has_the_same_ratio_and_severity(
    points, staff_a, enterprise_a, submit, point, pollutant, base, other, ratio, severity
):
    submission = submit(
        staff_a, enterprise_a, [row(point, pollutant, base[0], base[1]), row(point, pollutant, other[0], other[1])]
    )

    first, second = Result.objects.filter(submission=submission).order_by("sampled_at")
    assert (first.unit, second.unit) == (base[1], other[1])
    assert second.value_base == pytest.approx(first.value_base)
    assert first.ratio == pytest.approx(ratio)
    assert second.ratio == pytest.approx(ratio)
    assert first.severity == second.severity == severity


def test_a_unit_that_does_not_fit_the_medium_is_a_row_error(points, staff_a, enterprise_a, client_for):
    rows = [
        row("AIR-1", "Cu", "0.03", "mg/m3"),
        row("AIR-1", "Cu", "0.03", "mg/kg"),
        row("SOIL-1", "Zn", "46", "mg/m3"),
        row("GW-1", "Cu", "0.02", "mg/kg"),
        row("AIR-1", "Cu", "0.03", "furlongs"),
    ]

    response = client_for(staff_a).post(SUBMISSIONS, {"enterprise": enterprise_a.bin, "results": rows}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert error_pairs(errors) == {(2, "unit"), (3, "unit"), (4, "unit"), (5, "unit")}
    assert {error["code"] for error in errors} == {"unit_not_for_medium"}
    reasons = {error["row"]: error["message"] for error in errors}
    assert "mg/kg" in reasons[2]
    assert "air" in reasons[2]
    assert Result.objects.count() == 0
    assert Submission.objects.count() == 0
