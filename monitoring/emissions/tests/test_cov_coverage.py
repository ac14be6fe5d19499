"""Coverage: per channel, the intervals expected (aligned, from `since`, ended by now) against those received, per
local day of a month and per month of a year; read from the window's partitions only."""

import datetime

import pytest
from django.db import connection

from monitoring.emissions import coverage
from monitoring.emissions.partitions import VALUES
from monitoring.emissions.tests.conftest import START
from monitoring.emissions.tests.cov_helpers import every, store
from portal.tests.plans import scanned

pytestmark = pytest.mark.django_db

# The channels measure since 2024-12-16 10:00 local time (UTC+5); "now" is START, 2025-01-15 10:00.
SINCE = START - datetime.timedelta(days=30)
DAY = datetime.timedelta(days=1)


def local(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=START.tzinfo)


def by_day(found: coverage.Coverage) -> dict[tuple[str, datetime.date], tuple[int, int]]:
    return {
        (row.channel.substance.code, period): (cell.expected, cell.received)
        for row in found.rows
        for period, cell in zip(found.periods, row.cells, strict=True)
    }


def test_expected_from_since_to_now_and_received_within_them(channels, staff_a):
    so2, nox = channels
    dec17 = datetime.date(2024, 12, 17)
    full_day = every(so2, local(dec17), local(dec17, 23, 40))
    store(so2, [start for start in full_day if start.hour != 5], staff_a)  # 3 intervals missing
    store(so2, [SINCE - datetime.timedelta(minutes=20)], staff_a)  # before `since`: not expected, not counted
    store(nox, every(nox, local(dec17), local(dec17, 23)), staff_a)
    found = coverage.coverage(
        so2.source, channels, by=coverage.DAY, first=datetime.date(2024, 12, 1), last=datetime.date(2024, 12, 31),
        now=START,
    )  # fmt: skip
    cells = by_day(found)
    assert len(found.periods) == 31
    assert cells["SO2", datetime.date(2024, 12, 15)] == (0, 0)
    assert cells["SO2", datetime.date(2024, 12, 16)] == (42, 0)  # from 10:00: 14 hours of 20 minutes
    assert cells["NOx", datetime.date(2024, 12, 16)] == (14, 0)
    assert cells["SO2", dec17] == (72, 69)
    assert cells["NOx", dec17] == (24, 24)
    so2_row = found.rows[0]
    assert so2_row.total.expected == 42 + 15 * 72 and so2_row.total.received == 69
    assert so2_row.cells[16].missing == 3 and round(so2_row.cells[16].share or 0, 4) == round(69 / 72, 4)


def test_todays_intervals_count_once_ended(channels, staff_a):
    so2, _nox = channels
    today = START.date()
    store(so2, every(so2, local(today), START), staff_a)  # 00:00 to 10:00: the 10:00 interval has not ended
    found = coverage.coverage(so2.source, channels, by=coverage.DAY, first=today, last=today, now=START)
    assert by_day(found) == {("SO2", today): (30, 30), ("NOx", today): (10, 0)}


def test_days_are_local_days(channels, staff_a):
    so2, _nox = channels
    dec20 = datetime.date(2024, 12, 20)
    store(so2, [local(dec20, 23, 40), local(dec20 + DAY)], staff_a)
    found = coverage.coverage(so2.source, [so2], by=coverage.DAY, first=dec20, last=dec20 + DAY, now=START)
    assert [cell.received for cell in found.rows[0].cells] == [1, 1]


def test_year_per_month(channels, staff_a):
    so2, nox = channels
    store(so2, every(so2, local(datetime.date(2024, 12, 20)), local(datetime.date(2024, 12, 20), 23, 40)), staff_a)
    found = coverage.year_coverage(so2.source, [so2, nox], 2024)
    assert [period.month for period in found.periods] == list(range(1, 13))
    december = found.rows[0].cells[11]
    assert (december.expected, december.received) == (42 + 15 * 72, 72)
    assert found.rows[0].cells[10].expected == 0 and found.rows[1].cells[11].expected == 14 + 15 * 24


def test_an_inactive_or_missing_channel_shows_nothing(stack):
    found = coverage.month_coverage(stack, [], datetime.date(2024, 12, 1))
    assert found.rows == [] and len(found.periods) == 31


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions and plans are PostgreSQL's")
def test_a_month_is_read_from_its_partition_only(channels, staff_a):
    so2, _nox = channels
    VALUES.ensure(months=[(2024, month) for month in range(1, 13)] + [(2025, 1), (2025, 2)])
    store(so2, [local(datetime.date(2024, 12, 20))], staff_a)
    first, last = coverage.month_bounds(datetime.date(2024, 12, 1))
    query = coverage.received_query(so2.source, channels, coverage.DAY, local(first), local(last + DAY), START)
    assert scanned(query) == {"emissions_value_p2024_12"}
