import csv
import datetime
from pathlib import Path

import pytest

from registry.models import Region

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/regions/"
REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


@pytest.fixture
def regions(db):
    with REGIONS_CSV.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(line for line in file if not line.startswith("#")))
    return Region.objects.bulk_create(
        Region(
            **{
                **row,
                "valid_from": datetime.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                "valid_to": datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            }
        )
        for row in rows
    )


def codes(response):
    assert response.status_code == 200, response.data
    return [row["iso_code"] for row in response.data["results"]]


def test_all_twenty_units_listed(api_client, regions):
    listed = codes(api_client.get(URL))
    assert len(listed) == 20
    assert listed == sorted(listed)


def test_detail_by_iso_code(api_client, regions):
    response = api_client.get(f"{URL}KZ-35/")
    assert response.status_code == 200
    assert (response.data["name_en"], response.data["admin_centre"]) == ("Karaganda", "Karaganda")
    assert api_client.get(f"{URL}KZ-00/").status_code == 404


def test_cities_of_republican_significance(api_client, regions):
    assert codes(api_client.get(URL, {"kind": "city"})) == ["KZ-71", "KZ-75", "KZ-79"]


@pytest.mark.parametrize(
    ("date", "count", "absent", "present"),
    [
        ("2017-01-01", 15, {"KZ-10", "KZ-33", "KZ-62", "KZ-61", "KZ-79"}, {"KZ-35"}),
        ("2020-01-01", 17, {"KZ-10", "KZ-33", "KZ-62"}, {"KZ-61", "KZ-79"}),
        ("2022-06-08", 20, set(), {"KZ-10", "KZ-33", "KZ-62"}),
    ],
)
def test_units_valid_on_a_date(api_client, regions, date, count, absent, present):
    listed = set(codes(api_client.get(URL, {"valid_on": date})))
    assert len(listed) == count
    assert not absent & listed
    assert present <= listed


def test_regions_are_read_only(client_for, administrator, regions):
    client = client_for(administrator)
    assert client.post(URL, {"iso_code": "KZ-99"}, format="json").status_code == 405
    assert client.patch(f"{URL}KZ-35/", {"name_en": "X"}, format="json").status_code == 405
