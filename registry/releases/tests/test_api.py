"""/api/v1/releases/: file, replace, submit, decide, correct, versions and differences; figures as decimal
strings with their unit; lines below the threshold marked unpublished in the enterprise's own view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.releases.tests import helpers
from registry.releases.tests.helpers import release, transfer

pytestmark = pytest.mark.usefixtures("reference")

API = "/api/v1/releases/"


def test_a_report_through_the_api(client_for, staff_a, inspector, enterprise_a, enterprise_b):
    staff, decider = client_for(staff_a), client_for(inspector)
    body = {"enterprise": enterprise_a.bin, "year": 2024, "releases": [release(), release("NOx")],
            "transfers": [transfer(bin=enterprise_b.bin)]}  # fmt: skip
    response = staff.post(API, body, format="json")
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["releases"][0]["kg_per_year"] == "2000000.000" and report["releases"][0]["unit"] == "kg/yr"
    assert report["transfers"][0]["counterpart"] == enterprise_b.name and report["transfers"][0]["unit"] == "t"
    url = f"{API}{report['id']}/"
    lines = {"releases": [release(kg="2100000"), release("NOx"), release("Cd", kg="2", method="E")]}
    replaced = staff.put(url, lines, format="json").json()
    cadmium = replaced["releases"][2]
    assert (cadmium["published"], cadmium["threshold_kg"]) == (False, "10.000")
    assert replaced["transfers"], "a list left out stays as it is"
    assert staff.post(f"{url}submit/", {}, format="json").status_code == 200
    assert decider.post(f"{url}return/", {"reasons": "Cd by measurement, please."}, format="json").status_code == 200
    assert staff.post(f"{url}correct/", format="json").status_code == 200
    staff.put(url, {"releases": [release(kg="2100000"), release("NOx"), release("Cd", kg="2", method="M")]},
              format="json")  # fmt: skip
    assert staff.post(f"{url}submit/", {}, format="json").status_code == 200
    accepted = decider.post(f"{url}accept/", format="json").json()
    assert (accepted["status"], accepted["accepted_version"]) == ("accepted", 2)
    diff = staff.get(f"{url}diff/?from=1&to=2").json()
    assert diff == [{"list": "releases", "change": "changed", "line": {"medium": "air", "substance": "Cd",
                     "source": None}, "changes": {"method": ["E", "M"]}}]  # fmt: skip
    assert staff.get(f"{url}versions/1/").json()["reasons"] == "Cd by measurement, please."


def test_others_do_not_see_the_report(client_for, staff_a, staff_b, other_inspector, enterprise_a):
    report = helpers.create(staff_a, enterprise_a)
    for user in (staff_b, other_inspector):
        assert client_for(user).get(f"{API}{report.pk}/").status_code == 404
    assert client_for(None).get(API).status_code == 401


def test_the_list_does_not_grow_its_queries_with_the_reports(client_for, staff_a, enterprise_a):
    client = client_for(staff_a)
    helpers.create(staff_a, enterprise_a, year=2023)
    with CaptureQueriesContext(connection) as one:
        assert client.get(API).status_code == 200
    for year in (2022, 2024, 2025):
        helpers.create(staff_a, enterprise_a, year=year)
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(API).json()["results"]) == 4
    assert len(four) == len(one)
