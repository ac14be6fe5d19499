from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.demo import load_demo
from registry.models import Deposit


class Command(BaseCommand):
    help = "Load reference data, the real Balkhash slag dump, synthetic demo records and demo accounts."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data and demo accounts are only loaded with QALDYQ_DEMO=1.")
        load_demo()
        self.stdout.write(f"demo data loaded: {Deposit.objects.count()} deposits")
