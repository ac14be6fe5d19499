from typing import Any

from django.core.management.base import BaseCommand

from monitoring.reference import load_monitoring_reference
from monitoring.regimes.reference import load_cities, load_required_cuts
from registry.permits.reference import load_substances
from registry.reference import load_region_splits, load_regions
from registry.releases.reference import load_thresholds
from registry.returns.reference import load_waste_codes
from reports.reference import load_published_statistics


class Command(BaseCommand):
    help = (
        "Load the reference data: regions and their 2022 splits (applied once), waste classifier, pollutants,"
        " units, MPC norms, severity rules,"
        " and the published national statistics. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"regions: {load_regions()} created or changed")
        self.stdout.write(f"region splits: {load_region_splits()} applied (see the admin for what awaits assignment)")
        self.stdout.write(f"waste codes: {load_waste_codes()} created or changed")
        self.stdout.write(f"substances (E-PRTR): {load_substances()} created or changed")
        load_monitoring_reference()
        self.stdout.write("monitoring reference data loaded")
        self.stdout.write(f"published statistics: {load_published_statistics()} figures")
        # After the substances (registry.permits.reference), whose Annex II thresholds these are.
        self.stdout.write(f"release and transfer thresholds: {load_thresholds()} created or changed")
        # After the regions, which the cities lie in.
        self.stdout.write(f"cities of the adverse-weather regimes: {load_cities()} created or changed")
        self.stdout.write(f"default required cuts of the regimes: {load_required_cuts()} added")
