"""Weak passwords are refused on every path that sets one, with advice at the field; the
demo password still passes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.demo import DEMO_PASSWORD
from volunteers.extensions import db
from volunteers.models import TokenPurpose, User
from volunteers.services import tokens

WEAK = ["password123", "aaaaaaaaaa", "Passwort2026", "qwertzuiop", "1234567890"]


def _register(client, password: str, **changes):
    data = {
        "given_name": "Hanna",
        "family_name": "Yilmaz",
        "email": "hanna.yilmaz@example.org",
        "password": password,
        "password_repeat": password,
        "locale": "en",
        "privacy": "y",
    }
    data.update(changes)
    return submit(client, "/register/volunteer", data, headers={"Accept-Language": "en"})


@pytest.mark.parametrize("password", [*WEAK, "hanna.yilmaz", "HannaYilmaz", "Hanna1990!"])
def test_registration_refuses_guessable_passwords_at_the_field(ctx, client, password):
    page = _register(client, password).get_data(as_text=True)
    assert 'id="password-error"' in page
    assert "This password is too easy to guess." in page
    assert 'value="hanna.yilmaz@example.org"' in page and 'value="Hanna"' in page  # kept
    assert f'value="{password}"' not in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_advice_is_the_libraries_in_the_users_language(ctx, client):
    english = _register(client, "password123").get_data(as_text=True)
    assert "This is a very common password." in english or "most common passwords" in english
    german = submit(
        client,
        "/register/volunteer",
        {**dict.fromkeys(("given_name", "family_name"), "Hanna"), "email": "h@example.org", "privacy": "y"}
        | {"password": "aaaaaaaaaa", "password_repeat": "aaaaaaaaaa", "locale": "de"},
        headers={"Accept-Language": "de"},
    ).get_data(as_text=True)
    assert "Dieses Passwort ist zu leicht zu erraten." in german
    assert "Wiederholungen wie „aaa“ sind leicht zu erraten." in german


def test_a_weak_password_is_refused_whether_or_not_the_address_has_an_account(ctx, client):
    factories.volunteer(email="hanna.yilmaz@example.org")
    page = _register(client, "password123").get_data(as_text=True)
    assert 'id="password-error"' in page  # the same answer as for a new address


def test_an_organisation_registration_refuses_a_weak_password(ctx, client):
    data = {
        "organisation_name": "Verein",
        "place": str(factories.place("Vellmar").id),
        "given_name": "Ayaan",
        "family_name": "Warsame",
        "email": "ayaan@example.org",
        "password": "aaaaaaaaaa",
        "password_repeat": "aaaaaaaaaa",
        "locale": "de",
        "privacy": "y",
    }
    page = submit(client, "/register/organisation", data).get_data(as_text=True)
    assert 'id="password-error"' in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_reset_and_change_refuse_weak_passwords(ctx, client, login):
    user = factories.coordinator()
    link = f"/password/reset/{tokens.issue(TokenPurpose.RESET_PASSWORD, user=user)}"
    db.session.commit()
    reset = submit(client, link, {"password": "password123", "password_repeat": "password123"})
    assert 'id="password-error"' in reset.get_data(as_text=True)
    assert client.get(link).status_code == 200  # the link still works for a better password

    login(client, user)
    changed = submit(
        client,
        "/password/change",
        {"current_password": factories.PASSWORD, "password": "Passwort2026", "password_repeat": "Passwort2026"},
    )
    assert 'id="password-error"' in changed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_accepting_an_invitation_refuses_a_weak_password(ctx, app, client, login):
    from volunteers.models import InvitationRole
    from volunteers.services import invitations

    coordinator = factories.coordinator()
    invitation = invitations.invite(
        coordinator,
        role=InvitationRole.COORDINATOR,
        email="new.coordinator@example.org",
        given_name="Neu",
        family_name="Koordination",
        locale="en",
    )
    raw = tokens.issue(TokenPurpose.INVITATION, invitation=invitation)
    db.session.commit()
    page = submit(
        client,
        f"/invitation/{raw}",
        {
            "given_name": "Neu",
            "family_name": "Koordination",
            "password": "aaaaaaaaaa",
            "password_repeat": "aaaaaaaaaa",
            "locale": "en",
            "privacy": "y",
        },
    ).get_data(as_text=True)
    assert 'id="password-error"' in page
    assert db.session.scalar(select(User).where(User.email == "new.coordinator@example.org")) is None


def test_create_user_refuses_a_weak_password(ctx, app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "--email", "boss@example.org", "--password", "password123", "--role", "coordinator"]
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "boss@example.org")) is None


def test_the_demo_password_passes_for_every_demo_account(ctx, app):
    from volunteers.demo import seed_demo
    from volunteers.services.passwords import ensure_strong

    logins = seed_demo()
    db.session.commit()
    assert logins
    for _role, email, _note in logins:
        user = db.session.scalar(select(User).where(User.email == email))
        ensure_strong(DEMO_PASSWORD, user_inputs=(user.email, user.given_name, user.family_name))
    assert DEMO_PASSWORD == "Demo-Passwort-2026"  # as the README prints it
