from decimal import Decimal

import pytest

from portal.models import ChangeRecord
from registry.tests.factories import DepositFactory, deposit_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/deposits/"


@pytest.fixture
def deposit(enterprise_a):
    return DepositFactory(
        operator=enterprise_a, state_year=2023, tonnage_t=Decimal("1000000.0"), notes="", is_published=True
    )


def records_of(deposit):
    return ChangeRecord.objects.filter(content_type__model="deposit", object_id=deposit.pk)


def test_creating_a_deposit_is_recorded(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a), format="json")

    record = ChangeRecord.objects.get(content_type__model="deposit", object_id=response.data["id"])
    assert (record.kind, record.user) == ("create", staff_a)
    assert record.changes["tonnage_t"] == [None, "5000000.0"]


def test_patch_records_old_and_new_values(client_for, staff_a, deposit):
    response = client_for(staff_a).patch(
        f"{URL}{deposit.pk}/", {"notes": "Dust suppression started.", "status": "inactive"}, format="json"
    )

    assert response.status_code == 200, response.data
    (record,) = records_of(deposit)
    assert (record.kind, record.user) == ("update", staff_a)
    assert record.changes == {"notes": ["", "Dust suppression started."], "status": ["operating", "inactive"]}


def test_patch_that_changes_nothing_records_nothing(client_for, staff_a, deposit):
    response = client_for(staff_a).patch(f"{URL}{deposit.pk}/", {"name": deposit.name}, format="json")

    assert response.status_code == 200
    assert not records_of(deposit).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("tonnage_t", "2000000.0"), ("state_year", 2024), ("area_ha", "150.00"), ("max_height_m", "30.00")],
)
def test_surveyed_state_cannot_be_patched(client_for, staff_a, deposit, field, value):
    response = client_for(staff_a).patch(f"{URL}{deposit.pk}/", {field: value}, format="json")

    assert response.status_code == 400
    assert field in response.data
    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t, deposit.area_ha) == (2023, Decimal("1000000.0"), None)
    assert not records_of(deposit).exists()


def test_newer_survey_updates_the_state_and_is_recorded(client_for, staff_a, deposit):
    survey = {"year": 2024, "tonnage_t": "1200000.0", "annual_t": "200000.0", "area_ha": "12.50", "source": "LiDAR"}

    response = client_for(staff_a).post(f"{URL}{deposit.pk}/surveys/", survey, format="json")

    assert response.status_code == 201, response.data
    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t, deposit.area_ha) == (2024, Decimal("1200000.0"), Decimal("12.5"))
    (record,) = records_of(deposit)
    assert (record.kind, record.user) == ("update", staff_a)
    assert record.changes["state_year"] == [2023, 2024]
    assert record.changes["tonnage_t"] == ["1000000.0", "1200000.0"]
    assert record.changes["survey 2024"][0] is None
    assert record.changes["survey 2024"][1]["source"] == "LiDAR"
    detail = client_for(None).get(f"{URL}{deposit.pk}/").data
    assert (detail["state_year"], Decimal(detail["tonnage_t"])) == (2024, Decimal("1200000"))


def test_older_survey_is_history_only(client_for, staff_a, deposit):
    response = client_for(staff_a).post(
        f"{URL}{deposit.pk}/surveys/", {"year": 2010, "tonnage_t": "400000"}, format="json"
    )

    assert response.status_code == 201, response.data
    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t) == (2023, Decimal("1000000.0"))
    (record,) = records_of(deposit)
    assert set(record.changes) == {"survey 2010"}


@pytest.mark.parametrize(
    "survey",
    [{"year": 2024, "tonnage_t": "-1"}, {"year": 1800, "tonnage_t": "1"}, {"tonnage_t": "1"}],
    ids=["negative tonnage", "before 1900", "no year"],
)
def test_invalid_survey_refused(client_for, staff_a, deposit, survey):
    response = client_for(staff_a).post(f"{URL}{deposit.pk}/surveys/", survey, format="json")

    assert response.status_code == 400
    assert set(response.data) & {"year", "tonnage_t"}
    assert not records_of(deposit).exists()


def test_history_lists_the_changes_newest_first(client_for, staff_a, inspector, deposit):
    staff = client_for(staff_a)
    staff.patch(f"{URL}{deposit.pk}/", {"notes": "first"}, format="json")
    staff.post(f"{URL}{deposit.pk}/surveys/", {"year": 2024, "tonnage_t": "1100000"}, format="json")

    response = client_for(inspector).get(f"{URL}{deposit.pk}/history/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    newest, oldest = response.data["results"]
    assert (newest["user"], newest["kind"]) == ("staff_a", "update")
    assert newest["changes"]["tonnage_t"] == ["1000000.0", "1100000.0"]
    assert oldest["changes"] == {"notes": ["", "first"]}
    assert oldest["object_repr"] == deposit.name


def test_enterprise_history(client_for, staff_a, administrator, enterprise_a):
    client_for(staff_a).patch(f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"email": "ecology@a.kz"})

    response = client_for(administrator).get(f"/api/v1/registry/enterprises/{enterprise_a.bin}/history/")

    assert response.status_code == 200
    (record,) = response.data["results"]
    assert (record["user"], record["changes"]) == ("staff_a", {"email": ["", "ecology@a.kz"]})
