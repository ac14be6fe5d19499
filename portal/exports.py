"""Tables as CSV and XLSX downloads. Text that a spreadsheet would run as a formula is neutralised."""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Any


def safe_cell(value: Cell) -> Cell:
    """Numbers stay numbers; text starting like a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(cell: Cell) -> Cell:
    """A CSV's cell: a decimal as plain digits (Python writes a small one as "1E-7", which not every program reads
    as a number), nothing as an empty cell."""
    if cell is None:
        return ""
    return format(cell, "f") if isinstance(cell, Decimal) else safe_cell(cell)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([[_csv_cell(cell) for cell in row] for row in rows])
    return response


class _Lines:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_stream(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> StreamingHttpResponse:
    """As csv_response, written line by line while the client reads: a download of any length in little memory
    (rows from a queryset's `iterator()`)."""
    writer = csv.writer(_Lines())

    def lines() -> Iterable[str]:
        yield "\ufeff"  # so that spreadsheets read the file as UTF-8
        yield writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([_csv_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append([safe_cell(cell) for cell in header])
    for row in rows:
        # Written as plain values: openpyxl stores a string beginning with "=" as a formula otherwise.
        sheet.append([None if cell is None else safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
