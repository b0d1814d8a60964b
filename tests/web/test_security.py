"""Headers, error pages, CSRF and redirects: the baseline every page inherits."""

from __future__ import annotations

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, submit
from volunteers import create_app
from volunteers.extensions import db
from volunteers.models import User


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_headers_on_a_page_and_on_404(client):
    _assert_security_headers(client.get("/"))
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    _assert_security_headers(response)
    page = response.get_data(as_text=True)
    assert '<main id="main"' in page  # in the site layout
    assert "Seite nicht gefunden" in page or "Page not found" in page


def test_405_and_400_are_pages_in_the_layout(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert '<main id="main"' in response.get_data(as_text=True)
    _assert_security_headers(response)


def test_500_is_a_page_without_traceback_and_with_headers(database_url, tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_FILE_DIR": str(tmp_path)})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    broken = Blueprint("broken", __name__)

    @broken.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    app.register_blueprint(broken)
    # The test route is public only for this throwaway app.
    from volunteers.web.security import access

    original = access.PUBLIC_ENDPOINTS
    access.PUBLIC_ENDPOINTS = original | {"broken.boom"}
    try:
        response = app.test_client().get("/boom")
    finally:
        access.PUBLIC_ENDPOINTS = original
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "secret internal detail" not in page
    assert "Traceback" not in page
    assert '<main id="main"' in page
    _assert_security_headers(response)


def test_a_post_without_csrf_token_changes_nothing_and_keeps_the_typed_values(ctx, client):
    data = {
        "given_name": "Hanna",
        "family_name": "Yilmaz",
        "email": "hanna@example.org",
        "password": "a long enough password",
        "password_repeat": "a long enough password",
        "locale": "de",
        "privacy": "y",
    }
    response = client.post("/register/volunteer", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Hanna"' in page and 'value="hanna@example.org"' in page
    assert "Formular" in page  # the translated CSRF message
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_wrong_csrf_token_changes_nothing(ctx, client, login):
    coordinator = factories.coordinator()
    target = factories.volunteer()
    login(client, coordinator)
    response = client.post(f"/coordinator/accounts/{target.id}/deactivate", data={"csrf_token": "forged"})
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(User, target.id).active is True


def test_logout_without_token_keeps_the_session(ctx, client, login):
    login(client, factories.volunteer())
    client.post("/logout")
    assert client.get("/volunteer/").status_code == 200


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil.example"],
)
def test_next_after_login_stays_on_this_site(ctx, client, target):
    user = factories.volunteer()
    response = submit(client, "/login", {"email": user.email, "password": factories.PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/volunteer/"


def test_next_after_login_follows_a_local_path(ctx, client):
    user = factories.coordinator()
    response = submit(
        client, "/login", {"email": user.email, "password": factories.PASSWORD, "next": "/coordinator/outbox"}
    )
    assert response.headers["Location"] == "/coordinator/outbox"


def test_session_cookie_is_httponly_and_samesite(ctx, client):
    user = factories.volunteer()
    response = submit(client, "/login", {"email": user.email, "password": factories.PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    # "Stay logged in" is the session cookie kept (web/sessions.py), not a second cookie.
    assert not any(c.startswith("remember_token=") for c in cookies)


def test_cookies_are_secure_when_served_over_https(database_url, tmp_path):
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "BASE_URL": "https://wir.example", "MAIL_FILE_DIR": str(tmp_path)},
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_csrf_token_does_not_expire_within_a_session(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_pages_are_not_cached(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_csrf_token_helper_reads_the_rendered_token(client):
    assert len(csrf_token(client, "/login")) > 20


def test_403_is_a_page_in_the_layout(ctx, client, login):
    login(client, factories.volunteer())
    response = client.get("/coordinator/", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert '<main id="main"' in response.get_data(as_text=True)
    _assert_security_headers(response)


def test_413_is_a_page_in_the_layout(client, app):
    too_big = "a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data={"email": too_big}, headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert "Upload too large" in response.get_data(as_text=True)
    _assert_security_headers(response)


def test_odd_page_numbers_and_huge_ids_are_not_errors(ctx, client, login):
    login(client, factories.coordinator())
    for path in [
        "/coordinator/outbox?page=-3",
        "/coordinator/outbox?page=x&status=nonsense",
        "/coordinator/accounts?page=10000000000000000000000",
    ]:
        assert client.get(path, follow_redirects=True).status_code == 200, path
    assert client.get("/coordinator/organisations/99999999999999999999").status_code == 404
    assert client.get("/coordinator/organisations/2147483648").status_code == 404


def test_nul_bytes_are_a_400_not_a_database_error(ctx, client, login):
    assert submit(client, "/login", {"email": "a\x00@example.org", "password": "x"}).status_code == 400
    login(client, factories.coordinator())
    assert client.get("/coordinator/organisations?status=%00").status_code == 400
    assert submit(client, "/coordinator/accounts", {"q": "x\x00y"}).status_code == 400


def test_a_bad_csrf_token_on_an_unknown_record_is_a_404_not_a_500(ctx, client, login):
    admin, _ = factories.organisation_user()
    _, theirs = factories.organisation_user()
    login(client, factories.coordinator())
    response = client.post("/coordinator/organisations/424242/approve", data={"csrf_token": "forged"})
    assert response.status_code == 404
    other = client.application.test_client()
    login(other, admin)
    response = other.post(f"/organisation/{theirs.id}/invite", data={"csrf_token": "forged", "email": "x@example.org"})
    assert response.status_code == 404


def test_the_log_filter_redacts_gunicorn_access_lines_and_app_errors(app):
    import logging

    from volunteers import RedactTokens

    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s',
        {"h": "203.0.113.1", "r": "GET /confirm/SuperSecretToken123 HTTP/1.1", "s": "200"},
        None,
    )
    assert RedactTokens().filter(record)
    line = record.getMessage()
    assert "SuperSecretToken123" not in line and "/confirm/[redacted]" in line and "203.0.113.1" in line
    assert any(isinstance(f, RedactTokens) for f in app.logger.filters)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


def test_hsts_over_https_only(database_url, tmp_path, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "BASE_URL": "https://wir.example", "MAIL_FILE_DIR": str(tmp_path)},
    )
    assert "max-age=" in app.test_client().get("/").headers["Strict-Transport-Security"]


def test_a_proxy_without_proxy_count_is_reported_once(app, client, caplog):
    import logging

    app.extensions.pop("volunteers.proxy_warned", None)
    with caplog.at_level(logging.WARNING):
        client.get("/", headers={"X-Forwarded-For": "203.0.113.5"})
        client.get("/", headers={"X-Forwarded-For": "203.0.113.6"})
    assert sum("PROXY_COUNT" in record.getMessage() for record in caplog.records) == 1


def test_proxy_fix_gives_the_client_address_behind_one_proxy(database_url, tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_COUNT": 1, "MAIL_FILE_DIR": str(tmp_path)}
    )
    seen = {}

    @app.before_request
    def capture():
        from volunteers.web.security.links import client_address

        seen["client"] = client_address()

    app.test_client().get("/", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert seen["client"] == "203.0.113.7"


def test_translated_messages_with_user_input_are_escaped(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context():
        message = lazy_gettext("Unknown place “%(value)s”.", value="<script>alert(1)</script>")
        page = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in page and "&lt;script&gt;" in page
