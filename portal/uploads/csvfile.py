"""Reading a CSV file as rows, streamed: UTF-8 (with or without its byte order mark), no NUL characters."""

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import suppress
from typing import IO

from portal.uploads.errors import FileRefused

CHUNK = 256 * 1024


def _lines(handle: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, line endings kept, as csv reads a file opened with newline="". Decoded a chunk of
    whole lines at a time; a byte that is not UTF-8, or a NUL, is reported with its line."""
    decode = codecs.getincrementaldecoder("utf-8-sig")().decode
    pending, line = b"", 1  # the start of a line going on in the next chunk; the number of the next line
    while True:
        chunk = handle.read(CHUNK)
        data = pending + chunk
        # Whole lines only (a "\r" at the end may be half of "\r\n"), except at the end of the file.
        end = data.rfind(b"\n") + 1 if chunk else len(data)
        data, pending = data[:end], data[end:]
        try:
            text = decode(data, not chunk)
        except UnicodeDecodeError as exc:
            raise FileRefused("not_utf8", row=line + data.count(b"\n", 0, exc.start)) from None
        # A NUL is no character of a text file: the file is binary, or UTF-16 saved by a spreadsheet program.
        if "\x00" in text:
            raise FileRefused("not_csv")
        line += data.count(b"\n")
        yield from io.StringIO(text, newline="")
        if not chunk:
            return


def rows(handle: IO[bytes], *, sniff: bool) -> Iterator[list[str]]:
    """The records of the file; with `sniff`, the delimiter (comma, semicolon or tab) is guessed from its start."""
    number = 1
    try:
        dialect: type[csv.Dialect] = csv.excel
        if sniff:
            sample = handle.read(4096).decode("utf-8-sig", errors="ignore")  # cut anywhere: only a guess
            handle.seek(0)
            # A one-column file has no delimiter to sniff; the default dialect reads it.
            with suppress(csv.Error):
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        for values in csv.reader(_lines(handle), dialect):
            yield values
            number += 1
    except csv.Error as exc:  # e.g. a field over csv's limit of 128 KiB
        raise FileRefused("csv_malformed", row=number, detail=str(exc)) from None
