"""Bad input is refused by the form, the file and the API alike, naming the row (line) and field, and nothing is
saved: an unknown pollutant or CAS number, a source that is not the enterprise's, a source on a land release, a
negative or over-precise amount, a method other than M/C/E, an unknown operation, a BIN with a wrong check digit,
a year in the future."""

import pytest

from registry.releases.models import ReleaseReport
from registry.releases.tests import helpers
from registry.releases.tests.helpers import release, transfer

pytestmark = pytest.mark.usefixtures("reference")

API = "/api/v1/releases/"
WRONG_CHECK_DIGIT = "123456789010"

BAD_RELEASES = [
    (release("Unobtainium"), "substance", "unknown_substance"),
    (release("0000-00-0"), "substance", "unknown_substance"),
    (release(source="9999"), "source", "unknown_source"),
    (release(source="0001B"), "source", "unknown_source"),
    (release("Pb", medium="land", source="0001"), "source", "source_not_allowed"),
    (release(kg="-5"), "kg_per_year", "negative"),
    (release(kg="1.2345"), "kg_per_year", "decimal_places"),
    (release(method="X"), "method", "invalid_choice"),
    (release(medium="space"), "medium", "invalid_choice"),
]
BAD_TRANSFERS = [
    ("R14", None, "operation", "unknown_operation"),
    ("D5", WRONG_CHECK_DIGIT, "counterpart_bin", "bin_check_digit"),
    ("D5", "12345", "counterpart_bin", "bin_format"),
]


def _errors(response):
    return [(error.get("line"), error.get("field"), error["code"]) for error in response.json()["errors"]]


@pytest.mark.parametrize(("line", "field", "code"), BAD_RELEASES)
def test_the_api_names_line_and_field_and_saves_nothing(client_for, staff_a, enterprise_a, stack_a, stack_b, line,
                                                          field, code):  # fmt: skip
    body = {"enterprise": enterprise_a.bin, "year": 2024, "releases": [release("NOx", kg="10"), line]}
    response = client_for(staff_a).post(API, body, format="json")
    assert response.status_code == 400, response.json()
    assert (2, field, code) in _errors(response)
    assert not ReleaseReport.objects.exists()


@pytest.mark.parametrize(("operation", "bin", "field", "code"), BAD_TRANSFERS)
def test_a_bad_transfer_is_refused_by_the_api(client_for, staff_a, enterprise_a, enterprise_b, operation, bin, field,
                                              code):  # fmt: skip
    line = transfer(bin=bin or enterprise_b.bin, operation=operation)
    body = {"enterprise": enterprise_a.bin, "year": 2024, "transfers": [line]}
    response = client_for(staff_a).post(API, body, format="json")
    assert response.status_code == 400
    assert (1, field, code) in _errors(response)
    assert not ReleaseReport.objects.exists()


def test_a_year_in_the_future_is_refused_by_the_api(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).post(API, {"enterprise": enterprise_a.bin, "year": 2099}, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["year"]


@pytest.mark.parametrize(("line", "field", "code"), BAD_RELEASES[:3] + BAD_RELEASES[5:8])
def test_a_file_names_the_row_and_saves_nothing(web, staff_a, enterprise_a, stack_a, stack_b, line, field, code):
    report = helpers.create(staff_a, enterprise_a)
    upload = helpers.csv_upload([release("NOx", kg="10"), line])
    response = web(staff_a).post(f"/releases/{report.pk}/releases/upload/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was saved." in text and "Row 3" in text
    assert list(helpers.fresh(report).current.lines.values_list("substance__code", flat=True)) == ["SOx"]


def test_a_file_of_transfers_with_a_wrong_bin_is_refused(web, staff_a, enterprise_a):
    report = helpers.create(staff_a, enterprise_a)
    upload = helpers.csv_upload([transfer(bin=WRONG_CHECK_DIGIT)], transfers=True)
    response = web(staff_a).post(f"/releases/{report.pk}/transfers/upload/", {"file": upload})
    assert response.status_code == 400
    assert "Row 2" in response.content.decode()
    assert not helpers.fresh(report).current.transfers.exists()


def test_the_form_names_the_field(web, staff_a, enterprise_a):
    report = helpers.create(staff_a, enterprise_a)
    data = {**release("Pb", kg="-1"), "method": "M"}
    response = web(staff_a).post(f"/releases/{report.pk}/releases/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["kg_per_year"]
    assert helpers.fresh(report).current.lines.count() == 1


def test_good_files_load_releases_and_transfers(web, staff_a, enterprise_a, enterprise_b, stack_a):
    report = helpers.create(staff_a, enterprise_a)
    rows = [release(source="0001"), release("Pb", medium="land", kg="12.5", method="E")]
    response = web(staff_a).post(f"/releases/{report.pk}/releases/upload/", {"file": helpers.csv_upload(rows)})
    assert response.status_code == 302
    upload = helpers.csv_upload([transfer(bin=enterprise_b.bin)], transfers=True)
    assert web(staff_a).post(f"/releases/{report.pk}/transfers/upload/", {"file": upload}).status_code == 302
    version = helpers.fresh(report).current
    assert version.lines.count() == 2 and version.transfers.get().counterpart == enterprise_b
