"""Rate limits on everything that sends mail or hashes a password: per client, per account
and overall, counted in the database before any hashing or mail; a 429 keeps the form."""

from __future__ import annotations

import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, form_tokens, submit
from tests.smtp import body_html, body_text
from volunteers.extensions import db
from volunteers.models import OutboxMessage, User
from volunteers.services import rate_limits
from volunteers.services.rate_limits import Action, Limit


def _registration(number: int, **changes) -> dict:
    data = {
        "given_name": "Hanna",
        "family_name": "Yilmaz",
        "email": f"person{number}@example.org",
        "password": "a long enough password",
        "password_repeat": "a long enough password",
        "locale": "en",
        "privacy": "y",
    }
    data.update(changes)
    return data


@pytest.fixture
def small_limits(monkeypatch):
    """The real limits are sized for a county; the same rules with small numbers."""

    def set_limit(action: Action, **values) -> Limit:
        limit = Limit(**{**rate_limits.LIMITS[action].__dict__, **values})
        monkeypatch.setitem(rate_limits.LIMITS, action, limit)
        return limit

    return set_limit


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Counts Argon2 hashes (the real ones still run)."""
    made: list[str] = []
    original = PasswordHasher.hash

    def counting_hash(self, password, *args, **kwargs):
        made.append(password)
        return original(self, password, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    return made


def _outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_registrations_from_one_client_stop_before_hashing_or_mail(ctx, client, small_limits, hashes):
    limit = small_limits(Action.REGISTER, per_client=3)
    for number in range(limit.per_client):
        assert submit(client, "/register/volunteer", _registration(number)).status_code == 302
    assert len(hashes) == limit.per_client and _outbox_count() == limit.per_client

    refused = submit(
        client,
        "/register/volunteer",
        _registration(99, given_name="Zeynep"),
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    page = refused.get_data(as_text=True)
    assert "Too many attempts from your network or account. Please try again at" in page
    assert '<main id="main"' in page  # the site's layout
    # What was typed is kept, except the password.
    assert 'value="Zeynep"' in page and 'value="person99@example.org"' in page
    assert "a long enough password" not in page
    # Nothing was hashed, stored or mailed for it.
    assert len(hashes) == limit.per_client and _outbox_count() == limit.per_client
    assert db.session.scalar(select(User).where(User.email == "person99@example.org")) is None


def test_the_overall_limit_holds_across_clients(ctx, app, small_limits):
    limit = small_limits(Action.REGISTER, per_client=10, overall=4)
    statuses = []
    for number in range(limit.overall + 2):
        visitor = app.test_client()
        statuses.append(
            submit(
                visitor,
                "/register/volunteer",
                _registration(number),
                environ_base={"REMOTE_ADDR": f"198.51.100.{number + 1}"},
            ).status_code
        )
    assert statuses == [302] * limit.overall + [429, 429]


def test_a_client_over_its_limit_does_not_use_up_everyone_elses(ctx, app, small_limits):
    small_limits(Action.REGISTER, per_client=2, overall=4)
    noisy = app.test_client()
    for number in range(10):
        submit(noisy, "/register/volunteer", _registration(number), environ_base={"REMOTE_ADDR": "203.0.113.5"})
    quiet = app.test_client()
    response = submit(quiet, "/register/volunteer", _registration(50), environ_base={"REMOTE_ADDR": "203.0.113.6"})
    assert response.status_code == 302


def test_a_captured_registration_cannot_be_replayed(ctx, app, client):
    def outbox_count() -> int:
        db.session.expire_all()
        return db.session.scalar(select(func.count(OutboxMessage.id)))

    tokens = form_tokens(client, "/register/volunteer")
    cookie = client.get_cookie("session").value
    first = client.post("/register/volunteer", data={**_registration(1), **tokens})
    assert first.status_code == 302
    mails = outbox_count()

    replay = app.test_client()
    replay.set_cookie("session", cookie)  # the cookie as it was when the form was taken
    english = {"Accept-Language": "en"}
    # The captured request again, with another address: its key was spent, nothing is created.
    again = replay.post("/register/volunteer", data={**_registration(2), **tokens}, headers=english)
    assert again.status_code == 302 and again.headers["Location"].endswith("/registered")
    # A key made up by the sender is not one of the server's: the form comes back, typed data kept.
    forged = {**tokens, "submission_key": "A" * 22 + "." + "B" * 22}
    made_up = replay.post("/register/volunteer", data={**_registration(3), **forged}, headers=english)
    assert "This form is out of date" in made_up.get_data(as_text=True)
    assert 'value="person3@example.org"' in made_up.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert outbox_count() == mails  # and no mail went out for either


def test_confirmation_mails_carry_no_text_a_stranger_typed(ctx, client, deliver, smtp_server):
    spam = "Gewinn! Jetzt http://spam.example/x"
    submit(client, "/register/volunteer", _registration(1, given_name=spam, family_name="Bonus"))
    # Registering the same address again mails its (unconfirmed) owner: without the name either.
    submit(client, "/register/volunteer", _registration(1, given_name="Other"))
    submit(client, "/password/forgot", {"email": "person1@example.org"})
    deliver()
    mails = smtp_server.to("person1@example.org")
    assert len(mails) == 3
    for mail in mails:
        for body in (body_text(mail), body_html(mail)):
            assert "Gewinn" not in body and "spam.example" not in body and "Bonus" not in body


def test_password_reset_mails_are_limited_per_client_and_keep_the_address(ctx, client, small_limits):
    limit = small_limits(Action.MAIL_LINK, per_client=2)
    for _ in range(limit.per_client):
        assert submit(client, "/password/forgot", {"email": "someone@example.org"}).status_code == 200
    refused = submit(client, "/password/forgot", {"email": "someone@example.org"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert 'value="someone@example.org"' in refused.get_data(as_text=True)


def test_password_changes_are_limited_per_account(ctx, client, login, small_limits, hashes):
    user = factories.volunteer()
    login(client, user)
    limit = small_limits(Action.PASSWORD_CHECK, per_account=2)
    wrong = {
        "current_password": "not it at all",
        "password": "a brand new password",
        "password_repeat": "a brand new password",
    }
    for _ in range(limit.per_account):
        assert submit(client, "/password/change", wrong).status_code == 200
    refused = submit(client, "/password/change", wrong, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "Bitte versuchen Sie es um" in refused.get_data(as_text=True)  # in the account's language


def test_setting_a_password_from_a_reset_link_is_limited(ctx, client, small_limits):
    from volunteers.models import TokenPurpose
    from volunteers.services import tokens

    user = factories.volunteer()
    link = f"/password/reset/{tokens.issue(TokenPurpose.RESET_PASSWORD, user=user)}"
    db.session.commit()
    small_limits(Action.NEW_PASSWORD, per_client=1)
    mismatch = {"password": "the new secret phrase", "password_repeat": "the new secret phrase"}
    assert submit(client, "/password/reset/not-a-real-token-at-all", mismatch).status_code == 410
    refused = submit(client, link, mismatch)
    assert refused.status_code == 429


def test_invitations_by_coordinators_are_limited(ctx, client, login, small_limits):
    login(client, factories.coordinator())
    small_limits(Action.INVITATION, per_account=1)
    data = {"given_name": "Jana", "family_name": "Koch", "email": "jana@example.org", "locale": "en"}
    assert submit(client, "/coordinator/invitations", data).status_code == 302
    refused = submit(client, "/coordinator/invitations", {**data, "email": "jan@example.org"})
    assert refused.status_code == 429
    assert 'value="jan@example.org"' in refused.get_data(as_text=True)


def test_invitations_by_organisation_admins_are_limited(ctx, client, login, small_limits):
    admin, organisation = factories.organisation_user()
    login(client, admin)
    small_limits(Action.INVITATION, per_account=1)
    url = f"/organisation/{organisation.id}/invite"
    data = {"given_name": "Jana", "family_name": "Koch", "email": "jana@example.org", "locale": "en"}
    assert submit(client, url, data, page=f"/organisation/{organisation.id}").status_code == 302
    refused = submit(client, url, {**data, "email": "jan@example.org"}, page=f"/organisation/{organisation.id}")
    assert refused.status_code == 429
    assert 'value="jan@example.org"' in refused.get_data(as_text=True)


def test_parallel_requests_are_all_counted(ctx, app, small_limits):
    limit = small_limits(Action.MAIL_LINK, per_client=3)
    clients = [app.test_client() for _ in range(6)]
    tokens = [csrf_token(c, "/password/forgot") for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(visitor, token):
        try:
            barrier.wait(timeout=30)
            response = visitor.post(
                "/password/forgot",
                data={"email": "target@example.org", "csrf_token": token},
                environ_base={"REMOTE_ADDR": "198.51.100.77"},
            )
            statuses.append(response.status_code)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(statuses) == [200] * limit.per_client + [429] * (len(clients) - limit.per_client)


def test_counters_are_deleted_once_their_window_has_ended(ctx):
    from datetime import timedelta

    from volunteers.db_types import utcnow
    from volunteers.jobs import purge_expired
    from volunteers.models import RateLimitCounter

    now = utcnow()
    rate_limits.hit(Action.REGISTER, client="192.0.2.1", now=now)
    rate_limits.spend_form_token("some.form.token", now=now)
    db.session.commit()
    purge_expired(now)
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 3
    purge_expired(now + rate_limits.FORM_TOKEN_AGE + timedelta(seconds=1))
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0
