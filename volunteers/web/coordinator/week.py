"""The coordinators' week: every confirmed assignment and every request still to fill of one
week, by day and time; printable (static/css/print.css leaves out navigation and forms)."""

from __future__ import annotations

from flask import render_template, request

from ...clock import today
from ...services.week import monday_of, week_of, within_reach
from .blueprint import bp
from .forms.week import WeekForm


@bp.route("/week")
def week():
    form = WeekForm(formdata=request.args)
    this_week = monday_of(today())
    valid = form.validate()
    chosen = form.week.data if valid and form.week.data is not None else this_week
    shown = week_of(chosen)
    if valid and form.week.data is None:
        form.week.data = shown.monday  # the field shows the week on screen
    return render_template(
        "coordinator/week.html",
        form=form,
        week=shown,
        this_week=this_week,
        has_previous=within_reach(shown.previous, today()),
        has_next=within_reach(shown.next, today()),
    ), (200 if valid else 400)
