"""Importing the existing volunteer pool: upload a CSV or .xlsx export, check every row in a
preview, then import all rows in one transaction, or none. No mail is sent: invitations go
out per volunteer later."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Language, Place, VolunteerImport
from ...services import ServiceError, spreadsheets
from ...services import volunteer_import as importer
from ..edge.service_errors import attempt, form_status
from ..files.downloads import spreadsheet_download
from .blueprint import bp
from .forms.imports import ImportConfirmForm, ImportUploadForm

#: Where a finished import leads: the list of volunteers, while that page is being built the overview.
VOLUNTEERS_ENDPOINT = "coordinator.volunteers"
FALLBACK_ENDPOINT = "coordinator.home"


def _volunteers_url() -> str:
    endpoint = VOLUNTEERS_ENDPOINT if VOLUNTEERS_ENDPOINT in current_app.view_functions else FALLBACK_ENDPOINT
    return url_for(endpoint)


def _own_upload_or_404(import_id: int) -> VolunteerImport:
    """The coordinator's own upload; another coordinator's is as unknown as a missing one."""
    return db.one_or_404(
        select(VolunteerImport).where(VolunteerImport.id == import_id, VolunteerImport.created_by_id == current_user.id)
    )


def _render_upload(form: ImportUploadForm, status: int = 200):
    languages = db.session.scalars(select(Language).where(Language.code != "deu").order_by(Language.code)).all()
    places = db.session.scalars(select(Place).order_by(Place.sort_order)).all()
    return render_template("coordinator/imports/upload.html", form=form, languages=languages, places=places), status


@bp.route("/volunteers/import", methods=["GET", "POST"])
def import_volunteers():
    form = ImportUploadForm()
    if form.validate_on_submit():
        stream = form.file.data
        # One byte more than allowed is enough to know the file is too large.
        data = stream.read(importer.MAX_IMPORT_BYTES + 1)
        if stored := attempt(lambda: importer.store_upload(current_user, stream.filename, data), form):
            return redirect(url_for("coordinator.import_preview", import_id=stored.result.id))
    return _render_upload(form, form_status(form))


@bp.route("/volunteers/import/template.<any(csv, xlsx):file_format>")
def import_template(file_format: str):
    rows = importer.template_rows(str(get_locale() or "de"))
    body = spreadsheets.xlsx_bytes(rows, _("Volunteers")) if file_format == "xlsx" else spreadsheets.csv_bytes(rows)
    return spreadsheet_download(body, f"volunteer-import-template.{file_format}")


def _render_preview(upload: VolunteerImport, result: importer.ImportCheck | None = None, status: int = 200):
    file_error = None
    if result is None and upload.imported_at is None:
        try:
            result = importer.check(upload)
        except ServiceError as error:  # it was read when stored; only a change of the rules gets here
            file_error = error.message
    return render_template(
        "coordinator/imports/preview.html",
        upload=upload,
        result=result,
        file_error=file_error,
        confirm_form=ImportConfirmForm(),
        corrected_form=ImportUploadForm(),
        volunteers_url=_volunteers_url(),
    ), status


@bp.route("/volunteers/import/<int:import_id>")
def import_preview(import_id: int):
    return _render_preview(_own_upload_or_404(import_id))


@bp.post("/volunteers/import/<int:import_id>")
def import_confirm(import_id: int):
    upload = _own_upload_or_404(import_id)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return _render_preview(upload, status=400)
    imported = attempt(
        lambda: importer.import_volunteers(current_user, upload, locale=current_app.config["BABEL_DEFAULT_LOCALE"]),
        show=False,
    )
    if isinstance(imported.error, importer.ImportInvalid):
        flash(_("Nothing was imported: the file no longer passes the checks. See the errors below."), "error")
        return _render_preview(db.session.get(VolunteerImport, import_id), imported.error.result, status=409)
    if isinstance(imported.error, importer.AlreadyImported):
        flash(_("This file has been imported already; nothing was imported again."), "info")
        return redirect(url_for("coordinator.import_preview", import_id=import_id))
    if not imported:
        # Someone took one of the addresses while this import ran: the preview shows which.
        flash(_("Nothing was imported: the data changed in the meantime. Please check the rows again."), "error")
        return redirect(url_for("coordinator.import_preview", import_id=import_id))
    count = imported.result
    flash(
        ngettext(
            "%(num)d volunteer imported. No mail was sent: invite each volunteer from their profile.",
            "%(num)d volunteers imported. No mail was sent: invite each volunteer from their profile.",
            count,
        ),
        "success",
    )
    return redirect(_volunteers_url())
