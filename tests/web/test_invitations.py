"""Coordinators invite coordinators; an organisation's admin invites colleagues."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import ActionToken, Invitation, Membership, User


def _invite(client, url, **changes):
    data = {"given_name": "Jana", "family_name": "Koch", "email": "jana.koch@example.org", "locale": "en"}
    data.update(changes)
    return submit(client, url, data, page=url if "coordinator" in url else url.rsplit("/invite", 1)[0])


def test_a_coordinator_invites_a_new_coordinator(ctx, app, client, login, deliver, smtp_server):
    inviter = factories.coordinator(given_name="Miriam")
    login(client, inviter)
    assert _invite(client, "/coordinator/invitations").status_code == 302
    listing = client.get("/coordinator/invitations").get_data(as_text=True)
    assert "jana.koch@example.org" in listing

    deliver()
    [mail] = smtp_server.to("jana.koch@example.org")
    assert "coordinate" in mail["Subject"]
    link = path_of_link(mail, "/invitation/")

    guest = app.test_client()
    page = guest.get(link)
    assert page.status_code == 200
    assert 'value="Jana"' in page.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "jana.koch@example.org")) is None

    accepted = submit(
        guest,
        link,
        {
            "given_name": "Jana",
            "family_name": "Koch",
            "password": "coordinating is fun",
            "password_repeat": "coordinating is fun",
            "locale": "de",
            "privacy": "y",
        },
    )
    assert accepted.headers["Location"] == "/coordinator/"
    jana = db.session.scalar(select(User).where(User.email == "jana.koch@example.org"))
    assert jana.is_coordinator and jana.email_confirmed
    assert guest.get("/coordinator/").status_code == 200
    assert guest.get(link).status_code == 410  # used


def test_an_existing_account_accepts_after_logging_in(ctx, app, client, login, deliver, smtp_server):
    volunteer = factories.volunteer(email="jana.koch@example.org")
    login(client, factories.coordinator())
    _invite(client, "/coordinator/invitations")
    deliver()
    link = path_of_link(smtp_server.to(volunteer.email)[0], "/invitation/")

    guest = app.test_client()
    page = guest.get(link).get_data(as_text=True)
    assert "/login?next=" in page
    stranger = app.test_client()
    login(stranger, factories.volunteer())
    assert "another account" in stranger.get(link).get_data(as_text=True) or "anderen Konto" in stranger.get(
        link
    ).get_data(as_text=True)

    login(guest, volunteer)
    assert submit(guest, link).status_code == 302
    db.session.refresh(volunteer)
    assert volunteer.is_coordinator and volunteer.is_volunteer


def test_inviting_an_existing_coordinator_is_refused_at_the_field(ctx, client, login):
    existing = factories.coordinator(email="already@example.org")
    login(client, factories.coordinator())
    response = _invite(client, "/coordinator/invitations", email=existing.email)
    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert 'value="Jana"' in response.get_data(as_text=True)


def test_an_organisation_admin_invites_a_colleague(ctx, app, client, login, deliver, smtp_server):
    admin, organisation = factories.organisation_user()
    login(client, admin)
    page = client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    assert f"/organisation/{organisation.id}/invite" in page
    assert _invite(client, f"/organisation/{organisation.id}/invite").status_code == 302
    deliver()
    [mail] = smtp_server.to("jana.koch@example.org")
    assert organisation.name in mail["Subject"]
    link = path_of_link(mail, "/invitation/")
    guest = app.test_client()
    submit(
        guest,
        link,
        {
            "given_name": "Jana",
            "family_name": "Koch",
            "password": "colleague password",
            "password_repeat": "colleague password",
            "locale": "en",
            "privacy": "y",
        },
    )
    jana = db.session.scalar(select(User).where(User.email == "jana.koch@example.org"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == jana.id))
    assert membership.organisation_id == organisation.id and not membership.is_admin
    assert not jana.is_coordinator and not jana.is_volunteer
    assert guest.get(f"/organisation/{organisation.id}").status_code == 200


def test_members_who_are_not_admins_cannot_invite(ctx, client, login):
    member = factories.user()
    admin = factories.user()
    organisation = factories.organisation(admin=admin, members=(member,))
    login(client, member)
    page = client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    assert "/invite" not in page
    response = _invite(client, f"/organisation/{organisation.id}/invite")
    assert response.status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_nobody_invites_into_another_organisation(ctx, client, login):
    admin, _ = factories.organisation_user()
    _, theirs = factories.organisation_user()
    login(client, admin)
    response = submit(
        client,
        f"/organisation/{theirs.id}/invite",
        {"given_name": "X", "family_name": "Y", "email": "x@example.org", "locale": "de"},
        page="/organisation/",
    )
    assert response.status_code == 404


def test_an_expired_invitation_cannot_be_accepted(ctx, app, client, login, deliver, smtp_server):
    login(client, factories.coordinator())
    _invite(client, "/coordinator/invitations")
    deliver()
    link = path_of_link(smtp_server.messages[0], "/invitation/")
    token = db.session.scalar(select(ActionToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(link).status_code == 410


def test_a_pending_organisation_cannot_invite_yet(ctx, client, login):
    from volunteers.models import OrganisationStatus

    admin, organisation = factories.organisation_user(status=OrganisationStatus.PENDING)
    login(client, admin)
    page = client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    assert f"/organisation/{organisation.id}/invite" not in page
    assert _invite(client, f"/organisation/{organisation.id}/invite").status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_invitations_per_person_and_day_are_limited(ctx, client, login):
    from volunteers.services.invitations import DAILY_LIMIT

    admin, organisation = factories.organisation_user()
    login(client, admin)
    url = f"/organisation/{organisation.id}/invite"
    for number in range(DAILY_LIMIT):
        assert _invite(client, url, email=f"colleague{number}@example.org").status_code == 302
    refused = _invite(
        client,
        url,
        email="one.more@example.org",
    )
    assert refused.status_code == 400
    assert "24" in refused.get_data(as_text=True)
    assert 'value="one.more@example.org"' in refused.get_data(as_text=True)


def test_a_deactivated_inviters_invitations_can_no_longer_be_accepted(ctx, app, client, login, deliver, smtp_server):
    inviter = factories.coordinator()
    login(client, inviter)
    _invite(client, "/coordinator/invitations")
    deliver()
    link = path_of_link(smtp_server.messages[0], "/invitation/")
    boss = app.test_client()
    login(boss, factories.coordinator())
    submit(boss, f"/coordinator/accounts/{inviter.id}/deactivate", page="/coordinator/accounts")
    assert app.test_client().get(link).status_code == 410


def test_a_second_invitation_to_an_address_still_invited_is_refused_at_the_field(ctx, client, login):
    admin, organisation = factories.organisation_user(locale="en")
    login(client, admin)
    url = f"/organisation/{organisation.id}/invite"
    assert _invite(client, url, email="colleague@example.org").status_code == 302
    again = _invite(client, url, email="Colleague@Example.org")
    html = again.get_data(as_text=True)
    assert again.status_code == 400 and 'id="email-error"' in html
    assert "An invitation to this address is still open" in html
    assert len(db.session.scalars(select(Invitation)).all()) == 1
