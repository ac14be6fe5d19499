from monitoring.emissions.partitions import VALUES
from monitoring.management.archiving import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Archive the continuous emission values of the years before YEAR (PostgreSQL): each month's partition "
        "detached without blocking readers, copied to DIR/<partition>.csv.gz, read back and compared, then dropped. "
        "Values of those years are refused from then on. Safe to run again: an interrupted run is finished."
    )
    table = VALUES
