"""The hours page's year and the hour sheet download, shared by the volunteer's own pages and
the coordinator's view of a volunteer (each route checks whose profile it may show)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import Response, abort, current_app, render_template, send_file
from flask_login import current_user

from ...clock import today
from ...models import VolunteerProfile
from ...pdf.hour_sheet import render_hour_sheet
from ...services import hour_sheets, hours

#: Years before this are not asked for (the portal's first year of work).
FIRST_YEAR = 2020


def year_or_404(year: int | None) -> int:
    chosen = today().year if year is None else year
    if not FIRST_YEAR <= chosen <= today().year + 1:
        abort(404)
    return chosen


def month_or_404(year: int, month: int) -> date:
    year_or_404(year)
    if not 1 <= month <= 12:
        abort(404)
    return date(year, month, 1)


def year_page(profile: VolunteerProfile, year: int | None, endpoints: tuple[str, str], own: bool, **endpoint_args):
    """The hours page of `profile` for `year` (this year when None); `endpoints`: the hour
    sheet's and the year's, each taking `endpoint_args` besides the year (and month)."""
    chosen = year_or_404(year)
    return render_template(
        "volunteer/hours.html",
        profile=profile,
        figures=hours.year_of(profile, chosen, today()),
        this_year=today().year,
        sheet_endpoint=endpoints[0],
        year_endpoint=endpoints[1],
        endpoint_args=endpoint_args,
        own=own,
    )


def hour_sheet_download(profile: VolunteerProfile, year: int, month: int) -> Response:
    first = month_or_404(year, month)
    sheet = hour_sheets.build_hour_sheet(profile, first, current_app.config["CENTRE_NAME"])
    hour_sheets.record_download(current_user, profile, first)
    response = send_file(
        BytesIO(render_hour_sheet(sheet)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"hour-sheet-{first:%Y-%m}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
