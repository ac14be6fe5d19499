"""The national waste classifier shipped with the project (registry/returns/data/), loaded idempotently."""

from pathlib import Path

from django.db import transaction

from registry.reference import read_rows
from registry.returns.models import WasteCode

DATA_DIR = Path(__file__).parent / "data"


@transaction.atomic
def load_waste_codes(path: Path = DATA_DIR / "waste_codes.csv") -> int:
    """Create or refresh the waste classifier; returns how many entries were created or changed."""
    rows = read_rows(path)
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
