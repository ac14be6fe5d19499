"""Amounts no column holds, in every way a return's lines come in (API, CSV, XLSX, the line form): each refused with
a 400 that names the line and the field, nothing saved, never a server error, never rounded (issue: `1e25`,
`1e400` and 40-digit integers gave 500 with decimal.InvalidOperation; Arabic-Indic digits were read as numbers).
And the inspector's reasons and the filer's explanations, stored as written, hold no control character."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from portal.tests.api_errors import errors
from registry.returns.checks import INPUT_FIELDS
from registry.returns.models import ReturnLine, WasteReturn
from registry.returns.tests.helpers import confirm_all, create, csv_upload, fresh, line, submit

pytestmark = pytest.mark.django_db

RETURNS = "/api/v1/returns/"
FORTY_DIGITS = "9" * 40
# Amounts the column (16 digits, 3 decimals) cannot hold as written.
BEYOND = [
    "1e25",
    "1e400",
    FORTY_DIGITS,
    "10000000000000",
    "0.0001",
    "1.00000000001",
    "\u0661\u0662\u0663",
    "\uff11\uff12\uff13",
    "1_000",
    "NaN",
]


@pytest.mark.parametrize("amount", BEYOND)
def test_the_api_refuses_an_amount_beyond_the_column(client_for, staff_a, enterprise_a, amount):
    body = {"enterprise": enterprise_a.bin, "year": 2024, "lines": [line(generated=amount, closing="0")]}

    response = client_for(staff_a).post(RETURNS, body, format="json")

    assert response.status_code == 400
    assert {"line": 1, "field": "generated"}.items() <= response.json()["errors"][0].items()
    assert not WasteReturn.objects.exists()


@pytest.mark.parametrize("amount", [1e25, 1e300, 10**40, 0.0001, True])
def test_the_api_refuses_a_json_number_beyond_the_column(client_for, staff_a, enterprise_a, amount):
    body = {"enterprise": enterprise_a.bin, "year": 2024, "lines": [line(generated=amount, closing="0")]}

    response = client_for(staff_a).post(RETURNS, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "generated"


def test_a_json_number_of_1e400_is_refused(client_for, staff_a, enterprise_a):
    """Python's JSON reads 1e400 as infinity."""
    body = (
        f'{{"enterprise": "{enterprise_a.bin}", "year": 2024, "lines": [{{"waste_code": "10 06 01",'
        ' "opening": 1e400, "closing": 0}]}'
    )

    response = client_for(staff_a).post(RETURNS, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "opening"


@pytest.mark.parametrize("amount", ["1e25", "1e400", FORTY_DIGITS, "\u0661\u0662\u0663", "0.0001"])
def test_a_csv_upload_refuses_an_amount_beyond_the_column(web, staff_a, draft_return, amount):
    before = list(fresh(draft_return).current.lines.values())

    response = web(staff_a).post(f"/returns/{draft_return.pk}/upload/", {"file": csv_upload([line(generated=amount)])})

    assert response.status_code == 400
    assert "Row 2, generated:" in html.unescape(response.content.decode())
    assert list(fresh(draft_return).current.lines.values()) == before


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(INPUT_FIELDS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("lines.xlsx", buffer.getvalue())


@pytest.mark.parametrize("amount", [1e25, 10**40, "1e400", "\u0661\u0662\u0663"])
def test_an_xlsx_upload_refuses_an_amount_beyond_the_column(web, staff_a, draft_return, amount):
    row = ["10 06 01", None, None, 0, amount, 0, 0, 0, 0, 0]

    response = web(staff_a).post(f"/returns/{draft_return.pk}/upload/", {"file": _xlsx([row])})

    assert response.status_code == 400
    assert "Row 2, generated:" in html.unescape(response.content.decode())


def test_a_line_typed_in_the_form_with_arabic_indic_digits_is_refused(web, staff_a, draft_return):
    data = {name: "" if value is None else value for name, value in line(generated="\u0665\u0660").items()}

    response = web(staff_a).post(f"/returns/{draft_return.pk}/lines/new/", data)

    assert "write numbers with the digits 0-9" in html.unescape(response.content.decode())
    assert ReturnLine.objects.filter(version=fresh(draft_return).current).count() == 1


def test_an_amount_with_grouping_spaces_and_a_decimal_comma_still_reads(client_for, staff_a, enterprise_a):
    body = {"enterprise": enterprise_a.bin, "year": 2024, "lines": [line(opening="1 000,5", closing="1 030,5")]}

    response = client_for(staff_a).post(RETURNS, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["lines"][0]["opening"] == "1000.500"


def test_reasons_with_a_nul_are_refused_on_the_page(web, inspector, submitted_return):
    response = web(inspector).post(f"/returns/{submitted_return.pk}/return/", {"reasons": "Line 1\x00 is wrong."})

    assert response.status_code == 400
    assert "control character" in html.unescape(response.content.decode())
    assert fresh(submitted_return).current.status == "submitted"


def test_reasons_with_a_control_character_are_refused_by_the_api(client_for, inspector, submitted_return):
    response = client_for(inspector).post(
        f"{RETURNS}{submitted_return.pk}/return/", {"reasons": "Line 1\x07 is wrong."}, format="json"
    )

    assert response.status_code == 400
    assert [(error["field"], error["code"]) for error in errors(response)] == [("reasons", "control_character")]


def test_an_explanation_with_a_nul_is_refused_naming_its_line_and_field(web, staff_a, enterprise_a, accepted_return):
    """Next year's opening differs from this year's accepted closing: a warning on line 1, field opening."""
    draft = create(staff_a, enterprise_a, year=2025, lines=[line(opening="1")])
    confirmations = confirm_all(draft)

    response = web(staff_a).post(f"/returns/{draft.pk}/submit/", {**confirmations, "opening:1": "Recounted\x00."})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Line 1, " in page and "the text holds a control character (\\x00)" in page
    assert fresh(draft).current.status == "draft"
    assert fresh(submit(staff_a, draft, confirmations)).current.status == "submitted"
