"""Verifying again updates the verdicts and alerts in place (and tells nobody twice); the hourly beat verifies a
regime while it runs and once more, finally, when it has ended, and again only if its window is changed."""

import datetime

import pytest

from monitoring.models import Alert
from monitoring.regimes.models import Verdict, VerdictStatus, Verification
from monitoring.regimes.tasks import verify_regimes
from monitoring.regimes.tests.verdict_world import (
    DAY,
    END,
    HOUR,
    START,
    hours,
    make_channel,
    make_city,
    make_regime,
    make_stack,
    sox,
    store,
)
from monitoring.regimes.verification import regime_verify, regimes_due
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_a, administrator, inspector):
    channel = make_channel(make_stack(enterprise_a, "0001"), sox())
    store(channel, hours(START - 7 * DAY, START), 10.0, by=administrator)
    store(channel, hours(START, END - HOUR), 9.2, by=administrator)  # the last hour is late
    return {"regime": make_regime(make_city(enterprise_a), administrator), "channel": channel}


def test_a_second_run_updates_in_place_and_duplicates_nothing(world, administrator):
    regime = world["regime"]
    (first,) = regime_verify(regime_id=regime.pk)
    messages = OutboxMessage.objects.count()
    (again,) = regime_verify(regime_id=regime.pk)
    assert again.pk == first.pk and again.alert_id == first.alert_id
    assert (Verdict.objects.count(), Alert.objects.count(), OutboxMessage.objects.count()) == (1, 1, messages)
    # The window's last hour arrives late, far lower: the figures change, the same alert takes them.
    store(world["channel"], [END - HOUR], 1.0, by=administrator)
    (changed,) = regime_verify(regime_id=regime.pk)
    assert (first.during_count, changed.during_count) == (71, 72) and changed.alert_id == first.alert_id
    assert changed.achieved_cut > first.achieved_cut
    assert float(Alert.objects.get().achieved_cut) == pytest.approx(changed.achieved_cut, abs=1e-6)
    assert changed.status == VerdictStatus.SHORT and OutboxMessage.objects.count() == messages


def test_the_beat_verifies_running_regimes_and_ended_ones_once(world):
    regime = world["regime"]
    running = START + datetime.timedelta(hours=5)
    assert list(regimes_due(START - datetime.timedelta(hours=1))) == []
    assert list(regimes_due(running)) == [regime]
    regime_verify(regime_id=regime.pk, now=running)
    assert list(regimes_due(running)) == [regime]  # provisional: again next hour
    after = END + datetime.timedelta(hours=1)
    assert list(regimes_due(after)) == [regime]  # ended: the final verification is due
    regime_verify(regime_id=regime.pk, now=after)
    assert list(regimes_due(after)) == []
    # Its end corrected by the inspector: verified again.
    regime.ends_at = END - datetime.timedelta(hours=6)
    regime.save()
    assert list(regimes_due(after)) == [regime]


def test_the_hourly_task_enqueues_each_due_regime(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_regimes() == 1
    assert Verification.objects.get(regime=world["regime"]).final
    assert Verdict.objects.get().final
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_regimes() == 0  # verified finally: left alone
