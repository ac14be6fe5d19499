"""The regimes' reference data shipped with the project, loaded idempotently: the industrial cities
(monitoring/regimes/data/cities.csv, after the regions) and the default required cuts (15, 20 and 40 % for the
1st, 2nd and 3rd degree), which migration 0001 loads too, so that a plan can be filed before any other load."""

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from registry.models import Region
from registry.reference import read_rows

DATA_DIR = Path(__file__).parent / "data"
CITIES_CSV = DATA_DIR / "cities.csv"
# The portal's defaults, until an administrator adds a version of a degree's cut.
DEFAULT_CUTS = {1: Decimal("0.15"), 2: Decimal("0.20"), 3: Decimal("0.40")}
DEFAULT_VALID_FROM = datetime.date(2000, 1, 1)


def load_required_cuts(model: Any = None) -> int:
    """Add the default version of each degree's cut that has no version yet; returns how many were added. `model`
    is the migration's historical RequiredCut (the current one by default). Versions are never changed: a degree an
    administrator already set is left alone."""
    if model is None:
        from monitoring.regimes.models import RequiredCut as model
    added = 0
    for degree, cut in DEFAULT_CUTS.items():
        if not model.objects.filter(degree=degree).exists():
            model.objects.create(degree=degree, cut=cut, valid_from=DEFAULT_VALID_FROM, default=True)
            added += 1
    return added


@transaction.atomic
def load_cities(path: Path = CITIES_CSV) -> int:
    """Create or refresh the cities of the file whose region is loaded; returns how many were created or changed.
    An administrator's own cities, not in the file, are left alone."""
    from monitoring.regimes.models import City

    regions = {region.iso_code: region for region in Region.objects.all()}
    existing = {city.code: city for city in City.objects.all()}
    changed = 0
    for row in read_rows(path):
        region = regions.get(row["region"])
        if region is None:
            continue
        values = {
            "name": row["name_en"],
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "name_kk": row["name_kk"],
            "region": region,
            "latitude": Decimal(row["latitude"]),
            "longitude": Decimal(row["longitude"]),
            "radius_km": Decimal(row["radius_km"]),
        }
        city = existing.get(row["code"])
        if city is not None and all(getattr(city, key) == value for key, value in values.items()):
            continue
        City.objects.update_or_create(code=row["code"], defaults=values)
        changed += 1
    return changed
