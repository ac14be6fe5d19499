from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reports.aggregates import check_against_rebuild


class Command(BaseCommand):
    help = (
        "Compare the incremental statistics aggregates with a fresh rebuild, report every difference and write the "
        "rebuilt figures over it (what the nightly job does)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only report the differences, repairing nothing; the exit status is 1 when there are any.",
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        differences = check_against_rebuild(repair=not dry_run)
        for difference in differences:
            self.stdout.write(str(difference))
        if not differences:
            self.stdout.write("The aggregates match a rebuild.")
        elif dry_run:
            raise CommandError(f"{len(differences)} aggregate rows differ from a rebuild; nothing repaired.")
        else:
            self.stdout.write(f"{len(differences)} aggregate rows repaired.")
