"""Create forms that are safe to send twice (see services/submissions.py). A form class takes
`OnceForm` as a base and its template renders `{{ once(form) }}`; the route creates through
`create_once`, which saves once and says what happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField

from ...extensions import db
from ...models import CreatedRecord, FormSubmission
from ...services import submissions
from ..pages.forms import Form
from .service_errors import attempt

#: What the second submission of a form is told.
SENT_BEFORE = _l("This form had already been sent, so nothing was saved twice. This is what the first sending saved.")


class OnceForm(Form):
    """A create form with a one-time key: a new one each time the form is shown, the same one
    when it comes back with errors (nothing was created then)."""

    submission_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not submissions.is_key(self.submission_key.data):
            self.submission_key.data = submissions.new_key()


@dataclass(frozen=True)
class Created:
    record_id: int | None
    #: True when the form had been sent before: `record_id` is what the first sending created.
    again: bool
    #: What `create` returned this time (the new record, its id, or None); None when `again`.
    record: Any = None


def _sent_key(form: OnceForm) -> str:
    """The key the browser sent (a form without one is out of date, not new)."""
    return (form.submission_key.raw_data or [""])[0]


def create_once(form: OnceForm, kind: CreatedRecord, create: Callable[[], object]) -> Created | None:
    """Claims the form's key, runs `create` (a service call returning the new record, or its
    id) and flushes it; the request commits when the view returns. A refusal is shown on the
    form (None is returned); a form sent before, or a record that exists already, gives what exists (and flashes so)."""
    key = _sent_key(form)
    try:
        claimed = attempt(lambda: submissions.claim(key, kind, current_user), form)
        if not claimed:  # no key, or not this person's: the form comes back with a new one
            form.submission_key.data = submissions.new_key()
            return None
        made = attempt(lambda: _create(claimed.result, create), form)
    except submissions.AlreadySubmitted as earlier:
        db.session.rollback()
        flash(str(earlier.message or SENT_BEFORE), "info")
        return Created(earlier.record_id, again=True)
    if not made:
        return None
    record, record_id = made.result
    return Created(record_id, again=False, record=record)


def _create(submission: FormSubmission, create: Callable[[], object]) -> tuple[object, int | None]:
    record = create()
    db.session.flush()
    record_id = record if isinstance(record, int) or record is None else record.id  # type: ignore[attr-defined]
    submissions.created(submission, record_id)
    return record, record_id
