"""Column types and engine settings shared by every model.

- `UTCDateTime`: timezone-aware UTC in and out, on SQLite too (which would hand back naive
  values that cannot be compared with aware ones).
- `str_enum`: Python enums stored as their value in a VARCHAR with a CHECK constraint, so a
  later state needs no `ALTER TYPE` on PostgreSQL.
- `configure_sqlite`: foreign keys on, WAL, a busy timeout, and SQLAlchemy's recipe so that
  BEGIN and SAVEPOINT behave. A transaction that may write starts with BEGIN IMMEDIATE: in WAL
  mode a reader that later writes would otherwise fail at once ("database is locked") when
  another connection (the mail worker, a second request) committed in between, since the busy
  timeout does not cover a stale snapshot. GET requests only read, so they take no write lock
  and never block the worker; only audited downloads write during a GET.
"""

from __future__ import annotations

import enum
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, request
from sqlalchemy import DateTime, Enum, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


SQLITE_BUSY_TIMEOUT_MS = 15000

#: Whether SQLite transactions outside GET requests take the write lock when they begin.
#: The test suite turns it off for its own reads, so they never block the app under test.
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=True)

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _begins_with_write_lock() -> bool:
    if has_request_context() and request.method in _READ_ONLY_METHODS:
        # An audited download writes its audit entry during a GET (web/files/downloads.py); a page
        # takes the entries kept over a login timeout (web/edge/kept_forms.py).
        view = current_app.view_functions.get(request.endpoint or "")
        return bool(getattr(view, "writes_on_get", False) or g.get("writes_on_get", False))
    return sqlite_write_intent.get()


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _begins_with_write_lock() else "BEGIN")


def upsert(model):
    """An INSERT in the dialect of the session's database, so that ON CONFLICT DO NOTHING /
    DO UPDATE can follow (both PostgreSQL and SQLite have them)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
