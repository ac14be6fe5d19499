"""The file a filer fills in to load a return's lines, and reading it back.

The template's header is in the reader's language; an upload may name its columns in any of the portal's
languages or by the machine names of the API, so a file downloaded in Kazakh still loads on a Russian page.
Amounts are numeric cells in the XLSX, and the storage place is the deposit's name (checks._deposit_id).
"""

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils import translation
from openpyxl import Workbook

from portal.uploads import FileRefused, read_table
from registry.returns.checks import INPUT_FIELDS, field_label

EXAMPLE: dict[str, object] = {
    "waste_code": "10 06 01",
    "storage_deposit": "",
    "hazard_level": "",
    "opening": Decimal(1000),
    "generated": Decimal(250),
    "received": Decimal(0),
    "recycled": Decimal(50),
    "disposed": Decimal(0),
    "transferred": Decimal(0),
    "closing": Decimal(1200),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Another filing's file (the release reports') names its own columns, labels and example.
Label = Callable[[str], str]


def header_names(fields: Sequence[str] = INPUT_FIELDS, label: Label = field_label) -> dict[str, str]:
    """Every accepted column heading, casefolded, to its field: the machine name and the label in each language."""
    names = {name.casefold(): name for name in fields}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update({label(name).strip().casefold(): name for name in fields})
    return names


def template_response(
    *, extension: str, fields: Sequence[str] = INPUT_FIELDS, example: Mapping[str, object] = EXAMPLE,
    label: Label = field_label, name: str = "return",
) -> HttpResponse:  # fmt: skip
    header = [label(field) for field in fields]
    if extension == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        csv.writer(response).writerows([header, [example[field] for field in fields]])
    else:
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet.title = "lines"
        sheet.append(header)
        sheet.append(
            [None if example[field] == "" else example[field] for field in fields]
        )  # numbers as numbers, blanks as empty cells
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="qaldyq-{name}-template.{extension}"'
    return response


def read_lines(
    upload: UploadedFile, fields_wanted: Sequence[str] = INPUT_FIELDS, label: Label = field_label
) -> list[dict[str, str]]:
    """The rows of an uploaded file by field name; raises FileRefused if a column is missing."""
    table = read_table(upload, required=[])
    names = header_names(fields_wanted, label)
    fields = {column: names.get(column.strip().casefold()) for column in table.columns}
    missing = [name for name in fields_wanted if name not in fields.values()]
    if missing:
        raise FileRefused("columns", columns=", ".join(missing))
    return [
        {field: value for column, value in row.items() if (field := fields.get(column))} for _number, row in table.rows
    ]
