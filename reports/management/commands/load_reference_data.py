from django.core.management.base import BaseCommand

from monitoring.reference import load_monitoring_reference
from registry.reference import load_regions, load_waste_codes
from reports.reference import load_published_statistics


class Command(BaseCommand):
    help = (
        "Load the reference data: regions, waste classifier, pollutants, units, MPC norms, severity rules,"
        " and the published national statistics. Safe to run again."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"regions: {load_regions()} created or changed")
        self.stdout.write(f"waste codes: {load_waste_codes()} created or changed")
        load_monitoring_reference()
        self.stdout.write("monitoring reference data loaded")
        self.stdout.write(f"published statistics: {load_published_statistics()} figures")
