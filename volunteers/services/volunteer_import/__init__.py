"""Importing the centre's existing volunteer pool from a CSV or spreadsheet (.xlsx) export.

Three steps, each plain Python over the uploaded bytes (no request, no session, no commit):

- `files.read_upload(filename, data)` checks the file as a whole (type, size, header, rows).
- `rows.check(upload)` parses every row against the reference data and collects each row's
  errors for the preview.
- `import_volunteers(...)` here checks the stored file again and, only if every row passes,
  creates all the volunteers in the caller's transaction: all rows or none.

`columns` holds the columns and the words people write in them, and the template.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, update
from werkzeug.utils import secure_filename

from ...db_types import utcnow
from ...db_writes import rows_changed
from ...extensions import db
from ...models import StatusChange, User, VolunteerImport, VolunteerLanguage
from ...models.enums import Area, VolunteerStatus, WorkKind
from .. import ServiceError, audit
from ..volunteers import create_volunteer
from .columns import COLUMNS, template_rows
from .files import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, read_upload
from .rows import ImportCheck, ImportRow, check, check_table

#: The reason written into the status history of an imported volunteer who is not an applicant.
IMPORT_REASON = "Imported"


def store_upload(coordinator: User, filename: str | None, data: bytes) -> VolunteerImport:
    """Keeps a file that can be read (its rows may still have errors) for the preview."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators import volunteers."))
    read_upload(filename, data)
    stem, _dot, extension = (filename or "").rpartition(".")
    name = f"{secure_filename(stem)[:100] or 'volunteers'}.{extension.lower()}"
    upload = VolunteerImport(created_by_id=coordinator.id, filename=name, content=data)
    db.session.add(upload)
    db.session.flush()
    return upload


class AlreadyImported(ServiceError):
    pass


class ImportInvalid(ServiceError):
    """The file no longer passes the checks (an address was taken in the meantime, say)."""

    def __init__(self, result: ImportCheck) -> None:
        super().__init__(_l("Nothing was imported: some rows have errors."))
        self.result = result


def import_volunteers(coordinator: User, upload: VolunteerImport, *, locale: str, now: datetime | None = None) -> int:
    """Creates every volunteer of the upload, or raises and creates none. The caller commits."""
    if not coordinator.is_coordinator or upload.created_by_id != coordinator.id:
        raise ServiceError(_l("Only the coordinator who uploaded the file can import it."))
    now = now or utcnow()
    # Claimed with a conditional update: of two confirmations sent at once, one imports.
    claimed = rows_changed(
        update(VolunteerImport)
        .where(VolunteerImport.id == upload.id, VolunteerImport.imported_at.is_(None))
        .values(imported_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        raise AlreadyImported(_l("This file has been imported already."))
    result, reference = check_table(read_upload(upload.filename, upload.content))
    if not result.ok:
        raise ImportInvalid(result)

    languages: list[dict[str, Any]] = []
    status_changes: list[dict[str, Any]] = []
    for row in result.rows:
        profile = create_volunteer(
            coordinator,
            given_name=row.given_name,
            family_name=row.family_name,
            email=row.email,
            phone=row.phone,
            home_place=reference.place_objects[row.place.id] if row.place else None,
            locale=locale,
        )
        profile.german_level = row.german_level
        for area in Area:
            setattr(profile, f"area_{area.value}", area in row.areas)
        for kind in WorkKind:
            setattr(profile, f"kind_{kind.value}", kind in row.kinds)
        profile.gender = row.gender
        profile.mobility = row.mobility
        profile.max_travel_km = row.max_travel_km
        languages += [
            {"profile_id": profile.id, "language_code": language.code, "level": level}
            for language, level in row.languages
        ]
        if row.status is not VolunteerStatus.APPLICANT:
            status_changes.append(
                {
                    "profile_id": profile.id,
                    "from_status": VolunteerStatus.APPLICANT,
                    "to_status": row.status,
                    "reason": IMPORT_REASON,
                    "changed_by_id": coordinator.id,
                }
            )
            profile.status = row.status
    db.session.flush()
    # One statement each for all rows. changed_at comes from the column default, later than
    # the applicant entries made above, so the history lists them in this order.
    if languages:
        db.session.execute(insert(VolunteerLanguage), languages)
    if status_changes:
        db.session.execute(insert(StatusChange), status_changes)
    upload.imported_at = now
    upload.content = b""  # the people are in the database now; the upload need not keep them
    audit.record("volunteer.imported", actor=coordinator, count=len(result.rows))
    db.session.flush()
    return len(result.rows)


__all__ = [
    "COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "AlreadyImported",
    "ImportCheck",
    "ImportInvalid",
    "ImportRow",
    "check",
    "import_volunteers",
    "read_upload",
    "store_upload",
    "template_rows",
]
