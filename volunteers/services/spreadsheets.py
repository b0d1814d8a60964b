"""Files for spreadsheet programs: CSV and Excel workbooks that open in Excel and LibreOffice
with umlauts intact, and that never run a cell as a formula (CSV injection).

A CSV file does not say its separator: German Excel splits at ";", other programs and
LibreOffice's import dialog may split at "," (or tab). A name like "Mariam,=1+2" is one cell with ";"
but two with ",", and the second would start a formula. So every cell is quoted, and every
part of it that follows a separator of either kind is neutralised with a leading apostrophe
if it begins like a formula (after spaces or quotes, which an import may trim). In a workbook
cells are typed: each is a string, and those that look like a formula carry Excel's own
"quote prefix", so the text shows unchanged and still never calculates.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence

#: What makes a spreadsheet program read a cell as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A part of a cell: its start, or what follows a separator a program may split at ("," ";"
#: tab) or a line break (spaces and double quotes skipped), when the next character would
#: start a formula.
_RISKY_PART = re.compile(r'(^|[,;\t\r\n])([ "]*)(?=[=+\-@\t\r])')

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel's limit for a sheet's name.
_MAX_SHEET_TITLE = 31


def as_text(value: object) -> str:
    return "" if value is None else str(value)


def csv_safe(value: object) -> str:
    """A cell whose every part, split at "," or ";", starts harmlessly."""
    return _RISKY_PART.sub(lambda match: f"{match.group(1)}'{match.group(2)}", as_text(value))


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark (Excel reads umlauts right only with it), ";" between
    quoted cells (as German Excel opens a file with a double click), CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[object]], title: str) -> bytes:
    """An Excel workbook with one sheet; the first row is bold and stays visible on scrolling."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:_MAX_SHEET_TITLE] or "Sheet")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            text = as_text(value)
            cell = WriteOnlyCell(sheet, value=text or None)
            if text:
                cell.data_type = "s"  # text, even where openpyxl would guess a formula
            if text.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # shown as typed, never calculated, also after editing
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["CSV_MIMETYPE", "FORMULA_STARTS", "XLSX_MIMETYPE", "csv_bytes", "csv_safe", "xlsx_bytes"]
