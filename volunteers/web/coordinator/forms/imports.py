"""Forms of the volunteer import: the upload, and the confirmation (its CSRF token only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from ....services.volunteer_import import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from ...pages.forms import Form


class ImportUploadForm(Form):
    # The file's type is checked by its content in the service, not by this list.
    file = FileField(
        _l("CSV file or Excel workbook"),
        description=_l(
            "A .csv or .xlsx file of at most %(size)d MB and %(rows)d volunteers. The first row names the columns.",
            size=MAX_IMPORT_BYTES // 2**20,
            rows=MAX_IMPORT_ROWS,
        ),
        validators=[FileRequired(message=_l("Choose the file to upload."))],
        render_kw={
            "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )


class ImportConfirmForm(Form):
    """No fields but the CSRF token: the import takes the stored file, nothing else."""
