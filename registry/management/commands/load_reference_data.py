from django.core.management.base import BaseCommand

from registry.reference import load_regions, load_waste_codes


class Command(BaseCommand):
    help = "Load the registry's reference data (regions of Kazakhstan, waste classifier). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        changed = load_regions()
        self.stdout.write(f"regions: {changed} created or changed")
        self.stdout.write(f"waste codes: {load_waste_codes()} created or changed")
