from django.core.management.base import CommandError

from monitoring import partitions
from monitoring.management.archiving import ArchiveCommand
from reports.aggregates import refresh_dirty


class Command(ArchiveCommand):
    help = (
        "Archive the monitoring results of the years before YEAR (PostgreSQL): each month's partition detached "
        "without blocking readers, copied to DIR/<partition>.csv.gz, read back and compared, then dropped. The "
        "statistics of those years are kept. Safe to run again: an interrupted run is finished."
    )
    table = partitions.RESULTS

    def prepare(self) -> None:
        if not partitions.partitioned():
            raise CommandError(
                "The results are archived by partition on PostgreSQL; this database keeps them in one table "
                "(the embedded SQLite). Nothing was archived."
            )
        # The statistics of the years to archive are brought up to date first: after this they are kept as they are.
        refresh_dirty()
