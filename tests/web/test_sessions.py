"""How long a login lasts: an inactivity timeout, an absolute lifetime (shorter for
coordinators), "stay logged in" within that lifetime, and a logout that forgets everything."""

from __future__ import annotations

import time

from tests import factories
from tests.conftest import submit


def _age(client, *, idle_minutes: float = 0, login_hours: float = 0) -> None:
    """Makes the signed session look as if the last request was `idle_minutes` ago and the
    password was entered `login_hours` ago: a cookie written back then, as a browser keeps it."""
    now = time.time()
    with client.session_transaction() as session:
        session["seen_at"] = now - idle_minutes * 60
        session["auth_at"] = now - max(login_hours * 3600, idle_minutes * 60)


def _session_data(app, client) -> dict:
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_a_volunteer_is_logged_out_after_the_idle_time_and_told_why(ctx, app, client, login):
    login(client, factories.volunteer(locale="en"))
    idle = app.config["SESSION_IDLE_MINUTES"]
    _age(client, idle_minutes=idle - 1)
    assert client.get("/volunteer/").status_code == 200

    _age(client, idle_minutes=idle + 1)
    response = client.get("/volunteer/", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"no activity for {idle} minutes" in page
    # The old cookie no longer opens anything.
    assert client.get("/volunteer/").status_code == 302


def test_a_login_ends_at_its_absolute_lifetime_even_while_in_use(ctx, app, client, login):
    login(client, factories.volunteer(locale="en"))
    lifetime = app.config["SESSION_MAX_HOURS"]
    _age(client, login_hours=lifetime - 1)
    assert client.get("/volunteer/").status_code == 200
    _age(client, login_hours=lifetime + 0.1)
    response = client.get("/volunteer/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"a login lasts at most {lifetime} hours. Please log in again" in page


def test_a_thirty_day_old_cookie_is_refused(ctx, client, login):
    login(client, factories.volunteer(), remember=True)
    _age(client, login_hours=30 * 24)
    assert client.get("/volunteer/").status_code == 302


def test_coordinators_have_shorter_limits(ctx, app, client, other_client, login):
    assert app.config["COORDINATOR_SESSION_IDLE_MINUTES"] < app.config["SESSION_IDLE_MINUTES"]
    assert app.config["COORDINATOR_SESSION_MAX_HOURS"] < app.config["SESSION_MAX_HOURS"]
    login(client, factories.coordinator())
    login(other_client, factories.volunteer())
    minutes = app.config["COORDINATOR_SESSION_IDLE_MINUTES"] + 1
    _age(client, idle_minutes=minutes)
    _age(other_client, idle_minutes=minutes)
    assert client.get("/coordinator/").status_code == 302
    assert other_client.get("/volunteer/").status_code == 200

    login(client, factories.coordinator(), remember=True)
    _age(client, login_hours=app.config["COORDINATOR_SESSION_MAX_HOURS"] + 0.1)
    assert client.get("/coordinator/").status_code == 302


def test_staying_logged_in_outlasts_idleness_but_not_the_lifetime(ctx, app, client, other_client, login):
    volunteer = factories.volunteer()
    response = login(other_client, volunteer)
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" not in session_cookie  # without it, the cookie ends with the browser

    response = login(client, volunteer, remember=True)
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" in session_cookie  # kept when the browser closes
    _age(client, idle_minutes=app.config["SESSION_IDLE_MINUTES"] * 3)
    assert client.get("/volunteer/").status_code == 200
    _age(client, login_hours=app.config["SESSION_MAX_HOURS"] + 0.1)
    assert client.get("/volunteer/").status_code == 302


def test_a_session_from_before_the_limits_existed_is_refused(ctx, client, login):
    login(client, factories.volunteer())
    with client.session_transaction() as session:
        session.pop("auth_at", None)
        session.pop("seen_at", None)
    assert client.get("/volunteer/").status_code == 302


def test_logout_forgets_the_searches_and_the_form_token(ctx, app, client, login):
    login(client, factories.coordinator(locale="en"))
    submit(client, "/coordinator/accounts", {"q": "aydin"})
    before = _session_data(app, client)
    assert before.get("searches") and before.get("csrf_token")

    submit(client, "/logout", page="/coordinator/")
    after = _session_data(app, client)
    assert "searches" not in after
    assert "csrf_token" not in after
    assert "_user_id" not in after and "auth_at" not in after
    # The language stays, so the login page speaks the user's language.
    assert after.get("locale") == "en"
    page = client.get("/login").get_data(as_text=True)
    assert before["csrf_token"] != _session_data(app, client).get("csrf_token")
    assert 'lang="en"' in page
