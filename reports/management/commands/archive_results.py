from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring import partitions
from reports.aggregates import refresh_dirty


class Command(BaseCommand):
    help = (
        "Archive the monitoring results of the years before YEAR (PostgreSQL): each month's partition detached "
        "without blocking readers, copied to DIR/<partition>.csv.gz, read back and compared, then dropped. The "
        "statistics of those years are kept. Safe to run again: an interrupted run is finished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", type=int, required=True, metavar="YEAR")
        parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="default: VAR_DIR/archive")

    def handle(self, *args: Any, before: int, out: Path | None, **options: Any) -> None:
        if not partitions.partitioned():
            raise CommandError(
                "The results are archived by partition on PostgreSQL; this database keeps them in one table "
                "(the embedded SQLite). Nothing was archived."
            )
        # The statistics of the years to archive are brought up to date first: after this they are kept as they are.
        refresh_dirty()
        try:
            archived = partitions.archive_results(before=before, out=out or Path(settings.VAR_DIR) / "archive")
        except partitions.ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        for archive in archived:
            self.stdout.write(f"{archive.partition}: {archive.rows} rows in {archive.file} (sha256 {archive.sha256})")
        self.stdout.write(f"{len(archived)} partitions archived")
