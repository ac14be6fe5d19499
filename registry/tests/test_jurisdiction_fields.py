"""An enterprise's BIN and region, and a deposit's region, decide who regulates them: staff cannot change them (API
or form); a deposit's region follows from its location."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from portal.models import ChangeRecord
from portal.tests.api_errors import fields
from registry.models import Deposit, DepositRegionPeriod, Enterprise, RegionSplit
from registry.tests.factories import (
    DepositFactory,
    EnterpriseFactory,
    MembershipFactory,
    RegionFactory,
    deposit_payload,
    next_valid_bin,
)

pytestmark = pytest.mark.django_db


def test_staff_cannot_move_their_enterprise_to_another_region(staff_a, enterprise_a, other_region, client_for):
    response = client_for(staff_a).patch(
        f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"region": other_region.iso_code}, format="json"
    )

    assert response.status_code == 400
    assert "region" in fields(response)
    assert Enterprise.objects.get(pk=enterprise_a.pk).region_id == enterprise_a.region_id


def test_nor_through_the_form(staff_a, enterprise_a, other_region, web):
    data = {"name": enterprise_a.name, "bin": enterprise_a.bin, "region": other_region.pk, "address": "Balkhash"}

    web(staff_a).post(f"/registry/enterprises/{enterprise_a.pk}/edit/", data)

    enterprise = Enterprise.objects.get(pk=enterprise_a.pk)
    assert enterprise.region_id == enterprise_a.region_id
    assert enterprise.address == "Balkhash"


def test_an_administrator_may(administrator, enterprise_a, other_region, client_for):
    response = client_for(administrator).patch(
        f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"region": other_region.iso_code}, format="json"
    )

    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise_a.pk).region_id == other_region.pk


def test_staff_cannot_change_their_enterprise_bin(staff_a, enterprise_a, client_for):
    response = client_for(staff_a).patch(
        f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"bin": next_valid_bin()}, format="json"
    )

    assert response.status_code == 400
    assert "bin" in fields(response)
    assert Enterprise.objects.get(pk=enterprise_a.pk).bin == enterprise_a.bin


# A deposit's region follows from its coordinates (registry.outlines): staff neither set nor change it.

BALKHASH = {"latitude": "46.84000", "longitude": "74.98000"}  # Karaganda, since 1936 and after 2022
ZHEZKAZGAN = {"latitude": "47.78000", "longitude": "67.71000"}  # Ulytau since 8 June 2022, Karaganda before
KARAGANDA_CITY = {"latitude": "49.80000", "longitude": "73.10000"}
ALMATY_REGION = {"latitude": "43.87000", "longitude": "77.07000"}  # Konaev


@pytest.fixture
def karaganda(db):
    return RegionFactory(iso_code="KZ-35", name_en="Karaganda")


@pytest.fixture
def ulytau(karaganda):
    """Ulytau, split off Karaganda on 8 June 2022 (recorded: the outlines predate it)."""
    region = RegionFactory(iso_code="KZ-62", name_en="Ulytau", valid_from=datetime.date(2022, 6, 8))
    RegionSplit.objects.create(parent=karaganda, region=region, date=datetime.date(2022, 6, 8))
    return region


@pytest.fixture
def almaty_region(db):
    return RegionFactory(iso_code="KZ-19", name_en="Almaty region")


@pytest.fixture
def karaganda_deposit(enterprise_a, karaganda):
    return DepositFactory(operator=enterprise_a, region=karaganda, **BALKHASH)


def test_staff_cannot_move_a_deposit_to_another_region(staff_a, karaganda_deposit, almaty_region, client_for):
    response = client_for(staff_a).patch(
        f"/api/v1/registry/deposits/{karaganda_deposit.pk}/", {"region": almaty_region.iso_code}, format="json"
    )

    assert response.status_code == 400
    assert "region" in fields(response)
    assert Deposit.objects.get(pk=karaganda_deposit.pk).region_id == karaganda_deposit.region_id


def test_nor_through_the_deposit_form(staff_a, karaganda_deposit, almaty_region, web):
    form = web(staff_a).get(f"/registry/deposits/{karaganda_deposit.pk}/edit/").context["form"]
    assert "region" not in form.fields
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}

    web(staff_a).post(
        f"/registry/deposits/{karaganda_deposit.pk}/edit/", {**data, "region": almaty_region.pk, "notes": "edited"}
    )

    deposit = Deposit.objects.get(pk=karaganda_deposit.pk)
    assert deposit.notes == "edited"
    assert deposit.region_id == karaganda_deposit.region_id


def test_staff_cannot_send_coordinates_outside_the_deposits_region(
    staff_a, karaganda_deposit, almaty_region, client_for
):
    response = client_for(staff_a).patch(f"/api/v1/registry/deposits/{karaganda_deposit.pk}/", ALMATY_REGION)

    assert response.status_code == 400
    assert {"latitude", "longitude"} <= set(fields(response))
    deposit = Deposit.objects.get(pk=karaganda_deposit.pk)
    assert (str(deposit.latitude), deposit.region_id) == (BALKHASH["latitude"], karaganda_deposit.region_id)


def test_staff_may_correct_coordinates_within_the_region(staff_a, karaganda_deposit, almaty_region, client_for):
    response = client_for(staff_a).patch(f"/api/v1/registry/deposits/{karaganda_deposit.pk}/", KARAGANDA_CITY)

    assert response.status_code == 200
    assert response.json()["region"] == "KZ-35"


def test_a_new_deposits_region_follows_its_location(staff_a, enterprise_a, karaganda, client_for):
    client = client_for(staff_a)

    refused = client.post("/api/v1/registry/deposits/", deposit_payload(enterprise_a, **BALKHASH), format="json")
    payload = {key: value for key, value in deposit_payload(enterprise_a, **BALKHASH).items() if key != "region"}
    created = client.post("/api/v1/registry/deposits/", payload, format="json")

    assert refused.status_code == 400
    assert "region" in fields(refused)
    assert created.status_code == 201
    assert created.json()["region"] == "KZ-35"  # the location's, not the operator's region (KZ-R1)


def test_staff_registering_through_the_form_get_the_locations_region(staff_a, enterprise_a, karaganda, web):
    data = {
        "name": "Ash dump", "operator": enterprise_a.pk, "region": enterprise_a.region_id, "kind": "energy",
        "subkind": "ash", "status": "operating", "state_year": 2024, "tonnage_t": "1000", **BALKHASH,
    }  # fmt: skip

    response = web(staff_a).post("/registry/deposits/new/", data)

    assert response.status_code == 302
    assert Deposit.objects.get(name="Ash dump").region == karaganda


def test_where_the_outlines_cannot_tell_a_parent_from_its_split_off_region_an_administrator_decides(
    staff_a, enterprise_a, karaganda, ulytau, client_for
):
    payload = {key: value for key, value in deposit_payload(enterprise_a, **ZHEZKAZGAN).items() if key != "region"}

    response = client_for(staff_a).post("/api/v1/registry/deposits/", payload, format="json")

    assert response.status_code == 201
    deposit = Deposit.objects.get(pk=response.json()["id"])
    assert deposit.region == karaganda
    assert DepositRegionPeriod.objects.filter(deposit=deposit).awaiting().get().awaiting_split.region == ulytau


def test_the_operators_region_decides_between_a_parent_and_its_split_off_region(
    client_for, karaganda, ulytau, administrator
):
    operator = EnterpriseFactory(region=ulytau)
    staff = MembershipFactory(enterprise=operator).user
    payload = {key: value for key, value in deposit_payload(operator, **ZHEZKAZGAN).items() if key != "region"}

    response = client_for(staff).post("/api/v1/registry/deposits/", payload, format="json")

    assert response.json()["region"] == "KZ-62"
    assert not DepositRegionPeriod.objects.filter(deposit_id=response.json()["id"]).awaiting().exists()


def test_an_administrator_sets_a_deposits_region_and_the_history_records_it(
    administrator, karaganda_deposit, almaty_region, client_for
):
    response = client_for(administrator).patch(
        f"/api/v1/registry/deposits/{karaganda_deposit.pk}/", {"region": almaty_region.iso_code}, format="json"
    )

    assert response.status_code == 200
    assert Deposit.objects.get(pk=karaganda_deposit.pk).region == almaty_region
    changes = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Deposit), object_id=karaganda_deposit.pk
    )
    assert any("region" in record.changes for record in changes)


def test_an_administrator_moving_a_deposit_moves_it_to_the_locations_region(
    administrator, karaganda_deposit, almaty_region, client_for
):
    response = client_for(administrator).patch(f"/api/v1/registry/deposits/{karaganda_deposit.pk}/", ALMATY_REGION)

    assert response.status_code == 200
    assert response.json()["region"] == "KZ-19"


def test_an_administrator_leaving_the_region_empty_gets_the_locations(administrator, enterprise_a, karaganda, web):
    deposit = DepositFactory(operator=enterprise_a, region=RegionFactory(iso_code="KZ-19"), **BALKHASH)
    form = web(administrator).get(f"/registry/deposits/{deposit.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}

    response = web(administrator).post(f"/registry/deposits/{deposit.pk}/edit/", {**data, "region": ""})

    assert response.status_code == 302
    assert Deposit.objects.get(pk=deposit.pk).region == karaganda
