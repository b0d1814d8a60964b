"""The hour sheet (services/hour_sheets.py) as a PDF, with fpdf2: an A4 page in the reader's
language with the centre as issuer, the volunteer, the month, a table of the paid assignments,
the totals and the signature lines. DejaVu Sans (Debian's fonts-dejavu-core) covers every name
the portal accepts (`scripts/system-deps.sh fonts` installs it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import get_locale, pgettext
from flask_babel import gettext as _

from ..formatting import format_date, format_hours, format_money, format_month, format_number
from ..labels import label
from ..models.enums import Mode
from ..services.hour_sheets import HourSheet

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVu"


def _fonts(pdf: FPDF) -> None:
    folder = Path(FONT_DIR)
    pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))


def _place(line) -> str:
    if line.mode is Mode.ON_SITE:
        return line.place or "–"
    return str(label(line.mode))


def render_hour_sheet(sheet: HourSheet) -> bytes:
    """The sheet as PDF bytes, in the current language."""
    # Loaded when a sheet is made, as openpyxl is: fpdf2 with Pillow and fontTools costs a web
    # worker some 20 MB.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title = _("Hour sheet")
    month = format_month(sheet.month)
    # Every page says whose sheet of which month it is, and which page of how many.
    foot = f"{title} {month} · {sheet.volunteer} · " + _("page %(page)s of %(pages)s", page="{page}", pages="{nb}")

    class Sheet(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.cell(0, 5, foot.replace("{page}", str(self.page_no())), align="C")

    pdf = Sheet(format="A4")
    _fonts(pdf)
    pdf.set_title(f"{title} {month}")
    pdf.set_author(sheet.issuer)
    pdf.set_lang(str(get_locale() or "de"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()

    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 6, sheet.issuer, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, f"{title} – {month}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.cell(0, 7, f"{_('Name')}: {sheet.volunteer}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font(FONT, "", 9.5)
    headings = (_("Date"), pgettext("location", "Place"), _("Hours"), _("Kilometres"), _("Amount"))
    right = ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")
    with pdf.table(
        col_widths=(30, 58, 24, 28, 30),
        text_align=right,
        headings_style=FontFace(emphasis="BOLD"),
        line_height=6,
    ) as table:
        table.row(headings)
        for line in sheet.lines:
            table.row(
                (
                    format_date(line.day),
                    _place(line),
                    format_hours(line.minutes),
                    format_number(line.km),
                    format_money(line.cents),
                )
            )
        for extra in sheet.extra_lines:
            table.row(("", extra.text, format_hours(extra.minutes), format_number(extra.km), format_money(extra.cents)))
        if not sheet.lines and not sheet.extra_lines:
            table.row((_("No paid assignments in this month."), "", "", "", ""))
        pdf.set_font(FONT, "B", 9.5)
        table.row((_("Total"), "", format_hours(sheet.minutes), format_number(sheet.km), format_money(sheet.cents)))
    pdf.set_font(FONT, "", 9.5)
    if sheet.unconfirmed:
        pdf.ln(3)
        pdf.multi_cell(
            0,
            5,
            _(
                "Not on this sheet: assignments of this month not yet confirmed (%(count)s).",
                count=sheet.unconfirmed,
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if pdf.get_y() + 35 > pdf.h - pdf.b_margin:  # the signatures never start a page alone at its foot
        pdf.add_page()
    pdf.ln(20)
    _signature_lines(pdf)
    return bytes(pdf.output())


def _signature_lines(pdf: FPDF) -> None:
    width = (pdf.epw - 20) / 2
    y = pdf.get_y()
    left = pdf.l_margin
    pdf.line(left, y, left + width, y)
    pdf.line(left + width + 20, y, left + 2 * width + 20, y)
    pdf.set_xy(left, y + 1)
    pdf.cell(width, 5, _("Date, signature of the volunteer"))
    pdf.set_xy(left + width + 20, y + 1)
    pdf.cell(width, 5, _("Date, signature of the centre"))


__all__ = ["render_hour_sheet"]
