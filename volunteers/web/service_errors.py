"""Puts a service's refusal next to the form field it concerns."""

from __future__ import annotations

from flask_wtf import FlaskForm

from ..extensions import db
from ..services import ServiceError


def show_on_form(form: FlaskForm, error: ServiceError) -> None:
    """Rolls back the refused change and shows the message at its field (or above the form)."""
    db.session.rollback()
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
