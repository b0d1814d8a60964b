"""Entries of a form sent after the login had timed out, kept for the same person.

The submission is not carried out (the timeout stands: nothing happens without a new login).
Its fields are kept for an hour under a random handle that only the browser's session holds,
bound to the account, and given back once, after that account has logged in again, into the
page the form was on. Passwords, tokens and files are never kept; a person has at most one
kept form, the latest."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import KeptForm, User

KEEP_FOR = timedelta(hours=1)
#: Longer submissions are not kept (the longest real form, a request, has a few thousand).
MAX_CHARACTERS = 100_000


@dataclass(frozen=True)
class Entries:
    fields: list[tuple[str, str]]
    files_left_out: bool


def _digest(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()


def keep(
    user: User,
    fields: list[tuple[str, str]],
    return_to: str,
    files_left_out: bool = False,
    now: datetime | None = None,
) -> str | None:
    """Keeps the entries; returns the handle for the session, or None if they are too long."""
    if sum(len(name) + len(value) for name, value in fields) > MAX_CHARACTERS or len(return_to) > 500:
        return None
    now = now or utcnow()
    db.session.execute(delete(KeptForm).where(KeptForm.user_id == user.id))
    handle = secrets.token_urlsafe(32)
    db.session.add(
        KeptForm(
            user_id=user.id,
            handle_hash=_digest(handle),
            return_to=return_to,
            fields=json.dumps(fields),
            files_left_out=files_left_out,
            created_at=now,
            expires_at=now + KEEP_FOR,
        )
    )
    return handle


def take(user: User, handle: str, path: str, now: datetime | None = None) -> Entries | None:
    """The entries kept under `handle` for this account and page, used up; None otherwise."""
    if not handle or len(handle) > 100:
        return None
    kept = db.session.scalar(
        select(KeptForm).where(
            KeptForm.handle_hash == _digest(handle),
            KeptForm.user_id == user.id,
            KeptForm.return_to == path,
            KeptForm.expires_at > (now or utcnow()),
        )
    )
    if kept is None:
        return None
    entries = Entries([(name, value) for name, value in json.loads(kept.fields)], kept.files_left_out)
    db.session.delete(kept)
    return entries


def purge(now: datetime | None = None) -> int:
    return rows_changed(delete(KeptForm).where(KeptForm.expires_at < (now or utcnow())))
