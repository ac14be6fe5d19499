from decimal import Decimal

import pytest

from portal.tests.api_errors import fields
from registry.tests.factories import DepositFactory, EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/deposits/"


@pytest.fixture
def deposits(db):
    karaganda = RegionFactory(iso_code="KZ-35")
    east = RegionFactory(iso_code="KZ-63")
    smelter = EnterpriseFactory(name="Balkhash Copper Plant", region=karaganda)
    power = EnterpriseFactory(name="Ekibastuz GRES", region=east)
    return {
        "slag": DepositFactory(
            name="Balkhash slag dump",
            operator=smelter,
            latitude=Decimal("46.84"),
            longitude=Decimal("74.98"),
            tonnage_t=Decimal("32400000"),
            hazard_class="IV (low hazard)",
            is_published=True,
        ),
        "tailings": DepositFactory(
            name="Ridder tailings",
            operator=power,
            kind="mining_processing",
            subkind="tailings",
            status="closed",
            latitude=Decimal("50.35"),
            longitude=Decimal("83.51"),
            tonnage_t=Decimal("90000000"),
            notes="Closed in 2019, reclamation pending.",
            is_published=True,
        ),
        "ash": DepositFactory(
            name="Ash dump",
            operator=power,
            kind="energy",
            subkind="ash",
            latitude=Decimal("43.20"),
            longitude=Decimal("76.90"),
            tonnage_t=Decimal("500000"),
            is_published=True,
        ),
    }


def names(response):
    assert response.status_code == 200, response.data
    return {row["name"] for row in response.data["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "KZ-35"}, {"Balkhash slag dump"}),
        ({"kind": "energy"}, {"Ash dump"}),
        ({"subkind": "tailings"}, {"Ridder tailings"}),
        ({"status": "closed"}, {"Ridder tailings"}),
        ({"min_tonnage": "1000000"}, {"Balkhash slag dump", "Ridder tailings"}),
        ({"q": "reclamation"}, {"Ridder tailings"}),
        ({"q": "ekibastuz"}, {"Ridder tailings", "Ash dump"}),
        ({"q": "low hazard"}, {"Balkhash slag dump"}),
        # around Balkhash and Ust-Kamenogorsk, not Almaty
        ({"bbox": "70,45,85,52"}, {"Balkhash slag dump", "Ridder tailings"}),
        ({"bbox": "76.5,43,77,43.5"}, {"Ash dump"}),
        ({"kind": "energy", "region": "KZ-35"}, set()),
    ],
)
def test_filter(api_client, deposits, query, expected):
    assert names(api_client.get(URL, query)) == expected


def test_filter_by_operator_bin(api_client, deposits):
    bin_ = deposits["slag"].operator.bin
    assert names(api_client.get(URL, {"operator": bin_})) == {"Balkhash slag dump"}
    assert names(api_client.get(URL, {"q": bin_})) == {"Balkhash slag dump"}


def test_ordering_by_tonnage(api_client, deposits):
    response = api_client.get(URL, {"ordering": "-tonnage"})
    assert [row["name"] for row in response.data["results"]] == ["Ridder tailings", "Balkhash slag dump", "Ash dump"]
    response = api_client.get(URL, {"ordering": "tonnage"})
    assert [row["name"] for row in response.data["results"]] == ["Ash dump", "Balkhash slag dump", "Ridder tailings"]


@pytest.mark.parametrize(
    "bbox",
    [
        "70,45,85",
        "70,45,85,52,1",
        "west,45,85,52",
        "85,45,70,52",
        "70,52,85,45",
        "nan,45,85,52",
        "inf,45,85,52",
        ",",
        # beyond the globe
        "170,45,190,52",
        "70,-95,85,52",
        # finite, but too large for PostgreSQL's numeric type
        "-1e1000000,40,1e1000000,56",
    ],
)
def test_malformed_bbox_is_a_client_error(api_client, deposits, bbox):
    response = api_client.get(URL, {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in fields(response)


def test_bbox_with_more_decimals_than_stored(api_client, deposits):
    # 1e-1000000 is a valid number close to 0, too fine for PostgreSQL's numeric type as given
    assert names(api_client.get(URL, {"bbox": "1e-1000000,40,77,56"})) == {"Balkhash slag dump", "Ash dump"}
    assert names(api_client.get(URL, {"bbox": "74.979999999,46.839999999,74.980000001,46.840000001"})) == {
        "Balkhash slag dump"
    }


@pytest.mark.parametrize("query", [{"region": "KZ-99"}, {"kind": "volcanic"}, {"min_tonnage": "lots"}])
def test_unknown_filter_values_are_client_errors(api_client, deposits, query):
    response = api_client.get(URL, query)
    assert response.status_code == 400
    assert set(query) <= set(fields(response))


def test_pagination(api_client, deposits):
    first = api_client.get(URL, {"page_size": 2, "ordering": "name"})

    assert first.data["count"] == 3
    assert [row["name"] for row in first.data["results"]] == ["Ash dump", "Balkhash slag dump"]
    assert first.data["previous"] is None
    second = api_client.get(first.data["next"])
    assert [row["name"] for row in second.data["results"]] == ["Ridder tailings"]
    assert second.data["next"] is None
    assert api_client.get(URL, {"page": 9}).status_code == 404
