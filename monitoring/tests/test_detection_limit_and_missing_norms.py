"""A value below the detection limit ("<0.001") is kept as such and never counts as an exceedance; a result
without a norm (Cd has none) is counted as such and kept, never dropped."""

import pytest

from monitoring.models import Alert, Result
from monitoring.tests.helpers import EXCEEDANCES, SUBMISSIONS, row

pytestmark = pytest.mark.django_db


def test_below_the_detection_limit_is_stored_and_never_an_exceedance(points, staff_a, enterprise_a, submit):
    submission = submit(
        staff_a,
        enterprise_a,
        [
            row("GW-1", "Cu", "<0.001", "mg/l"),
            row("AIR-1", "Cu", "<0.01"),  # the limit is 5x the MPC: still no exceedance
            row("AIR-1", "Pb", "< 0,003"),  # 10x the MPC, with a space and a decimal comma
        ],
    )

    results = {(result.point.code, result.pollutant.code): result for result in Result.objects.all()}
    water = results[("GW-1", "Cu")]
    assert water.below_detection is True
    assert str(water.value.normalize()) == "0.001"
    assert water.evaluated
    assert water.norm is not None
    for result in results.values():
        assert result.below_detection is True
        assert result.severity == 0
        assert result.alert is None
    assert results[("AIR-1", "Pb")].value_base == pytest.approx(0.003)
    assert not Alert.objects.exists()
    assert Result.objects.filter(submission=submission, norm=None).count() == 0


def test_an_exceedance_is_not_read_as_below_the_limit(air, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.01")])

    result = Result.objects.get()
    assert result.below_detection is False
    assert result.severity == 1


def test_results_without_a_norm_are_counted_and_kept(points, staff_a, enterprise_a, inspector, submit, client_for):
    submission = submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cd", "5"),  # cadmium has no norm at all
            row("GW-1", "Cd", "5", "mg/l"),
            row("GW-1", "Cu", "0.05", "mg/l", averaging="daily"),  # copper in water has a single norm only
            row("AIR-1", "Cu", "0.03"),  # an exceedance
            row("SOIL-1", "Zn", "1", "mg/kg"),  # within the MPC
        ],
    )

    response = client_for(staff_a).get(f"{SUBMISSIONS}{submission.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "processed"
    assert body["counts"]["results"] == 5
    assert body["counts"]["evaluated"] == 5
    assert body["counts"]["without_norm"] == 3
    assert body["counts"]["exceeding"] == 1
    assert body["counts"]["high"] == 1
    assert Result.objects.filter(submission=submission).count() == 5
    unnormed = Result.objects.filter(submission=submission, norm=None)
    assert set(unnormed.values_list("pollutant__code", "ratio", "severity", "evaluated")) == {
        ("Cd", None, 0, True),
        ("Cu", None, 0, True),
    }
    exceedances = client_for(inspector).get(EXCEEDANCES, {"submission": submission.pk}).json()["results"]
    assert [(item["point"], item["pollutant"]) for item in exceedances] == [("AIR-1", "Cu")]
