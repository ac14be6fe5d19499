"""Reference data shipped with the project (registry/data/), loaded idempotently."""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from registry.models import Region, WasteCode

DATA_DIR = Path(__file__).parent / "data"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_regions(path: Path = DATA_DIR / "regions.csv") -> int:
    """Create or refresh the regions; returns how many rows were created or changed."""
    changed = 0
    for row in _rows(path):
        values = {
            "kind": row["kind"],
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "name_kk": row["name_kk"],
            "admin_centre": row["admin_centre"],
            "valid_from": _date(row["valid_from"]),
            "valid_to": _date(row["valid_to"]),
            "note": row["note"],
        }
        region = Region.objects.filter(iso_code=row["iso_code"]).first()
        if region and all(getattr(region, key) == value for key, value in values.items()):
            continue
        Region.objects.update_or_create(iso_code=row["iso_code"], defaults=values)
        changed += 1
    return changed


@transaction.atomic
def load_waste_codes(path: Path = DATA_DIR / "waste_codes.csv") -> int:
    """Create or refresh the waste classifier; returns how many entries were created or changed."""
    rows = _rows(path)
    existing = {code.code: code for code in WasteCode.objects.all()}
    changed = 0
    for row in rows:
        values = {
            "hazardous": row["hazardous"] == "1",
            "chapter": row["chapter"],
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "name_kk": row["name_kk"],
        }
        code = existing.get(row["code"])
        if code and all(getattr(code, key) == value for key, value in values.items()):
            continue
        existing[row["code"]], _ = WasteCode.objects.update_or_create(code=row["code"], defaults=values)
        changed += 1
    for row in rows:
        code, mirror = existing[row["code"]], existing.get(row["mirror"])
        if code.mirror_id != (mirror.pk if mirror else None):
            code.mirror = mirror
            code.save(update_fields=["mirror"])
            changed += 1
    return changed
