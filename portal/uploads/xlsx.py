"""Reading the first sheet of an XLSX workbook without trusting it, streamed.

An XLSX file is a ZIP archive of XML parts. What in it can make a reader spend unbounded memory or time, or read
files of the server, and how each is met:

- *XML declarations*: a DOCTYPE may declare entities, expanded wherever the XML refers to them (the "billion
  laughs": ten entities, each ten times the one before), or read from a file or a URL (XXE). Every part is parsed
  by defusedxml's expat reader with `forbid_dtd`: a DOCTYPE, an entity declaration or an external reference stops
  the parser at once. Spreadsheet programs never write one.
- *Decompression bombs*: a few hundred kilobytes that unpack to gigabytes. The sizes an archive declares can lie,
  so every part is read through a meter that counts the bytes really unpacked, for the whole workbook, and stops
  at the limit; the sheet is parsed as it is unpacked, and its rows go out one by one, so the caller counts rows,
  columns and cells as they come (portal.uploads) and stops at its limits long before a bomb is unpacked.
- *Memory*: a cell holds at most 32,767 characters and the shared strings at most as many as the cells allowed;
  the parts describing the workbook (relationships, workbook, styles) at most SMALL_PART bytes each.

A SAX parser rather than openpyxl's reader (which builds an element, and objects, for every cell): about five times
faster, which keeps a return of ten thousand lines, or a bomb refused at that many, well under a second. It reads
what openpyxl's `load_workbook(read_only=True, data_only=True)` reads, with openpyxl's own rules for numbers and
dates (a number in a date format is a date, `str` gives the text), so a file gives the same rows either way
(`portal/tests/test_uploads.py` compares them).
"""

import posixpath
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from portal.uploads.errors import FileRefused
from portal.uploads.limits import CELL_CHARACTERS, MB, Limits

MAGIC = b"PK\x03\x04"  # an XLSX file is a ZIP archive
FEED = 64 * 1024
SMALL_PART = 16 * MB
MAX_COLUMN = 16_384  # XFD, the last column of a sheet
MAX_STYLES = 65_536  # a workbook holds at most 64,000 cell formats


def is_xlsx(head: bytes) -> bool:
    return head.startswith(MAGIC)


class _Meter:
    """The bytes unpacked from the whole archive, against the limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.total = limit, 0

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise FileRefused("unpacked_too_large", limit=self.limit // MB)


def _parse(archive: zipfile.ZipFile, meter: _Meter, name: str, handler: ContentHandler, cap: int = 0) -> Iterator[None]:
    """Unpack the part `name` through the meter into the parser, a piece at a time, yielding after each piece (the
    handler has what that piece held). `cap`: the most this part may unpack to."""
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(handler)
    size = 0
    try:
        with archive.open(name) as part:
            while data := part.read(FEED):
                meter.add(len(data))
                size += len(data)
                if cap and size > cap:
                    raise FileRefused("damaged", detail=f"{name} unpacks to more than {cap // MB} MB")
                parser.feed(data)
                yield
        parser.close()
    except DefusedXmlException:
        raise FileRefused("xml_declarations", part=name) from None
    except SAXParseException as exc:  # not well-formed, e.g. cut short
        where = f"{name}, line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
        raise FileRefused("damaged", detail=f"{where}: {exc.getMessage()}") from None


def _read(archive: zipfile.ZipFile, meter: _Meter, name: str, handler: ContentHandler) -> None:
    for _ in _parse(archive, meter, name, handler, cap=SMALL_PART):
        pass


def _local(name: str) -> str:
    """The element's name without its namespace prefix (some programs write `x:row`)."""
    return name.rpartition(":")[2]


