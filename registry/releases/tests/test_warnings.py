"""Warnings a filer explains before submitting: a release changed by more than the year's factor against last
year's accepted report (per substance and medium), a pollutant missing whose sister pollutants are reported, and a
report filed after the deadline; frozen on the version at submission."""

import datetime

import pytest
from django.utils import timezone

from registry.releases import services
from registry.releases.models import ReleaseYear
from registry.releases.tests import helpers
from registry.releases.tests.helpers import release

pytestmark = pytest.mark.usefixtures("reference")

API = "/api/v1/releases/"


def keys(report):
    return [warning.key for warning in services.current_warnings(helpers.fresh(report).current)]


def test_a_change_beyond_the_factor_is_warned(staff_a, inspector, enterprise_a):
    helpers.accepted(staff_a, inspector, enterprise_a, year=2023, releases=[release(kg="1000000"), release("NOx")])
    report = helpers.create(staff_a, enterprise_a, releases=[release(kg="4000000"), release("NOx")])
    assert keys(report) == ["change:air:SOx"]
    (warning,) = services.current_warnings(report.current)
    assert "SOx" in warning.message and "3" in warning.message


def test_a_release_that_vanished_is_a_change_too(staff_a, inspector, enterprise_a):
    helpers.accepted(staff_a, inspector, enterprise_a, year=2023, releases=[release(), release("NOx")])
    report = helpers.create(staff_a, enterprise_a, releases=[release()])
    assert "change:air:NOx" in keys(report)


def test_a_sister_pollutant_missing_is_warned(staff_a, enterprise_a):
    report = helpers.create(staff_a, enterprise_a, releases=[release("Pb", kg="500"), release("Zn", kg="900"),
                                                             release("NOx")])  # fmt: skip
    assert set(keys(report)) == {"sister:air:Cd", "sister:air:SOx"}


def test_late_and_unexplained_warnings_stop_the_submission_until_explained(client_for, staff_a, enterprise_a):
    ReleaseYear.objects.filter(year=2024).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    report = helpers.create(staff_a, enterprise_a, releases=[release(), release("NOx")])
    response = client_for(staff_a).post(f"{API}{report.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert [error["key"] for error in response.json()["errors"]] == ["late"]
    body = {"confirmations": {"late": "The laboratory was late."}}
    assert client_for(staff_a).post(f"{API}{report.pk}/submit/", body, format="json").status_code == 200
    report = helpers.fresh(report)
    assert report.late and report.current.confirmations == {"late": "The laboratory was late."}
    assert [item["key"] for item in report.current.warnings] == ["late"]
