"""Each region has its IANA time zone, the local time of its enterprises' monitoring points: the shipped regions
get theirs from registry/data/regions.csv (the loader) and, in a database made before, from migration 0008."""

import datetime
import importlib
import zoneinfo

import pytest

from registry.models import Region
from registry.reference import DATA_DIR, load_regions, read_rows

pytestmark = pytest.mark.django_db

WEST = {"KZ-15", "KZ-23", "KZ-27", "KZ-47"}  # Aktobe, Atyrau, West Kazakhstan, Mangystau


def offset(region: Region, day: datetime.date) -> datetime.timedelta | None:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=region.zone).utcoffset()


def test_the_loaded_regions_keep_the_offsets_kazakhstan_kept():
    load_regions()
    regions = {region.iso_code: region for region in Region.objects.all()}

    assert regions["KZ-15"].time_zone == "Asia/Aqtobe" and regions["KZ-35"].time_zone == "Asia/Almaty"
    for code, region in regions.items():
        in_2023 = 5 if code in WEST or code == "KZ-43" else 6  # Kyzylorda moved to UTC+5 in December 2018
        assert offset(region, datetime.date(2023, 6, 1)) == datetime.timedelta(hours=in_2023), code
        assert offset(region, datetime.date(2025, 6, 1)) == datetime.timedelta(hours=5), code  # one time since 2024


def test_the_migration_gives_the_zones_of_the_reference_file():
    migration = importlib.import_module("registry.migrations.0008_region_time_zone")
    in_file = {row["iso_code"]: row["time_zone"] for row in read_rows(DATA_DIR / "regions.csv")}

    assert {code: zone for code, zone in in_file.items() if zone != "Asia/Almaty"} == migration.ZONES
    assert set(in_file.values()) <= {zone for zone, _ in Region.TimeZone.choices}
    assert all(zoneinfo.ZoneInfo(zone) for zone in Region.TimeZone.values)  # each is in the machine's tz database


def test_the_api_gives_each_region_its_zone(api_client):
    load_regions()

    rows = api_client.get("/api/v1/registry/regions/", {"page_size": 100}).data["results"]

    assert {row["iso_code"]: row["time_zone"] for row in rows}["KZ-27"] == "Asia/Oral"
