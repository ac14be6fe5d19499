"""The reporting thresholds shipped with the project, loaded idempotently as the portal's defaults.

Release thresholds come from the `air_kg`, `water_kg` and `land_kg` columns of the substance list
(registry/permits/data/substances.csv, E-PRTR Annex II; empty where Annex II sets none), transfer thresholds from
E-PRTR Art. 5 (2 t/yr of hazardous waste, 2,000 t/yr of other waste). A row an administrator changed is no longer
`default` and is left as the administrator set it."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from registry.permits.models import Substance
from registry.permits.reference import SUBSTANCES_CSV
from registry.reference import read_rows
from registry.releases.models import ReleaseMedium, ReleaseThreshold, TransferThreshold

TRANSFER_DEFAULTS = {True: Decimal("2"), False: Decimal("2000")}
COLUMNS = {ReleaseMedium.AIR: "air_kg", ReleaseMedium.WATER: "water_kg", ReleaseMedium.LAND: "land_kg"}


@transaction.atomic
def load_thresholds(path: Path = SUBSTANCES_CSV) -> int:
    """Create or refresh the default thresholds of the substances loaded (registry.permits.reference first);
    returns how many rows were created or changed."""
    substances = {substance.code: substance for substance in Substance.objects.all()}
    existing = {(row.substance_id, row.medium): row for row in ReleaseThreshold.objects.all()}
    changed = 0
    for row in read_rows(path):
        substance = substances.get(row["code"])
        if substance is None:
            continue
        for medium, column in COLUMNS.items():
            value = (row.get(column) or "").replace(" ", "")
            if not value:
                continue
            stored = existing.get((substance.pk, medium))
            if stored is not None and (not stored.default or stored.kg_per_year == Decimal(value)):
                continue
            ReleaseThreshold.objects.update_or_create(
                substance=substance, medium=medium, defaults={"kg_per_year": Decimal(value), "default": True}
            )
            changed += 1
    for hazardous, tonnes in TRANSFER_DEFAULTS.items():
        transfer = TransferThreshold.objects.filter(hazardous=hazardous).first()
        if transfer is not None and (not transfer.default or transfer.tonnes_per_year == tonnes):
            continue
        TransferThreshold.objects.update_or_create(
            hazardous=hazardous, defaults={"tonnes_per_year": tonnes, "default": True}
        )
        changed += 1
    return changed
