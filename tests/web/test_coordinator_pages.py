"""The coordinators' lists: accounts, outbox, audit log; paginated with a fixed number of
queries however many rows there are."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from volunteers.extensions import db
from volunteers.models import AuditEvent, Membership, OrganisationStatus, User
from volunteers.notifications.outbox import queue_mail


def _queries_for(client, count_queries, path: str) -> int:
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def _many_accounts(count: int) -> None:
    for number in range(count):
        person = factories.volunteer()
        organisation = factories.organisation(admin=person)
        db.session.add(Membership(user=factories.user(), organisation=organisation))
        if number % 2:
            person.is_coordinator = False
    db.session.commit()


def test_list_pages_run_the_same_number_of_queries_for_few_and_many_rows(ctx, client, login, count_queries):
    login(client, factories.coordinator())
    pages = [
        "/coordinator/accounts",
        "/coordinator/organisations?status=approved",
        "/coordinator/audit",
        "/coordinator/outbox",
        "/coordinator/",
    ]
    _many_accounts(2)
    few = {path: _queries_for(client, count_queries, path) for path in pages}
    _many_accounts(20)
    for number in range(30):
        factories.queued_mail(f"q:{number}", f"q{number}@example.org")
    many = {path: _queries_for(client, count_queries, path) for path in pages}
    assert few == many


def test_accounts_are_paginated(ctx, client, login):
    login(client, factories.coordinator())
    for _ in range(30):
        factories.volunteer()
    first = client.get("/coordinator/accounts").get_data(as_text=True)
    assert "?page=2" in first
    assert client.get("/coordinator/accounts?page=2").status_code == 200
    assert client.get("/coordinator/accounts?page=abc").status_code == 200


def test_a_page_past_the_last_goes_to_the_last_page_with_the_filters_kept(ctx, client, login):
    """A bookmark or a link from before rows went away lands on the last page, not on an empty
    page that says nothing matches."""
    login(client, factories.coordinator())
    for _ in range(30):
        factories.volunteer()
    response = client.get("/coordinator/volunteers?page=999&area=&language=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/coordinator/volunteers?page=2&area=&language="
    last = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Page 2 of 2" in last or "Seite 2 von 2" in last
    # Arguments that url_for would take for itself are passed on as they came, not a 500.
    odd = client.get("/coordinator/volunteers?page=999&endpoint=x&_anchor=z&profile_id=5")
    assert odd.headers["Location"] == "/coordinator/volunteers?page=2&endpoint=x&_anchor=z&profile_id=5"
    # A list with nothing in it stays where it is: there is no last page to go to.
    assert client.get("/coordinator/outbox?page=5&status=failed").status_code == 200
    # A section's own page parameter: back to its last page, the other arguments kept.
    admin, organisation = factories.organisation_user()
    record = f"/organisation/{organisation.id}"
    member = client.application.test_client()
    login(member, admin)
    assert member.get(f"{record}?members_page=50&invitations_page=1").headers["Location"] == (
        f"{record}?members_page=1&invitations_page=1"
    )


def test_the_account_search_keeps_names_out_of_the_url(ctx, client, login):
    login(client, factories.coordinator())
    factories.volunteer(given_name="Zeynep", family_name="Aydin")
    factories.volunteer(given_name="Other", family_name="Person")
    response = submit(client, "/coordinator/accounts", {"q": "aydin"})
    assert response.status_code == 302
    assert "aydin" not in response.headers["Location"].lower()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zeynep Aydin" in page and "Other Person" not in page
    cleared = submit(client, "/coordinator/accounts", {"clear": "1"})
    assert "Other Person" in client.get(cleared.headers["Location"]).get_data(as_text=True)


def test_deactivating_an_account_ends_its_sessions(ctx, app, client, login):
    coordinator = factories.coordinator()
    person = factories.volunteer()
    theirs = app.test_client()
    login(theirs, person, remember=True)
    login(client, coordinator)
    response = submit(client, f"/coordinator/accounts/{person.id}/deactivate", page="/coordinator/accounts")
    assert response.status_code == 302
    assert theirs.get("/volunteer/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).active is False
    submit(client, f"/coordinator/accounts/{person.id}/activate", page="/coordinator/accounts")
    assert db.session.get(User, person.id).active is True
    login(theirs, person)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == person.id)).all()
    assert "account.deactivated" in actions and "account.reactivated" in actions


def test_a_coordinator_cannot_deactivate_themselves(ctx, client, login):
    coordinator = factories.coordinator()
    login(client, coordinator)
    submit(client, f"/coordinator/accounts/{coordinator.id}/deactivate", page="/coordinator/accounts")
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).active is True
    assert client.get("/coordinator/").status_code == 200


def test_the_audit_log_shows_who_did_what_to_whom(ctx, client, login):
    coordinator = factories.coordinator(given_name="Miriam", family_name="Schaefer")
    contact = factories.user(given_name="Farida", family_name="Noori")
    organisation = factories.organisation(name="Frauenverein", status=OrganisationStatus.PENDING, admin=contact)
    login(client, coordinator)
    submit(
        client,
        f"/coordinator/organisations/{organisation.id}/approve",
        page=f"/coordinator/organisations/{organisation.id}",
    )
    page = client.get("/coordinator/audit").get_data(as_text=True)
    assert "Miriam Schaefer" in page and "Frauenverein" in page


def test_the_outbox_shows_no_mail_bodies(ctx, client, login):
    # Bodies carry single-use links (password resets): coordinators see only the envelope.
    login(client, factories.coordinator())
    queue_mail(
        event="password_reset",
        key="secret",
        recipient="r@example.org",
        locale="en",
        subject="Reset",
        given_name="R",
        link="http://127.0.0.1/password/reset/VERYSECRETTOKEN",
    )
    db.session.commit()
    page = client.get("/coordinator/outbox").get_data(as_text=True)
    assert "r@example.org" in page
    assert "VERYSECRETTOKEN" not in page
