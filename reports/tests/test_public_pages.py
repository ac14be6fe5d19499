from decimal import Decimal

import pytest

from registry.models import Region
from registry.reference import load_regions
from registry.tests.factories import DepositFactory, EnterpriseFactory
from reports.models import MonitoringAggregate, WasteAggregate
from reports.reference import load_published_statistics


@pytest.fixture(autouse=True)
def statistics(db):
    load_regions()
    load_published_statistics()


@pytest.fixture
def karaganda():
    return Region.objects.get(iso_code="KZ-35")


def test_the_region_page_shows_figures_deposits_and_monitoring(client, karaganda):
    DepositFactory(region=karaganda, name="Public slag dump", is_published=True)
    DepositFactory(region=karaganda, name="Hidden tailings", is_published=False)
    MonitoringAggregate.objects.create(
        year=2024, region=karaganda, pollutant_code="Cu", medium="air", unit="mg/m3", results=10, mean=0.01,
        maximum=0.2, exceeding=6, high=2, extreme=1, points=2, enterprises=1,
    )  # fmt: skip
    html = client.get("/statistics/regions/KZ-35/").content.decode()
    assert "739,539.3" in html
    assert "Public slag dump" in html
    assert "Hidden tailings" not in html
    assert "region-chart" in html
    assert "Cu" in html


def test_an_unknown_region_is_404(client):
    assert client.get("/statistics/regions/KZ-99/").status_code == 404


def test_the_enterprise_page_shows_accepted_yearly_totals(client):
    enterprise = EnterpriseFactory(name="Open Data LLP")
    html = client.get(f"/statistics/enterprises/{enterprise.pk}/").content.decode()
    assert "Open Data LLP" in html
    assert "No accepted return yet." in html


def test_the_monitoring_open_data_api(client, karaganda):
    MonitoringAggregate.objects.create(
        year=2024, region=karaganda, pollutant_code="Cu", medium="air", unit="mg/m3", results=10, mean=0.01,
        maximum=0.2, exceeding=6, high=2, extreme=1, points=4, enterprises=3,
    )  # fmt: skip
    response = client.get("/api/v1/stats/monitoring/", {"year": 2024, "region": "KZ-35", "pollutant": "Cu"})
    (record,) = response.json()["results"]
    assert record["unit"] == "mg/m3"
    # Decimal strings of 12 significant digits, without float artefacts (docs: README, "API").
    assert (record["exceeding_share"], record["mean"], record["maximum"]) == (
        "0.600000000000",
        "0.0100000000000",
        "0.200000000000",
    )
    assert client.get("/api/v1/stats/monitoring/", {"year": 2023}).json()["count"] == 0


def test_the_regional_table_links_each_region(client, karaganda):
    WasteAggregate.objects.create(
        year=2023, region=Region.objects.get(iso_code="KZ-62"), held=Decimal(1000), generated=0, received=0,
        recycled=0, disposed=0, transferred=0,
    )  # fmt: skip
    html = client.get("/statistics/regions/").content.decode()
    assert 'href="/statistics/regions/KZ-35/"' in html
    assert "Ulytau" in html  # a region of 2022 appears with its reported figures
