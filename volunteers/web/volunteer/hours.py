"""The volunteer's own hours and allowances per month of a year, with each month's hour sheet."""

from __future__ import annotations

from ..files.downloads import audited_download
from ..files.hour_sheets import hour_sheet_download, year_page
from .blueprint import bp
from .routes import own_profile


@bp.route("/hours")
def hours_page():
    return _year_page(None)


@bp.route("/hours/<int:year>")
def hours_of_year(year: int):
    return _year_page(year)


def _year_page(year: int | None):
    return year_page(own_profile(), year, ("volunteer.hour_sheet", "volunteer.hours_of_year"), own=True)


@bp.route("/hours/<int:year>/<int:month>/hour-sheet.pdf")
@audited_download
def hour_sheet(year: int, month: int):
    return hour_sheet_download(own_profile(), year, month)
