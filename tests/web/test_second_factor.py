"""Two-step login with an authenticator app (the codes are made here as a phone makes them,
with pyotp) and recovery codes; required for coordinators where the county says so."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, submit
from tests.smtp import body_text
from volunteers.extensions import db
from volunteers.models import AuditEvent, User
from volunteers.services import throttle

CODES = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


def _set_up(client, password: str = factories.PASSWORD) -> tuple[pyotp.TOTP, list[str]]:
    """Sets up two-step login through the pages, as a person with a phone does."""
    started = submit(
        client,
        "/account/second-factor/start",
        {"start-current_password": password},
        page="/account/second-factor/setup",
    )
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    page = client.get("/account/second-factor/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    done = submit(client, "/account/second-factor/setup", {"code": totp.now()})
    assert done.status_code == 200
    codes = CODES.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    return totp, codes


def _password_step(client, user, **kwargs):
    return submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}, **kwargs)


def _code_step(client, code: str, **kwargs):
    return submit(client, "/login/code", {"code": code}, **kwargs)


def _next_code(totp: pyotp.TOTP) -> str:
    """A code of a later time step (the app's next one), so it has not been used yet."""
    return totp.at(time.time() + 30)


def test_a_volunteer_sets_it_up_and_then_the_password_alone_does_not_log_in(ctx, app, client, login, deliver):
    user = factories.volunteer(locale="en")
    login(client, user)
    assert "Set up two-step login" in client.get("/account/security").get_data(as_text=True)
    started = submit(client, "/account/second-factor/start", {"start-current_password": factories.PASSWORD})
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    wrong = submit(client, "/account/second-factor/setup", {"code": "000000"})
    assert wrong.status_code == 400 and 'id="code-error"' in wrong.get_data(as_text=True)
    empty = submit(client, "/account/second-factor/setup", {"code": ""})
    assert empty.status_code == 400 and 'id="code-error"' in empty.get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    done = submit(client, "/account/second-factor/setup", {"code": pyotp.TOTP(secret).now()})
    assert len(CODES.findall(done.get_data(as_text=True))) == 10
    deliver()
    submit(client, "/logout", page="/volunteer/")

    fresh = app.test_client()
    step = _password_step(fresh, user)
    assert step.status_code == 302 and step.headers["Location"] == "/login/code"
    assert fresh.get("/volunteer/").status_code == 302  # not logged in yet
    wrong_code = _code_step(fresh, "123456", headers={"Accept-Language": "en"})
    assert 'id="code-error"' in wrong_code.get_data(as_text=True)
    assert _code_step(fresh, _next_code(pyotp.TOTP(secret))).headers["Location"] == "/volunteer/"
    assert fresh.get("/volunteer/").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == user.id)).all()
    assert "account.second_factor_enabled" in actions and "account.second_factor_failed" in actions


def test_a_code_works_once(ctx, app, client, login):
    user = factories.volunteer()
    login(client, user)
    totp, _codes = _set_up(client)
    code = _next_code(totp)
    first = app.test_client()
    _password_step(first, user)
    assert _code_step(first, code).status_code == 302
    second = app.test_client()
    _password_step(second, user)
    replay = _code_step(second, code)
    assert replay.status_code == 200 and 'id="code-error"' in replay.get_data(as_text=True)


def test_recovery_codes_log_in_once_each(ctx, app, client, login):
    user = factories.volunteer(locale="en")
    login(client, user)
    _totp, codes = _set_up(client)
    lost_phone = app.test_client()
    _password_step(lost_phone, user)
    assert _code_step(lost_phone, codes[0].upper()).status_code == 302  # typed in capitals: fine
    page = lost_phone.get("/account/security").get_data(as_text=True)
    assert "9 recovery codes are left." in page
    again = app.test_client()
    _password_step(again, user)
    assert _code_step(again, codes[0]).status_code == 200


def test_the_second_step_is_throttled_and_the_password_does_not_reset_the_count(ctx, app, client, login):
    user = factories.volunteer()
    login(client, user)
    totp, _codes = _set_up(client)
    guesser = app.test_client()
    _password_step(guesser, user)
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures):
        assert _code_step(guesser, "000000").status_code == 200
    blocked = _code_step(guesser, "000000")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    # Entering the (known) password again does not start the count afresh.
    _password_step(guesser, user)
    assert _code_step(guesser, _next_code(totp)).status_code == 429


