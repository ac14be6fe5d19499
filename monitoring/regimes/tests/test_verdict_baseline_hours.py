"""The baseline is the same local hours of day as the regime's window, in the 7 days before it: a night regime is
compared with the nights before (the city's region's time zone), not with the days."""

import pytest

from monitoring.regimes.tests.verdict_world import (
    DAY,
    HOUR,
    START,
    ZONE,
    hours,
    make_channel,
    make_city,
    make_regime,
    make_stack,
    sox,
    store,
)
from monitoring.regimes.verification import local_hours, regime_verify

pytestmark = pytest.mark.django_db

NIGHT_START = START + 18 * HOUR  # 18:00 local to 06:00 the next morning
NIGHT_END = NIGHT_START + 12 * HOUR


def night_or_day(moment):
    """10 g/s in the evening and night hours (18:00-05:59 local), 100 g/s by day."""
    hour = moment.astimezone(ZONE).hour
    return 10.0 if hour >= 18 or hour < 6 else 100.0


def test_a_window_names_the_local_hours_it_touches():
    assert local_hours(NIGHT_START, NIGHT_END, ZONE) == frozenset([*range(18, 24), *range(6)])
    assert local_hours(START + HOUR / 2, START + HOUR, ZONE) == frozenset({0})
    assert len(local_hours(START, START + DAY, ZONE)) == 24


def test_a_night_regime_is_compared_with_the_nights_before(enterprise_a, administrator):
    channel = make_channel(make_stack(enterprise_a, "0001"), sox())
    store(channel, hours(NIGHT_START - 7 * DAY, NIGHT_START), night_or_day, by=administrator)
    store(channel, hours(NIGHT_START, NIGHT_END), 7.0, by=administrator)
    regime = make_regime(make_city(enterprise_a), administrator, start=NIGHT_START, end=NIGHT_END)
    (verdict,) = regime_verify(regime_id=regime.pk)
    # Seven nights of 12 hours at 10 g/s: the days' 100 g/s are left out.
    assert verdict.baseline_count == 7 * 12
    assert verdict.baseline_mean_gs == pytest.approx(10.0)
    assert verdict.during_count == 12
    assert verdict.achieved_cut == pytest.approx(0.3)
