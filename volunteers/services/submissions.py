"""Create forms are safe to send twice. Each carries a random key; `claim` records it in the
transaction that creates the record, before anything is created. A second submission with the
same key (the back button, a second tab showing the same page, a slow line) raises
`AlreadySubmitted` with what the first one created. Two submissions racing: the unique key lets
one insert through; the other waits for it (PostgreSQL) or starts after it (SQLite's BEGIN
IMMEDIATE), then finds its row."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import CreatedRecord, FormSubmission, User
from . import ServiceError

#: A random part and its signature: keys are the server's own, so a captured form sent again
#: with a made-up key is refused instead of creating (and mailing) once more.
KEY = re.compile(r"^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$")


class AlreadySubmitted(Exception):
    """The form was sent before (or the same thing exists already): nothing new is created.
    `record_id` is what exists."""

    def __init__(self, record_id: int | None, message: object = None) -> None:
        super().__init__(record_id)
        self.record_id = record_id
        #: What to tell when it is not the same form but the same thing (a second tab).
        self.message = message


def _signature(random_part: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"form-submission:{random_part}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def new_key() -> str:
    random_part = secrets.token_urlsafe(16)
    return f"{random_part}.{_signature(random_part)}"


def is_key(value: str | None) -> bool:
    """Whether the key is one this server made."""
    found = KEY.match(value or "")
    return found is not None and hmac.compare_digest(found.group(2), _signature(found.group(1)))


def _find(key: str) -> FormSubmission | None:
    return db.session.scalar(select(FormSubmission).where(FormSubmission.key == key))


def claim(key: str, kind: CreatedRecord, user: User | None) -> FormSubmission:
    """Records the key, or raises AlreadySubmitted with what its first submission created."""
    if not is_key(key):
        raise ServiceError(_l("This form is out of date. Please check your entries and send it again."))
    user_id = user.id if user is not None and user.is_authenticated else None
    earlier = _find(key)
    if earlier is None:
        submission = FormSubmission(key=key, kind=kind, user_id=user_id)
        try:
            with db.session.begin_nested():
                db.session.add(submission)
        except IntegrityError:  # the same form, sent a moment ago, committed first
            earlier = _find(key)
            if earlier is None:
                raise
        else:
            return submission
    if earlier.kind is not kind or earlier.user_id != user_id:
        raise ServiceError(_l("This form is out of date. Please check your entries and send it again."))
    raise AlreadySubmitted(earlier.record_id)


def created(submission: FormSubmission, record_id: int | None) -> None:
    submission.record_id = record_id


__all__ = ["AlreadySubmitted", "claim", "created", "is_key", "new_key"]
