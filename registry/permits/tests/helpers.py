"""Rows of sources and limits as a file or the API carries them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from registry.permits.template import COLUMNS

STACK = {"source": "0001", "source_name": "Main stack", "medium": "air", "kind": "organised", "latitude": "46.84",
         "longitude": "74.98", "height_m": "120", "diameter_m": "6"}  # fmt: skip
SOX = {"source": "0001", "substance": "SOx", "grams_per_second": "410.5", "tonnes_per_year": "12000"}
LEAD = {"source": "0001", "substance": "7439-92-1", "value": "28", "unit": "t/yr"}


def csv_upload(rows: list[dict[str, object]], name: str = "sources.csv") -> SimpleUploadedFile:
    """A CSV file with the template's columns (and value/unit when a row uses them), one row each."""
    columns = [*COLUMNS, *(["value", "unit"] if any("value" in row or "unit" in row for row in rows) else [])]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in columns])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def api_row(row: dict[str, object]) -> dict[str, object]:
    """A file's row as the API takes it (the source's name is `name`)."""
    return {("name" if key == "source_name" else key): value for key, value in row.items()}
