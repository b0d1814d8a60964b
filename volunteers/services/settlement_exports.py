"""A month's settlement as files: an Excel workbook (a summary sheet and one sheet per
volunteer) and a CSV file for the county's accounting. Both read the figures of
`settlement.month_lines`, as the month's page does, and every download is audited.

The CSV file opens in German Excel with a double click: UTF-8 with a byte order mark, ";"
between cells, decimal comma, no thousands separator, dates as DD.MM.YYYY. Text cells are
neutralised against formulas (services/spreadsheets.py); numbers are written by the app and
never are (a negative adjustment keeps its minus sign)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..clock import local
from ..extensions import db
from ..labels import label
from ..models import User
from . import audit, settlement, settlement_lines
from .settlement_lines import VolunteerMonth
from .spreadsheets import FORMULA_STARTS, csv_safe

_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31
EUR_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'
HOURS_FORMAT = "0.00"
DATE_FORMAT = "DD.MM.YYYY"


@dataclass(frozen=True)
class Number:
    """A figure the app computed: written as a number, never neutralised."""

    value: float | int
    decimals: int = 2


def all_lines(month: date) -> list[VolunteerMonth]:
    profiles = db.session.scalars(settlement_lines.volunteers_listing(month)).all()
    return settlement_lines.month_lines(month, profiles)


def sheet_names(names: list[str]) -> list[str]:
    """Excel's rules for sheet names: at most 31 characters, none of []:*?/\\, not empty, not
    starting or ending with an apostrophe, unique without regard to case (and not the summary's)."""
    taken = {_("Summary").casefold()}
    result = []
    for name in names:
        base = _FORBIDDEN_IN_SHEET_NAMES.sub(" ", name).strip().strip("'").strip() or _("Volunteer")
        candidate, number = base[:_MAX_SHEET_NAME], 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: _MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _summary_header() -> list[str]:
    return [
        _("Volunteer"),
        _("Programme"),
        _("Assignments"),
        _("Hours"),
        _("Kilometres"),
        _("Assignments (EUR)"),
        _("Adjustments (EUR)"),
        _("To pay (EUR)"),
        _("Hours this year"),
        _("Yearly hour limit"),
        _("Paid this year (EUR)"),
        _("Tax-free allowance (EUR)"),
    ]


def _summary_row(line: VolunteerMonth) -> list[object]:
    return [
        line.profile.user.full_name,
        str(label(line.profile.programme)),
        Number(len(line.assignments), 0),
        Number(round(line.minutes / 60, 2)),
        Number(line.km, 0),
        Number(line.assignment_cents / 100),
        Number(line.adjustment_cents / 100),
        Number(line.cents / 100),
        Number(round(line.year_hours, 2)),
        Number(line.yearly_hours) if line.yearly_hours is not None else "",
        Number(line.year_cents / 100),
        Number(line.allowance_cents / 100),
    ]


_EUR_COLUMNS_SUMMARY = {5, 6, 7, 10, 11}
_EUR_COLUMNS_DETAIL = {6}


def _detail_header() -> list[str]:
    return [
        _("Date"),
        _("Line"),
        pgettext_place(),
        _("What happened"),
        _("Hours"),
        _("Kilometres"),
        _("Amount (EUR)"),
        _("Reason"),
    ]


def pgettext_place() -> str:
    from flask_babel import pgettext

    return pgettext("location", "Place")


def _detail_rows(line: VolunteerMonth) -> list[list[object]]:
    rows: list[list[object]] = []
    for assignment in line.assignments:
        place = assignment.request.place
        rows.append(
            [
                local(assignment.appointment_at).date(),
                _("Assignment"),
                place.name if place is not None else str(label(assignment.request.mode)),
                str(label(assignment.outcome)),
                Number(round((assignment.duration_minutes or 0) / 60, 2)),
                Number(assignment.travel_km or 0, 0),
                Number((assignment.amount_cents or 0) / 100),
                "",
            ]
        )
    for adjustment in line.adjustments:
        rows.append(
            [
                local(adjustment.assignment.appointment_at).date(),
                _("Adjustment"),
                "",
                "",
                Number(round(adjustment.minutes_difference / 60, 2)),
                Number(adjustment.km_difference, 0),
                Number(adjustment.cents_difference / 100),
                adjustment.reason,
            ]
        )
    rows.append(
        [
            "",
            _("Total"),
            "",
            "",
            Number(round(line.minutes / 60, 2)),
            Number(line.km, 0),
            Number(line.cents / 100),
            "",
        ]
    )
    return rows


def xlsx(actor: User, month: date) -> bytes:
    """The workbook: the summary, then a sheet per volunteer in the page's order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    lines = all_lines(month)
    book = Workbook()
    summary = book.worksheets[0]
    summary.title = _("Summary")
    sheets = [(summary, [_summary_header()] + [_summary_row(line) for line in lines], _EUR_COLUMNS_SUMMARY)]
    for line, name in zip(lines, sheet_names([line.profile.user.full_name for line in lines]), strict=True):
        sheets.append((book.create_sheet(name), [_detail_header(), *_detail_rows(line)], _EUR_COLUMNS_DETAIL))
    bold = Font(bold=True)
    for sheet, rows, eur_columns in sheets:
        widths: dict[int, int] = {}
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=column)
                if isinstance(value, Number):
                    cell.value = value.value
                    cell.number_format = (
                        EUR_FORMAT if column - 1 in eur_columns else (HOURS_FORMAT if value.decimals else "0")
                    )
                    shown = len(f"{value.value:,.2f}") + 2
                elif isinstance(value, date):
                    cell.value = value
                    cell.number_format = DATE_FORMAT
                    shown = 10
                else:
                    text = "" if value is None else str(value)
                    cell.value = text or None
                    if text:
                        cell.data_type = "s"
                        cell.quotePrefix = text.startswith(FORMULA_STARTS)
                    shown = len(text)
                if number == 1:
                    cell.font = bold
                widths[column] = max(widths.get(column, 0), shown)
        sheet.freeze_panes = "A2"
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    _audit(actor, month, "xlsx", lines)
    return buffer.getvalue()


def _decimal_comma(number: Number) -> str:
    return f"{number.value:.{number.decimals}f}".replace(".", ",")


def csv_rows(month: date, lines: list[VolunteerMonth]) -> list[list[object]]:
    """One row per line to pay: each assignment and each adjustment, by volunteer."""
    rows: list[list[object]] = [
        [
            _("Month"),
            _("Volunteer"),
            _("Date"),
            _("Line"),
            _("Hours"),
            _("Kilometres"),
            _("Amount (EUR)"),
        ]
    ]
    for line in lines:
        name = line.profile.user.full_name
        for assignment in line.assignments:
            rows.append(
                [
                    settlement.month_key(month),
                    name,
                    local(assignment.appointment_at).date(),
                    _("Assignment"),
                    Number(round((assignment.duration_minutes or 0) / 60, 2)),
                    Number(assignment.travel_km or 0, 0),
                    Number((assignment.amount_cents or 0) / 100),
                ]
            )
        for adjustment in line.adjustments:
            rows.append(
                [
                    settlement.month_key(month),
                    name,
                    local(adjustment.assignment.appointment_at).date(),
                    _("Adjustment"),
                    Number(round(adjustment.minutes_difference / 60, 2)),
                    Number(adjustment.km_difference, 0),
                    Number(adjustment.cents_difference / 100),
                ]
            )
    return rows


def csv_file(actor: User, month: date) -> bytes:
    lines = all_lines(month)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in csv_rows(month, lines):
        cells = []
        for value in row:
            if isinstance(value, Number):
                cells.append(_decimal_comma(value))
            elif isinstance(value, date):
                cells.append(value.strftime("%d.%m.%Y"))
            else:
                cells.append(csv_safe(value))
        writer.writerow(cells)
    _audit(actor, month, "csv", lines)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def _audit(actor: User, month: date, file_format: str, lines: list[VolunteerMonth]) -> None:
    audit.record(
        "settlement.exported",
        actor=actor,
        month=month.isoformat(),
        format=file_format,
        profiles=[line.profile.id for line in lines],
    )


__all__ = ["csv_file", "csv_rows", "sheet_names", "xlsx"]
