from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from monitoring.models import Result
from registry.models import Deposit
from reports.demo import load_all_demo


class Command(BaseCommand):
    help = (
        "Load reference data, the real Balkhash slag dump, synthetic demo records, returns, monitoring, the demo "
        "smelter's permits and release reports, and accounts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data and demo accounts are only loaded with QALDYQ_DEMO=1.")
        load_all_demo()
        self.stdout.write(f"demo data loaded: {Deposit.objects.count()} deposits, {Result.objects.count()} results")
