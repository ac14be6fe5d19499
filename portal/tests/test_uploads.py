"""The one way in for uploaded tables (portal.uploads): what a workbook or a CSV file gives, and every refusal, by
code and parameters, checked as the rows stream (never after unpacking the file)."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from portal.tests import hostile_files
from portal.uploads import FileRefused, Limits, read_rows
from portal.uploads.limits import MB

LIMITS = Limits(rows=1000, columns=20, cells=20_000, unpacked_bytes=4 * MB)
HEADER = ["point", "value"]


def read(content: bytes, limits: Limits = LIMITS, *, sniff: bool = False) -> tuple[list[str], list]:
    header, rows = read_rows(io.BytesIO(content), limits=limits, sniff=sniff)
    return header, list(rows)


def refusal(content: bytes, limits: Limits = LIMITS, *, sniff: bool = False) -> tuple[str, dict]:
    with pytest.raises(FileRefused) as refused:
        read(content, limits, sniff=sniff)
    return refused.value.code, refused.value.params


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replaced(content: bytes, part: str, xml: bytes) -> bytes:
    """The workbook with one part's XML replaced."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, xml if item.filename == part else source.read(item.filename))
    return target.getvalue()


def test_a_workbook_reads_as_openpyxl_reads_it():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["point", "value", "when", "flag", "note"])
    sheet.append(["AIR-1", 0.03, datetime.datetime(2024, 5, 1, 10, 30), True, "Лаборатория № 1"])
    sheet.append(["GW-1", 12, datetime.date(2023, 12, 31), False, None])
    sheet.append([None, 1e-7, datetime.timedelta(hours=36), None, "  spaces  "])
    sheet["H6"] = "beyond a gap"  # row 5 missing, columns F and G empty
    sheet["A7"] = "=1+1"  # a formula without a cached value
    sheet["B7"] = 12345678901234567890
    sheet["C7"].value = "bold"
    sheet["C7"].font = Font(bold=True)
    workbook.epoch = datetime.datetime(1904, 1, 1)  # the Mac calendar changes what a date serial means
    content = saved(workbook)

    expected = [
        ["" if value is None else str(value) for value in row]
        for row in load_workbook(io.BytesIO(content), read_only=True, data_only=True).active.iter_rows(values_only=True)
    ]
    header, rows = read(content)

    def trimmed(values):  # openpyxl pads every row to the sheet's declared width
        return values[: max((i + 1 for i, value in enumerate(values) if value), default=0)]

    assert header == trimmed(expected[0])
    assert [(number, trimmed(values)) for number, values in rows] == [
        (number, trimmed(values)) for number, values in enumerate(expected[1:], start=2) if any(values)
    ]
    assert rows[0] == (2, ["AIR-1", "0.03", "2024-05-01 10:30:00", "True", "Лаборатория № 1"])
    assert rows[3] == (6, ["", "", "", "", "", "", "", "beyond a gap"])


def test_inline_and_rich_strings_without_row_or_cell_numbers():
    rich = '<c t="inlineStr"><is><r><t>Cu </t></r><r><rPr><b/></rPr><t>total</t></r><rPh><t>ignored</t></rPh></is></c>'
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"<row>{hostile_files.row_xml(HEADER)[5:-6]}</row><row>{rich}<c><v>1.5</v></c></row>"
        '<row r="5"><c r="B5" t="str"><f>A1</f><v>text of a formula</v></c></row></sheetData></worksheet>'
    ).encode()

    header, rows = read(hostile_files.with_sheet(xml))

    assert header == HEADER
    assert rows == [(2, ["Cu total", "1.5"]), (5, ["", "text of a formula"])]


@pytest.mark.parametrize("build", [hostile_files.xxe, hostile_files.billion_laughs], ids=["xxe", "billion-laughs"])
def test_a_doctype_in_the_sheet_is_refused_before_anything_is_expanded(build):
    assert refusal(build(HEADER, ["AIR-1", "1"])) == ("xml_declarations", {"part": "xl/worksheets/sheet1.xml"})


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels"])
def test_a_doctype_in_any_part_is_refused(part):
    content = saved(Workbook())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(part).decode()
    declaration = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    poisoned = xml.replace("?>", "?>" + declaration, 1) if xml.startswith("<?xml") else declaration + xml

    assert refusal(replaced(content, part, poisoned.encode())) == ("xml_declarations", {"part": part})