class _Relationships(ContentHandler):
    """A part's relationships: id -> (type, target part)."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.targets: dict[str, tuple[str, str]] = {}

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(self.base, target)
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    def of_type(self, kind: str) -> list[str]:
        return [target for rel_type, target in self.targets.values() if rel_type.endswith("/" + kind)]


class _WorkbookPart(ContentHandler):
    """The relationship ids of the sheets, in order, and the calendar of dates."""

    def __init__(self) -> None:
        super().__init__()
        self.sheets: list[str] = []
        self.date1904 = False

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = _local(name)
        if local == "sheet":
            self.sheets.extend(value for key, value in attrs.items() if _local(key) == "id")
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _Styles(ContentHandler):
    """Which cell styles show numbers as dates (or durations), as openpyxl decides it."""

    def __init__(self) -> None:
        super().__init__()
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self._in_cell_xfs = False

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = _local(name)
        if local == "numFmt":
            self.custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self._in_cell_xfs = True
        elif local == "xf" and self._in_cell_xfs:
            if len(self.formats) >= MAX_STYLES:
                raise FileRefused("damaged", detail=f"more than {MAX_STYLES} cell styles")
            self.formats.append(int(attrs.get("numFmtId", "0")))

    def endElement(self, name: str) -> None:
        if _local(name) == "cellXfs":
            self._in_cell_xfs = False

    def kinds(self) -> tuple[set[int], set[int]]:
        dates, durations = set(), set()
        for index, format_id in enumerate(self.formats):
            code = self.custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return dates, durations


class _Text:
    """The text of a string item (a shared string, an inline string): its plain text and its runs' text, not the
    phonetic guides, as openpyxl's `Text.content`."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.depth_t = 0
        self.in_phonetic = False

    def start(self, local: str) -> None:
        if local == "t":
            self.depth_t += 1
        elif local == "rPh":
            self.in_phonetic = True

    def end(self, local: str) -> None:
        if local == "t":
            self.depth_t -= 1
        elif local == "rPh":
            self.in_phonetic = False

    def add(self, text: str) -> None:
        if self.depth_t and not self.in_phonetic:
            self.size += len(text)
            if self.size > CELL_CHARACTERS:
                raise FileRefused("cell_too_long", limit=CELL_CHARACTERS)
            self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.size = [], 0
        return text


class _SharedStrings(ContentHandler):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.strings: list[str] = []
        self.limit = limit
        self._text: _Text | None = None

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = _local(name)
        if local == "si":
            self._text = _Text()
        elif self._text is not None:
            self._text.start(local)

    def endElement(self, name: str) -> None:
        local = _local(name)
        if local == "si" and self._text is not None:
            if len(self.strings) >= self.limit:  # more different texts than cells allowed
                raise FileRefused("too_many_cells", limit=self.limit)
            self.strings.append(self._text.take().replace("x005F_", ""))  # as openpyxl reads them
            self._text = None
        elif self._text is not None:
            self._text.end(local)

    def characters(self, content: str) -> None:
        if self._text is not None:
            self._text.add(content)


