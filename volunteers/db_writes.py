"""The row count of a guarded UPDATE or DELETE.

Races are settled by a conditional UPDATE (or DELETE) whose row count says who won. The ORM
returns a `CursorResult` for such a statement, but `Session.execute` is typed to return a plain
`Result`, which has no `rowcount` (SQLAlchemy issue 12913). `rows_changed` runs the statement
and checks that type, so the count is typed without a cast.
"""

from __future__ import annotations

from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.dml import UpdateBase

from .extensions import db


def rows_changed(statement: UpdateBase) -> int:
    """Runs an UPDATE or DELETE (without RETURNING) in the session; the number of rows it changed."""
    result = db.session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(statement).__name__} gave no row count")
    return result.rowcount
