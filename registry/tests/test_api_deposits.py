from decimal import Decimal

import pytest

from portal.tests.api_errors import fields
from registry.models import Deposit
from registry.tests.factories import DepositFactory, balkhash_slag_deposit, deposit_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/deposits/"


def test_staff_registers_a_deposit(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a), format="json")

    assert response.status_code == 201, response.data
    assert response.data["operator"]["bin"] == enterprise_a.bin
    assert response.data["region"] == enterprise_a.region.iso_code
    assert response.data["is_published"] is False
    assert [survey["year"] for survey in response.data["surveys"]] == [2024]
    assert Deposit.objects.filter(pk=response.data["id"], operator=enterprise_a).exists()


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("55.75", "37.62"), ("42.87", "74.59"), ("41.3", "69.24")],
    ids=["Moscow", "Bishkek", "Tashkent"],
)
def test_location_outside_kazakhstan_refused(client_for, staff_a, enterprise_a, latitude, longitude):
    payload = deposit_payload(enterprise_a, latitude=latitude, longitude=longitude)

    response = client_for(staff_a).post(URL, payload, format="json")

    assert response.status_code == 400
    assert {"latitude", "longitude"} <= set(fields(response))
    assert not Deposit.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("46.84", "74.98"), ("43.65", "51.17"), ("49.95", "82.61")],
    ids=["Balkhash", "Aktau", "Ust-Kamenogorsk"],
)
def test_location_inside_kazakhstan_accepted(client_for, staff_a, enterprise_a, latitude, longitude):
    payload = deposit_payload(enterprise_a, latitude=latitude, longitude=longitude)
    response = client_for(staff_a).post(URL, payload, format="json")
    assert response.status_code == 201, response.data


def test_negative_tonnage_refused(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a, tonnage_t="-5"), format="json")

    assert response.status_code == 400
    assert "tonnage_t" in fields(response)
    assert not Deposit.objects.exists()


def test_subkind_of_another_kind_refused(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a, subkind="slag"), format="json")
    assert response.status_code == 400
    assert "subkind" in fields(response)


def test_unknown_operator_bin_refused(client_for, administrator, enterprise_a):
    response = client_for(administrator).post(
        URL, deposit_payload(enterprise_a, operator="123456789013"), format="json"
    )
    assert response.status_code == 400
    assert "operator" in fields(response)


def test_staff_cannot_publish(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a, is_published=True), format="json")
    assert response.status_code == 400
    assert "is_published" in fields(response)


def test_staff_cannot_publish_by_patch(client_for, staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a, is_published=False)

    response = client_for(staff_a).patch(f"{URL}{deposit.pk}/", {"is_published": True}, format="json")

    assert response.status_code == 400
    assert "is_published" in fields(response)
    deposit.refresh_from_db()
    assert not deposit.is_published


def test_administrator_publishes_by_patch(client_for, administrator, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a, is_published=False)

    response = client_for(administrator).patch(f"{URL}{deposit.pk}/", {"is_published": True}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["is_published"] is True


def test_detail_of_balkhash(api_client):
    deposit = balkhash_slag_deposit()

    response = api_client.get(f"{URL}{deposit.pk}/")

    assert response.status_code == 200
    assert Decimal(response.data["tonnage_mt"]) == Decimal("32.4")
    assert [survey["year"] for survey in response.data["surveys"]] == [1970, 1990, 2000, 2010, 2020, 2023]
    assert len(response.data["components"]) == 7
    potential = {row["component"]: row for row in response.data["resource_potential"]}
    assert set(potential) == {"Cu", "Pb", "Zn"}
    assert Decimal(potential["Cu"]["mean_t"]) == Decimal("259200")
    assert Decimal(potential["Cu"]["range_t"]["low"]) == Decimal("64800")
    assert Decimal(potential["Cu"]["range_t"]["high"]) == Decimal("486000")


def test_forecast_of_balkhash(api_client):
    deposit = balkhash_slag_deposit()

    response = api_client.get(f"{URL}{deposit.pk}/forecast/", {"year": 2030})

    assert response.status_code == 200
    assert (response.data["year"], response.data["from_year"]) == (2030, 2023)
    assert Decimal(response.data["tonnage_t"]["low"]) == Decimal("35060000")
    assert Decimal(response.data["tonnage_t"]["high"]) == Decimal("35550000")
    assert Decimal(response.data["area_ha"]["low"]) == Decimal("130.5")
    assert Decimal(response.data["area_ha"]["high"]) == Decimal("134")
    assert response.data["max_height_m"] is None


@pytest.mark.parametrize("query", [{"year": 2020}, {"year": "soon"}, {}])
def test_forecast_needs_a_year_from_the_survey_on(api_client, query):
    deposit = balkhash_slag_deposit()

    response = api_client.get(f"{URL}{deposit.pk}/forecast/", query)

    assert response.status_code == 400
    assert "year" in fields(response)


def test_composition_line_added(client_for, staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    line = {"component": "Zn", "mean": "0.5", "minimum": "0.5", "maximum": "2.0", "method": "ICP-MS"}

    response = client_for(staff_a).post(f"{URL}{deposit.pk}/composition/", line, format="json")

    assert response.status_code == 201, response.data
    listed = client_for(staff_a).get(f"{URL}{deposit.pk}/composition/").data
    assert listed["count"] == 1
    assert [(row["component"], row["unit"]) for row in listed["results"]] == [("Zn", "%")]


def test_surveys_listed_in_pages_as_the_schema_says(client_for, staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    client = client_for(staff_a)
    for year in (2021, 2022, 2023):
        response = client.post(f"{URL}{deposit.pk}/surveys/", {"year": year, "tonnage_t": "1000"}, format="json")
        assert response.status_code == 201, response.data

    response = client.get(f"{URL}{deposit.pk}/surveys/", {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 + deposit.surveys.exclude(year__in=[2021, 2022, 2023]).count()
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_duplicate_composition_line_refused(client_for, staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a)
    client = client_for(staff_a)
    assert client.post(f"{URL}{deposit.pk}/composition/", {"component": "Cu", "mean": "1"}).status_code == 201

    response = client.post(f"{URL}{deposit.pk}/composition/", {"component": "Cu", "mean": "2"})

    assert response.status_code == 400


@pytest.mark.parametrize("state_year", [1800, 2101])
def test_state_year_outside_the_survey_years_refused(client_for, staff_a, enterprise_a, state_year):
    """The state year becomes the first survey's year, which must lie in 1900-2100."""
    response = client_for(staff_a).post(URL, deposit_payload(enterprise_a, state_year=state_year), format="json")

    assert response.status_code == 400
    assert "state_year" in fields(response)
    assert not Deposit.objects.exists()
