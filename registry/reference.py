"""Reference data shipped with the project (registry/data/), loaded idempotently."""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from registry.models import Region, RegionSplit
from registry.region_history import apply_split

DATA_DIR = Path(__file__).parent / "data"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_regions(path: Path = DATA_DIR / "regions.csv") -> int:
    """Create or refresh the regions; returns how many rows were created or changed."""
    changed = 0
    for row in read_rows(path):
        values = {
            "kind": row["kind"],
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "name_kk": row["name_kk"],
            "admin_centre": row["admin_centre"],
            "valid_from": _date(row["valid_from"]),
            "valid_to": _date(row["valid_to"]),
            "note": row["note"],
            "time_zone": row["time_zone"],
        }
        region = Region.objects.filter(iso_code=row["iso_code"]).first()
        if region and all(getattr(region, key) == value for key, value in values.items()):
            continue
        Region.objects.update_or_create(iso_code=row["iso_code"], defaults=values)
        changed += 1
    return changed


@transaction.atomic
def load_region_splits(path: Path = DATA_DIR / "region_splits.csv") -> int:
    """Record and apply the splits not yet recorded (after load_regions); returns how many were applied.

    Applied once: an administrator's later decisions on what awaits assignment are not undone by a second load."""
    applied = 0
    for row in read_rows(path):
        region = Region.objects.get(iso_code=row["region"])
        if RegionSplit.objects.filter(region=region).exists():
            continue
        date = datetime.date.fromisoformat(row["date"])
        split = RegionSplit(parent=Region.objects.get(iso_code=row["parent"]), region=region, date=date)
        split.full_clean()
        split.save()
        apply_split(split)
        applied += 1
    return applied