class _Sheet(ContentHandler):
    """The rows of a sheet, as they are parsed, into `out`: a row as a list of texts, or the number of rows
    missing before the next one (rows without cells need not be written)."""

    def __init__(self, strings: list[str], dates: set[int], durations: set[int], date1904: bool) -> None:
        super().__init__()
        self.strings, self.dates, self.durations = strings, dates, durations
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.out: list[list[str] | int] = []
        self.row_number = 0
        self.row: list[str] | None = None
        self.column = 0
        self.cell_type, self.style = "n", 0
        self.value: list[str] = []
        self.value_size = 0
        self.in_value = False
        self.text: _Text | None = None

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = _local(name)
        if local == "c" and self.row is not None:
            self._start_cell(attrs)
        elif local == "v" and self.row is not None:
            self.in_value = True
        elif local == "is" and self.row is not None:
            self.text = _Text()
        elif self.text is not None:
            self.text.start(local)
        elif local == "row":
            self._start_row(attrs)

    def _start_row(self, attrs: AttributesImpl) -> None:
        number = int(attrs.get("r") or self.row_number + 1)
        if number <= self.row_number:
            raise FileRefused("damaged", detail=f"row {number} comes after row {self.row_number}")
        if number > self.row_number + 1:
            self.out.append(number - self.row_number - 1)
        self.row_number, self.row, self.column = number, [], 0

    def _start_cell(self, attrs: AttributesImpl) -> None:
        reference = attrs.get("r")
        column = 0
        if reference:
            for letter in reference:
                if not "A" <= letter <= "Z":
                    break
                column = column * 26 + ord(letter) - 64
        self.column = column or self.column + 1
        if self.column > MAX_COLUMN:
            raise FileRefused("damaged", detail=f"row {self.row_number} has a cell beyond the last column")
        self.cell_type, self.style = attrs.get("t", "n"), int(attrs.get("s") or 0)
        self.value, self.value_size = [], 0

    def endElement(self, name: str) -> None:
        local = _local(name)
        if local == "v":
            self.in_value = False
        elif local == "is" and self.text is not None:
            self.value, self.text = [self.text.take()], None
        elif self.text is not None:
            self.text.end(local)
        elif local == "c" and self.row is not None:
            self._end_cell()
        elif local == "row" and self.row is not None:
            self.out.append(self.row)
            self.row = None

    def _end_cell(self) -> None:
        assert self.row is not None  # a cell is read only inside a row
        try:
            text = self._text_of("".join(self.value))
        except (ValueError, IndexError, OverflowError):
            raise FileRefused("damaged", detail=f"row {self.row_number}, column {self.column}") from None
        if len(self.row) < self.column:
            self.row.extend([""] * (self.column - len(self.row)))
        self.row[self.column - 1] = text

    def _text_of(self, raw: str) -> str:
        """The cell's value as openpyxl reads it (data_only), as text."""
        kind = self.cell_type
        if kind == "s":
            return self.strings[int(raw)] if raw else ""
        if kind in ("str", "inlineStr", "e"):
            return raw
        if not raw:
            return ""
        if kind == "b":
            return str(bool(int(raw)))
        if kind == "d":
            return str(from_ISO8601(raw))
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if self.style in self.dates:
            try:
                return str(from_excel(number, self.epoch, timedelta=self.style in self.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"  # openpyxl's reading of a date out of range
        return str(number)

    def characters(self, content: str) -> None:
        if self.text is not None:
            self.text.add(content)
        elif self.in_value:
            self.value_size += len(content)
            if self.value_size > CELL_CHARACTERS:
                raise FileRefused("cell_too_long", limit=CELL_CHARACTERS)
            self.value.append(content)


def _relationships(archive: zipfile.ZipFile, meter: _Meter, part: str) -> _Relationships:
    handler = _Relationships(posixpath.dirname(part))
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    try:
        archive.getinfo(rels)
    except KeyError:
        return handler  # a part without relationships
    _read(archive, meter, rels, handler)
    return handler


def _rows(archive: zipfile.ZipFile, meter: _Meter, limits: Limits) -> Iterator[list[str]]:
    package = _relationships(archive, meter, "")
    workbook_part = next(iter(package.of_type("officeDocument")), "xl/workbook.xml")
    workbook = _WorkbookPart()
    _read(archive, meter, workbook_part, workbook)
    parts = _relationships(archive, meter, workbook_part)
    worksheets = set(parts.of_type("worksheet"))
    # The first sheet that is a worksheet (not a chart), as openpyxl's `worksheets[0]`.
    targets = [parts.targets[rid][1] for rid in workbook.sheets if rid in parts.targets]
    sheet = next((target for target in targets if target in worksheets), None)
    if sheet is None:
        raise FileRefused("damaged", detail="no worksheet")
    styles = _Styles()
    for name in parts.of_type("styles")[:1]:
        _read(archive, meter, name, styles)
    shared = _SharedStrings(limits.cells)
    for name in parts.of_type("sharedStrings")[:1]:
        for _ in _parse(archive, meter, name, shared):
            pass
    handler = _Sheet(shared.strings, *styles.kinds(), workbook.date1904)
    for _ in _parse(archive, meter, sheet, handler):
        for item in handler.out:
            if isinstance(item, int):
                for _missing in range(item):
                    yield []
            else:
                yield item
        handler.out.clear()


def rows(handle: IO[bytes], *, limits: Limits) -> Iterator[list[str]]:
    """The rows of the first worksheet as text ("" for an empty cell), each as wide as its last cell, streamed;
    rows missing from the XML come as empty rows, so that the n-th row is row n of the sheet. Raises FileRefused."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused("not_xlsx") from None
    with archive:
        try:
            yield from _rows(archive, _Meter(limits.unpacked_bytes), limits)
        except FileRefused:
            raise
        except KeyError as exc:  # a part named by the workbook is not in the archive
            raise FileRefused("damaged", detail=f"missing {exc}") from None
        except Exception as exc:  # zipfile raises many types for a damaged or encrypted archive
            raise FileRefused("damaged", detail=f"{type(exc).__name__}: {exc}"[:200]) from None
