"""Registering as a volunteer or an organisation, confirming the address through the mail
that reached the SMTP server, and no account enumeration."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from tests.smtp import body_html, body_text
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import (
    ActionToken,
    AuditEvent,
    Consent,
    Membership,
    Organisation,
    OrganisationStatus,
    User,
)
from volunteers.services.privacy import PRIVACY_NOTICE_VERSION

VOLUNTEER = {
    "given_name": "Hanna",
    "family_name": "Yilmaz",
    "email": "Hanna.Yilmaz@Example.org",
    "password": "a long enough password",
    "password_repeat": "a long enough password",
    "locale": "en",
    "privacy": "y",
}


def _organisation_form(**changes):
    data = {
        "organisation_name": "Somalischer Elternverein Vellmar",
        "place": str(factories.place("Vellmar").id),
        "given_name": "Ayaan",
        "family_name": "Warsame",
        "email": "ayaan@example.org",
        "password": "another long password",
        "password_repeat": "another long password",
        "locale": "de",
        "privacy": "y",
    }
    data.update(changes)
    return data


def test_volunteer_registers_confirms_by_mail_and_logs_in(ctx, client, deliver, smtp_server):
    response = submit(client, "/register/volunteer", VOLUNTEER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/registered"

    user = db.session.scalar(select(User))
    assert user.email == "hanna.yilmaz@example.org"  # normalised
    assert user.is_volunteer and not user.is_coordinator
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    consent = db.session.scalar(select(Consent).where(Consent.user_id == user.id))
    assert consent.version == PRIVACY_NOTICE_VERSION and consent.given_at is not None

    # Unconfirmed: the login refuses and says why.
    refused = submit(
        client, "/login", {"email": user.email, "password": VOLUNTEER["password"]}, headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 200
    assert "Please confirm your email address first" in refused.get_data(as_text=True)

    assert deliver().sent
    [mail] = smtp_server.to("hanna.yilmaz@example.org")
    assert mail["Subject"] == "Please confirm your email address"  # in the chosen language (English)
    # Nobody has confirmed the address yet: the mail carries nothing a stranger typed.
    assert "Hello," in body_text(mail)
    assert "Hanna" not in body_text(mail) and "Yilmaz" not in body_text(mail)
    link = path_of_link(mail, "/confirm/")
    assert link in body_html(mail)

    # The link opens a page with a button; opening it changes nothing (mail scanners do that).
    page = client.get(link)
    assert page.status_code == 200
    assert "<form" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None

    confirmed = submit(client, link)
    assert confirmed.status_code == 302
    assert db.session.get(User, user.id).email_confirmed_at is not None

    logged_in = submit(client, "/login", {"email": "HANNA.yilmaz@example.org ", "password": VOLUNTEER["password"]})
    assert logged_in.headers["Location"] == "/volunteer/"
    home = client.get("/volunteer/").get_data(as_text=True)
    assert "Hanna" in home and PRIVACY_NOTICE_VERSION in home


def test_the_confirmation_link_works_once(ctx, client, deliver, smtp_server):
    submit(client, "/register/volunteer", VOLUNTEER)
    deliver()
    link = path_of_link(smtp_server.messages[0], "/confirm/")
    assert submit(client, link).status_code == 302
    again = submit(client, link)
    assert again.status_code == 410
    assert client.get(link).status_code == 410


def test_an_expired_confirmation_link_is_refused(ctx, client, deliver, smtp_server):
    submit(client, "/register/volunteer", VOLUNTEER)
    deliver()
    link = path_of_link(smtp_server.messages[0], "/confirm/")
    token = db.session.scalar(select(ActionToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert submit(client, link).status_code == 410
    assert db.session.scalar(select(User)).email_confirmed_at is None


def test_registering_a_known_address_looks_the_same_and_tells_only_its_owner(ctx, client, deliver, smtp_server):
    owner = factories.volunteer(email="hanna.yilmaz@example.org", given_name="Hanna")
    fresh = submit(client, "/register/volunteer", {**VOLUNTEER, "email": "someone.new@example.org"})
    known = submit(client, "/register/volunteer", VOLUNTEER)
    assert known.status_code == fresh.status_code == 302
    assert known.headers["Location"] == fresh.headers["Location"] == "/registered"

    assert db.session.scalar(select(func.count(User.id))) == 2  # the known address got no second account
    db.session.refresh(owner)
    assert owner.family_name != "Yilmaz" or owner.given_name == "Hanna"
    deliver()
    [mail] = smtp_server.to("hanna.yilmaz@example.org")
    assert "already have an account" in body_text(mail) or "bereits ein Konto" in body_text(mail)
    assert "/password/forgot" in body_text(mail)


def test_repeated_registrations_of_a_known_address_send_one_mail_an_hour(ctx, client, deliver, smtp_server):
    factories.volunteer(email="hanna.yilmaz@example.org")
    for _ in range(3):
        submit(client, "/register/volunteer", VOLUNTEER)
    deliver()
    assert len(smtp_server.to("hanna.yilmaz@example.org")) == 1


def test_errors_are_shown_next_to_the_fields_and_nothing_typed_is_lost(ctx, client):
    response = submit(
        client,
        "/register/volunteer",
        {**VOLUNTEER, "email": "not-an-address", "password_repeat": "something else", "privacy": ""},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Hanna"' in page and 'value="Yilmaz"' in page and 'value="not-an-address"' in page
    assert 'aria-invalid="true"' in page
    assert 'id="email-error"' in page and 'id="password_repeat-error"' in page and 'id="privacy-error"' in page
    assert 'href="#email"' in page  # the error summary links to the field
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_registration_shows_the_data_protection_information(client):
    page = client.get("/register/volunteer").get_data(as_text=True)
    assert 'href="/privacy"' in page
    assert "GDPR" in page or "DSGVO" in page
    privacy = client.get("/privacy").get_data(as_text=True)
    assert PRIVACY_NOTICE_VERSION in privacy
    assert "Art. 15" in privacy


def test_organisation_registers_and_waits_for_approval(ctx, client, deliver, smtp_server):
    coordinator = factories.coordinator(email="coordinator@example.org")
    response = submit(client, "/register/organisation", _organisation_form())
    assert response.headers["Location"] == "/registered"

    organisation = db.session.scalar(select(Organisation))
    assert organisation.status is OrganisationStatus.PENDING
    assert organisation.place.name == "Vellmar"
    contact = organisation.contact
    assert contact.full_name == "Ayaan Warsame" and not contact.is_volunteer
    membership = db.session.scalar(select(Membership))
    assert membership.is_admin and membership.user_id == contact.id

    deliver()
    # Coordinators hear of it only once the contact has confirmed the address.
    assert smtp_server.to(coordinator.email) == []
    link = path_of_link(smtp_server.to("ayaan@example.org")[0], "/confirm/")
    submit(client, link)
    deliver()
    [notice] = smtp_server.to(coordinator.email)
    assert "Somalischer Elternverein Vellmar" in body_text(notice)
    assert f"/coordinator/organisations/{organisation.id}" in body_text(notice)

    factories_login = submit(client, "/login", {"email": "ayaan@example.org", "password": "another long password"})
    assert factories_login.headers["Location"] == "/organisation/"
    page = client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    assert "Somalischer Elternverein Vellmar" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.registered")) is not None


def test_an_organisation_name_can_be_registered_once(ctx, client):
    factories.organisation(name="Somalischer  Elternverein vellmar")
    response = submit(client, "/register/organisation", _organisation_form())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="organisation_name-error"' in page
    assert 'value="ayaan@example.org"' in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_place_must_be_chosen(ctx, client):
    response = submit(client, "/register/organisation", _organisation_form(place="0"))
    assert 'id="place-error"' in response.get_data(as_text=True)
    response = submit(client, "/register/organisation", _organisation_form(place="99999"))
    assert 'id="place-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_a_signed_in_person_adds_a_role_instead_of_a_second_account(ctx, client, login, deliver, smtp_server):
    coordinator = factories.coordinator()
    staff = factories.volunteer()
    login(client, staff)
    response = submit(
        client,
        "/register/organisation",
        {"organisation_name": "Tigrinya Kulturverein", "place": str(factories.place("Kassel").id)},
    )
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert organisation.contact_user_id == staff.id
    assert client.get("/organisation/").status_code == 200
    deliver()
    assert len(smtp_server.to(coordinator.email)) == 1  # a confirmed founder: coordinators are told at once


def test_organisation_staff_become_volunteers_with_the_same_account(ctx, client, login):
    staff, _ = factories.organisation_user()
    login(client, staff)
    assert client.get("/volunteer/").status_code == 403
    assert submit(client, "/register/volunteer", {"privacy": ""}).status_code == 200  # consent is required
    become = submit(client, "/register/volunteer", {"privacy": "y"})
    assert become.headers["Location"] == "/volunteer/"
    assert client.get("/volunteer/").status_code == 200
    assert client.get("/organisation/").status_code == 200
    assert client.get("/register/volunteer").headers["Location"] == "/volunteer/"
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Consent.id)).where(Consent.user_id == staff.id)) == 1
