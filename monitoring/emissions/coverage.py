"""Coverage of continuous emission data: per channel, the intervals expected against those received, per local day
of a month or per month of a year.

An interval [t, t + interval) of a channel is expected when t is aligned to the channel's interval (a multiple of
it since the epoch, as the values' `interval_start` are), t is not before the channel's `since` and the interval
has ended by now. Expected intervals are counted by arithmetic on the periods' bounds (no row is read for them);
received ones by one statement, a count grouped by channel and local period over the values of the periods' range
only, which the (source, substance, interval_start) key reads pruned to the range's partitions: a month or a year
of a source, never its history. Days and months are those of the portal's zone, as the partitions'. The same
statement runs on SQLite (the embedded default), where the table is not partitioned.
"""

import calendar
import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from monitoring.emissions.models import Channel, EmissionValue
from monitoring.local_time import portal_zone
from monitoring.windows import local_midnight
from portal import values
from registry.permits.models import EmissionSource

# Periods: the days of a month, or the months of a year.
DAY, MONTH = "day", "month"
TRUNCATE = {DAY: TruncDate, MONTH: TruncMonth}


@dataclass(frozen=True)
class Cell:
    expected: int
    received: int

    @property
    def missing(self) -> int:
        return max(self.expected - self.received, 0)

    @property
    def share(self) -> float | None:
        """Received over expected (None when nothing was expected)."""
        return self.received / self.expected if self.expected else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else self.share * 100

    def figures(self) -> dict[str, object]:
        """As the API writes them: counts, and the share as a decimal string (portal.values.figure)."""
        return {
            "expected": self.expected,
            "received": self.received,
            "missing": self.missing,
            "share": values.figure(self.share),
        }


@dataclass(frozen=True)
class ChannelCoverage:
    channel: Channel
    cells: list[Cell]  # one per period, in the order of `Coverage.periods`

    @property
    def total(self) -> Cell:
        return Cell(sum(cell.expected for cell in self.cells), sum(cell.received for cell in self.cells))


@dataclass(frozen=True)
class Coverage:
    by: str  # DAY or MONTH
    periods: list[datetime.date]  # each day of the month, or the first day of each month of the year
    rows: list[ChannelCoverage]

    def by_period(self) -> list[tuple[datetime.date, list[Cell]]]:
        """Each period with the cell of each channel, in the order of `rows` (a table's lines)."""
        return [(period, [row.cells[index] for row in self.rows]) for index, period in enumerate(self.periods)]


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of `month`'s month."""
    return month.replace(day=1), month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _after(period: datetime.date, by: str) -> datetime.date:
    """The period after `period`: the next day, or the first day of the next month."""
    if by == DAY:
        return period + datetime.timedelta(days=1)
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _aligned(moment: datetime.datetime, step: int) -> int:
    """The number of the first interval of `step` seconds that starts at or after `moment` (counted from the epoch)."""
    return math.ceil(moment.timestamp() / step)


def expected(channel: Channel, starts: datetime.datetime, ends: datetime.datetime, now: datetime.datetime) -> int:
    """The intervals of `channel` expected in [starts, ends): aligned, from its `since`, ended by `now`."""
    step = channel.interval_minutes * 60
    first = max(_aligned(starts, step), _aligned(channel.since, step))
    after_last = min(_aligned(ends, step), math.floor(now.timestamp() / step))
    return max(after_last - first, 0)


def received_query(
    source: EmissionSource,
    channels: list[Channel],
    by: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    now: datetime.datetime,
) -> QuerySet[EmissionValue, tuple[int, Any, int]]:
    """(substance, period, count): the values of the channels in [starts, ends) counted as expected ones would be
    (from `since`, ended by `now`), grouped by local period."""
    counted = Q()
    for channel in channels:
        ended_by = now - datetime.timedelta(minutes=channel.interval_minutes)
        counted |= Q(substance_id=channel.substance_id, interval_start__gte=channel.since, interval_start__lte=ended_by)
    values = EmissionValue.objects.filter(
        counted,
        enterprise_id=source.enterprise_id,
        source=source,
        substance_id__in=[channel.substance_id for channel in channels],
        interval_start__gte=starts,
        interval_start__lt=ends,
    )
    return (
        values.annotate(period=TRUNCATE[by]("interval_start", tzinfo=portal_zone()))
        .order_by()
        .values_list("substance_id", "period")
        .annotate(n=Count("pk"))
    )


def _as_date(period: datetime.date | datetime.datetime) -> datetime.date:
    """TruncMonth of an aware time is a (local) time at midnight; TruncDate a date."""
    return period.date() if isinstance(period, datetime.datetime) else period


def coverage(
    source: EmissionSource,
    channels: list[Channel],
    *,
    by: str,
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime | None = None,
) -> Coverage:
    """The coverage of `channels` (of `source`) per period from `first` to `last` (days, or the first days of
    months), both included. The caller has checked that the reader sees the source."""
    now = now or timezone.now()
    periods, period = [], first
    while period <= last:
        periods.append(period)
        period = _after(period, by)
    if not channels or not periods:
        return Coverage(by, periods, [ChannelCoverage(channel, []) for channel in channels])
    bounds = [(local_midnight(period), local_midnight(_after(period, by))) for period in periods]
    rows = received_query(source, channels, by, bounds[0][0], bounds[-1][1], now)
    received = {(substance, _as_date(period)): n for substance, period, n in rows}
    table = [
        ChannelCoverage(
            channel,
            [
                Cell(expected(channel, starts, ends, now), received.get((channel.substance_id, period), 0))
                for period, (starts, ends) in zip(periods, bounds, strict=True)
            ],
        )
        for channel in channels
    ]
    return Coverage(by, periods, table)


def month_coverage(source: EmissionSource, channels: list[Channel], month: datetime.date) -> Coverage:
    """Per local day of `month`'s month."""
    first, last = month_bounds(month)
    return coverage(source, channels, by=DAY, first=first, last=last)


def year_coverage(source: EmissionSource, channels: list[Channel], year: int) -> Coverage:
    """Per month of `year`."""
    return coverage(source, channels, by=MONTH, first=datetime.date(year, 1, 1), last=datetime.date(year, 12, 1))
