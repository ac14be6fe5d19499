"""One way in for every uploaded table (CSV or XLSX): waste returns and surveys, read while the person waits, and
monitoring results, read by a worker.

- `check_upload`, in the request: the size, the type by name and by the first bytes. Nothing more is read there
  for a file a worker reads.
- `read_rows`: the header and the rows, streamed, each limit checked as the rows come (never after expanding a
  file): rows below the header, columns with a value, cells, and for XLSX the bytes its parts really unpack to,
  and no DOCTYPE or entity declarations (portal.uploads.xlsx). A file breaking a limit or the format is refused
  with `FileRefused`, a ValidationError whose code and parameters a worker stores with its work.
- `read_table`, for the small files read in the request: `read_rows` with the request's limits, as a table.

The limits (`Limits`) are settings: a return's or survey's file is bounded so that reading even a hostile one
takes well under a second of the request; a file of monitoring results may have millions of rows, and is read
only by a worker, which renews its lease and shows the progress as it goes.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from portal.uploads import csvfile, xlsx
from portal.uploads.errors import MESSAGES, UNREADABLE, FileRefused
from portal.uploads.limits import MB, Limits

__all__ = ["MESSAGES", "UNREADABLE", "FileRefused", "Limits", "Table", "check_upload", "read_rows", "read_table"]


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, values by column)


def check_upload(upload: UploadedFile) -> None:
    """Size, and type by name and by content (the first bytes), without reading the whole file."""
    size = upload.size
    assert size is not None  # Django's upload handlers and SimpleUploadedFile always set it
    if size > settings.UPLOAD_MAX_BYTES:
        raise FileRefused("too_large", size=size / MB, limit=settings.UPLOAD_MAX_BYTES / MB)
    name = (upload.name or "").lower()
    if not name.endswith((".csv", ".xlsx")):
        raise FileRefused("file_type")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if name.endswith(".xlsx") and not xlsx.is_xlsx(head):
        raise FileRefused("not_xlsx")
    if name.endswith(".csv") and b"\x00" in head:
        raise FileRefused("not_csv")


def _width(values: list[str]) -> int:
    """Up to the last cell with a value: a spreadsheet program may write empty cells beyond it."""
    return next((index + 1 for index in range(len(values) - 1, -1, -1) if values[index].strip()), 0)


def _check(number: int, values: list[str], cells: int, limits: Limits) -> None:
    if number - 1 > limits.rows:
        raise FileRefused("too_many_rows", limit=limits.rows)
    if cells > limits.cells:
        raise FileRefused("too_many_cells", limit=limits.cells)
    if len(values) > limits.columns and _width(values) > limits.columns:
        raise FileRefused("too_many_columns", row=number, limit=limits.columns)


def _bounded(raw: Iterator[list[str]], limits: Limits, cells: int) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header that are not blank, each limit checked as it comes (blank rows count); `cells`:
    the header's. (A cell's length is bounded by the readers: csv's field limit, the XLSX reader's.)"""
    last_row, most_cells, most_columns = limits.rows + 1, limits.cells, limits.columns
    number = 1
    for values in raw:
        number += 1
        cells += len(values)
        # Three comparisons for the usual row; `_check` says which limit an unusual one breaks, if any.
        if number > last_row or cells > most_cells or len(values) > most_columns:
            _check(number, values, cells, limits)
        if any(values):
            yield number, values


def read_rows(
    handle: IO[bytes], *, limits: Limits, sniff: bool = False
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header of a CSV or XLSX file (told apart by content) and its rows that are not blank, with their numbers
    (the header is row 1), streamed: a million-row file is never held in memory. Raises FileRefused, here or as
    the rows are read. `sniff`: guess a CSV file's delimiter rather than take commas."""
    head = handle.read(4)
    handle.seek(0)
    raw = xlsx.rows(handle, limits=limits) if xlsx.is_xlsx(head) else csvfile.rows(handle, sniff=sniff)
    first = next(raw, None)
    if first is None:
        return [], iter(())
    _check(1, first, len(first), limits)
    return [column.strip() for column in first], _bounded(raw, limits, len(first))


def read_table(upload: UploadedFile, *, required: list[str], limits: Limits | None = None) -> Table:
    """The first sheet or the CSV as rows of stripped strings, read whole within the request's limits; refuses
    files without the required columns."""
    check_upload(upload)
    handle = upload.open("rb")
    header, rows = read_rows(handle, limits=limits or Limits.in_request(), sniff=True)
    if not header:
        raise FileRefused("empty")
    missing = [column for column in required if column not in header]
    if missing:
        raise FileRefused("columns", columns=", ".join(missing))
    return Table(
        header,
        [
            (number, {column: value.strip() for column, value in zip(header, values, strict=False)})
            for number, values in rows
            if any(value.strip() for value in values)
        ],
    )
