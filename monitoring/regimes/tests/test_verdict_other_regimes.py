"""The baseline leaves out every interval inside another regime of the same city (a regime's week is no baseline);
a regime over another city changes nothing."""

import pytest

from monitoring.regimes.tests.verdict_world import (
    DAY,
    START,
    hours,
    make_channel,
    make_city,
    make_regime,
    make_stack,
    sox,
    store,
)
from monitoring.regimes.verification import regime_verify

pytestmark = pytest.mark.django_db


def test_intervals_of_an_earlier_regime_of_the_city_are_left_out(enterprise_a, administrator):
    channel = make_channel(make_stack(enterprise_a, "0001"), sox())
    city, elsewhere = make_city(enterprise_a), make_city(enterprise_a, code="elsewhere")
    earlier_start, earlier_end = START - 5 * DAY, START - 3 * DAY
    # 10 g/s through the week, but 4 g/s during the earlier regime (the enterprise cut then too).
    store(channel, hours(START - 7 * DAY, START), lambda t: 4.0 if earlier_start <= t < earlier_end else 10.0,
          by=administrator)  # fmt: skip
    store(channel, hours(START, START + 3 * DAY), 7.0, by=administrator)
    make_regime(elsewhere, administrator, start=START - 2 * DAY, end=START - DAY)
    regime = make_regime(city, administrator)
    (verdict,) = regime_verify(regime_id=regime.pk)
    assert verdict.baseline_count == 7 * 24  # nothing of the other city's regime is left out
    assert verdict.baseline_mean_gs < 10.0
    make_regime(city, administrator, start=earlier_start, end=earlier_end)
    (verdict,) = regime_verify(regime_id=regime.pk)
    assert verdict.baseline_count == 5 * 24
    assert verdict.baseline_mean_gs == pytest.approx(10.0)
    assert verdict.achieved_cut == pytest.approx(0.3)
