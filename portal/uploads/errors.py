"""Why a file is refused, as a code and its parameters: shown at once on a page (a ValidationError), or stored with
the work that read it (a submission's `error_code` and `error_params`) and shown later in the reader's language."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A file that made its reading fail in a way no check foresaw.
UNREADABLE = "unreadable"
MESSAGES: dict[str, Promise] = {
    "too_large": _("The file is %(size).1f MB; the limit is %(limit).1f MB."),
    "file_type": _("Upload a .csv or .xlsx file."),
    "not_xlsx": _("The file is not an XLSX workbook."),
    "damaged": _("The XLSX workbook cannot be read; it may be damaged (%(detail)s)."),
    "xml_declarations": _(
        "The XLSX workbook declares a DOCTYPE or entities (in %(part)s), which spreadsheet programs never write; "
        "it is refused. Save it again from a spreadsheet program."
    ),
    "unpacked_too_large": _("The XLSX workbook unpacks to more than %(limit)s MB, the limit for this upload."),
    "not_csv": _("The file is not a text CSV file (it contains binary data)."),
    "not_utf8": _("The CSV file is not UTF-8 text (row %(row)s); save it as “CSV UTF-8”."),
    "csv_malformed": _("Row %(row)s of the CSV file cannot be read (%(detail)s)."),
    "too_many_rows": _("The file has more than %(limit)s rows below the header, the limit for this upload."),
    "too_many_columns": _("Row %(row)s has more than %(limit)s columns, the limit for this upload."),
    "too_many_cells": _("The file has more than %(limit)s cells, the limit for this upload."),
    "cell_too_long": _("A cell holds more than %(limit)s characters, the most a spreadsheet cell holds."),
    "empty": _("The file is empty."),
    "columns": _("Row 1 (the header) lacks the column(s): %(columns)s."),
    UNREADABLE: _("The file cannot be read (%(detail)s)."),
}


class FileRefused(ValidationError):
    """The file as a whole is refused: `code` (a key of MESSAGES) and `params`, both JSON, for storing."""

    code: str
    params: dict[str, Any]

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(str(MESSAGES[code]), code=code, params=params)
