"""Reference data of monitoring, kept in monitoring/data/ and loaded idempotently."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from monitoring.models import MpcNorm, Pollutant, SeverityRule, SeverityRuleSet, SeverityThreshold, Unit

DATA_DIR = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def base_value(value: Decimal, unit: str, medium: str) -> Decimal:
    return value * Unit.objects.get(code=unit, medium=medium).factor


@transaction.atomic
def load_monitoring_reference() -> None:
    for row in _rows("units.csv"):
        Unit.objects.update_or_create(
            code=row["code"], medium=row["medium"], defaults={"factor": Decimal(row["factor"])}
        )
    for row in _rows("pollutants.csv"):
        Pollutant.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_en": row["name_en"], "name_ru": row["name_ru"], "name_kk": row["name_kk"], "cas": row["cas"],
                "hazard_class": int(row["hazard_class"]) if row["hazard_class"] else None,
                "water_special": row["water_special"] == "1",
            },
        )  # fmt: skip
    for row in _rows("mpc_norms.csv"):
        value = Decimal(row["value"])
        MpcNorm.objects.update_or_create(
            pollutant=Pollutant.objects.get(code=row["pollutant"]),
            medium=row["medium"],
            averaging=row["averaging"],
            valid_from=None,
            defaults={
                "value": value,
                "unit": row["unit"],
                "value_base": base_value(value, row["unit"], row["medium"]),
                "legal_basis": row["legal_basis"],
            },
        )
    if not SeverityRuleSet.objects.exists():
        ruleset = SeverityRuleSet.objects.create(version=1, note="Portal defaults (domain notes).")
        SeverityRule.objects.bulk_create(
            SeverityRule(
                ruleset=ruleset,
                medium=row["medium"],
                hazard_classes=row["hazard_classes"],
                water_special=row["water_special"] == "1",
                high_multiple=Decimal(row["high_multiple"]),
                extreme_multiple=Decimal(row["extreme_multiple"]),
            )
            for row in _rows("severity_rules.csv")
        )
    resolve_thresholds(SeverityRuleSet.objects.order_by("-version").first())


def _specificity(rule: SeverityRule, pollutant: Pollutant) -> int | None:
    """How well a rule fits a pollutant: higher is more specific, None is no fit."""
    if rule.pollutant_id is not None:
        return 3 if rule.pollutant_id == pollutant.pk else None
    if rule.water_special:
        return 2 if pollutant.water_special else None
    if rule.hazard_classes:
        classes = {int(part) for part in rule.hazard_classes.split(",") if part.strip()}
        return 1 if pollutant.hazard_class in classes else None
    return 0


@transaction.atomic
def resolve_thresholds(ruleset: SeverityRuleSet) -> int:
    """Turn a rule set into one threshold row per pollutant and medium (the most specific rule wins)."""
    rules = list(ruleset.rules.all())
    thresholds = []
    for pollutant in Pollutant.objects.all():
        for medium in {rule.medium for rule in rules}:
            fitting = [(_specificity(rule, pollutant), rule) for rule in rules if rule.medium == medium]
            fitting = [(rank, rule) for rank, rule in fitting if rank is not None]
            if fitting:
                rule = max(fitting, key=lambda pair: pair[0])[1]
                thresholds.append(
                    SeverityThreshold(
                        ruleset=ruleset, pollutant=pollutant, medium=medium,
                        high=rule.high_multiple, extreme=rule.extreme_multiple,
                    )
                )  # fmt: skip
    SeverityThreshold.objects.filter(ruleset=ruleset).delete()
    SeverityThreshold.objects.bulk_create(thresholds)
    return len(thresholds)


def current_ruleset() -> SeverityRuleSet:
    return SeverityRuleSet.objects.order_by("-version").first()