def test_a_doctype_in_utf16_is_refused_too():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE worksheet [<!ENTITY a "b">]><worksheet/>'

    assert refusal(hostile_files.with_sheet(xml.encode("utf-16"))) == (
        "xml_declarations",
        {"part": "xl/worksheets/sheet1.xml"},
    )


def test_sheet_xml_cut_short_is_damaged():
    code, params = refusal(hostile_files.truncated(HEADER, ["AIR-1", "1"]))

    assert code == "damaged"
    assert params["detail"].startswith("xl/worksheets/sheet1.xml, line 1, column ")


def test_a_bomb_is_refused_at_the_row_limit_after_unpacking_a_sliver_of_it():
    bomb = hostile_files.bomb(HEADER, ["AIR-1", "1"], rows=1_000_000)  # about 80 MB of XML
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo(hostile_files.SHEET).file_size > 50 * MB

    # Had it unpacked more than 1 MB before counting rows, it would be refused for that instead.
    small = Limits(rows=1000, columns=20, cells=20_000, unpacked_bytes=1 * MB)
    assert refusal(bomb, small) == ("too_many_rows", {"limit": 1000})


def test_bytes_unpacked_are_counted_whatever_the_rows():
    whitespace = hostile_files.with_sheet(b"<worksheet><sheetData>", repeat=8192, middle=b" " * 1024)

    assert refusal(whitespace) == ("unpacked_too_large", {"limit": 4})


def test_too_many_columns_names_the_row():
    assert refusal(hostile_files.xlsx(HEADER, [["AIR-1", "1"], ["x"] * 21])) == (
        "too_many_columns",
        {"row": 3, "limit": 20},
    )


def test_empty_cells_far_to_the_right_count_as_cells():
    # One styled, empty cell in the last column of each row: every row is 16,384 cells wide.
    row = '<row><c t="inlineStr"><is><t>AIR-1</t></is></c><c r="XFD1" s="0"/></row>'
    sheet = hostile_files.with_sheet(
        b"<worksheet><sheetData>", repeat=100, middle=row.encode(), tail=b"</sheetData></worksheet>"
    )

    assert refusal(sheet) == ("too_many_cells", {"limit": 20_000})


def test_a_cell_longer_than_a_spreadsheet_cell_is_refused():
    assert refusal(hostile_files.xlsx(HEADER, [["AIR-1", "x" * 40_000]])) == ("cell_too_long", {"limit": 32_767})


def test_shared_strings_beyond_the_cells_allowed_are_refused():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number in range(30):
        sheet.append([f"text {number}"])

    assert refusal(saved(workbook), Limits(rows=1000, columns=20, cells=20, unpacked_bytes=MB)) == (
        "too_many_cells",
        {"limit": 20},
    )


def test_not_a_zip_archive():
    assert refusal(b"PK\x03\x04 and then nothing of a zip") == ("not_xlsx", {})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"point,value\nAIR-1,1\nAIR-\x002,1\n", ("not_csv", {})),
        (b"point,value\nAIR-1,1\n\xca\xe0\xf0\xe0\xe3\xe0\xed\xe4\xe0,1\n", ("not_utf8", {"row": 3})),  # cp1251
        (b"point,value\n" + b"AIR-1,1\n" * 1001, ("too_many_rows", {"limit": 1000})),
        (b"a" + b",a" * 20 + b"\n", ("too_many_columns", {"row": 1, "limit": 20})),
        (
            b'point,value\n"AIR-1,' + b"x" * 200_000 + b"\n",
            ("csv_malformed", {"row": 2, "detail": "field larger than field limit (131072)"}),
        ),
    ],
    ids=["nul", "not-utf8", "rows", "columns", "endless-quote"],
)
def test_csv_refusals(content, expected):
    assert refusal(content) == expected


def test_a_csv_file_streams_with_its_numbers_and_a_byte_order_mark():
    header, rows = read("\ufeffpoint;value\nAIR-1;1,5\n\n;\nGW-1;2\n".encode(), sniff=True)

    assert header == HEADER
    assert rows == [(2, ["AIR-1", "1,5"]), (5, ["GW-1", "2"])]  # blank rows are skipped, and counted


def test_trailing_empty_columns_are_no_columns():
    header, rows = read(b"point,value" + b"," * 100 + b"\nAIR-1,1\n")

    assert header[:2] == HEADER
    assert rows == [(2, ["AIR-1", "1"])]
