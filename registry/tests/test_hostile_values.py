"""The registry's values as their columns hold them, whichever way they come in (API, forms, survey files): a year
still to come, numbers in other scripts' digits or beyond their column, control characters in text; each refused
naming its field (and row), nothing saved. Fault of the issue: a survey dated 2095 was accepted, after which the
deposit's public state became "2095, 1 t"."""

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.tests.api_errors import fields
from portal.values import this_year
from registry.models import Deposit, DepositSurvey, Enterprise
from registry.tests.factories import DepositFactory, deposit_payload

pytestmark = pytest.mark.django_db

DEPOSITS = "/api/v1/registry/deposits/"
NEXT_YEAR = this_year() + 1
HEADER = "year,tonnage_t,annual_t,area_ha,max_height_m,mean_height_m,source\n"


@pytest.fixture
def deposit(enterprise_a):
    return DepositFactory(operator=enterprise_a, state_year=2023, tonnage_t="1000000.0")


def state(deposit: Deposit) -> tuple:
    deposit.refresh_from_db()
    return deposit.state_year, deposit.tonnage_t


@pytest.mark.parametrize("year", [2095, NEXT_YEAR])
def test_the_api_refuses_a_survey_of_a_year_to_come(client_for, staff_a, deposit, year):
    before = state(deposit)

    response = client_for(staff_a).post(f"{DEPOSITS}{deposit.pk}/surveys/", {"year": year, "tonnage_t": "1"})

    assert response.status_code == 400
    assert "year" in fields(response)
    assert state(deposit) == before
    assert not deposit.surveys.filter(year=year).exists()


def test_the_survey_form_refuses_a_year_to_come(web, staff_a, deposit):
    before = state(deposit)

    response = web(staff_a).post(f"/registry/deposits/{deposit.pk}/surveys/new/", {"year": 2095, "tonnage_t": "1"})

    assert response.status_code == 200
    assert "2095 is not a year from 1900 to" in html.unescape(response.content.decode())
    assert state(deposit) == before


@pytest.mark.parametrize(
    ("cells", "field", "words"),
    [
        ("2095,1,,,,,", "year", "2095 is not a year from 1900 to"),
        ("\u0662\u0660\u0662\u0660,1,,,,,", "year", "is not a whole number"),
        ("2020,\u0661\u0660\u0660,,,,,", "tonnage_t", "write numbers with the digits 0-9"),
        ("2020,1_000,,,,,", "tonnage_t", "is not a number"),
        ("2020,1e25,,,,,", "tonnage_t", "beyond what this field holds"),
        ("2020,1.05,,,,,", "tonnage_t", "more decimals than the 1 this field holds"),
        ("2020,1,,,,,archive\x01", "source", "control character"),
    ],
)
def test_a_survey_file_refuses_naming_row_and_field(web, staff_a, deposit, cells, field, words):
    before = (state(deposit), DepositSurvey.objects.count())
    content = (HEADER + "2021,1000,,,,,\n" + cells + "\n").encode()

    response = web(staff_a).post(
        reverse("registry:survey-upload", args=[deposit.pk]), {"file": SimpleUploadedFile("surveys.csv", content)}
    )

    assert response.status_code == 400
    assert f"Row 3, {field}: " in (page := html.unescape(response.content.decode()))
    assert words in page
    assert (state(deposit), DepositSurvey.objects.count()) == before


@pytest.mark.parametrize("field", ["state_year", "start_year"])
def test_a_deposit_of_a_year_to_come_is_refused(client_for, staff_a, enterprise_a, field):
    response = client_for(staff_a).post(DEPOSITS, deposit_payload(enterprise_a, **{field: 2095}), format="json")

    assert response.status_code == 400
    assert field in fields(response)
    assert not Deposit.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latitude", "\u0664\u0663.\u0662"),
        ("tonnage_t", "\u0665\u0660\u0660\u0660"),
        ("tonnage_t", "1e25"),
        ("tonnage_t", 1e300),
        ("tonnage_t", "5000000.05"),
        ("state_year", "\u0662\u0660\u0662\u0664"),
        ("state_year", "2_024"),
        ("name", "Ash dump\x00"),
        ("notes", "Seen\x1b[2J"),
    ],
)
def test_the_api_refuses_a_deposit_value_its_column_does_not_hold(client_for, staff_a, enterprise_a, field, value):
    response = client_for(staff_a).post(DEPOSITS, deposit_payload(enterprise_a, **{field: value}), format="json")

    assert response.status_code == 400
    assert field in fields(response)
    assert not Deposit.objects.exists()


def test_a_json_number_of_1e400_is_refused(client_for, staff_a, enterprise_a):
    """Python's JSON reads 1e400 as infinity."""
    body = json.dumps(deposit_payload(enterprise_a)).replace('"tonnage_t": "5000000.0"', '"tonnage_t": 1e400')

    response = client_for(staff_a).post(DEPOSITS, body, content_type="application/json")

    assert response.status_code == 400
    assert "tonnage_t" in fields(response)


def test_the_deposit_form_refuses_arabic_indic_digits(web, staff_a, enterprise_a):
    data = {
        **deposit_payload(enterprise_a),
        "operator": enterprise_a.pk,
        "status": "operating",
        "tonnage_t": "\u0665\u0660\u0660\u0660",
    }

    response = web(staff_a).post("/registry/deposits/new/", data)

    assert response.status_code == 200
    assert "write numbers with the digits 0-9" in html.unescape(response.content.decode())
    assert not Deposit.objects.exists()


def test_the_api_refuses_a_control_character_in_an_enterprise(client_for, staff_a, enterprise_a):
    url = f"/api/v1/registry/enterprises/{enterprise_a.bin}/"

    response = client_for(staff_a).patch(url, {"address": "Balkhash\x0b, Lenin St."}, format="json")

    assert response.status_code == 400
    assert "address" in fields(response)
    assert Enterprise.objects.get(pk=enterprise_a.pk).address == enterprise_a.address


def test_the_forecast_year_is_read_in_ascii_digits_only(client_for, deposit):
    response = client_for(None).get(f"{DEPOSITS}{deposit.pk}/forecast/", {"year": "\u0662\u0660\u0663\u0660"})

    assert response.status_code in (400, 404)
