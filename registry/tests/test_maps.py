"""What the maps are fed: the region outlines (rounded, named in the reader's language), a region page's bounds
(its outline's box, else its deposits' box) and deposits' tonnage in tonnes (the page writes t, kt or Mt)."""

import json
import re
from decimal import Decimal

import pytest

from registry import outlines
from registry.reference import load_regions
from registry.tests.factories import DepositFactory, RegionFactory

pytestmark = pytest.mark.django_db
OUTLINES = "/registry/regions/outlines.geojson"


def json_script(html: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, element_id
    return json.loads(found.group(1))


@pytest.fixture
def no_outlines(settings, tmp_path):
    """As where the npm package is not installed."""
    settings.NODE_MODULES = tmp_path
    outlines.region_outlines.cache_clear()
    outlines.map_outlines.cache_clear()
    yield
    outlines.region_outlines.cache_clear()
    outlines.map_outlines.cache_clear()


def test_region_outlines_are_rounded_and_named_in_the_readers_language(client):
    load_regions()

    response = client.get(OUTLINES, headers={"accept-language": "ru"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=86400" in response["Cache-Control"]
    features = {f["properties"]["outline"]: f for f in response.json()["features"]}
    assert len(features) == 17
    assert features["KZ-QG"]["properties"]["name"] == "Карагандинская область"
    # the outline of South Kazakhstan holds Turkistan region and Shymkent: both named
    assert len(features["KZ-SK"]["properties"]["name"].split(" · ")) == 2
    coordinates = [c for f in features.values() for p in f["geometry"]["coordinates"] for r in p for c in r]
    assert all(round(x, 2) == x and round(y, 2) == y for x, y in coordinates)
    assert len(response.content) < 200_000


def test_the_region_page_map_is_fitted_to_the_regions_outline(client):
    load_regions()

    page = client.get("/statistics/regions/KZ-35/", headers={"accept-language": "en"})

    (south, west), (north, east) = json_script(page.content.decode(), "map-settings")["bounds"]
    # Karaganda region: Karaganda city (49.8 N, 73.1 E) inside, Astana (51.2 N, 71.4 E) and Almaty outside
    assert south < 49.8 < north and west < 73.1 < east
    # (its 1:10m outline predates 2022: it still holds Ulytau, west to 62.7 E)
    assert 45 < south < 46.5 and 50.5 < north < 51.5 and 62 < west < 67 and 77 < east < 79


def test_without_outlines_the_region_page_map_is_fitted_to_its_deposits(no_outlines, client):
    region = RegionFactory(iso_code="KZ-R1", name_en="Region R1")
    DepositFactory(
        region=region, operator__region=region, latitude=Decimal("46.8"), longitude=Decimal("75.0"), is_published=True
    )
    DepositFactory(
        region=region, operator__region=region, latitude=Decimal("47.5"), longitude=Decimal("74.1"), is_published=True
    )

    page = client.get("/statistics/regions/KZ-R1/", headers={"accept-language": "en"})

    assert json_script(page.content.decode(), "map-settings")["bounds"] == [[46.8, 74.1], [47.5, 75.0]]
    assert client.get(OUTLINES).json() == {"type": "FeatureCollection", "features": []}


def test_deposit_points_carry_tonnes_and_the_map_its_units_and_legend(client):
    DepositFactory(name="Small dump", tonnage_t=Decimal("850"), is_published=True)

    page = client.get("/registry/deposits/", headers={"accept-language": "ru"}).content.decode()

    (point,) = json_script(page, "map-points")
    assert point["t"] == 850.0
    settings = json_script(page, "map-settings")
    assert {key: settings["labels"][key] for key in ("t", "kt", "Mt")} == {"t": "т", "kt": "тыс. т", "Mt": "млн т"}
    assert [entry["kind"] for entry in settings["legend"]] == [
        "mining", "mining_processing", "chemical_metallurgical", "energy",
    ]  # fmt: skip
    assert settings["regions"] == OUTLINES
