from decimal import Decimal

import pytest

from registry.models import Region
from registry.reference import load_regions
from reports.models import WasteAggregate
from reports.reference import load_published_statistics


@pytest.fixture(autouse=True)
def statistics(db):
    load_regions()
    load_published_statistics()
    karaganda = Region.objects.get(iso_code="KZ-35")
    for year in (2019, 2023):
        WasteAggregate.objects.create(
            year=year, region=karaganda, held=Decimal("5000000"), generated=Decimal("1851370"),
            received=0, recycled=Decimal("370274"), disposed=0, transferred=0,
        )  # fmt: skip


def test_a_year_without_population_shows_no_per_capita_figure(client):
    html = client.get("/statistics/").content.decode()
    assert 'data-testid="per-capita-2023">—<' in html
    # 2019 has the population (18,513,698): 1,851,370 t = 100.0 kg per person
    assert 'data-testid="per-capita-2019">100.0<' in html


def test_the_published_national_indicators_are_shown(client):
    html = client.get("/statistics/").content.decode()
    assert "180,506.7" in html  # generated, 2019
    assert "150.4" in html  # recycled share 2017, above 100 % as published


def test_the_national_table_downloads(client):
    text = client.get("/statistics/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "180506.7" in text
