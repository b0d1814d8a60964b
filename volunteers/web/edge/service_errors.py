"""Puts a service's refusal next to the form field it concerns, or in a flash message for a button."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from ...extensions import db
from ...services import ServiceError


def show_on_form(form: FlaskForm, error: ServiceError) -> None:
    """Rolls back the refused change and shows the message at its field (or above the form,
    also when the field is hidden, like the record version of a stale edit)."""
    db.session.rollback()
    for each in getattr(error, "errors", None) or [error]:
        field = form._fields.get(each.field) if each.field else None
        if field is not None and field.type != "HiddenField":
            field.errors = [*field.errors, each.message]
        else:
            form.form_errors.append(each.message)


def submitted_version(form: FlaskForm) -> int | None:
    """The record version the form was made from; anything unreadable counts as outdated."""
    value = (form.version.data or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else -1


def commit_change(form: FlaskForm, change: Callable[[], object], record=None, stale=None) -> bool:
    """Runs a service call; the request commits it when the view returns. A refusal, or a
    record changed by someone else in the meantime (its version moved on), is shown on the
    form with everything typed kept; the form then carries the current version, so saving
    again is a knowing overwrite.
    `stale` says what changed in the meantime (a profile, unless told otherwise)."""
    from ...services.volunteers import STALE

    try:
        change()
        db.session.flush()  # a stale version shows here, while the form can still say so
    except ServiceError as error:
        show_on_form(form, error)
    except StaleDataError:
        show_on_form(form, ServiceError(stale or STALE))
    else:
        return True
    if record is not None and "version" in form._fields:
        form.version.data = str(record.version)
    return False


def commit_or_flash(change: Callable[[], object], done: str) -> bool:
    """Runs a service call behind a button (no fields to show a refusal at): flashes `done`,
    or rolls back and flashes the refusal."""
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return False
    flash(done, "success")
    return True
