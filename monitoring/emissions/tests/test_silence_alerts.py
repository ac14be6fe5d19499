"""A source whose active channels have all sent nothing for their silent_after raises one SILENT alert, told once
through the outbox; not reopened while open; values arriving again stop its counting but leave it open; a silence
the inspector closed is not raised again."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from monitoring.emissions.models import Channel, EmissionValue
from monitoring.emissions.partitions import VALUES
from monitoring.emissions.silence import silent_alerts_raise
from monitoring.emissions.tests.conftest import START
from monitoring.emissions.tests.cov_helpers import every, store
from monitoring.models import Alert, AlertKind, AlertStatus
from monitoring.services import alert_update
from portal.models import OutboxMessage
from portal.tests.plans import scanned

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _default(settings):
    settings.EMISSIONS_SILENT_AFTER_MINUTES = 120


@pytest.fixture
def sent_until(channels, staff_a):
    """Both channels sent every interval of the day before START, up to 10:00 (last intervals: SO2 09:40, NOx
    09:00, both ending at 10:00)."""
    so2, nox = channels
    store(so2, every(so2, START - 24 * HOUR, START - datetime.timedelta(minutes=20)), staff_a)
    store(nox, every(nox, START - 24 * HOUR, START - HOUR), staff_a)
    return START


def told(alert: Alert) -> int:
    return OutboxMessage.objects.filter(dedupe_key__startswith=f"alert:{alert.pk}:").count()


def test_not_silent_within_its_silent_after(sent_until, inspector):
    assert silent_alerts_raise(now=sent_until + 2 * HOUR) == []  # last interval ended exactly two hours ago


def test_silent_once_past_it_and_told_once(sent_until, inspector):
    [alert] = silent_alerts_raise(now=sent_until + 2 * HOUR + datetime.timedelta(minutes=10))
    assert alert.kind == AlertKind.SILENT and alert.source.code == "0001" and alert.substance is None
    assert alert.silent_since == sent_until
    assert alert.enterprise_id == alert.source.enterprise_id
    # 2 h 10 min since 10:00: SO2's intervals 10:00 to 11:40 (6) and NOx's 10:00 and 11:00 (2) have ended.
    assert alert.result_count == 8
    assert told(alert) == 2  # the region's inspector: an e-mail and a message on the site
    later = sent_until + 5 * HOUR
    assert silent_alerts_raise(now=later) == []  # not opened again while open, and nobody told again
    alert.refresh_from_db()
    assert (alert.result_count, alert.last_sampled_at) == (15 + 5, later)
    assert Alert.objects.filter(kind=AlertKind.SILENT).count() == 1 and told(alert) == 2


def test_one_channel_heard_keeps_the_source_from_silence(sent_until, channels, staff_a):
    so2, _nox = channels
    store(so2, every(so2, sent_until, sent_until + 3 * HOUR), staff_a)
    assert silent_alerts_raise(now=sent_until + 4 * HOUR) == []


def test_values_arriving_again_stop_counting_but_leave_it_open(sent_until, channels, staff_a, inspector):
    so2, _nox = channels
    [alert] = silent_alerts_raise(now=sent_until + 3 * HOUR)
    counted = alert.result_count
    store(so2, every(so2, sent_until + 4 * HOUR, sent_until + 5 * HOUR), staff_a)
    assert silent_alerts_raise(now=sent_until + 5 * HOUR) == []
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW and alert.result_count == counted  # open, no longer counting
    # The inspector closes it; the same silence is not raised again, a new one is.
    alert_update(actor=inspector, alert=alert, status=AlertStatus.RESOLVED, comment="The analyser was repaired.")
    assert silent_alerts_raise(now=sent_until + 5 * HOUR) == []
    [again] = silent_alerts_raise(now=sent_until + 9 * HOUR)
    assert again.pk != alert.pk and again.silent_since == sent_until + 5 * HOUR + datetime.timedelta(minutes=20)


def test_closed_while_still_silent_is_not_raised_again(sent_until, inspector):
    [alert] = silent_alerts_raise(now=sent_until + 3 * HOUR)
    alert_update(actor=inspector, alert=alert, status=AlertStatus.DISMISSED, comment="Planned maintenance.")
    assert silent_alerts_raise(now=sent_until + 6 * HOUR) == []


def test_a_new_or_inactive_channel(channels, inspector):
    so2, nox = channels
    # Measured since a month before START and never sent: silent since its `since`.
    [alert] = silent_alerts_raise(now=START)
    assert alert.silent_since == so2.since
    alert.delete()
    # A channel registered an hour ago keeps its source from silence until its silent_after has passed.
    nox.since = START - HOUR
    nox.save()
    assert silent_alerts_raise(now=START) == []
    # Inactive channels are not watched; a source without an active channel is never silent.
    nox.is_active = so2.is_active = False
    nox.save()
    so2.save()
    assert silent_alerts_raise(now=START + 10 * HOUR) == []


def test_the_channels_own_silent_after(sent_until, channels):
    so2, nox = channels
    so2.silent_after_minutes = nox.silent_after_minutes = 600
    so2.save()
    nox.save()
    assert silent_alerts_raise(now=sent_until + 9 * HOUR) == []
    assert len(silent_alerts_raise(now=sent_until + 11 * HOUR)) == 1


def test_the_beat_task(sent_until, monkeypatch):
    from monitoring.emissions import silence, tasks

    monkeypatch.setattr(silence.timezone, "now", lambda: sent_until + 3 * HOUR)
    [alert_id] = tasks.raise_silent_alerts()
    assert Alert.objects.get(pk=alert_id).kind == AlertKind.SILENT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions and plans are PostgreSQL's")
def test_the_probe_reads_the_last_partitions_only(channels):
    """The check's EXISTS (as silence._silent_channels builds it) has constant bounds: pruned at planning to the
    months they span."""
    VALUES.ensure(months=[(2024, month) for month in range(1, 13)] + [(2025, 1)])
    recent = EmissionValue.objects.filter(
        enterprise_id=OuterRef("source__enterprise_id"),
        source_id=OuterRef("source_id"),
        substance_id=OuterRef("substance_id"),
        interval_start__gte=START - 3 * HOUR,
        interval_start__lte=START,
    )
    probe = Channel.objects.filter(is_active=True).filter(Exists(recent))
    assert {name for name in scanned(probe) if name.startswith("emissions_value")} == {"emissions_value_p2025_01"}
