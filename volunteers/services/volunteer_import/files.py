"""Reading an uploaded file (CSV or .xlsx bytes) into a table of text cells.

`read_upload(filename, data)` checks the file as a whole: its type by content, its size, its
header and the number of rows. A problem there is a `ServiceError` on the field "file".
The content is data only: formulas are never evaluated (openpyxl reads the values Excel saved,
`data_only`); a CSV cell that starts with "=" is text like any other.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l

from .. import ServiceError
from .columns import HEADER, key, short

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
#: A header wider than this is not an export of the pool.
MAX_COLUMNS = 40
#: Rows read from a sheet at most, blank ones included (a sheet may claim a million rows).
_MAX_RAW_ROWS = 20 * MAX_IMPORT_ROWS
#: What a .xlsx may unpack to: a zip of 2 MB must not become gigabytes of XML.
_MAX_UNPACKED_BYTES = 100 * 1024 * 1024

FIELD = "file"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Message:
    """The refusals of a whole file; each names what to do."""

    EMPTY = _l("The file is empty.")
    TOO_LARGE = _l(
        "The file is larger than %(size)d MB. Split the list into smaller files.", size=MAX_IMPORT_BYTES // 2**20
    )
    WRONG_NAME = _l("Choose a CSV file (.csv) or an Excel workbook (.xlsx).")
    NOT_A_TABLE = _l(
        "This file is not a CSV file or an Excel workbook. In your spreadsheet programme, "
        "save the list as “CSV UTF-8” or as “Excel workbook (.xlsx)”."
    )
    OLD_EXCEL = _l("Old Excel files (.xls) cannot be read. Save the list as “Excel workbook (.xlsx)” or as CSV.")
    UNREADABLE = _l(
        "The file could not be read. Save the list again as “CSV UTF-8” or as “Excel workbook (.xlsx)” and upload it."
    )
    NO_HEADER = _l(
        "The first row must name the columns, for example given_name and family_name. "
        "Download the template to see every column."
    )
    NO_ROWS = _l("The file has a header row but no volunteers below it.")
    TOO_MANY_ROWS = _l("The file has more than %(rows)d rows. Split the list into smaller files.", rows=MAX_IMPORT_ROWS)
    TOO_MANY_COLUMNS = _l("The file has more than %(columns)d columns.", columns=MAX_COLUMNS)
    NO_CONTACT_COLUMN = _l("The file needs a column email or phone: the centre must be able to reach everyone.")


def _refuse(message: str) -> ServiceError:
    return ServiceError(message, field=FIELD)


@dataclass
class Table:
    """The file's header, mapped to our column names, and its non-blank rows."""

    #: Column index -> our column name, for the columns the header names.
    columns: dict[int, str]
    #: (row number as in the spreadsheet, the cells as text)
    rows: list[tuple[int, list[str]]]


def _clean(value: Any) -> str:
    """A cell as text: no control characters, no surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def _sniff_kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _refuse(_Message.OLD_EXCEL)
    return "csv"


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise _refuse(_Message.NOT_A_TABLE)  # binary (or UTF-16, which spreadsheets call "Unicode text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # what German Excel writes as plain "CSV"
        except UnicodeDecodeError:
            raise _refuse(_Message.NOT_A_TABLE) from None
    text = text.rstrip("\x1a")  # an old DOS end-of-file mark
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(1, len(sample) // 200):
        raise _refuse(_Message.NOT_A_TABLE)
    if text.lstrip().startswith("<"):  # a web page or XML saved under another name
        raise _refuse(_Message.NOT_A_TABLE)
    return text


def _delimiter(text: str) -> str:
    """The one of ; , or tab that the header row uses most (German Excel writes ;)."""
    first = text.split("\n", 1)[0]
    outside_quotes = re.sub(r'"[^"]*"', "", first)
    counts = {delimiter: outside_quotes.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> Generator[list[Any], None, None]:
    text = _decode(data)
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's own first line naming the delimiter
    if hint:
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        yield from reader
    except csv.Error:
        raise _refuse(_Message.UNREADABLE) from None


def _xlsx_rows(data: bytes) -> Generator[list[Any], None, None]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            unpacked = sum(entry.file_size for entry in entries)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(_Message.UNREADABLE) from None
    if "xl/workbook.xml" not in names:
        raise _refuse(_Message.NOT_A_TABLE)  # another zip: a .docx, an .ods, an archive
    if unpacked > _MAX_UNPACKED_BYTES:
        raise _refuse(_Message.UNREADABLE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                if not book.worksheets:
                    raise _refuse(_Message.NO_HEADER)
                sheet = book.worksheets[0]
                # Missing rows come back empty, so the position is the spreadsheet's row number.
                for row in sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True):
                    yield list(row)
            finally:
                book.close()
    except ServiceError:
        raise
    except Exception:  # a malformed workbook can fail anywhere inside openpyxl's parser
        raise _refuse(_Message.UNREADABLE) from None


def _header(cells: list[str]) -> dict[int, str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    if not cells:
        raise _refuse(_Message.NO_HEADER)
    if len(cells) > MAX_COLUMNS:
        raise _refuse(_Message.TOO_MANY_COLUMNS)
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, title in enumerate(cells):
        if not title:
            continue
        name = HEADER.get(key(title))
        if name is None:
            unknown.append(title)
        elif name in columns.values():
            raise _refuse(_l("The column “%(column)s” is in the header twice.", column=short(title)))
        else:
            columns[index] = name
    if not columns:
        raise _refuse(_Message.NO_HEADER)
    if unknown:
        raise _refuse(
            _l(
                "The header has columns this import does not know: %(columns)s. "
                "Rename them as in the list of columns below, or delete them.",
                columns=", ".join(f"“{short(title, 40)}”" for title in unknown[:5])
                + (" …" if len(unknown) > 5 else ""),
            )
        )
    for required in ("given_name", "family_name"):
        if required not in columns.values():
            raise _refuse(_l("The column “%(column)s” is missing in the header.", column=required))
    if not {"email", "phone"} & set(columns.values()):
        raise _refuse(_Message.NO_CONTACT_COLUMN)
    return columns


def read_upload(filename: str | None, data: bytes) -> Table:
    """The file's table, or a ServiceError (field "file") saying what is wrong with the file."""
    if not data:
        raise _refuse(_Message.EMPTY)
    if len(data) > MAX_IMPORT_BYTES:
        raise _refuse(_Message.TOO_LARGE)
    if not (filename or "").lower().endswith((".csv", ".xlsx")):
        raise _refuse(_Message.WRONG_NAME)
    columns: dict[int, str] | None = None
    rows: list[tuple[int, list[str]]] = []
    # Closed on every way out, so a workbook is released even when a row is refused.
    with closing(_xlsx_rows(data) if _sniff_kind(data) == "xlsx" else _csv_rows(data)) as raw_rows:
        for number, raw in enumerate(raw_rows, start=1):
            if number > _MAX_RAW_ROWS:
                raise _refuse(_Message.TOO_MANY_ROWS)
            cells = [_clean(value) for value in raw]
            if columns is None:
                columns = _header(cells)
                continue
            if not any(cells):
                continue  # a blank row between the entries
            rows.append((number, cells))
            if len(rows) > MAX_IMPORT_ROWS:
                raise _refuse(_Message.TOO_MANY_ROWS)
    if columns is None:
        raise _refuse(_Message.NO_HEADER)
    if not rows:
        raise _refuse(_Message.NO_ROWS)
    return Table(columns=columns, rows=rows)