def test_the_second_step_must_follow_the_password_soon(ctx, client, login):
    user = factories.volunteer()
    login(client, user)
    totp, _codes = _set_up(client)
    submit(client, "/logout", page="/volunteer/")
    _password_step(client, user)
    token = csrf_token(client, "/login/code")  # the page is opened, then left for six minutes
    with client.session_transaction() as session:
        session["second_step"] = {**session["second_step"], "at": time.time() - 6 * 60}
    late = client.post("/login/code", data={"code": _next_code(totp), "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert client.get("/volunteer/").status_code == 302


def test_renewing_codes_and_turning_it_off_need_the_password(ctx, client, login, deliver, smtp_server):
    user = factories.volunteer(locale="en")
    login(client, user)
    _totp, old_codes = _set_up(client)
    wrong = submit(client, "/account/second-factor/recovery-codes", {"renew-current_password": "not the password"})
    assert wrong.status_code == 400 and 'id="renew-current_password-error"' in wrong.get_data(as_text=True)
    renewed = submit(client, "/account/second-factor/recovery-codes", {"renew-current_password": factories.PASSWORD})
    new_codes = CODES.findall(renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)

    refused = submit(client, "/account/second-factor/disable", {"disable-current_password": "not the password"})
    assert refused.status_code == 400 and 'id="disable-current_password-error"' in refused.get_data(as_text=True)
    assert (
        submit(client, "/account/second-factor/disable", {"disable-current_password": factories.PASSWORD}).status_code
        == 302
    )
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_second_factor
    deliver()
    subjects = [mail["Subject"] for mail in smtp_server.to(user.email)]
    assert subjects.count("Two-step login of your account has changed") == 3
    assert "turned off" in body_text(smtp_server.to(user.email)[-1])


def test_a_session_left_open_cannot_tie_the_account_to_a_strangers_phone(ctx, client, login):
    user = factories.volunteer()
    login(client, user)
    refused = submit(client, "/account/second-factor/start", {"start-current_password": "a guess at it"})
    assert refused.status_code == 400 and 'id="start-current_password-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_pending_secret is None


def test_coordinators_set_it_up_before_anything_else_when_required(ctx, app, client, other_client, login, monkeypatch):
    monkeypatch.setitem(app.config, "COORDINATOR_SECOND_FACTOR", "required")
    coordinator = factories.coordinator(locale="en")
    login(client, coordinator)
    for path in ("/coordinator/", "/coordinator/volunteers", "/account/security", "/password/change"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/second-factor/setup", path
    page = client.get("/account/second-factor/setup").get_data(as_text=True)
    assert "requires two-step login" in page
    # Volunteers are not asked.
    login(other_client, factories.volunteer())
    assert other_client.get("/volunteer/").status_code == 200

    _set_up(client)
    assert client.get("/coordinator/").status_code == 200
    off = submit(client, "/account/second-factor/disable", {"disable-current_password": factories.PASSWORD})
    assert off.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).has_second_factor


def test_a_coordinator_resets_another_accounts_second_factor(ctx, app, client, login, deliver, smtp_server):
    person = factories.coordinator(locale="en")
    theirs = app.test_client()
    login(theirs, person)
    _set_up(theirs)
    helper = factories.coordinator()
    login(client, helper)
    assert "second-factor" in client.get("/coordinator/accounts").get_data(as_text=True)
    confirm = client.get(f"/coordinator/accounts/{person.id}/second-factor")
    assert confirm.status_code == 200
    done = submit(client, f"/coordinator/accounts/{person.id}/second-factor")
    assert done.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, person.id).has_second_factor
    assert theirs.get("/coordinator/").status_code == 302  # every session of the account ended
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.second_factor_reset"))
    assert event.actor_id == helper.id and event.subject_user_id == person.id
    deliver()
    assert "coordinator of the centre has turned off" in body_text(smtp_server.to(person.email)[-1])
    # Their own account is not reset this way, and unknown ids are 404.
    assert client.get(f"/coordinator/accounts/{helper.id}/second-factor").status_code == 404
    assert client.get("/coordinator/accounts/999999/second-factor").status_code == 404
    volunteer = factories.volunteer()
    login(app.test_client(), volunteer)
    assert client.get(f"/coordinator/accounts/{volunteer.id}/second-factor").status_code == 404


@pytest.mark.parametrize(("profile", "expected"), [("ProductionConfig", "required"), ("DevelopmentConfig", "optional")])
def test_the_default_is_required_in_production_and_optional_in_the_demo(profile, expected):
    import os

    import config

    assert "COORDINATOR_SECOND_FACTOR" not in os.environ
    assert expected == getattr(config, profile).COORDINATOR_SECOND_FACTOR
