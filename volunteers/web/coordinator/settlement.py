"""The monthly settlement on the coordinators' side: the months (open one), a month's page (per
volunteer what it pays, the year against the limits, the open items), moving an open item to
the next month, closing the month (both asked first), and the month as a workbook or CSV file
(audited downloads). The month is in the address as "2026-11"; nothing else personal is."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...clock import today
from ...extensions import db
from ...formatting import format_date, format_month
from ...models import Assignment, SettlementMonth
from ...models.enums import AssignmentState
from ...services import settlement, settlement_exports, settlement_lines
from ...services.settlement import month_key, parse_month
from ..edge.confirm import Confirmation, confirm_then
from ..edge.service_errors import attempt, form_status, submitted_version
from ..files.downloads import audited_download, spreadsheet_download
from ..pages.pagination import paginate
from .blueprint import bp
from .forms.settlement import CloseMonthForm, MoveItemForm, OpenMonthForm

#: Volunteers per page of a month (each with their lines).
VOLUNTEERS_PER_PAGE = 20


def _open_form() -> OpenMonthForm:
    opened = set(db.session.scalars(select(SettlementMonth.month)))
    return OpenMonthForm().offering(today(), opened)


@bp.route("/settlement", methods=["GET", "POST"])
def settlement_months():
    form = _open_form()
    if form.validate_on_submit():
        month = parse_month(form.month.data or "")
        if month is None:
            form.month.errors = [_("Choose the month to open.")]
        else:
            existing = settlement.month_or_none(month)
            if existing is not None:  # sent twice, or opened by someone else in the meantime
                flash(_("This month has been opened already."), "info")
                return redirect(url_for("coordinator.settlement_month", month=month_key(month)))
            if attempt(
                lambda: settlement.open_month(current_user, month, today()),
                form,
                done=_("The month is open: check the open items, then close it."),
            ):
                return redirect(url_for("coordinator.settlement_month", month=month_key(month)))
    page = paginate(settlement.months_listing())
    counts = settlement.counts([row.month for row in page.items])
    return render_template("coordinator/settlement/months.html", form=form, page=page, counts=counts), form_status(form)


def _month_or_404(month: str) -> SettlementMonth:
    parsed = parse_month(month)
    row = settlement.month_or_none(parsed) if parsed is not None else None
    if row is None:
        abort(404)
    return row


@bp.route("/settlement/<month>")
def settlement_month(month: str):
    row = _month_or_404(month)
    volunteers = paginate(settlement_lines.volunteers_listing(row.month), per_page=VOLUNTEERS_PER_PAGE)
    lines = settlement_lines.month_lines(row.month, volunteers.items)
    items = paginate(settlement.open_items(row.month), name="open")
    counts = settlement.counts([row.month])[row.month]
    return render_template(
        "coordinator/settlement/month.html",
        row=row,
        key=month_key(row.month),
        volunteers=volunteers,
        lines=lines,
        items=items,
        counts=counts,
    )


@bp.route("/settlement/<month>/close", methods=["GET", "POST"])
def close_settlement_month(month: str):
    row = _month_or_404(month)
    back = url_for("coordinator.settlement_month", month=month_key(row.month))
    if request.method == "GET" and not row.is_open:
        flash(str(settlement.MONTH_CLOSED), "info")
        return redirect(back)
    form = CloseMonthForm()
    version = form.version.data if form.is_submitted() else str(row.version)

    def confirmation() -> Confirmation:
        counts = settlement.counts([row.month])[row.month]
        return Confirmation(
            title=_("Close %(month)s?", month=format_month(row.month)),
            confirm_label=_("Close the month"),
            back_url=back,
            facts=[
                (_("Assignments to settle"), str(counts.payable)),
                (_("Open items"), str(counts.open)),
            ],
            happens=[
                _("Every confirmed assignment of the month is settled; its figures can no longer be edited."),
                _("A later correction becomes an adjustment line in the next open month."),
                _("While items are open the month is not closed: resolve each, or move it to the next month."),
            ],
            hidden=[("version", version or "")],
        )

    return confirm_then(
        confirmation,
        form,
        lambda: settlement.close(current_user, row, submitted_version(form)),
        done=_("The month is closed; its assignments are settled."),
        then=back,
    )


def _open_item_or_404(row: SettlementMonth, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not settlement.belongs_to(assignment, row.month):
        abort(404)
    return assignment


@bp.route("/settlement/<month>/items/<int:assignment_id>/move", methods=["GET", "POST"])
def move_settlement_item(month: str, assignment_id: int):
    row = _month_or_404(month)
    assignment = _open_item_or_404(row, assignment_id)
    back = url_for("coordinator.settlement_month", month=month_key(row.month)) + "#open-items"
    if request.method == "GET" and (not row.is_open or assignment.state not in AssignmentState.open_items()):
        flash(_("This assignment is not open in this month (any more). The page shows the month as it is now."), "info")
        return redirect(back)
    form = MoveItemForm()
    version = form.version.data if form.is_submitted() else str(assignment.version)

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Move to %(month)s?", month=format_month(settlement.next_month(row.month))),
            confirm_label=_("Move to the next month"),
            back_url=back,
            facts=[
                (_("Volunteer"), assignment.profile.user.full_name),
                (_("Appointment"), format_date(assignment.appointment_at)),
                (_("State"), _label(assignment)),
            ],
            happens=[
                _("The assignment is settled with the next month; its state stays as it is."),
                _("This month can then be closed without it."),
            ],
            hidden=[("version", version or "")],
        )

    return confirm_then(
        confirmation,
        form,
        lambda: settlement.move_to_next_month(current_user, row, assignment, form.reason.data, submitted_version(form)),
        done=_("The assignment waits for the next month's settlement."),
        then=back,
    )


def _label(assignment: Assignment) -> str:
    from ...labels import label

    return str(label(assignment.state))


@bp.route("/settlement/<month>/export.<any(csv, xlsx):file_format>")
@audited_download
def settlement_export(month: str, file_format: str):
    row = _month_or_404(month)
    key = month_key(row.month)
    if file_format == "xlsx":
        body = settlement_exports.xlsx(current_user, row.month)
    else:
        body = settlement_exports.csv_file(current_user, row.month)
    return spreadsheet_download(body, f"settlement-{key}.{file_format}")
