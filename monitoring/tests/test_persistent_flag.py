"""An alert is persistent when at least 66 % of the results of its point and pollutant in the six months up to
its latest exceeding sample exceed the MPC."""

import pytest

from monitoring.models import Alert
from monitoring.tests.helpers import BASE_TIME, row, when

pytestmark = pytest.mark.django_db


def series(values: list[str], *, start_days: float) -> list[dict]:
    """Cu results at AIR-1, a day apart, the first `start_days` before BASE_TIME."""
    return [
        row("AIR-1", "Cu", value, sampled_at=when(BASE_TIME, days=index - start_days))
        for index, value in enumerate(values)
    ]


@pytest.mark.parametrize(
    ("exceeding", "compliant", "persistent"),
    [
        (1, 0, True),
        (2, 1, True),  # 67 %
        (33, 17, True),  # 66 % exactly
        (32, 18, False),  # 64 %
        (1, 1, False),
        (1, 4, False),
    ],
)
def test_the_share_of_exceeding_results(air, staff_a, enterprise_a, submit, exceeding, compliant, persistent):
    values = ["0.001"] * compliant + ["0.003"] * exceeding
    submit(staff_a, enterprise_a, series(values, start_days=len(values)))

    assert Alert.objects.get().persistent is persistent


def test_results_older_than_six_months_do_not_count(air, staff_a, enterprise_a, submit):
    old = series(["0.001"] * 5, start_days=200)
    recent = series(["0.003"], start_days=1)

    submit(staff_a, enterprise_a, old + recent)

    assert Alert.objects.get().persistent is True


def test_results_of_other_pollutants_and_points_do_not_count(points, staff_a, enterprise_a, submit):
    others = [row("AIR-1", "Pb", "0.0001"), row("AIR-1", "Pb", "0.0001"), row("GW-1", "Cu", "0.0001", "mg/l")]

    submit(staff_a, enterprise_a, [*others, row("AIR-1", "Cu", "0.003")])

    assert Alert.objects.get().persistent is True


def test_the_flag_follows_later_submissions(air, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, series(["0.001", "0.001", "0.003"], start_days=20))
    alert = Alert.objects.get()
    assert alert.persistent is False

    submit(staff_a, enterprise_a, series(["0.003", "0.003", "0.003"], start_days=10))

    alert.refresh_from_db()
    assert (alert.persistent, alert.result_count) == (True, 4)  # 4 of 6


def test_compliant_results_after_the_alert_lower_the_share(air, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, series(["0.003", "0.003"], start_days=20))
    alert = Alert.objects.get()
    assert alert.persistent is True

    submit(staff_a, enterprise_a, series(["0.001"] * 4, start_days=10))  # now 2 of 6 exceed

    alert.refresh_from_db()
    assert alert.persistent is False
