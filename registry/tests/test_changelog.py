"""The change log of deposits and enterprises through the API: what a write records and what the history answers."""

from decimal import Decimal

import pytest

from portal.models import ChangeRecord
from portal.tests.api_errors import fields
from registry.tests.factories import DepositFactory, deposit_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/deposits/"


@pytest.fixture
def deposit(enterprise_a):
    deposit = DepositFactory(
        operator=enterprise_a, state_year=2023, tonnage_t=Decimal("1000000.0"), notes="", is_published=True
    )
    ChangeRecord.objects.all().delete()  # the fixtures' own creation is not what these tests look at
    return deposit


def records_of(deposit, model="deposit"):
    return ChangeRecord.objects.filter(content_type__model=model, parent_id=None if model == "deposit" else deposit.pk)


def test_creating_a_deposit_is_recorded_with_its_first_survey(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a), format="json")

    record = ChangeRecord.objects.get(content_type__model="deposit", object_id=response.data["id"])
    assert (record.kind, record.user) == ("create", staff_a)
    assert record.changes["tonnage_t"] == [None, "5000000.0"]
    assert (record.enterprise_id, record.region_id) == (enterprise_a.pk, enterprise_a.region_id)
    survey = ChangeRecord.objects.get(content_type__model="depositsurvey")
    assert (survey.kind, survey.parent_id, survey.changes["year"]) == ("create", response.data["id"], [None, 2024])


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
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("tonnage_t", "2000000.0"), ("state_year", 2024), ("area_ha", "150.00"), ("max_height_m", "30.00")],
)
def test_surveyed_state_cannot_be_patched(client_for, staff_a, deposit, field, value):
    response = client_for(staff_a).patch(f"{URL}{deposit.pk}/", {field: value}, format="json")

    assert response.status_code == 400
    assert field in fields(response)
    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t, deposit.area_ha) == (2023, Decimal("1000000.0"), None)
    assert not ChangeRecord.objects.exists()


def test_newer_survey_updates_the_state_and_is_recorded(client_for, staff_a, deposit):
    survey = {"year": 2024, "tonnage_t": "1200000.0", "annual_t": "200000.0", "area_ha": "12.50", "source": "LiDAR"}

    response = client_for(staff_a).post(f"{URL}{deposit.pk}/surveys/", survey, format="json")

    assert response.status_code == 201, response.data
    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t, deposit.area_ha) == (2024, Decimal("1200000.0"), Decimal("12.5"))
    (record,) = records_of(deposit)
    assert (record.kind, record.user) == ("update", staff_a)
    assert record.changes == {
        "state_year": [2023, 2024],
        "tonnage_t": ["1000000.0", "1200000.0"],
        "area_ha": [None, "12.50"],
    }
    (added,) = records_of(deposit, "depositsurvey")
    assert (added.kind, added.user, added.changes["source"]) == ("create", staff_a, [None, "LiDAR"])
    detail = client_for(None).get(f"{URL}{deposit.pk}/").data
    assert (detail["state_year"], Decimal(detail["tonnage_t"])) == (2024, Decimal("1200000"))


def test_older_survey_is_history_only(client_for, staff_a, deposit):
    response = client_for(staff_a).post(
        f"{URL}{deposit.pk}/surveys/", {"year": 2010, "tonnage_t": "400000"}, format="json"
    )

    assert response.status_code == 201, response.data
    deposit.refresh_from_db()
    assert (deposit.state_year, deposit.tonnage_t) == (2023, Decimal("1000000.0"))
    assert not records_of(deposit).exists()
    assert records_of(deposit, "depositsurvey").get().changes["year"] == [None, 2010]


@pytest.mark.parametrize(
    "survey",
    [{"year": 2024, "tonnage_t": "-1"}, {"year": 1800, "tonnage_t": "1"}, {"tonnage_t": "1"}],
    ids=["negative tonnage", "before 1900", "no year"],
)
def test_invalid_survey_refused(client_for, staff_a, deposit, survey):
    response = client_for(staff_a).post(f"{URL}{deposit.pk}/surveys/", survey, format="json")

    assert response.status_code == 400
    assert set(fields(response)) & {"year", "tonnage_t"}
    assert not ChangeRecord.objects.exists()


def test_history_lists_the_changes_newest_first(client_for, staff_a, inspector, deposit):
    staff = client_for(staff_a)
    staff.patch(f"{URL}{deposit.pk}/", {"notes": "first"}, format="json")
    staff.post(f"{URL}{deposit.pk}/surveys/", {"year": 2024, "tonnage_t": "1100000"}, format="json")

    response = client_for(inspector).get(f"{URL}{deposit.pk}/history/")

    assert response.status_code == 200
    assert response.data["count"] == 3
    state, survey, notes = response.data["results"]
    assert (state["user"], state["kind"], state["model"]) == ("staff_a", "update", "registry.deposit")
    assert state["changes"]["tonnage_t"] == ["1000000.0", "1100000.0"]
    assert (survey["kind"], survey["model"]) == ("create", "registry.depositsurvey")
    assert notes["changes"] == {"notes": ["", "first"]}
    assert notes["object_repr"] == deposit.name


def test_history_gives_labels_and_formatted_values_beside_the_raw_ones(client_for, staff_a, inspector, deposit):
    response = client_for(staff_a).patch(f"{URL}{deposit.pk}/", {"status": "inactive"}, format="json")
    assert response.status_code == 200, response.data

    (record,) = client_for(inspector).get(f"{URL}{deposit.pk}/history/", HTTP_ACCEPT_LANGUAGE="ru").data["results"]

    assert record["changes"] == {"status": ["operating", "inactive"]}
    assert record["lines"] == [{"field": "status", "label": "Статус", "old": "действующий", "new": "недействующий"}]
    assert (record["kind_display"], record["user_display"]) == ("изменение", "staff_a")


def test_enterprise_history(client_for, staff_a, administrator, enterprise_a):
    ChangeRecord.objects.all().delete()
    client_for(staff_a).patch(f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"email": "ecology@a.kz"})

    response = client_for(administrator).get(f"/api/v1/registry/enterprises/{enterprise_a.bin}/history/")

    assert response.status_code == 200
    (record,) = response.data["results"]
    assert (record["user"], record["changes"]) == ("staff_a", {"email": ["", "ecology@a.kz"]})
