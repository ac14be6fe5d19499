"""The E-PRTR pollutant list shipped with the project (registry/permits/data/substances.csv), loaded idempotently.

The file's thresholds are read by `registry.releases.reference`; this module keeps the substances themselves."""

from pathlib import Path

from django.db import transaction

from registry.permits.models import Substance
from registry.reference import read_rows

DATA_DIR = Path(__file__).parent / "data"
SUBSTANCES_CSV = DATA_DIR / "substances.csv"


@transaction.atomic
def load_substances(path: Path = SUBSTANCES_CSV) -> int:
    """Create or refresh the substances (each write recorded in the history); returns how many were created or
    changed. An administrator's own substances, not in the file, are left alone."""
    existing = {substance.code: substance for substance in Substance.objects.all()}
    new: list[Substance] = []
    changed = 0
    for row in read_rows(path):
        values = {
            "cas": row["cas"],
            "group": row["group"],
            "toxic": row["toxic"] == "1",
            "name": row["name_en"],
            "name_en": row["name_en"],
            "name_ru": row["name_ru"],
            "name_kk": row["name_kk"],
        }
        substance = existing.get(row["code"])
        if substance is None:
            new.append(Substance(code=row["code"], **values))
        elif any(getattr(substance, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(substance, key, value)
            substance.save()
            changed += 1
    # One statement for a first load (the audit records each row of it, portal.audit.AuditedQuerySet).
    Substance.objects.bulk_create(new)
    return changed + len(new)
