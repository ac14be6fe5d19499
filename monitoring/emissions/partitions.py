"""The emission values' table by month of `interval_start` (monitoring.partitions.MonthlyTable, as the results)."""

from monitoring.partitions import MonthlyTable

VALUES = MonthlyTable("emissions_value", "interval_start")
