"""Coordinators' internal notes on a volunteer, an organisation or a request: added on the
record's page, changed by their author, deleted after a confirmation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ...extensions import db
from ...models import NOTE_MODELS, NoteKind
from ...services import notes
from ..edge.service_errors import attempt, form_status, submitted_version
from ..pages.forms import ConfirmForm, PrefixedForm
from ..pages.pagination import paginate
from .blueprint import bp

NOTES_PER_PAGE = 10


class NoteForm(PrefixedForm):
    field_prefix = "note"

    version = HiddenField()
    body = TextAreaField(
        _l("Note"),
        description=_l(
            "Only coordinators read notes. Write what the work needs; no health details, diagnoses or "
            "other sensitive personal data. At most %(max)d characters.",
            max=notes.MAX_LENGTH,
        ),
        validators=[
            DataRequired(message=_l("Write the note.")),
            Length(max=notes.MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=notes.MAX_LENGTH)),
        ],
        render_kw={"maxlength": notes.MAX_LENGTH, "rows": 4},
    )


#: The page of each kind of record, and the name of its id in that page's URL.
RECORD_PAGES = {
    NoteKind.VOLUNTEER: ("coordinator.volunteer", "profile_id"),
    NoteKind.ORGANISATION: ("coordinator.organisation", "organisation_id"),
    NoteKind.REQUEST: ("coordinator.request", "request_id"),
}


def notes_section(subject: notes.Subject, form: NoteForm | None = None) -> dict:
    """What a record's page needs to show its notes (a page of them) and the form to add one."""
    kind = notes.kind_of(subject)
    endpoint, argument = RECORD_PAGES[kind]
    page = paginate(notes.notes_of(subject), per_page=NOTES_PER_PAGE, name="notes_page")
    return {
        "notes": page,
        "note_form": form or NoteForm(formdata=None),
        "note_kind": kind.value,
        "note_add_url": url_for(f"coordinator.add_{kind.value}_note", **{argument: subject.id}),
        "notes_endpoint": endpoint,
        "notes_args": {argument: subject.id},
    }


def _back_to(kind: NoteKind, subject_id: int):
    endpoint, argument = RECORD_PAGES[kind]
    return redirect(url_for(endpoint, **{argument: subject_id}) + "#notes")


def add_note(subject: notes.Subject, render):
    """Adds the note and goes back to the record; on an error, the record's page again (`render`
    with the form) with the message at the field and the text kept. Each record's module routes
    its own `add_<kind>_note` here."""
    form = NoteForm()
    if form.validate_on_submit() and attempt(
        lambda: notes.add(current_user, subject, form.body.data), form, done=_("The note is saved.")
    ):
        return _back_to(notes.kind_of(subject), subject.id)
    return render(form)


def _note_or_404(kind: str, note_id: int) -> notes.Note:
    model = NOTE_MODELS[NoteKind(kind)]
    return db.one_or_404(select(model).where(model.id == note_id).options(selectinload(model.author)))


NOTE_KINDS = "any(volunteer, organisation, request)"


@bp.route(f"/notes/<{NOTE_KINDS}:kind>/<int:note_id>/edit", methods=["GET", "POST"])
def edit_note(kind: str, note_id: int):
    note = _note_or_404(kind, note_id)
    if not notes.may_edit(current_user, note):
        abort(404)  # another coordinator's note: only its author changes it
    form = NoteForm() if request.method == "POST" else NoteForm(body=note.body, version=str(note.version))
    if form.validate_on_submit() and attempt(
        lambda: notes.edit(current_user, note, form.body.data, submitted_version(form)),
        form,
        done=_("The note is changed."),
        record=note,
        stale=notes.STALE,
    ):
        return _back_to(note.kind, notes.subject_id(note))
    return render_template("coordinator/notes/edit.html", form=form, note=note, back=_record_url(note)), form_status(
        form
    )


@bp.route(f"/notes/<{NOTE_KINDS}:kind>/<int:note_id>/delete", methods=["GET", "POST"])
def delete_note(kind: str, note_id: int):
    """Asks first (a page with the note and a button), then deletes."""
    note = _note_or_404(kind, note_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        target = (note.kind, notes.subject_id(note))
        attempt(lambda: notes.delete(current_user, note), done=_("The note is deleted."))
        return _back_to(*target)
    if form.is_submitted():
        flash(_("The form had expired. Please try again."), "error")
    return render_template("coordinator/notes/delete.html", note=note, form=form, back=_record_url(note))


def _record_url(note: notes.Note) -> str:
    endpoint, argument = RECORD_PAGES[note.kind]
    return url_for(endpoint, **{argument: notes.subject_id(note)}) + "#notes"
