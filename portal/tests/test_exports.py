import io
from decimal import Decimal

from openpyxl import load_workbook

from portal.exports import csv_response, safe_cell, xlsx_response

DANGEROUS = ["=1+1", "+1", "-cmd", "@SUM(A1)", '=HYPERLINK("http://x")']


def test_cells_that_look_like_formulas_are_neutralised():
    assert [safe_cell(cell) for cell in DANGEROUS] == ["'" + cell for cell in DANGEROUS]
    assert safe_cell(-5) == -5
    assert safe_cell("Karaganda") == "Karaganda"


def test_xlsx_download_holds_text_not_formulas():
    response = xlsx_response("t", ["name"], [[cell] for cell in DANGEROUS])
    cells = [
        row[0] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert cells == ["'" + cell for cell in DANGEROUS]


def test_csv_download_is_neutralised_too():
    text = csv_response("t", ["name"], [[cell] for cell in DANGEROUS]).content.decode("utf-8-sig")
    assert all(line.startswith(("name", "'", "\"'")) for line in text.splitlines())


def test_a_csv_writes_decimals_as_plain_digits():
    rows = [[Decimal("1E-7"), Decimal("-2.50"), Decimal("1E+3"), None]]
    text = csv_response("t", ["a", "b", "c", "d"], rows).content.decode("utf-8-sig")
    assert text.splitlines()[1] == "0.0000001,-2.50,1000,"
