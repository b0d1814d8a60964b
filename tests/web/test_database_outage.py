"""When the database goes away, people get the site's own 503 page (layout, security headers,
Retry-After), made without the database and without loading the signed-in account; /healthz
says not ok. The outage is real: the app runs on a copy of the test database, which the test
then takes away (the SQLite file's directory is removed; the PostgreSQL database is dropped
with its connections)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import IsolatedClient, csrf_token
from volunteers import create_app
from volunteers.extensions import db
from volunteers.web.security.headers import CONTENT_SECURITY_POLICY


def _copy_sqlite(source_url: str, directory) -> str:
    directory.mkdir()
    target = directory / "copy.sqlite3"
    source = sqlite3.connect(sa.make_url(source_url).database)
    copy = sqlite3.connect(target)
    source.backup(copy)  # the WAL's recent commits included
    copy.close()
    source.close()
    return f"sqlite:///{target}"


def _copy_postgres(app, source_url: str) -> tuple[str, Callable[[], None]]:
    with app.app_context():  # CREATE DATABASE ... TEMPLATE needs the source without connections
        db.session.remove()
        db.engine.dispose()
    name = f"outage_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    source = sa.make_url(source_url).database
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return sa.make_url(source_url).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture
def fleeting(ctx, app, database_url, tmp_path) -> Iterator[tuple]:
    """(an app on a copy of the test database, a function that takes that database away)."""
    # Only the address travels into the copy's context: the account object belongs to this one.
    account = SimpleNamespace(email=factories.volunteer(locale="en").email)
    db.session.commit()  # and this context holds no connection while the database is copied
    if database_url.startswith("sqlite"):
        url = _copy_sqlite(database_url, tmp_path / "db")

        def take_away() -> None:
            shutil.rmtree(tmp_path / "db")

        cleanup = lambda: None  # noqa: E731
    else:
        url, take_away = _copy_postgres(app, database_url)
        cleanup = take_away
    copy = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": None,
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
            "BASE_URL": app.config["BASE_URL"],
        },
    )
    copy.test_client_class = IsolatedClient

    def outage() -> None:
        take_away()
        with copy.app_context():
            db.engine.dispose()  # the pooled connections go with the database

    try:
        yield copy, account, outage
    finally:
        with copy.app_context():
            db.engine.dispose()
        cleanup()


def _assert_outage_page(response) -> str:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert 'class="skip-link"' in page and '<main id="main"' in page and 'class="site-footer"' in page
    assert "WIR-Vielfaltszentrum Landkreis Kassel" in page
    return page


def test_a_signed_in_volunteer_gets_the_sites_503_page_during_an_outage(fleeting, login):
    copy, account, outage = fleeting
    with copy.app_context():
        client = copy.test_client()
        login(client, account)
        assert client.get("/volunteer/").status_code == 200
        token = csrf_token(client, "/volunteer/profile")
        outage()

        page = _assert_outage_page(client.get("/volunteer/", headers={"Accept-Language": "en"}))
        assert "Briefly unavailable" in page and "go back in your browser" in page
        # Made without the account: no navigation of a signed-in user.
        assert "Log out" not in page and "My volunteering" not in page

        sent = client.post("/volunteer/profile", data={"csrf_token": token, "given_name": "Amina"})
        _assert_outage_page(sent)
        german = _assert_outage_page(client.get("/volunteer/profile", headers={"Accept-Language": "de"}))
        assert 'lang="de"' in german

        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_data(as_text=True).startswith("not ok")
        assert health.headers["Retry-After"] == "30"


def test_a_visitor_gets_it_too_and_pages_without_data_still_open(fleeting):
    copy, _account, outage = fleeting
    with copy.app_context():
        outage()
        client = copy.test_client()
        assert client.get("/privacy").status_code == 200
        response = client.post(
            "/login", data={"csrf_token": csrf_token(client, "/login"), "email": "a@example.org", "password": "x"}
        )
        _assert_outage_page(response)
