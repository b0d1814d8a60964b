"""Every signed-in action that sends mail has a per-account limit (services/rate_limits.py):
over it, nothing is done and nobody is mailed; a form comes back as a 429 in the layout with
what was typed, a button says when to try again on the page it returns to. The limits are
sized so that a coordinator's busy day never meets them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.clock import BERLIN, today
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import (
    Assignment,
    Offer,
    Organisation,
    OrganisationStatus,
    OutboxMessage,
    Qualification,
    SupportRequest,
    User,
    VolunteerProfile,
)
from volunteers.models.enums import Actor, OfferState, Outcome, QualificationStatus
from volunteers.models.outbox import OutboxStatus
from volunteers.services import assignments, offers, rate_limits
from volunteers.services.rate_limits import Action, Limit

ENGLISH = {"Accept-Language": "en"}
WAIT = "Too many attempts from your network or account. Please try again at"


@dataclass
class Case:
    action: Action
    user: User
    url: str
    page: str
    data: dict
    #: Reads what the action would change (compared before and after the refused attempt).
    state: Callable[[], object]
    #: Something typed that the 429 page shows again (None for a button without fields).
    typed: str | None = None


def _outbox() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _reload(model, key):
    def read():
        db.session.expire_all()
        found = db.session.get(model, key)
        return {column.name: getattr(found, column.name) for column in model.__table__.columns}

    return read


def _requests() -> int:
    return db.session.scalar(select(func.count(SupportRequest.id)))


def _organisation_request():
    staff, organisation = factories.organisation_user(locale="en")
    record = factories.support_request(organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, 2))
    return staff, organisation, record


def _offered():
    _staff, _organisation, record = _organisation_request()
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    return coordinator, person, record, offer


def _accepted():
    coordinator, person, record, offer = _offered()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    return coordinator, person, record, offer


def organisation_submits_a_request() -> Case:
    staff, organisation = factories.organisation_user(locale="en")
    factories.coordinator()  # who would be mailed
    url = f"/organisation/{organisation.id}/requests/new"
    data = factories.request_form(client_reference="ZK-4711")
    return Case(Action.REQUEST, staff, url, url, data, _requests, typed='value="ZK-4711"')


def organisation_changes_a_request() -> Case:
    staff, _organisation, record = _organisation_request()
    url = f"/organisation/requests/{record.id}/edit"
    data = {**factories.request_form(client_reference="ZK-4712"), "version": str(record.version)}
    return Case(Action.REQUEST, staff, url, url, data, _reload(SupportRequest, record.id), typed='value="ZK-4712"')


def organisation_cancels_a_request() -> Case:
    staff, _organisation, record = _organisation_request()
    url = f"/organisation/requests/{record.id}/cancel"
    return Case(
        Action.REQUEST,
        staff,
        url,
        url,
        {"reason": "The client moved away"},
        _reload(SupportRequest, record.id),
        typed="The client moved away",
    )


def coordinator_enters_a_request() -> Case:
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    url = "/coordinator/requests/new"
    data = {**factories.request_form(client_reference="ZK-4713"), "organisation_id": str(organisation.id)}
    return Case(Action.REQUEST, coordinator, url, url, data, _requests, typed='value="ZK-4713"')


def coordinator_changes_a_request() -> Case:
    coordinator, _person, record, _offer = _offered()
    url = f"/coordinator/requests/{record.id}/edit"
    data = {**factories.request_form(client_reference="ZK-4714"), "version": str(record.version)}
    return Case(
        Action.REQUEST, coordinator, url, url, data, _reload(SupportRequest, record.id), typed='value="ZK-4714"'
    )


def coordinator_cancels_a_request() -> Case:
    coordinator, _person, record, _offer = _offered()
    url = f"/coordinator/requests/{record.id}/cancel"
    return Case(
        Action.REQUEST,
        coordinator,
        url,
        url,
        {"reason": "Asked by phone"},
        _reload(SupportRequest, record.id),
        typed="Asked by phone",
    )


def coordinator_reports_nobody_found() -> Case:
    coordinator, _person, record, _offer = _offered()
    url = f"/coordinator/requests/{record.id}/nobody-found"
    return Case(
        Action.REQUEST,
        coordinator,
        url,
        url,
        {"reason": "Try the city's pool"},
        _reload(SupportRequest, record.id),
        typed="Try the city&#39;s pool",
    )


def coordinator_makes_offers() -> Case:
    _staff, _organisation, record = _organisation_request()
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    url = f"/coordinator/requests/{record.id}/offers"
    page = f"/coordinator/requests/{record.id}"
    return Case(
        Action.OFFER,
        coordinator,
        url,
        page,
        {"profile_ids": str(person.profile.id)},
        lambda: db.session.scalar(select(func.count(Offer.id))),
        typed=f'value="{person.profile.id}" id="candidate-{person.profile.id}" checked',
    )


def coordinator_records_an_acceptance() -> Case:
    coordinator, _person, record, offer = _offered()
    return Case(
        Action.OFFER,
        coordinator,
        f"/coordinator/offers/{offer.id}/accept",
        f"/coordinator/requests/{record.id}",
        {},
        _reload(Offer, offer.id),
    )


def coordinator_withdraws_an_offer() -> Case:
    coordinator, _person, _record, offer = _accepted()
    url = f"/coordinator/offers/{offer.id}/withdraw"
    return Case(
        Action.OFFER,
        coordinator,
        url,
        url,
        {"reason": "Double booked"},
        _reload(Offer, offer.id),
        typed="Double booked",
    )


def coordinator_records_a_cancellation() -> Case:
    coordinator, _person, _record, offer = _accepted()
    url = f"/coordinator/offers/{offer.id}/cancel"
    return Case(
        Action.OFFER, coordinator, url, url, {"reason": "She is ill"}, _reload(Offer, offer.id), typed="She is ill"
    )


def coordinator_records_a_report_by_phone() -> Case:
    from volunteers.clock import BERLIN

    _staff, coordinator, _person, assignment = factories.ended_assignment()
    coordinator.locale = "en"
    db.session.commit()
    url = f"/coordinator/offers/{assignment.offer_id}/report"
    start = assignment.appointment_at.astimezone(BERLIN)
    data = {
        "outcome": "took_place",
        "start_day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "duration_minutes": "80",
        "travel_km": "40",
        "feedback": "All went well, said on the phone",
    }
    return Case(
        Action.OFFER,
        coordinator,
        url,
        url,
        data,
        _reload(Assignment, assignment.id),
        typed="All went well, said on the phone",
    )


def coordinator_resolves_a_dispute() -> Case:
    from volunteers.services import assignments
    from volunteers.services.transitions import By

    staff, coordinator, person, assignment = factories.ended_assignment()
    report = assignments.Report(
        outcome=Outcome.TOOK_PLACE, started_at=assignment.appointment_at, duration_minutes=90, travel_km=40
    )
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, report)
    assignments.dispute(By(Actor.ORGANISATION, staff), assignment, "It took 30 minutes.")
    coordinator.locale = "en"
    db.session.commit()
    url = f"/coordinator/assignments/{assignment.id}/resolve"
    data = {"decision": "as_reported", "reason": "Both confirm 90 minutes", "version": str(assignment.version)}
    return Case(
        Action.DECISION,
        coordinator,
        url,
        url,
        data,
        _reload(Assignment, assignment.id),
        typed="Both confirm 90 minutes",
    )


def volunteer_accepts_an_offer() -> Case:
    _coordinator, person, _record, offer = _offered()
    return Case(
        Action.ANSWER,
        person,
        f"/volunteer/offers/{offer.id}/accept",
        "/volunteer/assignments",
        {},
        _reload(Offer, offer.id),
    )


def volunteer_cancels_an_assignment() -> Case:
    _coordinator, person, _record, offer = _accepted()
    url = f"/volunteer/offers/{offer.id}/cancel"
    return Case(
        Action.ANSWER, person, url, url, {"reason": "I have the flu"}, _reload(Offer, offer.id), typed="I have the flu"
    )


def volunteer_pauses() -> Case:
    _coordinator, person, _record, _offer = _offered()  # the open offer would be withdrawn by mail
    return Case(
        Action.ANSWER,
        person,
        "/volunteer/pause",
        "/volunteer/pause",
        {"reason": "Exams until June", "to_status": "paused", "expected_status": "active"},
        _reload(VolunteerProfile, person.profile.id),
        typed="Exams until June",
    )


def volunteer_reports_an_appointment() -> Case:
    _staff, _centre, person, assignment = factories.ended_assignment(volunteer_locale="en")
    url = f"/volunteer/offers/{assignment.offer_id}/report"
    local = assignment.appointment_at.astimezone(BERLIN)
    data = {
        "outcome": "took_place",
        "start_day": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": "75",
        "travel_km": "40",
        "feedback": "Went well",
    }
    # The organisation would be asked by mail to confirm.
    return Case(Action.ANSWER, person, url, url, data, _reload(Assignment, assignment.id), typed="Went well")


def organisation_objects_to_a_report() -> Case:
    staff, _centre, person, assignment = factories.ended_assignment(staff_locale="en")
    report = assignments.Report(
        Outcome.TOOK_PLACE, started_at=assignment.appointment_at, duration_minutes=90, travel_km=40
    )
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, report)
    db.session.commit()
    url = f"/organisation/assignments/{assignment.id}/dispute"
    return Case(
        Action.REQUEST,
        staff,
        url,
        url,
        {"reason": "It took 45 minutes"},
        _reload(Assignment, assignment.id),
        typed="It took 45 minutes",  # every coordinator would be mailed
    )


def _training(status: QualificationStatus = QualificationStatus.PENDING) -> Qualification:
    account = factories.volunteer(locale="en")
    training = Qualification(
        profile=account.profile,
        type=factories.qualification_type("health-guide-gkv"),
        provider="VHS Kassel",
        completed_on=today(),
        status=status,
        rejection_reason="No certificate" if status is QualificationStatus.REJECTED else None,
    )
    db.session.add(training)
    db.session.commit()
    return training


def coordinator_verifies_a_training() -> Case:
    training = _training()
    page = f"/coordinator/volunteers/{training.profile_id}"
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        f"/coordinator/trainings/{training.id}/verify",
        page,
        {},
        _reload(Qualification, training.id),
    )


def coordinator_rejects_a_training() -> Case:
    training = _training()
    url = f"/coordinator/trainings/{training.id}/reject"
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        url,
        url,
        {"reason": "The proof is unreadable"},
        _reload(Qualification, training.id),
        typed="The proof is unreadable",
    )


def coordinator_reopens_a_rejection() -> Case:
    training = _training(QualificationStatus.REJECTED)
    url = f"/coordinator/trainings/{training.id}/reopen"
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        url,
        url,
        {"reason": "Certificate came"},
        _reload(Qualification, training.id),
        typed="Certificate came",
    )


def coordinator_changes_a_status() -> Case:
    person = factories.active_volunteer(locale="en")
    url = f"/coordinator/volunteers/{person.profile.id}/status"
    data = {
        "status-to_status": "paused",
        "status-reason": "Asked for a break",
        "status-expected_status": "active",
        "confirmed": "yes",
    }
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        url,
        f"/coordinator/volunteers/{person.profile.id}",
        data,
        _reload(VolunteerProfile, person.profile.id),
        typed="Asked for a break",
    )


def coordinator_approves_an_organisation() -> Case:
    _staff, organisation = factories.organisation_user(status=OrganisationStatus.PENDING)
    page = f"/coordinator/organisations/{organisation.id}"
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        f"{page}/approve",
        page,
        {},
        _reload(Organisation, organisation.id),
    )


def coordinator_rejects_an_organisation() -> Case:
    _staff, organisation = factories.organisation_user(status=OrganisationStatus.PENDING)
    page = f"/coordinator/organisations/{organisation.id}"
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        f"{page}/reject",
        page,
        {"reason": "Not a migrant organisation"},
        _reload(Organisation, organisation.id),
        typed="Not a migrant organisation",
    )


def coordinator_resets_a_second_factor() -> Case:
    person = factories.volunteer()
    person.totp_secret = pyotp.random_base32()
    db.session.commit()
    url = f"/coordinator/accounts/{person.id}/second-factor"
    return Case(Action.DECISION, factories.coordinator(locale="en"), url, url, {}, _reload(User, person.id))


def coordinator_deactivates_an_account() -> Case:
    _coordinator, person, _record, _offer = _offered()
    url = f"/coordinator/accounts/{person.id}/deactivate"
    return Case(Action.DECISION, factories.coordinator(locale="en"), url, url, {}, _reload(User, person.id))


def coordinator_sends_a_failed_mail_again() -> Case:
    factories.queued_mail("failed-one")
    row = db.session.scalar(select(OutboxMessage))
    row.status, row.failed_at = OutboxStatus.FAILED, utcnow()
    db.session.commit()
    return Case(
        Action.DECISION,
        factories.coordinator(locale="en"),
        f"/coordinator/outbox/{row.id}/retry",
        "/coordinator/outbox?status=failed",
        {},
        _reload(OutboxMessage, row.id),
    )


CASES = [
    organisation_submits_a_request,
    organisation_changes_a_request,
    organisation_cancels_a_request,
    coordinator_enters_a_request,
    coordinator_changes_a_request,
    coordinator_cancels_a_request,
    coordinator_reports_nobody_found,
    coordinator_makes_offers,
    coordinator_records_an_acceptance,
    coordinator_withdraws_an_offer,
    coordinator_records_a_cancellation,
    coordinator_records_a_report_by_phone,
    coordinator_resolves_a_dispute,
    volunteer_accepts_an_offer,
    volunteer_cancels_an_assignment,
    volunteer_pauses,
    volunteer_reports_an_appointment,
    organisation_objects_to_a_report,
    coordinator_verifies_a_training,
    coordinator_rejects_a_training,
    coordinator_reopens_a_rejection,
    coordinator_changes_a_status,
    coordinator_approves_an_organisation,
    coordinator_rejects_an_organisation,
    coordinator_resets_a_second_factor,
    coordinator_deactivates_an_account,
    coordinator_sends_a_failed_mail_again,
]


@pytest.mark.parametrize("make", CASES, ids=lambda make: make.__name__)
def test_an_action_over_its_limit_does_nothing_and_says_when_to_try_again(ctx, client, login, monkeypatch, make):
    case = make()
    login(client, case.user)
    limit = Limit(**{**rate_limits.LIMITS[case.action].__dict__, "per_account": 0})
    monkeypatch.setitem(rate_limits.LIMITS, case.action, limit)
    before, mails = case.state(), _outbox()

    response = submit(client, case.url, case.data, page=case.page, headers=ENGLISH)
    if case.typed is None:  # a button: the page it returns to says when to try again
        if response.status_code == 302:
            response = client.get(response.headers["Location"], headers=ENGLISH)
        assert WAIT in response.get_data(as_text=True)
    else:
        assert response.status_code == 429, response.status_code
        assert int(response.headers["Retry-After"]) > 0
        page = response.get_data(as_text=True)
        assert WAIT in page and '<main id="main"' in page
        assert case.typed in page
    db.session.expire_all()
    assert case.state() == before
    assert _outbox() == mails


def test_a_coordinators_busy_hour_stays_within_the_limits(ctx, client, login):
    """Twenty requests taken by phone in an hour, each offered to a volunteer: more than a
    whole busy day at the centre, and nothing is refused."""
    _staff, organisation = factories.organisation_user()
    person = factories.available_volunteer(place_name="Kassel")
    login(client, factories.coordinator())
    first_day = date.fromisoformat(factories.request_form()["day"])
    for number in range(20):
        data = {
            **factories.request_form(
                client_reference=f"TEL-{number}", day=(first_day + timedelta(days=number)).isoformat()
            ),
            "organisation_id": str(organisation.id),
        }
        entered = submit(client, "/coordinator/requests/new", data)
        assert entered.status_code == 302, number
        page = entered.headers["Location"]
        offered = submit(client, f"{page}/offers", {"profile_ids": str(person.profile.id)}, page=page)
        assert offered.status_code == 302, number
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.state == OfferState.OFFERED)) == 20
