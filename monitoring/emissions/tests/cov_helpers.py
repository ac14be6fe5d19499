"""Helpers of the coverage and silence tests (test_cov_*, test_silence_*): values stored straight into the table
(their partitions made first), as many as a test needs, without the ingest's checks (tested on their own)."""

import datetime
from collections.abc import Iterable

from monitoring.emissions.models import Channel, EmissionSubmission, EmissionValue
from monitoring.emissions.partitions import VALUES
from monitoring.partitions import month_of
from portal.models import User


def store(channel: Channel, starts: Iterable[datetime.datetime], by: User, rate: float = 1.0) -> int:
    """Values of `channel` (g/s, `rate`) at each interval start, submitted by `by`; returns how many."""
    starts = list(starts)
    source = channel.source
    VALUES.prepare_for_rows({month_of(start) for start in starts})
    submission = EmissionSubmission.objects.create(
        enterprise_id=source.enterprise_id, submitted_by=by, via=EmissionSubmission.Via.API
    )
    EmissionValue.objects.bulk_create(
        EmissionValue(
            submission=submission,
            enterprise_id=source.enterprise_id,
            source=source,
            substance=channel.substance,
            interval_start=start,
            value=rate,
            unit="g/s",
            rate_gs=rate,
        )
        for start in starts
    )
    return len(starts)


def every(channel: Channel, first: datetime.datetime, last: datetime.datetime) -> list[datetime.datetime]:
    """The channel's interval starts from `first` to `last`, both included."""
    step = datetime.timedelta(minutes=channel.interval_minutes)
    starts, start = [], first
    while start <= last:
        starts.append(start)
        start += step
    return starts
