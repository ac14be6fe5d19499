"""Aggregates of accepted returns and evaluated monitoring results, and the coverage of the waste figures.

`recompute(kind, year=..., region_id=...)` deletes and recomputes the aggregate rows of one year and region, or of
everything when both are None. The incremental refresh (of the marked years and regions) and the full rebuild call
the same function, so they always give the same tables; the nightly check compares the two and repairs any
difference. The grouping is done by the database; Python only copies the grouped rows.

A kind may fill several tables: "waste" recomputes its figures (`WasteAggregate`, of the marked region) and, in the
same transaction, the coverage of that year (`ReturnCoverage`, every region of the year), so that a figure and the
count of returns it covers always come from the same refresh.

"releases" sums the published lines of accepted PRTR reports (`ReleaseAggregate`) and, likewise with them, the
coverage of the year (`ReleaseCoverage`, how many of the enterprises expected to report have an accepted report):
`reports.aggregates.releases`.

"monitoring" groups its region's year from the finer `MonitoringPointYear` (a point and pollutant's year), after
recomputing the cells of the year marked since (`DirtyMonitoringCell`): a submission's refresh reads its own cells'
results, not the year's (`Aggregate.sources`). The check compares both tables with the results themselves.
"""

from reports.aggregates.check import Difference, check_against_rebuild
from reports.aggregates.periods import year_end_region
from reports.aggregates.refresh import mark_dirty, rebuild_all, recompute, refresh_dirty, sweep_marks
from reports.aggregates.tables import KINDS, cells_grouped, monitoring_grouped

__all__ = [
    "KINDS",
    "Difference",
    "cells_grouped",
    "check_against_rebuild",
    "mark_dirty",
    "monitoring_grouped",
    "rebuild_all",
    "recompute",
    "refresh_dirty",
    "sweep_marks",
    "year_end_region",
]
