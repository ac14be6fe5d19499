"""The achieved cut: 1 - mean during / mean before, with the intervals behind each mean, judged against the degree's
required cut in force at the regime's start (version and value recorded on the verdict)."""

import datetime

import pytest

from monitoring.regimes.models import RequiredCut, VerdictStatus
from monitoring.regimes.selectors import required_cut_in_force
from monitoring.regimes.tests.verdict_world import (
    START,
    make_channel,
    make_city,
    make_regime,
    make_stack,
    sox,
    week_then_window,
)
from monitoring.regimes.verification import regime_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_a, administrator):
    admin, enterprise = administrator, enterprise_a
    city = make_city(enterprise)
    substance = sox()
    cut = make_channel(make_stack(enterprise, "0001"), substance)
    short = make_channel(make_stack(enterprise, "0002"), substance)
    outside = make_channel(make_stack(enterprise, "0003", inside=False), substance)
    week_then_window(cut, 10.0, 6.5, by=admin)
    week_then_window(short, 10.0, 9.2, by=admin)
    week_then_window(outside, 10.0, 10.0, by=admin)
    return {"regime": make_regime(city, admin), "cut": cut, "short": short}


def test_the_cut_is_one_minus_the_ratio_of_means_with_their_counts(world):
    verdicts = {v.source.code: v for v in regime_verify(regime_id=world["regime"].pk)}
    assert set(verdicts) == {"0001", "0002"}  # the stack outside the city is not judged
    made = verdicts["0001"]
    assert made.during_mean_gs == pytest.approx(6.5) and made.during_count == 72
    assert made.baseline_mean_gs == pytest.approx(10.0) and made.baseline_count == 7 * 24
    assert made.achieved_cut == pytest.approx(0.35)
    assert made.status == VerdictStatus.PASSED and made.final
    assert verdicts["0002"].achieved_cut == pytest.approx(0.08)
    assert verdicts["0002"].status == VerdictStatus.SHORT


def test_the_required_cut_is_the_version_in_force_at_the_start(world):
    in_force = required_cut_in_force(degree=2, at=START)
    later = RequiredCut.objects.create(degree=2, cut="0.3600", valid_from=(START + datetime.timedelta(days=1)).date())
    verdict = regime_verify(regime_id=world["regime"].pk)[0]
    assert verdict.required_cut == in_force and verdict.required_cut != later
    assert verdict.required_value == in_force.cut
    # A version in force from before the start judges it: 35 % is now short of 36 %.
    later.valid_from = (START - datetime.timedelta(days=1)).date()
    later.save()
    verdict = regime_verify(regime_id=world["regime"].pk)[0]
    assert verdict.required_cut == later and verdict.status == VerdictStatus.SHORT
