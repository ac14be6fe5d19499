"""Silent sources: a source whose active channels have all sent nothing for their `silent_after` (the channel's, else
settings.EMISSIONS_SILENT_AFTER_MINUTES) raises a SILENT alert for the inspectors of its region, told once through
the outbox (monitoring.services.alerts.notify_once). Beat runs it every 10 minutes (`raise_silent_alerts`).

A channel is silent when no value of it began at or after now - (silent_after + interval): its newest interval
ended more than silent_after ago. One that is measured for less than its silent_after (a new channel) is not silent
yet, and keeps its source from being silent. The check probes each active channel's newest values by the values'
key (source, substance, interval_start) between now - (silent_after + interval) and now, one query per distinct
such period (constant bounds: planned on those months' partitions only): no history is read.

One open alert per source (`alert_one_open_silent`): it is not opened again while open; while the source stays
silent each run brings its figures up to date (the intervals missed since it fell silent, `result_count`, and the
time it was last found silent, `last_sampled_at`); once values arrive again it stops counting but stays open for
the inspector to close. `silent_since` is the end of the newest interval received from the source's active
channels (the earliest `since` when none ever sent a value). A silence the inspector closed is not raised again
until the source has sent data and fallen silent anew (a new `silent_since`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from monitoring.emissions.coverage import expected
from monitoring.emissions.models import Channel, EmissionValue
from monitoring.models import OPEN_ALERT, Alert, AlertKind
from monitoring.services.alerts import notify_once
from registry.permits.models import EmissionSource


def _silent_after(channel: Channel) -> datetime.timedelta:
    return datetime.timedelta(minutes=channel.silent_after_minutes or settings.EMISSIONS_SILENT_AFTER_MINUTES)


def _values_of(channel: Channel) -> QuerySet[EmissionValue]:
    return EmissionValue.objects.filter(
        enterprise_id=channel.source.enterprise_id, source_id=channel.source_id, substance_id=channel.substance_id
    )


def _silent_channels(now: datetime.datetime) -> dict[int, list[Channel]]:
    """By source: its active channels, when every one of them is silent. One query per distinct quiet period
    (silent_after + interval: a handful), each probing its channels' newest values by an EXISTS on the key."""
    channels = list(Channel.objects.filter(is_active=True).select_related("source").order_by("source_id", "pk"))
    by_quiet: dict[datetime.timedelta, list[int]] = defaultdict(list)
    for channel in channels:
        by_quiet[_silent_after(channel) + datetime.timedelta(minutes=channel.interval_minutes)].append(channel.pk)
    heard: set[int] = set()
    for quiet, ids in by_quiet.items():
        recent = EmissionValue.objects.filter(
            enterprise_id=OuterRef("source__enterprise_id"),
            source_id=OuterRef("source_id"),
            substance_id=OuterRef("substance_id"),
            interval_start__gte=now - quiet,
            interval_start__lte=now,  # none is later (ingest refuses the future): the months ahead are not read
        )
        found = Channel.objects.filter(pk__in=ids).filter(Exists(recent)).values_list("pk", flat=True)
        heard.update(found)
    by_source: dict[int, list[Channel]] = defaultdict(list)
    for channel in channels:
        by_source[channel.source_id].append(channel)
    return {
        source_id: members
        for source_id, members in by_source.items()
        if all(channel.pk not in heard and channel.since <= now - _silent_after(channel) for channel in members)
    }


def _silent_since(channels: Iterable[Channel]) -> datetime.datetime:
    """The end of the newest interval received from these channels, or the earliest `since` when none sent any."""
    ends = []
    for channel in channels:
        newest = _values_of(channel).aggregate(newest=Max("interval_start"))["newest"]
        if newest is not None:
            ends.append(newest + datetime.timedelta(minutes=channel.interval_minutes))
    return max(ends) if ends else min(channel.since for channel in channels)


def _missed(channels: Iterable[Channel], since: datetime.datetime, now: datetime.datetime) -> int:
    """The intervals the channels were expected to send since `since` (none of which came)."""
    return sum(expected(channel, since, now, now) for channel in channels)


def silent_alerts_raise(*, now: datetime.datetime | None = None) -> list[Alert]:
    """Open a SILENT alert for each newly silent source, bring the open ones of still silent sources up to date;
    returns the alerts opened (and notified). Each source in a transaction of its own, holding its row: two runs at
    once take turns, and the second finds the first one's alert open."""
    now = now or timezone.now()
    opened = []
    for source_id, channels in _silent_channels(now).items():
        with transaction.atomic():
            source = EmissionSource.objects.select_for_update(no_key=True).get(pk=source_id)
            alert = Alert.objects.filter(kind=AlertKind.SILENT, source=source, status__in=OPEN_ALERT).first()
            if alert is not None:
                alert.result_count = _missed(channels, alert.silent_since or now, now)
                alert.last_sampled_at = now
                alert.save(update_fields=["result_count", "last_sampled_at"])
                continue
            since = _silent_since(channels)
            if Alert.objects.filter(kind=AlertKind.SILENT, source=source, silent_since=since).exists():
                continue  # closed by the inspector: the same silence is not raised again
            alert = Alert.objects.create(
                kind=AlertKind.SILENT,
                enterprise_id=source.enterprise_id,
                source=source,
                silent_since=since,
                result_count=_missed(channels, since, now),
                last_sampled_at=now,
            )
            notify_once(Alert.objects.filter(pk=alert.pk))
            opened.append(alert)
    return opened
