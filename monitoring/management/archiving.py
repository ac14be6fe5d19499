"""The management command that archives the old years of a table partitioned by month (MonthlyTable.archive): the
results' `archive_results` (reports) and the emission values' `archive_emission_values`."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.partitions import ArchiveRefused, MonthlyTable


class ArchiveCommand(BaseCommand):
    table: MonthlyTable

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", type=int, required=True, metavar="YEAR")
        parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="default: VAR_DIR/archive")

    def prepare(self) -> None:
        """What must be done before the table's months are archived."""

    def handle(self, *args: Any, before: int, out: Path | None, **options: Any) -> None:
        self.prepare()
        try:
            archived = self.table.archive(before=before, out=out or Path(settings.VAR_DIR) / "archive")
        except ArchiveRefused as exc:
            raise CommandError(f"{exc}. Nothing was archived.") from exc
        for archive in archived:
            self.stdout.write(f"{archive.partition}: {archive.rows} rows in {archive.file} (sha256 {archive.sha256})")
        self.stdout.write(f"{len(archived)} partitions archived")
