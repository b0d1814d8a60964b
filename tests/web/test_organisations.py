"""Coordinators approve or reject organisations; the organisation is told by mail."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.smtp import body_text
from volunteers.extensions import db
from volunteers.models import AuditEvent, Organisation, OrganisationStatus
from volunteers.permissions import can_submit_requests
from volunteers.services import ServiceError, organisations


def _pending(**kwargs):
    contact = factories.user(given_name="Mariia", **kwargs)
    return contact, factories.organisation(
        name="Ukrainische Initiative Vellmar", status=OrganisationStatus.PENDING, admin=contact, place_name="Vellmar"
    )


def test_the_coordinator_home_lists_organisations_awaiting_approval(ctx, client, login):
    _, organisation = _pending()
    factories.organisation(name="Already Approved e.V.")
    login(client, factories.coordinator())
    home = client.get("/coordinator/").get_data(as_text=True)
    assert "Ukrainische Initiative Vellmar" in home
    assert "Already Approved e.V." not in home
    listing = client.get("/coordinator/organisations?status=pending").get_data(as_text=True)
    assert f"/coordinator/organisations/{organisation.id}" in listing
    approved = client.get("/coordinator/organisations?status=approved").get_data(as_text=True)
    assert "Already Approved e.V." in approved and "Ukrainische Initiative Vellmar" not in approved


def test_approving_lets_the_organisation_submit_requests_and_tells_it(
    ctx, client, other_client, login, deliver, smtp_server
):
    contact, organisation = _pending(locale="en")
    assert not can_submit_requests(contact, organisation)
    coordinator = factories.coordinator()
    login(client, coordinator)
    response = submit(
        client,
        f"/coordinator/organisations/{organisation.id}/approve",
        page=f"/coordinator/organisations/{organisation.id}",
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.APPROVED
    assert organisation.decided_by_id == coordinator.id and organisation.decided_at is not None
    assert can_submit_requests(contact, organisation)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.approved")).actor_id
        == coordinator.id
    )

    deliver()
    [mail] = smtp_server.to(contact.email)
    assert mail["Subject"] == "Your organisation was approved"
    assert f"/organisation/{organisation.id}" in body_text(mail)

    login(other_client, contact)
    page = other_client.get(f"/organisation/{organisation.id}").get_data(as_text=True)
    assert "Approved" in page or "Freigegeben" in page


def test_rejecting_needs_a_reason_which_the_organisation_reads(ctx, client, login, deliver, smtp_server):
    contact, organisation = _pending(locale="en")
    login(client, factories.coordinator())
    url = f"/coordinator/organisations/{organisation.id}/reject"
    page = f"/coordinator/organisations/{organisation.id}"
    empty = submit(client, url, {"reason": "   "}, page=page)
    assert empty.status_code == 400
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.PENDING

    reason = "We could not verify that the association is registered. Please send us the register extract."
    assert submit(client, url, {"reason": reason}, page=page).status_code == 302
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.REJECTED and organisation.rejection_reason == reason
    deliver()
    [mail] = smtp_server.to(contact.email)
    assert reason in body_text(mail)
    assert not can_submit_requests(contact, organisation)


def test_a_decision_already_taken_gives_a_clear_message(ctx, client, other_client, login):
    _, organisation = _pending()
    first, second = factories.coordinator(), factories.coordinator()
    login(client, first)
    login(other_client, second)
    page = f"/coordinator/organisations/{organisation.id}"
    token_page_second = other_client.get(page)  # the second coordinator has the page open
    assert token_page_second.status_code == 200
    assert submit(client, f"{page}/approve", page=page).status_code == 302
    reason = "Duplicate registration."
    late = submit(other_client, f"{page}/reject", {"reason": reason}, page=page)
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "already" in text or "bereits" in text
    assert f">{reason}</textarea>" not in text or "reason" in text
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.APPROVED


def test_two_coordinators_deciding_at_once_one_wins(ctx, app):
    _, organisation = _pending()
    first, second = factories.coordinator(), factories.coordinator()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)
    db.session.commit()

    def decide(coordinator_id: int, approve: bool) -> None:
        with app.app_context():
            from volunteers.models import User

            coordinator = db.session.get(User, coordinator_id)
            target = db.session.get(Organisation, organisation.id)
            db.session.commit()  # both decisions start their transaction after the barrier
            barrier.wait(timeout=30)
            try:
                if approve:
                    organisations.approve(coordinator, target)
                else:
                    organisations.reject(coordinator, target, "No.")
                db.session.commit()
                outcomes.append("won")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=(first.id, True)),
        threading.Thread(target=decide, args=(second.id, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "won"]
    db.session.commit()
    decided = db.session.get(Organisation, organisation.id)
    assert decided.status in (OrganisationStatus.APPROVED, OrganisationStatus.REJECTED)
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("organisation.%"))).all()) == 1


def test_organisation_users_see_whether_their_organisation_is_approved(ctx, client, login):
    contact, _organisation = _pending()
    login(client, contact)
    home = client.get("/organisation/").get_data(as_text=True)
    assert "Ukrainische Initiative Vellmar" in home
    assert "pending" in home or "wartet" in home.lower() or "Awaiting approval" in home


def test_only_coordinators_decide(ctx, client, login):
    contact, organisation = _pending()
    login(client, contact)
    response = submit(client, f"/coordinator/organisations/{organisation.id}/approve", page="/organisation/")
    assert response.status_code == 403
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.PENDING
