"""Reading uploaded tables (CSV or XLSX) safely: size limit, type by name and by content.

Every app that accepts a file goes through `read_table`, so the limits are enforced in one place.
Rows come back with the row number a person sees in a spreadsheet (the header is row 1).
"""

import contextlib
import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a ZIP archive


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, values by column)


def _check_size(upload: UploadedFile) -> None:
    size = upload.size
    assert size is not None  # Django's upload handlers and SimpleUploadedFile always set it
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": size / 1_048_576, "limit": settings.UPLOAD_MAX_BYTES / 1_048_576},
            code="too_large",
        )


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise ValidationError(_("The file is not a text CSV file (it contains binary data)."), code="not_csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The CSV file is not UTF-8 text (byte %(position)s); save it as “CSV UTF-8”.") % {"position": exc.start},
            code="not_utf8",
        ) from None
    dialect: type[csv.Dialect] = csv.excel
    # A one-column file has no delimiter to sniff; the default dialect reads it.
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    if not data.startswith(XLSX_MAGIC):
        raise ValidationError(_("The file is not an XLSX workbook."), code="not_xlsx")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged archive
        raise ValidationError(_("The XLSX workbook cannot be read; it may be damaged."), code="not_xlsx") from None
    sheet = workbook.worksheets[0]
    rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def check_upload(upload: UploadedFile) -> None:
    """Size, and type by name and by content (the first bytes), without reading the whole file."""
    _check_size(upload)
    name = (upload.name or "").lower()
    if not name.endswith((".csv", ".xlsx")):
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if name.endswith(".xlsx") and not head.startswith(XLSX_MAGIC):
        raise ValidationError(_("The file is not an XLSX workbook."), code="not_xlsx")
    if name.endswith(".csv") and b"\x00" in head:
        raise ValidationError(_("The file is not a text CSV file (it contains binary data)."), code="not_csv")


def read_table(upload: UploadedFile, *, required: list[str]) -> Table:
    """The first sheet or the CSV as rows of strings; refuses files without the required columns."""
    check_upload(upload)
    data = upload.read()
    raw = _read_csv(data) if (upload.name or "").lower().endswith(".csv") else _read_xlsx(data)
    if not raw:
        raise ValidationError(_("The file is empty."), code="empty")
    columns = [column.strip() for column in raw[0]]
    missing = [column for column in required if column not in columns]
    if missing:
        raise ValidationError(
            _("Row 1 (the header) lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)},
            code="columns",
        )
    rows = [
        (number, {column: value.strip() for column, value in zip(columns, values, strict=False)})
        for number, values in enumerate(raw[1:], start=2)
        if any(value.strip() for value in values)
    ]
    return Table(columns, rows)
