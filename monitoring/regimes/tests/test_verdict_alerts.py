"""A final verdict short of the required cut opens a `cut_short` alert; no data during the window, or no baseline, a
`not_measured` one (never a pass), each told to the region's inspectors through the outbox; a provisional verdict
(the regime still running) opens none. `verdict_reached` is sent with the final verdicts."""

import datetime
from decimal import Decimal

import pytest

from monitoring.models import Alert, AlertKind
from monitoring.regimes.models import NotMeasuredReason, VerdictStatus
from monitoring.regimes.signals import verdict_reached
from monitoring.regimes.tests.verdict_world import (
    DAY,
    END,
    START,
    hours,
    make_channel,
    make_city,
    make_regime,
    make_stack,
    sox,
    store,
    week_then_window,
)
from monitoring.regimes.verification import regime_verify
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_a, administrator, inspector):
    substance = sox()
    short = make_channel(make_stack(enterprise_a, "0001"), substance)
    silent = make_channel(make_stack(enterprise_a, "0002"), substance)
    new = make_channel(make_stack(enterprise_a, "0003"), substance)
    passed = make_channel(make_stack(enterprise_a, "0004"), substance)
    week_then_window(short, 10.0, 9.2, by=administrator)
    week_then_window(passed, 10.0, 6.5, by=administrator)
    store(silent, hours(START - 7 * DAY, START), 10.0, by=administrator)  # nothing during the window
    store(new, hours(START, END), 5.0, by=administrator)  # nothing before it
    return make_regime(make_city(enterprise_a), administrator)


def test_short_and_not_measured_verdicts_open_alerts_for_the_inspectors(world, inspector):
    reached = []
    verdict_reached.connect(lambda sender, verdicts, **kwargs: reached.extend(verdicts), weak=False, dispatch_uid="t")
    try:
        verdicts = {v.source.code: v for v in regime_verify(regime_id=world.pk)}
    finally:
        verdict_reached.disconnect(dispatch_uid="t")
    assert {code: v.status for code, v in verdicts.items()} == {
        "0001": VerdictStatus.SHORT, "0002": VerdictStatus.NOT_MEASURED, "0003": VerdictStatus.NOT_MEASURED,
        "0004": VerdictStatus.PASSED,
    }  # fmt: skip
    assert verdicts["0002"].reason == NotMeasuredReason.NO_DATA_DURING and verdicts["0002"].achieved_cut is None
    assert verdicts["0003"].reason == NotMeasuredReason.NO_BASELINE and verdicts["0003"].during_count == 72
    short = verdicts["0001"].alert
    assert short.kind == AlertKind.CUT_SHORT and short.window_start == START and short.window_end == END
    assert short.achieved_cut == Decimal("0.080000") and short.required_cut == Decimal("0.2")
    assert {verdicts[code].alert.kind for code in ("0002", "0003")} == {AlertKind.NOT_MEASURED}
    assert verdicts["0004"].alert is None
    assert Alert.objects.count() == 3
    told = OutboxMessage.objects.filter(recipient=inspector, dedupe_key__startswith="alert:")
    assert told.filter(channel="in_app").count() == 3
    assert {v.pk for v in reached} == {v.pk for v in verdicts.values()}


def test_a_running_regime_has_provisional_verdicts_and_no_alert(world):
    now = START + datetime.timedelta(hours=30)
    verdicts = regime_verify(regime_id=world.pk, now=now)
    assert verdicts and not any(v.final for v in verdicts)
    short = next(v for v in verdicts if v.source.code == "0001")
    assert short.during_count == 30 and short.status == VerdictStatus.SHORT
    assert not Alert.objects.exists()
    assert regime_verify(regime_id=world.pk, now=START - DAY) == []  # not begun: nothing to judge
