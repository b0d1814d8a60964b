"""Changing the address cannot take an account over: it asks for the password, the old
address hears of it (when asked and when done) with a link that stops or undoes it, and a
password change or reset ends every open link of the account. Everyone who logs in changes
their address in one place, "Login and security"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from tests.smtp import body_html, body_text
from volunteers.extensions import db
from volunteers.models import AuditEvent, User

NEW_PASSWORD = "an entirely new phrase"


def _ask(client, new_email: str, password: str = factories.PASSWORD):
    return submit(
        client,
        "/account/email",
        {"email-new_email": new_email, "email-current_password": password},
        page="/account/security",
        headers={"Accept-Language": "en"},
    )


def _email_of(user: User) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).email


def test_the_change_asks_for_the_current_password(ctx, client, login, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org", locale="en")
    login(client, owner)
    missing = submit(client, "/account/email", {"email-new_email": "thief@example.org"}, page="/account/security")
    assert missing.status_code == 400
    assert 'id="email-current_password-error"' in missing.get_data(as_text=True)

    wrong = _ask(client, "thief@example.org", "not the password")
    assert wrong.status_code == 400
    page = wrong.get_data(as_text=True)
    assert 'id="email-current_password-error"' in page and "not correct" in page
    assert 'value="thief@example.org"' in page  # what was typed is kept, but the password
    assert "not the password" not in page
    deliver()
    assert smtp_server.messages == []

    assert _ask(client, "new@example.org").status_code == 302
    deliver()
    assert len(smtp_server.to("new@example.org")) == 1


def test_the_old_address_is_told_and_can_stop_the_change(ctx, app, client, login, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org", locale="en")
    thief = app.test_client()  # a session left open on a shared computer
    login(thief, owner)
    assert _ask(thief, "thief@example.org").status_code == 302
    deliver()
    [notice] = smtp_server.to("owner@example.org")
    assert "thief@example.org" in body_text(notice)
    assert "thief@example.org" in body_html(notice)
    stop_link = path_of_link(notice, "/email/stop/")
    [confirmation] = smtp_server.to("thief@example.org")
    change_link = path_of_link(confirmation, "/email/confirm/")

    # Opening the link changes nothing (mail scanners open links); the button does.
    assert client.get(stop_link).status_code == 200
    stopped = submit(client, stop_link, headers={"Accept-Language": "en"})
    assert stopped.status_code == 302
    # The owner is taken straight to choosing a new password: the other person knew it.
    assert stopped.headers["Location"].startswith("/password/reset/")
    assert client.get(stopped.headers["Location"]).status_code == 200

    assert submit(thief, change_link).status_code == 410
    assert _email_of(owner) == "owner@example.org"
    assert thief.get("/volunteer/").status_code == 302  # every session ended
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == owner.id)).all()
    assert "account.email_change_requested" in actions and "account.email_change_stopped" in actions


def test_a_change_already_confirmed_is_undone_by_the_old_address(ctx, app, client, login, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org", locale="en")
    thief = app.test_client()
    login(thief, owner)
    _ask(thief, "thief@example.org")
    deliver()
    change_link = path_of_link(smtp_server.to("thief@example.org")[0], "/email/confirm/")
    assert submit(thief, change_link).status_code == 302
    assert _email_of(owner) == "thief@example.org"

    deliver()
    notices = smtp_server.to("owner@example.org")
    assert len(notices) == 2  # when asked and when done
    done = notices[-1]
    assert "was changed" in done["Subject"]
    undo_link = path_of_link(done, "/email/stop/")
    assert submit(client, undo_link).status_code == 302
    assert _email_of(owner) == "owner@example.org"
    assert thief.get("/volunteer/").status_code == 302
    # The old address is confirmed again by the click, and logs in.
    assert submit(client, "/login", {"email": "owner@example.org", "password": factories.PASSWORD}).status_code == 302


def test_a_password_reset_ends_every_open_link_of_the_account(ctx, app, client, login, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org")
    thief = app.test_client()
    login(thief, owner)
    _ask(thief, "thief@example.org")
    submit(client, "/password/forgot", {"email": "owner@example.org"})
    submit(app.test_client(), "/password/forgot", {"email": "owner@example.org"})  # one mail: the same link
    deliver()
    change_link = path_of_link(smtp_server.to("thief@example.org")[0], "/email/confirm/")
    reset_link = path_of_link(
        next(m for m in smtp_server.to("owner@example.org") if "/password/reset/" in body_text(m)),
        "/password/reset/",
    )
    assert submit(client, reset_link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}).status_code == 302

    assert thief.get(change_link).status_code == 410
    assert submit(thief, change_link).status_code == 410
    assert _email_of(owner) == "owner@example.org"


def test_a_password_change_ends_the_open_links_too(ctx, app, client, login, deliver, smtp_server):
    owner = factories.volunteer(email="owner@example.org")
    login(client, owner)
    _ask(client, "other@example.org")
    deliver()
    change_link = path_of_link(smtp_server.to("other@example.org")[0], "/email/confirm/")
    changed = submit(
        client,
        "/password/change",
        {"current_password": factories.PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get(change_link).status_code == 410


def _coordinator():
    return factories.coordinator(email="owner@example.org", locale="en")


def _organisation_staff():
    staff, _organisation = factories.organisation_user(email="owner@example.org", locale="en")
    return staff


def _volunteer():
    return factories.volunteer(email="owner@example.org", locale="en")


@pytest.mark.parametrize("person", [_coordinator, _organisation_staff, _volunteer], ids=lambda f: f.__name__[1:])
def test_everyone_who_logs_in_changes_the_address_on_login_and_security(
    ctx, client, login, deliver, smtp_server, person
):
    owner = person()
    login(client, owner)
    page = client.get("/account/security", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "owner@example.org" in page and 'action="/account/email"' in page

    asked = _ask(client, "New@Example.org")
    assert asked.status_code == 302 and asked.headers["Location"] == "/account/security"
    assert _email_of(owner) == "owner@example.org"  # not before the new address is confirmed
    deliver()
    [notice] = smtp_server.to("owner@example.org")
    assert "new@example.org" in body_text(notice)
    path_of_link(notice, "/email/stop/")  # the old address can stop it
    link = path_of_link(smtp_server.to("new@example.org")[0], "/email/confirm/")
    assert client.get(link).status_code == 200  # opening the link changes nothing
    assert _email_of(owner) == "owner@example.org"
    assert submit(client, link).status_code == 302
    assert _email_of(owner) == "new@example.org"
    deliver()
    done = smtp_server.to("owner@example.org")[-1]
    path_of_link(done, "/email/stop/")  # and can undo it


def test_the_volunteer_profile_leads_to_the_one_address_form(ctx, client, login):
    login(client, _volunteer())
    page = client.get("/volunteer/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "owner@example.org" in page
    assert 'href="/account/security#email"' in page
    assert "current_password" not in page  # no second form that could drift from the first
    assert client.post("/volunteer/email").status_code == 404


def test_too_many_tries_bring_the_form_back_as_a_429_with_the_address(ctx, client, login, monkeypatch):
    from volunteers.services import rate_limits
    from volunteers.services.rate_limits import Action, Limit

    limit = Limit(**{**rate_limits.LIMITS[Action.PASSWORD_CHECK].__dict__, "per_account": 1})
    monkeypatch.setitem(rate_limits.LIMITS, Action.PASSWORD_CHECK, limit)
    login(client, _coordinator())
    assert _ask(client, "first@example.org", "a wrong guess").status_code == 400
    refused = _ask(client, "second@example.org")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert 'value="second@example.org"' in page and "Too many attempts" in page
    assert factories.PASSWORD not in page
