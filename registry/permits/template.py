"""The file a filer fills in with a permit's sources and limits, and reading it back (portal.uploads).

Its header is in the reader's language; an upload may name its columns in any of the portal's languages or by the
machine names, as a return's file does. A row names a source by its code, may describe it, and may give one limit
(registry.permits.checks); `value` and `unit` may stand for the two figure columns.
"""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.uploads import FileRefused, read_table
from registry.permits.checks import INPUT_FIELDS, field_label

# The template's columns: a file's "source_name" is the source's name (the row's "name" would be ambiguous).
COLUMNS = ("source", "source_name", "medium", "kind", "latitude", "longitude", "height_m", "diameter_m",
           "substance", "grams_per_second", "tonnes_per_year")  # fmt: skip
REQUIRED = ("source",)
EXAMPLES: list[dict[str, object]] = [
    {"source": "0001", "source_name": "Stack of the sulphuric acid shop", "medium": "air", "kind": "organised",
     "latitude": Decimal("49.97300"), "longitude": Decimal("82.58400"), "height_m": Decimal(120),
     "diameter_m": Decimal(6), "substance": "SOx", "grams_per_second": Decimal("410.5"),
     "tonnes_per_year": Decimal(12000)},
    {"source": "0001", "substance": "Pb", "grams_per_second": Decimal("0.95"), "tonnes_per_year": Decimal(28)},
]  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column_label(name: str) -> str:
    return str(_("source name")) if name == "source_name" else field_label(name)


def _field(column: str) -> str:
    return "name" if column == "source_name" else column


def header_names() -> dict[str, str]:
    """Every accepted column heading, casefolded, to its field: the machine names and the labels in each language."""
    columns = (*COLUMNS, *(name for name in INPUT_FIELDS if name not in ("name", *COLUMNS)))
    names = {column.casefold(): _field(column) for column in columns}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update({column_label(column).strip().casefold(): _field(column) for column in columns})
    return names


def template_response(*, extension: str) -> HttpResponse:
    header = [column_label(name) for name in COLUMNS]
    rows = [[example.get(name) for name in COLUMNS] for example in EXAMPLES]
    if extension == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        csv.writer(response).writerows([header, *[["" if cell is None else cell for cell in row] for row in rows]])
    else:
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet.title = "sources"
        sheet.append(header)
        for row in rows:
            sheet.append(row)  # numbers as numbers, blanks as empty cells
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="qaldyq-permit-sources-template.{extension}"'
    return response


def read_rows(upload: UploadedFile) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded file, with their numbers in the file, by field name; raises FileRefused when a
    required column is missing."""
    table = read_table(upload, required=[])
    names = header_names()
    fields = {column: names.get(column.strip().casefold()) for column in table.columns}
    missing = [column_label(name) for name in REQUIRED if name not in fields.values()]
    if missing:
        raise FileRefused("columns", columns=", ".join(missing))
    return [
        (number, {field: value for column, value in row.items() if (field := fields.get(column))})
        for number, row in table.rows
    ]
