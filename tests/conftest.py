"""Fixtures: the app on a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL
is set), migrated with `upgrade head` once per session; a real SMTP server; clients with
CSRF on; helpers to log in as each role.

Tests commit for real (the mail worker, browser and race tests need that), so each test
ends by emptying every table except the reference data the migration inserted.
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings

from tests.smtp import SmtpServer, free_port
from volunteers import create_app
from volunteers.db_types import sqlite_write_intent
from volunteers.extensions import db

settings.register_profile("volunteers", deadline=None, max_examples=100)
settings.load_profile("volunteers")

#: Reference data inserted by the migration that no test changes: kept between tests.
KEEP_TABLES = {"places", "alembic_version"}
#: Reference data the migration inserts and coordinators edit: restored after every test
#: (in this order; a table's own parents first, see _take_snapshot).
RESTORED_TABLES = (
    "languages",
    "qualification_types",
    "qualification_type_includes",
    "qualification_type_refreshers",
    "requirements",
    "requirement_accepted_types",
    "declarations",
    "declaration_versions",
    "compensation_rules",
)
_snapshot: dict[str, list[dict]] = {}


def _postgres_database(base_url: str) -> Iterator[str]:
    """A fresh database per test session (and per xdist worker), dropped at the end."""
    name = f"volunteers_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        yield from _postgres_database(base)
    else:
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_port() -> int:
    return free_port()


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as separate browser requests are.

    Flask reuses an application context that is already pushed (the `ctx` fixture), so `g`,
    Flask-Login's cached user and the CSRF state would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        # The test's own session must not hold a transaction (and on SQLite a snapshot) across
        # the request: end it before, and after so the test then reads what the request wrote.
        _end_test_transaction()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            _end_test_transaction()


def _end_test_transaction() -> None:
    from flask import has_app_context

    if has_app_context():
        db.session.commit()


@pytest.fixture(scope="session")
def app(database_url, smtp_server, live_port, tmp_path_factory) -> Iterator[Flask]:
    application = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            # Links in mails point at the live server of the browser tests.
            "BASE_URL": f"http://127.0.0.1:{live_port}",
            "MAIL_FILE_DIR": str(tmp_path_factory.mktemp("mail")),
        },
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
        _take_snapshot()
    yield application
    with application.app_context():
        db.engine.dispose()


def _take_snapshot() -> None:
    with db.engine.connect() as connection:
        for name in RESTORED_TABLES:
            table = db.metadata.tables[name]
            rows = [dict(row._mapping) for row in connection.execute(table.select())]
            if name == "languages":  # a variety after the language it belongs to
                rows.sort(key=lambda row: row["parent_code"] is not None)
            _snapshot[name] = rows


def _empty_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as connection:
        if postgres:
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                connection.execute(table.delete())
        for name in RESTORED_TABLES:
            table = db.metadata.tables[name]
            if _snapshot[name]:
                connection.execute(table.insert(), _snapshot[name])
            if postgres and "id" in table.c:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                )


@pytest.fixture(autouse=True)
def _clean_state(request, smtp_server):
    """Every test that touches the app starts with empty tables and an empty mailbox."""
    # The test's own reads take no write lock on SQLite (see volunteers/db_types.py).
    token = sqlite_write_intent.set(False)
    yield
    sqlite_write_intent.reset(token)
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            db.session.remove()
            _empty_tables()
    smtp_server.clear()


@pytest.fixture
def ctx(app) -> Iterator[None]:
    """An application context for calling services and models directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def other_client(app) -> FlaskClient:
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """The token a real browser would submit, read from a rendered page."""
    response = client.get(page)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} (status {response.status_code})"
    return match.group(1)


def without_csrf_tokens(page: str) -> str:
    """A page with its CSRF tokens blanked: they carry a timestamp, so two pages differ."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


SUBMISSION_KEY_PATTERN = re.compile(r'name="((?:[a-z_]+-)?submission_key)" value="([^"]+)"')


def submit(client: FlaskClient, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token of the page it came from, and
    the one-time key of its create form, if it has one (web/once.py)."""
    payload = dict(data or {})
    if "csrf_token" not in payload:
        payload = {**form_tokens(client, page or url), **payload}
    return client.post(url, data=payload, **kwargs)


def form_tokens(client: FlaskClient, page: str) -> dict[str, str]:
    """The hidden values a browser sends from `page`: the CSRF token, and the one-time keys of
    its create forms if it has any (the first form's wins where two share a name)."""
    response = client.get(page)
    html = response.get_data(as_text=True)
    match = CSRF_PATTERN.search(html)
    assert match, f"no CSRF token on {page} (status {response.status_code})"
    # Every create form's key (a page may hold several, each under its form's prefix).
    keys = dict(reversed(SUBMISSION_KEY_PATTERN.findall(html)))
    return {"csrf_token": match.group(1), **keys}


@pytest.fixture
def login(app):
    """login(client, user) signs a client in through the login form."""
    from tests.factories import PASSWORD

    def _login(client: FlaskClient, user, password: str = PASSWORD, remember: bool = False):
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        response = submit(client, "/login", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


@pytest.fixture
def deliver(app):
    """Runs the mail worker once, as `flask send-mail` does."""
    from volunteers.notifications.worker import deliver_due

    def _run(**kwargs):
        with app.app_context():
            report = deliver_due(**kwargs)
            db.session.remove()
            return report

    def _deliver(**kwargs):
        _end_test_transaction()
        # A fresh context: the worker takes its locks as in production (see db_types.py).
        return contextvars.Context().run(_run, **kwargs)

    return _deliver


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; len(queries) is the number of statements run."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return _count
