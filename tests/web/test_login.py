"""Logging in and out, throttling, password reset by mail and password change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, submit, without_csrf_tokens
from tests.mailbox import path_of_link
from tests.smtp import body_text
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import ActionToken, AuditEvent, LoginThrottle, User
from volunteers.services import throttle


def _attempt(client, email, password="wrong password!"):
    return submit(
        client, "/login", {"email": email, "password": password}, page="/login", headers={"Accept-Language": "en"}
    )


def test_wrong_password_and_unknown_address_give_the_same_answer(ctx, client):
    user = factories.volunteer()
    wrong = _attempt(client, user.email)
    unknown = _attempt(client, "nobody@example.org")
    assert wrong.status_code == unknown.status_code == 200
    assert "The email address or the password is not correct." in wrong.get_data(as_text=True)

    def strip(page: str) -> str:
        return without_csrf_tokens(page).replace(user.email, "ADDRESS").replace("nobody@example.org", "ADDRESS")

    # The same page, byte for byte, apart from the address typed in.
    assert strip(wrong.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    # The password is never sent back.
    assert "wrong password!" not in wrong.get_data(as_text=True)
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.login_failed")).all()
    assert {event.subject_user_id for event in failed} == {user.id, None}


def test_failures_bring_a_growing_delay_and_a_429_page_for_known_and_unknown_addresses(ctx, client):
    user = factories.volunteer()
    for email in (user.email, "nobody@example.org"):
        for _ in range(throttle.EMAIL_AND_CLIENT.free_failures):
            assert _attempt(client, email).status_code == 200
        blocked = _attempt(client, email)
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) >= 1
        assert '<main id="main"' in blocked.get_data(as_text=True)
    # Even the right password waits while the delay runs.
    assert _attempt(client, user.email, factories.PASSWORD).status_code == 429


def test_the_delay_grows_and_is_capped(ctx):
    policy = throttle.EMAIL_AND_CLIENT
    delays = [policy.delay(n) for n in range(1, 30)]
    assert delays[: policy.free_failures - 1] == [timedelta(0)] * (policy.free_failures - 1)
    growing = [d for d in delays if d]
    assert growing == sorted(growing)
    assert max(growing) == policy.max_delay == timedelta(minutes=15)


def test_a_stranger_cannot_lock_someone_out_from_another_client(ctx, app):
    user = factories.coordinator()
    attacker = app.test_client()
    for _ in range(10):
        submit(
            attacker,
            "/login",
            {"email": user.email, "password": "guess guess"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    assert (
        submit(
            attacker,
            "/login",
            {"email": user.email, "password": factories.PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        ).status_code
        == 429
    )
    owner = app.test_client()
    response = submit(
        owner,
        "/login",
        {"email": user.email, "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302


def test_a_stranger_on_the_same_network_cannot_lock_out_a_known_browser(ctx, app):
    owner = factories.coordinator()
    shared = {"REMOTE_ADDR": "192.0.2.50"}  # one address for a whole office behind NAT
    browser = app.test_client()
    assert (
        submit(
            browser, "/login", {"email": owner.email, "password": factories.PASSWORD}, environ_base=shared
        ).status_code
        == 302
    )
    assert browser.get_cookie("known_device") is not None
    submit(browser, "/logout", page="/coordinator/", environ_base=shared)

    stranger = app.test_client()
    for number in range(throttle.CLIENT.free_failures + 2):
        submit(
            stranger, "/login", {"email": f"guess{number}@example.org", "password": "guess guess"}, environ_base=shared
        )
    for email in (owner.email, "anyone@example.org"):
        locked = submit(stranger, "/login", {"email": email, "password": "guess guess"}, environ_base=shared)
        assert locked.status_code == 429

    # The owner's browser counts on its own bucket.
    back = submit(browser, "/login", {"email": owner.email, "password": factories.PASSWORD}, environ_base=shared)
    assert back.status_code == 302


def test_a_forged_device_cookie_counts_for_nothing(ctx, app):
    owner = factories.coordinator()
    shared = {"REMOTE_ADDR": "192.0.2.60"}
    attacker = app.test_client()
    attacker.set_cookie("known_device", "forged.value.here")
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures):
        submit(attacker, "/login", {"email": owner.email, "password": "guess guess"}, environ_base=shared)
    blocked = submit(attacker, "/login", {"email": owner.email, "password": "guess guess"}, environ_base=shared)
    assert blocked.status_code == 429


def test_the_429_page_keeps_the_typed_address(ctx, client):
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures):
        _attempt(client, "typed@example.org")
    blocked = _attempt(client, "typed@example.org")
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert 'value="typed@example.org"' in page
    assert "Too many attempts" in page


def test_parallel_failures_are_all_counted_without_errors(ctx, app):
    import threading

    results: list[int] = []
    errors: list[BaseException] = []
    clients = [app.test_client() for _ in range(6)]
    tokens = [csrf_token(c, "/login") for c in clients]
    barrier = threading.Barrier(len(clients))

    def attempt(client, token):
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/login",
                data={"email": "target@example.org", "password": "wrong password", "csrf_token": token},
                environ_base={"REMOTE_ADDR": "198.51.100.99"},
            )
            results.append(response.status_code)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(set(results)) <= [200, 429]
    db.session.commit()
    counts = db.session.scalars(select(LoginThrottle.failures)).all()
    assert sum(counts) >= 2 * results.count(200)


def test_throttle_records_hold_no_address(ctx, client):
    _attempt(client, "someone@example.org")
    keys = db.session.scalars(select(LoginThrottle.key)).all()
    assert keys and all("someone" not in key and "127.0.0.1" not in key for key in keys)


def test_a_successful_login_clears_the_count(ctx, client):
    user = factories.volunteer()
    _attempt(client, user.email)
    _attempt(client, user.email)
    assert submit(client, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 302
    submit(client, "/logout", page="/volunteer/")
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures - 1):
        assert _attempt(client, user.email).status_code == 200


def test_a_deactivated_account_cannot_log_in(ctx, client):
    user = factories.volunteer(active=False)
    response = submit(client, "/login", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert client.get("/volunteer/").status_code == 302


def test_logout_is_a_post_and_ends_every_session_remember_me_included(ctx, app, login):
    user = factories.volunteer()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user, remember=True)
    login(phone, user, remember=True)
    # "Stay logged in" keeps the signed session cookie when the browser closes.
    remembered = laptop.get_cookie("session")
    assert remembered is not None and remembered.expires is not None

    assert laptop.get("/logout").status_code == 405
    response = submit(laptop, "/logout", page="/volunteer/")
    assert response.headers["Location"] == "/login"
    assert laptop.get("/volunteer/").status_code == 302
    assert phone.get("/volunteer/").status_code == 302

    # A copied cookie does not bring the session back either.
    thief = app.test_client()
    thief.set_cookie("session", remembered.value)
    assert thief.get("/volunteer/").status_code == 302


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(ctx, app, login, deliver, smtp_server):
    user = factories.volunteer()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user, remember=True)
    wrong = submit(
        here,
        "/password/change",
        {
            "current_password": "not it at all",
            "password": "a brand new password",
            "password_repeat": "a brand new password",
        },
    )
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)

    response = submit(
        here,
        "/password/change",
        {
            "current_password": factories.PASSWORD,
            "password": "a brand new password",
            "password_repeat": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert here.get("/volunteer/").status_code == 200
    assert elsewhere.get("/volunteer/").status_code == 302
    deliver()
    [mail] = smtp_server.to(user.email)
    assert "/password/forgot" in body_text(mail)

    fresh = app.test_client()
    assert submit(fresh, "/login", {"email": user.email, "password": factories.PASSWORD}).status_code == 200
    assert submit(fresh, "/login", {"email": user.email, "password": "a brand new password"}).status_code == 302


def test_password_reset_by_mail_link(ctx, app, client, login, deliver, smtp_server):
    user = factories.volunteer(email="reset.me@example.org")
    other_session = app.test_client()
    login(other_session, user)

    unknown = submit(client, "/password/forgot", {"email": "nobody@example.org"})
    known = submit(client, "/password/forgot", {"email": "Reset.Me@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert without_csrf_tokens(unknown.get_data(as_text=True)) == without_csrf_tokens(known.get_data(as_text=True))
    deliver()
    assert smtp_server.to("nobody@example.org") == []
    [mail] = smtp_server.to(user.email)
    link = path_of_link(mail, "/password/reset/")

    # Opening the link shows the form and uses nothing up.
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    short = submit(client, link, {"password": "short", "password_repeat": "short"})
    assert 'id="password-error"' in short.get_data(as_text=True)

    done = submit(client, link, {"password": "the new secret phrase", "password_repeat": "the new secret phrase"})
    assert done.headers["Location"] == "/login"
    assert other_session.get("/volunteer/").status_code == 302  # every session ended
    assert (
        submit(client, link, {"password": "yet another phrase", "password_repeat": "yet another phrase"}).status_code
        == 410
    )
    assert submit(client, "/login", {"email": user.email, "password": "the new secret phrase"}).status_code == 302


def test_a_reset_link_expires_after_an_hour(ctx, client, deliver, smtp_server):
    user = factories.volunteer()
    submit(client, "/password/forgot", {"email": user.email})
    deliver()
    link = path_of_link(smtp_server.to(user.email)[0], "/password/reset/")
    token = db.session.scalar(select(ActionToken))
    assert token.expires_at - token.created_at == timedelta(hours=1)
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(link).status_code == 410
    response = submit(client, "/password/forgot", {"email": user.email}, page="/password/forgot")
    assert response.status_code == 200
    refused = client.post(
        link,
        data={
            "password": "the new secret phrase",
            "password_repeat": "the new secret phrase",
            "csrf_token": csrf_token(client, "/password/forgot"),
        },
    )
    assert refused.status_code == 410
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_reset_mails_are_limited_so_nobody_floods_a_mailbox(ctx, client, deliver, smtp_server):
    user = factories.volunteer()
    for _ in range(5):
        submit(client, "/password/forgot", {"email": user.email})
    deliver()
    assert len(smtp_server.to(user.email)) == 1


def test_a_reset_ends_the_other_open_reset_links(ctx, client, deliver, smtp_server):
    user = factories.volunteer()
    from volunteers.models import TokenPurpose
    from volunteers.services import tokens

    first = tokens.issue(TokenPurpose.RESET_PASSWORD, user=user)
    second = tokens.issue(TokenPurpose.RESET_PASSWORD, user=user)
    db.session.commit()
    submit(
        client,
        f"/password/reset/{first}",
        {"password": "the new secret phrase", "password_repeat": "the new secret phrase"},
    )
    assert client.get(f"/password/reset/{second}").status_code == 410


def test_signed_in_users_are_sent_home_from_the_login(ctx, client, login):
    login(client, factories.coordinator())
    assert client.get("/login").headers["Location"] == "/coordinator/"
    assert client.get("/").headers["Location"] == "/home"


def _recorded_volunteer(email: str) -> User:
    """A volunteer the centre recorded (or imported): an account with no password yet."""
    account = factories.volunteer(email=email)
    account.password_hash = None
    db.session.commit()
    return account


def test_an_account_without_a_password_answers_like_a_wrong_password(ctx, client, monkeypatch):
    from argon2 import PasswordHasher

    recorded = _recorded_volunteer("recorded@example.org")
    verifications: list[str] = []
    original = PasswordHasher.verify

    def counting_verify(self, hash, password):
        verifications.append(password)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    no_password = _attempt(client, recorded.email, "any password at all")
    unknown = _attempt(client, "nobody@example.org", "any password at all")
    assert no_password.status_code == unknown.status_code == 200

    def strip(page: str) -> str:
        return without_csrf_tokens(page).replace(recorded.email, "ADDRESS").replace("nobody@example.org", "ADDRESS")

    assert strip(no_password.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    # An Argon2 verification ran for both, so neither answers faster than a wrong password.
    assert verifications == ["any password at all", "any password at all"]
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.login_failed")).all()
    assert recorded.id in {event.subject_user_id for event in failed}


def test_an_account_without_a_password_is_throttled_like_any_other(ctx, client):
    recorded = _recorded_volunteer("recorded2@example.org")
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures):
        assert _attempt(client, recorded.email).status_code == 200
    assert _attempt(client, recorded.email).status_code == 429


def test_a_stranger_on_a_shared_network_cannot_keep_an_owner_out(ctx, app, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org", locale="en")
    shared = {"REMOTE_ADDR": "192.0.2.70"}  # a shelter's network: one address for everyone
    stranger = app.test_client()

    def fail(email: str):
        submit(stranger, "/login", {"email": email, "password": "guess guess"}, environ_base=shared)

    for number in range(throttle.CLIENT.free_failures + 2):
        fail(f"guess{number}@example.org")
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures + 1):
        fail(owner.email)

    # The owner, on a computer there without the device cookie, is held up ...
    browser = app.test_client()
    right = {"email": owner.email, "password": factories.PASSWORD}
    blocked = submit(browser, "/login", right, environ_base=shared, headers={"Accept-Language": "en"})
    assert blocked.status_code == 429
    assert 'href="/login/unlock"' in blocked.get_data(as_text=True)

    # ... and asks for a link by mail; an unknown address gets the same page and no mail.
    asked = submit(browser, "/login/unlock", {"email": owner.email}, environ_base=shared)
    unknown = submit(browser, "/login/unlock", {"email": "nobody@example.org"}, environ_base=shared)
    assert asked.status_code == unknown.status_code == 200
    assert without_csrf_tokens(asked.get_data(as_text=True)) == without_csrf_tokens(unknown.get_data(as_text=True))
    deliver()
    assert smtp_server.to("nobody@example.org") == []
    [mail] = smtp_server.to(owner.email)
    link = path_of_link(mail, "/login/unlock/")
    assert browser.get(link, environ_base=shared).status_code == 200  # opening it uses nothing
    assert browser.get_cookie("known_device") is None
    let_in = submit(browser, link, environ_base=shared)
    assert let_in.status_code == 302 and let_in.headers["Location"] == "/login"
    assert browser.get_cookie("known_device") is not None

    # The stranger goes on failing; the owner's browser now counts on its own.
    for number in range(5):
        fail(f"more{number}@example.org")
        fail(owner.email)
    assert submit(browser, "/login", right, environ_base=shared).status_code == 302
    # The link worked once.
    assert submit(app.test_client(), link, environ_base=shared).status_code == 410


def test_a_password_reset_also_lets_that_browser_past_the_throttling(ctx, app, client, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org")
    shared = {"REMOTE_ADDR": "192.0.2.71"}
    stranger = app.test_client()
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures + 1):
        submit(stranger, "/login", {"email": owner.email, "password": "guess guess"}, environ_base=shared)
    submit(client, "/password/forgot", {"email": owner.email}, environ_base=shared)
    deliver()
    link = path_of_link(smtp_server.to(owner.email)[0], "/password/reset/")
    new = "a completely new phrase"
    submit(client, link, {"password": new, "password_repeat": new}, environ_base=shared)
    assert client.get_cookie("known_device") is not None
    response = submit(client, "/login", {"email": owner.email, "password": new}, environ_base=shared)
    assert response.status_code == 302
