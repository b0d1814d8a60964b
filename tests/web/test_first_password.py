"""A person the centre recorded (or imported) has an account without a password. Whatever
way they get one (a reset link they asked for, the take-over invitation, an organisation's or
the coordinators' invitation), they read the data-protection information first and their
consent is recorded; the new password is checked for strength like any other."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from tests.smtp import body_html, body_text
from volunteers.extensions import db
from volunteers.models import Consent, Membership, User
from volunteers.services.privacy import PRIVACY_NOTICE, PRIVACY_NOTICE_VERSION

NEW_PASSWORD = "my very own passphrase"
ENGLISH = {"Accept-Language": "en"}


def _recorded(email: str = "recorded@example.org", **kwargs) -> User:
    """As the centre records a volunteer (web/coordinator 'record a volunteer', or the import)."""
    account = factories.volunteer(email=email, given_name="Mehmet", family_name="Yildiz", locale="en", **kwargs)
    account.password_hash = None
    account.email_confirmed_at = None
    db.session.commit()
    return account


def _consents(user: User) -> list[Consent]:
    db.session.expire_all()
    return list(db.session.scalars(select(Consent).where(Consent.user_id == user.id)))


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _reset_link(client, deliver, smtp_server, email: str) -> str:
    assert submit(client, "/password/forgot", {"email": email}).status_code == 200
    deliver()
    return path_of_link(smtp_server.to(email)[-1], "/password/reset/")


def test_a_reset_link_for_a_recorded_person_asks_for_consent_first(ctx, client, deliver, smtp_server):
    person = _recorded()
    link = _reset_link(client, deliver, smtp_server, person.email)
    mail = smtp_server.to(person.email)[-1]
    # The mail says why there is no password to reset.
    assert "no password yet" in body_text(mail) and "no password yet" in body_html(mail)

    page = client.get(link, headers=ENGLISH).get_data(as_text=True)
    assert "Data protection at a glance" in page and 'href="/privacy"' in page
    assert 'name="privacy"' in page

    without = submit(client, link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}, headers=ENGLISH)
    assert without.status_code == 200
    assert 'id="privacy-error"' in without.get_data(as_text=True)
    assert not _fresh(person).has_password and _consents(person) == []

    weak = submit(client, link, {"password": "mehmet1234", "password_repeat": "mehmet1234", "privacy": "y"})
    assert 'id="password-error"' in weak.get_data(as_text=True)
    assert not _fresh(person).has_password and _consents(person) == []

    done = submit(client, link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD, "privacy": "y"})
    assert done.status_code == 302
    person = _fresh(person)
    assert person.has_password and person.email_confirmed
    [consent] = _consents(person)
    assert (consent.kind, consent.version) == (PRIVACY_NOTICE, PRIVACY_NOTICE_VERSION)
    assert submit(client, "/login", {"email": person.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_for_an_account_with_a_password_asks_nothing_more(ctx, client, deliver, smtp_server):
    person = factories.volunteer(email="has.one@example.org", locale="en")
    link = _reset_link(client, deliver, smtp_server, person.email)
    assert "no password yet" not in body_text(smtp_server.to(person.email)[-1])
    assert 'name="privacy"' not in client.get(link).get_data(as_text=True)
    done = submit(client, link, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert done.status_code == 302
    assert _consents(person) == []  # nothing new was agreed to


def _invite(inviter_client, role: str, email: str):
    if role == "coordinator":
        url, page = "/coordinator/invitations", "/coordinator/invitations"
    else:
        organisation_id = role
        url, page = f"/organisation/{organisation_id}/invite", f"/organisation/{organisation_id}"
    data = {"given_name": "M.", "family_name": "Y.", "email": email, "locale": "en"}
    response = submit(inviter_client, url, data, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("role", ["organisation", "coordinator"])
def test_an_invitation_to_a_recorded_person_sets_a_password_and_joins(
    ctx, app, client, login, deliver, smtp_server, role
):
    person = _recorded()
    if role == "coordinator":
        login(client, factories.coordinator())
        _invite(client, "coordinator", person.email)
        home = "/coordinator/"
    else:
        admin, organisation = factories.organisation_user()
        login(client, admin)
        _invite(client, str(organisation.id), person.email)
        home = f"/organisation/{organisation.id}"
    deliver()
    link = path_of_link(smtp_server.to(person.email)[-1], "/invitation/")

    guest = app.test_client()
    page = guest.get(link, headers=ENGLISH).get_data(as_text=True)
    assert "/login?next=" not in page  # a login that could not work
    assert 'name="password"' in page and 'name="privacy"' in page and "Data protection at a glance" in page
    assert 'value="Mehmet"' in page  # the name the centre recorded, to check

    fields = {"given_name": "Mehmet", "family_name": "Yıldız", "locale": "en"}
    weak = submit(guest, link, {**fields, "password": "12345678", "password_repeat": "12345678", "privacy": "y"})
    assert weak.status_code == 200 and 'id="password-error"' in weak.get_data(as_text=True)
    without = submit(guest, link, {**fields, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert 'id="privacy-error"' in without.get_data(as_text=True)
    assert not _fresh(person).has_password

    done = submit(guest, link, {**fields, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD, "privacy": "y"})
    assert done.status_code == 302 and done.headers["Location"] == home
    person = _fresh(person)
    assert person.has_password and person.email_confirmed and person.family_name == "Yıldız"
    assert person.is_volunteer  # the recorded profile stays
    assert [c.version for c in _consents(person)] == [PRIVACY_NOTICE_VERSION]
    if role == "coordinator":
        assert person.is_coordinator
    else:
        assert db.session.scalar(select(Membership).where(Membership.user_id == person.id)) is not None
    assert guest.get(home).status_code == 200
    assert guest.get(link).status_code == 410  # used


def test_a_deactivated_record_cannot_be_taken_over_by_an_invitation(ctx, app, client, login, deliver, smtp_server):
    person = _recorded(active=False)
    admin, organisation = factories.organisation_user()
    login(client, admin)
    _invite(client, str(organisation.id), person.email)
    deliver()
    link = path_of_link(smtp_server.to(person.email)[-1], "/invitation/")
    fields = {"given_name": "Mehmet", "family_name": "Yildiz", "locale": "en", "privacy": "y"}
    refused = submit(
        app.test_client(),
        link,
        {**fields, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD},
        headers=ENGLISH,
    )
    assert refused.status_code == 200 and "deactivated" in refused.get_data(as_text=True)
    assert not _fresh(person).has_password


def test_the_command_line_does_not_give_a_recorded_person_a_password(ctx, app):
    person = _recorded()
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", person.email, "--password", NEW_PASSWORD, "--role", "coordinator"]
    )
    assert result.exit_code != 0 and "invite" in result.output
    person = _fresh(person)
    assert not person.has_password and not person.is_coordinator
