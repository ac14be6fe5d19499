"""The admin of monitoring's reference data: administrators list, add and change pollutants, units, MPC norms and
severity rules; a rule change is a new version, resolved into thresholds, and the version before stays as it was;
nobody else gets in, whatever Django permissions they hold."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from monitoring.models import MpcNorm, Pollutant, Result, Severity, SeverityRuleSet, SeverityThreshold, Unit
from monitoring.reference import current_ruleset, ruleset_rules
from monitoring.tests.helpers import row
from portal.models import ChangeRecord

MODELS = ["pollutant", "unit", "mpcnorm", "severityruleset"]


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:monitoring_{model}_{view}", args=args)


@pytest.fixture
def admin_web(web, administrator):
    return web(administrator)


def refused(response) -> bool:
    """The site sends whoever may not administer to its login page; a page reached anyway answers 403."""
    to_login = response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    return to_login or response.status_code == 403


def thresholds(ruleset) -> set[tuple]:
    return set(ruleset.thresholds.values_list("pollutant__code", "medium", "high", "extreme"))


def rules_post(rules, note="Air: high pollution from 5 x MPC.") -> dict:
    data = {"note": note, "rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": 0}
    for number, rule in enumerate(rules):
        for name, value in rule.items():
            if name == "pollutant":
                value = value.pk if value else ""
            elif name == "water_special":
                if not value:
                    continue
                value = "on"
            data[f"rules-{number}-{name}"] = value
    return data


@pytest.mark.parametrize("model", MODELS)
def test_administrator_lists_opens_and_adds(reference, admin_web, model):
    first = {"pollutant": Pollutant, "unit": Unit, "mpcnorm": MpcNorm, "severityruleset": SeverityRuleSet}[model]
    for address in (url(model, "changelist"), url(model, "add"), url(model, "change", first.objects.first().pk)):
        assert admin_web.get(address).status_code == 200, address


def test_pollutant_added_and_changed(reference, admin_web, administrator):
    response = admin_web.post(url("pollutant", "add"), {"code": "CO", "name_en": "Carbon monoxide", "hazard_class": 4})
    assert response.status_code == 302
    co = Pollutant.objects.get(code="CO")
    assert ChangeRecord.objects.filter(object_id=co.pk, kind="create", user=administrator).exists()
    # The new pollutant gets its thresholds in the next version; version 1 stays as it was.
    ruleset = current_ruleset()
    assert ruleset.version == 2 and ruleset.created_by == administrator
    assert ruleset.thresholds.filter(pollutant=co).count() == 4
    assert not SeverityThreshold.objects.filter(ruleset__version=1, pollutant=co).exists()

    data = {"code": "CO", "name_en": "Carbon oxide", "hazard_class": 4}
    assert admin_web.post(url("pollutant", "change", co.pk), data).status_code == 302
    assert Pollutant.objects.get(pk=co.pk).name_en == "Carbon oxide"
    assert ChangeRecord.objects.filter(object_id=co.pk, kind="update").exists()
    assert current_ruleset().version == 2  # a name is not a threshold


def test_changed_hazard_class_is_resolved_in_a_new_version(reference, admin_web):
    lead = Pollutant.objects.get(code="Pb")
    data = {"code": "Pb", "name_en": lead.name_en, "hazard_class": 3}
    assert admin_web.post(url("pollutant", "change", lead.pk), data).status_code == 302

    groundwater = {"pollutant": lead, "medium": "groundwater"}
    assert current_ruleset().thresholds.get(**groundwater).high == 10  # hazard class 3: 10 x MPC
    assert SeverityRuleSet.objects.get(version=1).thresholds.get(**groundwater).high == 3


def test_unit_added_and_never_changed(reference, admin_web):
    data = {"code": "ng/m3", "medium": "air", "factor": "0.000001"}
    assert admin_web.post(url("unit", "add"), data).status_code == 302
    unit = Unit.objects.get(code="ng/m3", medium="air")

    assert admin_web.get(url("unit", "change", unit.pk)).status_code == 200  # shown read-only
    assert admin_web.post(url("unit", "change", unit.pk), {**data, "factor": "1"}).status_code == 403
    unit.refresh_from_db()
    assert unit.factor == Decimal("0.000001")


def norm_post(**fields) -> dict:
    cadmium = Pollutant.objects.get(code="Cd")
    return {"pollutant": cadmium.pk, "medium": "air", "averaging": "daily", "value": "0.3", "unit": "ug/m3",
            "legal_basis": "Order No. 168", "valid_from": "2025-01-01", "valid_to": "", **fields}  # fmt: skip


def test_norm_added_in_the_base_unit_and_changed(reference, admin_web):
    assert admin_web.post(url("mpcnorm", "add"), norm_post()).status_code == 302
    norm = MpcNorm.objects.get(pollutant__code="Cd", medium="air")
    assert norm.value_base == Decimal("0.0003")

    response = admin_web.post(url("mpcnorm", "change", norm.pk), norm_post(value="0.5"))
    assert response.status_code == 302
    norm.refresh_from_db()
    assert norm.value_base == Decimal("0.0005")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "mg/l"}, "is not a unit of this medium"),
        ({"valid_to": "2024-12-31"}, "The validity ends after it starts"),
        # Copper in air, daily, is valid without dates already.
        ({"pollutant": None, "valid_from": "2020-01-01"}, "Another norm of this pollutant"),
    ],
)
def test_norm_refused(reference, admin_web, fields, message):
    if "pollutant" in fields:
        fields["pollutant"] = Pollutant.objects.get(code="Cu").pk
    response = admin_web.post(url("mpcnorm", "add"), norm_post(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MpcNorm.objects.filter(valid_from__isnull=False).exists()


def test_rule_change_is_a_new_version(reference, admin_web, administrator, air, staff_a, enterprise_a, submit):
    first = current_ruleset()
    rules, before = ruleset_rules(first), thresholds(first)
    page = admin_web.get(url("severityruleset", "change", first.pk)).content.decode()
    assert f"{url('severityruleset', 'add')}?from={first.pk}" in page  # "Edit as a new version"
    assert 'name="_save"' not in page  # the version itself is read-only
    form = admin_web.get(url("severityruleset", "add"), {"from": first.pk})
    assert [dict(initial) for initial in form.context["inline_admin_formsets"][0].formset.initial_extra] == rules

    for rule in rules:
        if rule["medium"] == "air":
            rule["high_multiple"] = Decimal("5")
    response = admin_web.post(f"{url('severityruleset', 'add')}?from={first.pk}", rules_post(rules))

    assert response.status_code == 302
    second = current_ruleset()
    assert (second.version, second.created_by, second.note) == (2, administrator, "Air: high pollution from 5 x MPC.")
    assert ruleset_rules(second) == rules
    assert second.thresholds.count() == len(before)
    assert second.thresholds.get(pollutant__code="Cu", medium="air").high == 5
    assert ChangeRecord.objects.filter(object_id=second.pk, kind="create").exists()
    first.refresh_from_db()
    assert (first.version, thresholds(first)) == (1, before)
    assert ruleset_rules(first)[0]["high_multiple"] == 10
    # Evaluation uses the newest version: 6 x MPC is now high pollution in air.
    submission = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.012", "mg/m3")])
    result = Result.objects.get(submission=submission)
    assert (result.severity, result.ruleset) == (Severity.HIGH, second)


def test_saved_version_is_neither_changed_nor_deleted(reference, admin_web):
    first = current_ruleset()
    rules, before = ruleset_rules(first), thresholds(first)
    rules[0]["high_multiple"] = Decimal("2")

    assert admin_web.post(url("severityruleset", "change", first.pk), rules_post(rules)).status_code == 403
    assert admin_web.post(url("severityruleset", "delete", first.pk), {"post": "yes"}).status_code == 403
    assert ruleset_rules(first)[0]["high_multiple"] == 10
    assert thresholds(first) == before
    assert SeverityRuleSet.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hazard_classes": "1,x"}, "Hazard classes are numbers 1 to 4"),
        ({"high_multiple": "60"}, "Extremely high pollution starts at or above high pollution"),
        ({"medium": "soil"}, "soil: more than one rule for all pollutants"),  # and none for air
        ({"hazard_classes": "4"}, "Every medium needs a general rule"),  # the air rule no longer is one
    ],
)
def test_rules_refused(reference, admin_web, change, message):
    rules = ruleset_rules(current_ruleset())  # the first is the air rule for all pollutants
    rules[0].update(change)

    response = admin_web.post(url("severityruleset", "add"), rules_post(rules))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert SeverityRuleSet.objects.count() == 1


@pytest.mark.parametrize("role", ["inspector", "staff_a"])
def test_nobody_else_gets_in(reference, web, rf, request, role):
    user = request.getfixturevalue(role)
    # Even a staff user holding every Django permission of the app: the role decides.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="monitoring"))
    client = web(user)

    for model in MODELS:
        for address in (url(model, "changelist"), url(model, "add")):
            assert refused(client.get(address)), address
    assert refused(client.get(url("pollutant", "change", Pollutant.objects.first().pk)))
    # The pages refuse by themselves too, whoever the site lets in.
    asking = rf.get("/")
    asking.user = user
    for model in [Pollutant, Unit, MpcNorm, SeverityRuleSet]:
        model_admin = admin.site.get_model_admin(model)
        assert not model_admin.has_module_permission(asking)
        assert not model_admin.has_view_permission(asking)
        assert not model_admin.has_add_permission(asking)
