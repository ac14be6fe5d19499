from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitoring.demo import load_monitoring_demo
from monitoring.models import Result
from monitoring.reference import load_monitoring_reference
from portal.models import User
from registry.demo import load_demo
from registry.models import Deposit
from registry.returns.demo import load_returns_demo
from reports.aggregates import rebuild_all
from reports.reference import load_published_statistics


class Command(BaseCommand):
    help = "Load reference data, the real Balkhash slag dump, synthetic demo records, returns, monitoring and accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data and demo accounts are only loaded with QALDYQ_DEMO=1.")
        with transaction.atomic():
            load_demo()
            load_returns_demo()
            load_monitoring_reference()
            load_published_statistics()
            load_monitoring_demo(User.objects.get(username="staff"), User.objects.get(username="admin"))
        rebuild_all()
        self.stdout.write(f"demo data loaded: {Deposit.objects.count()} deposits, {Result.objects.count()} results")
