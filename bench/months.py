"""The months a benchmark's filler writes results in, for the partitions it makes first (monitoring.partitions)."""

import datetime

from monitoring.partitions import Month, month_of


def months_between(first: datetime.datetime, last: datetime.datetime) -> list[Month]:
    """Every month from the one holding `first` to the one holding `last` (for a filler that writes them all)."""
    months, (year, month), end = [], month_of(first), month_of(last)
    while (year, month) <= end:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
