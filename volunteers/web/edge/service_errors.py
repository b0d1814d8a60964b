"""The one place where a service's answer becomes what the person sees (as Indico's request
handler turns its exceptions into pages).

A route calls a service through `attempt()`. A refusal (`ServiceError`), a record changed by
someone else in the meantime (a stale version) or a unique rule broken by a simultaneous save
is rolled back, so neither the change nor the mail it queued is committed, and shown: next to
the form field it concerns (or above the form) when there is a form, as a flash message when
the action was a button. What the service returned comes back in the `Outcome`.

A `ServiceError` that escapes a view (a route that did not expect a refusal) is handled the
same way by `handle_service_error`: rolled back and answered with a 409 page that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Flask, flash, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ...extensions import db
from ...services import ServiceError

T = TypeVar("T")

#: A unique rule broken because someone saved the same entry at the same moment.
CONCURRENT = _l(
    "Someone else changed the same entry at the same moment. Please check your entries and send them again."
)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `attempt()` gives back: the service's result, or the refusal that was shown.
    True when the change was made."""

    value: T | None = None
    error: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.error is None

    @property
    def result(self) -> T:
        """The service's result; only to be read after the outcome tested true."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def attempt(
    change: Callable[[], T],
    form: FlaskForm | None = None,
    *,
    done: str | None = None,
    record: Any = None,
    stale: str | None = None,
    show: bool = True,
) -> Outcome[T]:
    """Runs a service call; the request commits it when the view returns.

    - `form`: a refusal is shown at its field (or above the form), with everything typed kept;
      without a form it is flashed.
    - `done`: flashed when the change was made.
    - `record`: a record with a `version`; after a refusal the form carries its current version,
      so saving again is a knowing overwrite. `stale` says what changed in the meantime.
    - `show=False`: a refusal is only rolled back; the route says what it means (by its kind)."""
    try:
        value = change()
        db.session.flush()  # a stale version or a unique rule shows here, while the form can still say so
    except ServiceError as error:
        refusal = error
    except StaleDataError:
        from ...services.volunteers import STALE

        refusal = ServiceError(stale or STALE)
    except IntegrityError:
        refusal = ServiceError(CONCURRENT)
    else:
        if done is not None:
            flash(str(done), "success")
        return Outcome(value=value)
    if show:
        show_refusal(refusal, form)
    else:
        db.session.rollback()
    if (keep := getattr(refusal, "keep", None)) is not None:
        keep()  # what stands although the change was refused (an acceptance over a limit, in the history)
    if form is not None and record is not None and "version" in form._fields:
        form.version.data = str(record.version)
    return Outcome(error=refusal)


def show_refusal(error: ServiceError, form: FlaskForm | None = None) -> None:
    """Rolls back the refused change and shows the message: at its field (or above the form,
    also when the field is hidden, like the record version of a stale edit), or as a flash."""
    db.session.rollback()
    if form is None:
        flash(str(error.message), "error")
        return
    for each in getattr(error, "errors", None) or [error]:
        field = form._fields.get(each.field) if each.field else None
        if field is not None and field.type != "HiddenField":
            field.errors = [*field.errors, each.message]
        else:
            form.form_errors.append(each.message)


def form_status(form: FlaskForm) -> int:
    """The status of a page showing a form: 400 when it came back with errors, 200 otherwise."""
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


def submitted_version(form: FlaskForm) -> int | None:
    """The record version the form was made from; anything unreadable counts as outdated."""
    value = (form.version.data or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else -1


def handle_service_error(error: ServiceError):
    """A refusal no route expected: nothing is kept (the commit point already rolled back), and
    the page says why instead of a 500."""
    db.session.rollback()
    return render_template("errors/error.html", code=409, title=_l("Not possible"), message=error.message), 409


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
