"""The emission values' table by month of `interval_start` (monitoring.partitions.MonthlyTable, as the results), its
archived months recorded in `EmissionValueArchive`."""

from monitoring.emissions.models import EmissionValueArchive
from monitoring.partitions import MonthlyTable

VALUES = MonthlyTable("emissions_value", "interval_start", EmissionValueArchive)
