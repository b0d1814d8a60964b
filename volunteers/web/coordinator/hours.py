"""A volunteer's hours per month of a year as the volunteer sees them, and their hour sheets,
for the coordinators (linked from the volunteer's record; the settlement links the sheets)."""

from __future__ import annotations

from ..files.downloads import audited_download
from ..files.hour_sheets import hour_sheet_download, year_page
from .blueprint import bp
from .volunteers import volunteer_or_404


@bp.route("/volunteers/<int:profile_id>/hours")
def volunteer_hours(profile_id: int):
    return _year_page(profile_id, None)


@bp.route("/volunteers/<int:profile_id>/hours/<int:year>")
def volunteer_hours_of_year(profile_id: int, year: int):
    return _year_page(profile_id, year)


def _year_page(profile_id: int, year: int | None):
    endpoints = ("coordinator.volunteer_hour_sheet", "coordinator.volunteer_hours_of_year")
    return year_page(volunteer_or_404(profile_id), year, endpoints, own=False, profile_id=profile_id)


@bp.route("/volunteers/<int:profile_id>/hours/<int:year>/<int:month>/hour-sheet.pdf")
@audited_download
def volunteer_hour_sheet(profile_id: int, year: int, month: int):
    return hour_sheet_download(volunteer_or_404(profile_id), year, month)
