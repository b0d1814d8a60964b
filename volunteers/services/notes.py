"""Coordinators' internal notes on volunteers, organisations and requests.

Only coordinators write and read them; only the author changes a note (so its author stays
true); any coordinator may delete one (a note that should not have been written, such as a
health detail, must not wait for an author who has left). Each step is in the audit log, with
ids only, never the text.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from ..db_types import utcnow
from ..extensions import db
from ..models import (
    NOTE_MODELS,
    NoteKind,
    Organisation,
    OrganisationNote,
    RequestNote,
    SupportRequest,
    User,
    VolunteerNote,
    VolunteerProfile,
)
from . import ServiceError, audit

#: The longest note, in characters: a note, not a file.
MAX_LENGTH = 2000

Note = VolunteerNote | OrganisationNote | RequestNote
Subject = VolunteerProfile | Organisation | SupportRequest

STALE = _l(
    "This note was changed in the meantime (in another window). Your text is still below: "
    "check it against the note and save again."
)


def kind_of(subject: Subject) -> NoteKind:
    if isinstance(subject, VolunteerProfile):
        return NoteKind.VOLUNTEER
    if isinstance(subject, Organisation):
        return NoteKind.ORGANISATION
    return NoteKind.REQUEST


def _subject_column(
    kind: NoteKind,
) -> tuple[InstrumentedAttribute[int], type[VolunteerNote] | type[OrganisationNote] | type[RequestNote]]:
    model = NOTE_MODELS[kind]
    return {
        NoteKind.VOLUNTEER: VolunteerNote.profile_id,
        NoteKind.ORGANISATION: OrganisationNote.organisation_id,
        NoteKind.REQUEST: RequestNote.request_id,
    }[kind], model


def notes_of(subject: Subject) -> Select:
    """The record's notes, the newest first (for a page of them)."""
    column, model = _subject_column(kind_of(subject))
    return (
        select(model)
        .where(column == subject.id)
        .options(selectinload(model.author))
        .order_by(model.created_at.desc(), model.id.desc())
    )


def subject_id(note: Note) -> int:
    column, _ = _subject_column(note.kind)
    return getattr(note, column.key)


def _require_coordinator(user: User) -> None:
    if not user.is_coordinator:
        raise ServiceError(_l("Only coordinators keep notes."))


def _clean(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise ServiceError(_l("Write the note."), field="body")
    if len(text) > MAX_LENGTH:
        raise ServiceError(
            _l("Keep the note to at most %(max)d characters; it has %(count)d.", max=MAX_LENGTH, count=len(text)),
            field="body",
        )
    return text


def _audit(action: str, actor: User, note: Note) -> None:
    kind, note_id = note.kind.value, note.id
    if isinstance(note, VolunteerNote):
        profile = db.session.get(VolunteerProfile, note.profile_id)
        audit.record(action, actor=actor, subject=profile.user if profile else None, kind=kind, note_id=note_id)
    elif isinstance(note, OrganisationNote):
        organisation = db.session.get(Organisation, note.organisation_id)
        audit.record(action, actor=actor, organisation=organisation, kind=kind, note_id=note_id)
    else:
        audit.record(action, actor=actor, request_id=note.request_id, kind=kind, note_id=note_id)


def add(author: User, subject: Subject, body: str | None, now: datetime | None = None) -> Note:
    _require_coordinator(author)
    kind = kind_of(subject)
    column, model = _subject_column(kind)
    note = model(body=_clean(body), author=author, created_at=now or utcnow(), version=1)
    setattr(note, column.key, subject.id)
    db.session.add(note)
    db.session.flush()
    _audit("note.added", author, note)
    return note


def may_edit(user: User, note: Note) -> bool:
    return user.is_coordinator and note.author_id == user.id


def edit(author: User, note: Note, body: str | None, expected_version: int | None) -> None:
    if not may_edit(author, note):
        raise ServiceError(_l("Only the author changes a note."))
    if expected_version is not None and expected_version != note.version:
        raise ServiceError(STALE, field="version")
    text = _clean(body)
    if text != note.body:
        note.body = text
        note.edited_at = utcnow()
        _audit("note.edited", author, note)


def delete(actor: User, note: Note) -> None:
    _require_coordinator(actor)
    _audit("note.deleted", actor, note)
    db.session.delete(note)


__all__ = ["MAX_LENGTH", "STALE", "add", "delete", "edit", "kind_of", "may_edit", "notes_of", "subject_id"]
