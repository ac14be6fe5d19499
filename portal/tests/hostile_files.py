"""Hostile and broken spreadsheets, built in the test: an XLSX whose sheet declares an external entity (XXE) or an
entity that expands a billion times, one whose sheet XML stops half-way, and decompression bombs (many rows,
little to download). Each starts from a real workbook saved by openpyxl and replaces its first sheet."""

import io
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_OPEN = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)  # fmt: skip
_CLOSE = "</sheetData></worksheet>"
_XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def _cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def row_xml(values: list[str]) -> str:
    """A row without its number: readers number rows and cells in order, so a bomb repeats one string."""
    return "<row>" + "".join(_cell(value) for value in values) + "</row>"


def with_sheet(parts: list[bytes] | bytes, *, repeat: int = 1, middle: bytes = b"", tail: bytes = b"") -> bytes:
    """A workbook whose first sheet is `parts` (+ `middle` repeated `repeat` times + `tail`), written in chunks so
    that a sheet of hundreds of megabytes is never held in memory."""
    source = io.BytesIO()
    Workbook().save(source)
    target = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for item in original.infolist():
            if item.filename != SHEET:
                z.writestr(item, original.read(item.filename))
                continue
            with z.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(parts if isinstance(parts, bytes) else b"".join(parts))
                block = middle * 1000
                for _ in range(repeat // 1000):
                    sheet.write(block)
                sheet.write(middle * (repeat % 1000))
                sheet.write(tail)
    return target.getvalue()


def xlsx(header: list[str], rows: list[list[str]], *, prolog: str = "") -> bytes:
    xml = '<?xml version="1.0" encoding="UTF-8"?>' + prolog + _OPEN + row_xml(header)
    xml += "".join(row_xml(values) for values in rows) + _CLOSE
    return with_sheet(xml.encode())


def xxe(header: list[str], row: list[str]) -> bytes:
    """The first cell of the data row refers to an external entity, the file /etc/passwd."""
    return xlsx(header, [["&xxe;", *row[1:]]], prolog=_XXE)


def billion_laughs(header: list[str], row: list[str]) -> bytes:
    """The first cell of the data row expands to 10^9 times "lol"."""
    return xlsx(header, [["&lol9;", *row[1:]]], prolog=_LAUGHS)


def truncated(header: list[str], row: list[str]) -> bytes:
    """The sheet's XML stops in the middle of the data row: never closed."""
    whole = '<?xml version="1.0" encoding="UTF-8"?>' + _OPEN + row_xml(header) + row_xml(row) + _CLOSE
    return with_sheet(whole[: whole.index("</row>", whole.index("</row>") + 1) - 20].encode())


def bomb(header: list[str], row: list[str], *, rows: int) -> bytes:
    """`rows` copies of one row: a few hundred kilobytes that unpack to hundreds of megabytes of XML."""
    start = ('<?xml version="1.0" encoding="UTF-8"?>' + _OPEN + row_xml(header)).encode()
    return with_sheet(start, repeat=rows, middle=row_xml(row).encode(), tail=_CLOSE.encode())
