"""Reference data of monitoring, kept in monitoring/data/ and loaded idempotently."""

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from monitoring.models import Medium, MpcNorm, Pollutant, SeverityRule, SeverityRuleSet, SeverityThreshold, Unit
from portal.permissions import Action, AnyUser, require

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
    newest = current_ruleset()
    assert newest is not None  # created above if there was none
    resolve_thresholds(newest)


def _specificity(rule: SeverityRule, pollutant: Pollutant) -> int | None:
    """How well a rule fits a pollutant: higher is more specific, None is no fit."""
    if rule.pollutant_id is not None:
        return 3 if rule.pollutant_id == pollutant.pk else None
    if rule.water_special:
        return 2 if pollutant.water_special else None
    if rule.hazard_classes:
        return 1 if pollutant.hazard_class in hazard_classes_of(rule.hazard_classes) else None
    return 0


@transaction.atomic
def resolve_thresholds(ruleset: SeverityRuleSet) -> int:
    """Turn a rule set into one threshold row per pollutant and medium (the most specific rule wins)."""
    rules = list(ruleset.rules.all())
    thresholds = []
    for pollutant in Pollutant.objects.all():
        for medium in {rule.medium for rule in rules}:
            fitting = [(_specificity(rule, pollutant), rule) for rule in rules if rule.medium == medium]
            ranked = [(rank, rule) for rank, rule in fitting if rank is not None]
            if ranked:
                rule = max(ranked, key=lambda pair: pair[0])[1]
                thresholds.append(
                    SeverityThreshold(
                        ruleset=ruleset, pollutant=pollutant, medium=medium,
                        high=rule.high_multiple, extreme=rule.extreme_multiple,
                    )
                )  # fmt: skip
    SeverityThreshold.objects.filter(ruleset=ruleset).delete()
    SeverityThreshold.objects.bulk_create(thresholds)
    return len(thresholds)


def current_ruleset() -> SeverityRuleSet | None:
    return SeverityRuleSet.objects.order_by("-version").first()


# Changing the severity rules: results name the version that classified them, so a version is never edited and a
# change is the next version.


class RuleFields(TypedDict):
    """One severity rule of a new version: the fields of SeverityRule but its rule set."""

    medium: str
    pollutant: Pollutant | None
    hazard_classes: str
    water_special: bool
    high_multiple: Decimal
    extreme_multiple: Decimal


RULE_FIELDS = tuple(RuleFields.__annotations__)


def hazard_classes_of(text: str) -> frozenset[int]:
    """The classes of a rule's “1,2”; none when blank. ValidationError unless numbers 1 to 4 separated by commas."""
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    if any(part not in {"1", "2", "3", "4"} for part in parts):
        raise ValidationError(_("Hazard classes are numbers 1 to 4 separated by commas, e.g. “1,2”."), code="classes")
    return frozenset(int(part) for part in parts)


def ruleset_rules(ruleset: SeverityRuleSet) -> list[RuleFields]:
    return [
        RuleFields(
            medium=rule.medium, pollutant=rule.pollutant, hazard_classes=rule.hazard_classes,
            water_special=rule.water_special, high_multiple=rule.high_multiple, extreme_multiple=rule.extreme_multiple,
        )
        for rule in ruleset.rules.select_related("pollutant").order_by("pk")
    ]  # fmt: skip


def check_rules(rules: Sequence[RuleFields]) -> None:
    """Every pollutant must get thresholds in every medium (a norm without them classifies nothing), and exactly
    one rule must be the most specific: so a general rule per medium, and no two rules of a medium for the same
    pollutant, hazard class or special group."""
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()  # (medium, what a rule is for)
    general = _("all pollutants (general rule)")
    for rule in rules:
        medium = str(Medium(rule["medium"]).label)
        try:
            classes = hazard_classes_of(rule["hazard_classes"])
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if sum(map(bool, (rule["pollutant"], classes, rule["water_special"]))) > 1:
            errors.append(_("%(medium)s: a rule is for a pollutant, hazard classes or the special group, not several.")
                          % {"medium": medium})  # fmt: skip
            continue
        if rule["pollutant"]:
            kinds = [_("pollutant %(code)s") % {"code": rule["pollutant"].code}]
        elif classes:
            kinds = [_("hazard class %(class)s") % {"class": number} for number in sorted(classes)]
        else:
            kinds = [_("the special group") if rule["water_special"] else general]
        for kind in kinds:
            if (medium, kind) in seen:
                errors.append(_("%(medium)s: more than one rule for %(kind)s.") % {"medium": medium, "kind": kind})
            seen.add((medium, kind))
    missing = [str(label) for label in Medium.labels if (str(label), general) not in seen]
    if missing:
        errors.append(_("Every medium needs a general rule (no pollutant, hazard classes or special group): "
                        "missing for %(media)s.") % {"media": ", ".join(missing)})  # fmt: skip
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ruleset_new_version(*, actor: AnyUser, rules: Sequence[RuleFields], note: str) -> SeverityRuleSet:
    """Severity rules version n + 1, resolved into its thresholds as the loaded defaults are. Evaluation uses it
    (`current_ruleset`) from the commit on; earlier results keep the version that classified them."""
    user = require(actor, Action.ADMINISTER, message=_("Only regulator administrators change the severity rules."))
    for fields in rules:
        SeverityRule(**fields).full_clean(exclude=["ruleset"])
    check_rules(rules)
    if connection.vendor == "postgresql":
        # Two versions saved at once would both read n: the second waits here, then reads n + 1.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {SeverityRuleSet._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    newest = current_ruleset()
    ruleset = SeverityRuleSet.objects.create(version=newest.version + 1 if newest else 1, created_by=user, note=note)
    SeverityRule.objects.bulk_create(SeverityRule(ruleset=ruleset, **fields) for fields in rules)
    resolve_thresholds(ruleset)
    return ruleset
