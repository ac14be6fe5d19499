"""A result above its MPC is an exceedance, with its ratio to the MPC and a severity from rules v1:
air 10x/50x; groundwater: hazard class 1-2 3x/5x, class 3-4 10x/50x, the special group (Cu, Fe, Mn, oil,
phenols) 30x/50x; soil 10x/50x. A result at exactly the MPC is not an exceedance."""

import pytest

from monitoring.models import Result, Severity
from monitoring.tests.helpers import EXCEEDANCES, row

pytestmark = pytest.mark.django_db

CASES = [
    # point, pollutant, value, unit, ratio, severity (None: not an exceedance)
    ("AIR-1", "Cu", "0.03", "mg/m3", 15, "high"),
    ("AIR-1", "Cu", "0.15", "mg/m3", 75, "extreme"),
    ("AIR-1", "Cu", "0.003", "mg/m3", 1.5, "exceedance"),
    ("AIR-1", "Cu", "0.002", "mg/m3", 1.0, None),
    ("AIR-1", "Cu", "0.02", "mg/m3", 10, "high"),  # exactly 10x is high
    ("AIR-1", "Cu", "0.1", "mg/m3", 50, "extreme"),  # exactly 50x is extreme
    ("AIR-1", "Pb", "0.0015", "mg/m3", 5, "exceedance"),
    ("GW-1", "Cu", "0.02", "mg/l", 20, "exceedance"),  # special group: high only from 30x
    ("GW-1", "Cu", "0.035", "mg/l", 35, "high"),
    ("GW-1", "Cu", "0.06", "mg/l", 60, "extreme"),
    ("GW-1", "Pb", "0.04", "mg/l", 4, "high"),  # hazard class 2: 3x/5x
    ("GW-1", "Pb", "0.05", "mg/l", 5, "extreme"),
    ("GW-1", "Pb", "0.02", "mg/l", 2, "exceedance"),
    ("GW-1", "Zn", "0.2", "mg/l", 20, "high"),  # hazard class 3: 10x/50x
    ("SOIL-1", "Zn", "460", "mg/kg", 20, "high"),
    ("SOIL-1", "Zn", "23", "mg/kg", 1.0, None),
    ("SOIL-1", "Zn", "46", "mg/kg", 2, "exceedance"),
]


@pytest.mark.parametrize(("point", "pollutant", "value", "unit", "ratio", "severity"), CASES)
def test_ratio_and_severity(points, staff_a, enterprise_a, submit, point, pollutant, value, unit, ratio, severity):
    submission = submit(staff_a, enterprise_a, [row(point, pollutant, value, unit)])

    result = Result.objects.get(submission=submission)
    assert result.evaluated
    assert result.ratio == pytest.approx(ratio)
    assert result.norm is not None
    expected = {None: Severity.NONE, "exceedance": 1, "high": 2, "extreme": 3}[severity]
    assert result.severity == expected
    assert (result.alert_id is not None) == (severity is not None)


def test_exceedances_of_a_submission_through_the_api(points, staff_a, enterprise_a, inspector, submit, client_for):
    submission = submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03", "mg/m3"),
            row("AIR-1", "Cu", "0.001", "mg/m3"),  # within the MPC
            row("GW-1", "Pb", "0.04", "mg/l"),
            row("SOIL-1", "Zn", "10", "mg/kg"),  # within the MPC
        ],
    )

    response = client_for(inspector).get(EXCEEDANCES, {"submission": submission.pk})

    assert response.status_code == 200
    by_point = {item["point"]: item for item in response.json()["results"]}
    assert set(by_point) == {"AIR-1", "GW-1"}
    air = by_point["AIR-1"]
    assert air["pollutant"] == "Cu"
    assert air["value"] == "0.0300000000"  # amounts are decimal strings, as everywhere in the API
    assert air["unit"] == "mg/m3"
    assert air["mpc"] == "0.0020000000"
    assert air["mpc_unit"] == "mg/m3"
    assert air["ratio"] == "15.0000000000"  # 0.03 / 0.002 is 14.999999999999998 in binary floats
    assert air["severity"] == "high"
    assert air["submission"] == submission.pk
    assert air["alert"] is not None
    water = by_point["GW-1"]
    assert (water["pollutant"], water["mpc_unit"], water["severity"]) == ("Pb", "mg/l", "high")
    assert water["ratio"] == "4.00000000000"
    assert water["mpc"] == "0.0100000000"


def test_exceedance_filters(points, staff_a, enterprise_a, inspector, submit, client_for):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03", "mg/m3"),  # high
            row("AIR-1", "Pb", "0.0006", "mg/m3"),  # 2x: exceedance
            row("GW-1", "Cu", "0.06", "mg/l"),  # extreme
            row("GW-1", "Pb", "0.04", "mg/l"),  # high
        ],
    )
    client = client_for(inspector)

    def found(**params):
        response = client.get(EXCEEDANCES, params)
        assert response.status_code == 200
        return sorted((item["point"], item["pollutant"]) for item in response.json()["results"])

    assert found(point="AIR-1") == [("AIR-1", "Cu"), ("AIR-1", "Pb")]
    assert found(pollutant="Cu") == [("AIR-1", "Cu"), ("GW-1", "Cu")]
    assert found(severity="high") == [("AIR-1", "Cu"), ("GW-1", "Pb")]
    assert found(severity="extreme") == [("GW-1", "Cu")]
    assert found(severity="exceedance") == [("AIR-1", "Pb")]
    assert found(point="GW-1", pollutant="Pb", severity="high") == [("GW-1", "Pb")]
    assert client.get(EXCEEDANCES, {"severity": "none"}).status_code == 400
