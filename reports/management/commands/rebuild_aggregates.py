from typing import Any

from django.core.management.base import BaseCommand

from reports.aggregates import rebuild_all


class Command(BaseCommand):
    help = (
        "Recompute every statistics aggregate from accepted returns, accepted release reports and evaluated "
        "monitoring results."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, rows in rebuild_all().items():
            self.stdout.write(f"{kind}: {rows} aggregate rows")
