from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.audit_actor import acting
from portal.models import ChangeRecord
from registry import services
from registry.models import Deposit, DepositSurvey
from registry.tests.factories import ALMATY, DepositFactory, RegionFactory

pytestmark = pytest.mark.django_db


def deposit_fields(operator, **overrides):
    return {
        "name": "Ash dump No. 2",
        "operator": operator,
        "region": operator.region,
        "kind": "energy",
        "subkind": "ash",
        "latitude": ALMATY[0],
        "longitude": ALMATY[1],
        "state_year": 2024,
        "tonnage_t": Decimal("5000000"),
        **overrides,
    }


def test_enterprise_create_refuses_wrong_check_digit(administrator):
    with pytest.raises(ValidationError) as excinfo:
        services.enterprise_create(
            actor=administrator, fields={"name": "X", "bin": "123456789010", "region": RegionFactory()}
        )
    assert list(excinfo.value.message_dict) == ["bin"]


def test_enterprise_create_by_administrator_is_recorded(administrator):
    with acting(administrator):  # as the request would say outside a test
        enterprise = services.enterprise_create(
            actor=administrator, fields={"name": "Kazakhmys LLP", "bin": "123456789013", "region": RegionFactory()}
        )
    record = ChangeRecord.objects.get(object_id=enterprise.pk, content_type__model="enterprise")
    assert (record.kind, record.user) == ("create", administrator)
    assert record.changes["bin"] == [None, "123456789013"]


def test_enterprise_create_by_staff_refused(staff_a):
    with pytest.raises(PermissionDenied):
        services.enterprise_create(
            actor=staff_a, fields={"name": "X", "bin": "123456789013", "region": RegionFactory()}
        )


def test_staff_cannot_change_their_enterprise_bin(staff_a, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.enterprise_update(actor=staff_a, enterprise=enterprise_a, fields={"bin": "123456789013"})
    assert list(excinfo.value.message_dict) == ["bin"]


def test_administrator_cannot_set_a_wrong_bin(administrator, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.enterprise_update(actor=administrator, enterprise=enterprise_a, fields={"bin": "123456789010"})
    assert list(excinfo.value.message_dict) == ["bin"]


def test_deposit_create_makes_the_first_survey_and_a_change_record(staff_a, enterprise_a):
    with acting(staff_a):
        deposit = services.deposit_create(actor=staff_a, fields=deposit_fields(enterprise_a))

    survey = DepositSurvey.objects.get(deposit=deposit)
    assert (survey.year, survey.tonnage_t) == (2024, Decimal("5000000"))
    record = ChangeRecord.objects.get(object_id=deposit.pk, content_type__model="deposit")
    assert (record.kind, record.user) == ("create", staff_a)
    assert not deposit.is_published


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("55.75", "37.62"), ("42.87", "74.59"), ("41.30", "69.24")],
    ids=["Moscow", "Bishkek", "Tashkent"],
)
def test_deposit_outside_kazakhstan_refused(staff_a, enterprise_a, latitude, longitude):
    fields = deposit_fields(enterprise_a, latitude=Decimal(latitude), longitude=Decimal(longitude))
    with pytest.raises(ValidationError) as excinfo:
        services.deposit_create(actor=staff_a, fields=fields)
    assert {"latitude", "longitude"} <= set(excinfo.value.message_dict)
    assert not Deposit.objects.exists()


def test_negative_tonnage_refused(staff_a, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.deposit_create(actor=staff_a, fields=deposit_fields(enterprise_a, tonnage_t=Decimal("-1")))
    assert list(excinfo.value.message_dict) == ["tonnage_t"]


def test_subkind_must_belong_to_kind(staff_a, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.deposit_create(actor=staff_a, fields=deposit_fields(enterprise_a, subkind="tailings"))
    assert "subkind" in excinfo.value.message_dict


def test_reversed_range_refused(staff_a, enterprise_a):
    fields = deposit_fields(
        enterprise_a, annual_increase_min_t=Decimal("450000"), annual_increase_max_t=Decimal("380000")
    )
    with pytest.raises(ValidationError) as excinfo:
        services.deposit_create(actor=staff_a, fields=fields)
    assert list(excinfo.value.message_dict) == ["annual_increase_max_t"]


def test_staff_cannot_register_a_deposit_for_another_enterprise(staff_a, enterprise_b):
    with pytest.raises(PermissionDenied):
        services.deposit_create(actor=staff_a, fields=deposit_fields(enterprise_b))


def test_staff_cannot_publish(staff_a, enterprise_a):
    with pytest.raises(ValidationError) as excinfo:
        services.deposit_create(actor=staff_a, fields=deposit_fields(enterprise_a, is_published=True))
    assert list(excinfo.value.message_dict) == ["is_published"]


def test_administrator_publishes(administrator, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    services.deposit_update(actor=administrator, deposit=deposit, fields={"is_published": True})
    deposit.refresh_from_db()
    assert deposit.is_published


@pytest.mark.parametrize("field", ["tonnage_t", "state_year", "area_ha"])
def test_surveyed_state_is_not_edited(staff_a, enterprise_a, field):
    deposit = DepositFactory(operator=enterprise_a, area_ha=Decimal("10"))
    with pytest.raises(ValidationError) as excinfo:
        services.deposit_update(actor=staff_a, deposit=deposit, fields={field: 2030 if field == "state_year" else 1})
    assert list(excinfo.value.message_dict) == [field]


def test_newer_survey_becomes_the_current_state(staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a, state_year=2023, tonnage_t=Decimal("1000000"))

    services.survey_add(actor=staff_a, deposit=deposit, fields={"year": 2024, "tonnage_t": Decimal("1200000")})

    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t) == (2024, Decimal("1200000"))


def test_older_survey_leaves_the_current_state(staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a, state_year=2023, tonnage_t=Decimal("1000000"))

    services.survey_add(actor=staff_a, deposit=deposit, fields={"year": 2015, "tonnage_t": Decimal("600000")})

    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t) == (2023, Decimal("1000000"))
    assert list(deposit.surveys.values_list("year", flat=True)) == [2015]


def test_second_survey_for_the_same_year_refused(staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    services.survey_add(actor=staff_a, deposit=deposit, fields={"year": 2024, "tonnage_t": Decimal("1")})
    with pytest.raises(ValidationError):
        services.survey_add(actor=staff_a, deposit=deposit, fields={"year": 2024, "tonnage_t": Decimal("2")})


def test_inspector_cannot_add_a_survey(inspector, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    with pytest.raises(PermissionDenied):
        services.survey_add(actor=inspector, deposit=deposit, fields={"year": 2024, "tonnage_t": Decimal("1")})


def test_component_share_above_100_percent_refused(staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    with pytest.raises(ValidationError) as excinfo:
        services.component_add(actor=staff_a, deposit=deposit, fields={"component": "Fe", "mean": Decimal("101")})
    assert list(excinfo.value.message_dict) == ["mean"]
