"""g/s = mg/m3 x m3/s / 1000; gaps between a channel's first and last value."""

import datetime
from decimal import Decimal

from monitoring.emissions.ingest import gaps_between, rate_gs


def test_rate_as_sent_or_converted():
    assert rate_gs(Decimal("2.5"), "g/s", None) == 2.5
    assert rate_gs(Decimal("350"), "mg/m3", Decimal("120.5")) == 350 * 120.5 / 1000  # 42.175 g/s
    assert rate_gs(Decimal("0"), "mg/m3", Decimal("10")) == 0


def test_gaps_are_the_runs_missing():
    base = datetime.datetime(2025, 1, 15, 5, 0, tzinfo=datetime.UTC).timestamp()
    starts = [base + minutes * 60 for minutes in (0, 20, 80, 100, 160)]
    gaps = gaps_between((1, 2), 20, starts)
    assert [(gap.first.strftime("%H:%M"), gap.last.strftime("%H:%M"), gap.intervals) for gap in gaps] == [
        ("05:40", "06:00", 2),
        ("07:00", "07:20", 2),
    ]
    assert gaps_between((1, 2), 60, [base]) == []
