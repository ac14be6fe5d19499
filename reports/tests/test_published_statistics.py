"""The official tables, loaded as published series, come back exactly on the page, in the API and downloads."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from registry.models import Region
from registry.reference import load_regions
from reports.models import PublishedValue
from reports.reference import load_published_statistics

URL = "/statistics/regions/"


@pytest.fixture(autouse=True)
def published(db):
    load_regions()
    load_published_statistics()


def test_loading_twice_changes_nothing():
    before = set(PublishedValue.objects.values_list("series__code", "indicator", "region_id", "year", "value"))
    load_published_statistics()
    after = set(PublishedValue.objects.values_list("series__code", "indicator", "region_id", "year", "value"))
    assert before == after


def test_the_regional_table_page_reproduces_the_official_figures(client):
    html = client.get(URL).content.decode()
    assert "739,539.3" in html  # Karaganda, 2019
    assert "2,658,354.9" in html  # the republic, 2019
    assert html.index("Kostanay") < html.index("Karaganda") < html.index("Pavlodar")  # the official order


def test_numbers_follow_the_language(client):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "739\xa0539,3" in html


@pytest.mark.parametrize(("order", "first"), [("-2019", "Kostanay"), ("2019", "Shymkent"), ("name", "Akmola")])
def test_the_table_sorts(client, order, first):
    html = client.get(URL, {"order": order}).content.decode()
    body = html[html.index("<tbody>") :]
    assert body.index(first) < min(body.index(name) for name in ("Karaganda", "Zhambyl") if name != first)


def test_the_open_data_api_gives_the_figures_with_their_unit(client):
    response = client.get("/api/v1/stats/waste/", {"year": 2019, "region": "KZ-35"})
    assert response.status_code == 200
    (record,) = response.json()["results"]
    assert record == {
        "year": 2019, "region": "KZ-35", "indicator": "held", "value": "739539.3", "unit": "thousand tonnes",
        "source": "published", "series": "hazardous-waste-held-by-region", "coverage": None,
        "by_hazard_level": None, "by_deposit_kind": None,
    }  # fmt: skip
    republic = client.get("/api/v1/stats/waste/", {"year": 2019, "region": "KZ"}).json()["results"]
    held = [record for record in republic if record["indicator"] == "held"]
    assert held[0]["value"] == "2658354.9"
    assert all(record["unit"] for record in republic)


def test_the_open_data_api_refuses_bad_parameters(client):
    assert client.get("/api/v1/stats/waste/", {"year": "20x9"}).status_code == 400
    assert client.get("/api/v1/stats/waste/", {"region": "Karaganda"}).status_code == 400


def test_downloads_open_with_no_formula_executed(client):
    xlsx = client.get(URL, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    karaganda = next(row for row in rows if row[1] == "KZ-35")
    assert karaganda[-1] == pytest.approx(739539.3)
    assert all(not (isinstance(cell, str) and cell.startswith("=")) for row in rows for cell in row)
    csv_text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    assert "KZ-35" in csv_text
    assert "2658354.9" in csv_text


def test_reported_figures_stand_beside_the_published_ones(client, enterprise_a):
    from reports.models import WasteAggregate

    karaganda = Region.objects.get(iso_code="KZ-35")
    WasteAggregate.objects.create(
        year=2019, region=karaganda, held=Decimal("12345678"), generated=0, received=0, recycled=0, disposed=0,
        transferred=0,
    )  # fmt: skip
    html = client.get(URL).content.decode()
    assert "reported in returns" in html
    assert "12,345.7" in html  # thousand tonnes, one decimal
    assert "739,539.3" in html
    records = client.get("/api/v1/stats/waste/", {"year": 2019, "region": "KZ-35"}).json()["results"]
    reported = {r["indicator"]: r["value"] for r in records if r["source"] == "reported"}
    assert reported["held"] == "12345.7"
    assert {r["unit"] for r in records} == {"thousand tonnes"}
