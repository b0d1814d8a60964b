"""Every page a coordinator, a volunteer and an organisation uses daily (the page benchmark's
list, bench/pages.py) runs the same number of SQL statements with a few records and with many:
no query per row, counts in the database. The second world adds volunteers with trainings that
run out, requests with offers in several states, assignments after the appointment in several
states (reports to confirm among them), and mail."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from volunteers.clock import local, today
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Assignment, Offer, SupportRequest
from volunteers.models.enums import AssignmentState, OfferState, Outcome
from volunteers.services import offers
from volunteers.services.validity import add_months


def _grow(coordinator, organisation, staff, count: int, start: int) -> list[int]:
    """`count` volunteers who can be asked (some with a refresher running out), `count`
    requests, offers for each, and mail. Returns the requests' ids."""
    ending = add_months(today() + timedelta(days=26), -24)  # the refresher is due in 25 days
    people = [
        factories.available_volunteer(locale="en", place_name="Kassel", completed_on=ending if n % 2 else None)
        for n in range(count)
    ]
    ids = []
    for number in range(count):
        record = factories.support_request(
            organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1 + number % 4, 9, weeks=2)
        )
        made = offers.make_offers(coordinator, record, [people[number].profile.id])
        if number % 3 == 1:
            made[0].state = OfferState.DECLINED
        factories.queued_mail(f"daily:{start + number}", f"daily{start + number}@example.org")
        ids.append(record.id)
        _reported(organisation, people[number], start + number)
        # What came of earlier appointments: a report missing, a dispute, a reflection talk wished.
        reported = {"outcome": Outcome.TOOK_PLACE, "duration_minutes": 60, "reported_at": utcnow()}
        for days, values in (
            (6, {"volunteer_reminders": 2}),
            (9, {"state": AssignmentState.DISPUTED, "dispute_reason": "Shorter", **reported}),
            (12, {"state": AssignmentState.CONFIRMED, "wants_reflection_talk": True, **reported}),
        ):
            factories.past_assignment(
                organisation, people[number].profile, days + number, f"P-{start + number}", **values
            )
    db.session.commit()
    return ids


def _reported(organisation, person, number: int) -> None:
    """An appointment of last week that the volunteer has reported: the organisation's to confirm."""
    starts_at = factories.next_weekday(2, 9, weeks=0) - timedelta(days=7)
    record = factories.support_request(organisation, client_reference=f"R-{number}", starts_at=starts_at)
    offer = Offer(request=record, profile_id=person.profile.id, state=OfferState.ACCEPTED, expires_at=starts_at)
    db.session.add(offer)
    db.session.add(
        Assignment(
            offer=offer,
            profile_id=person.profile.id,
            request=record,
            appointment_at=starts_at,
            state=AssignmentState.REPORTED,
            outcome=Outcome.TOOK_PLACE,
            started_at=starts_at,
            duration_minutes=90,
            travel_km=20,
            reported_at=starts_at + timedelta(days=1),
        )
    )


def _statements(client, count_queries, path: str) -> int:
    client.get(path)  # caches (rulebooks, places) filled, as on a running server
    with count_queries() as statements:
        answer = client.get(path)
    assert answer.status_code == 200, path
    return len(statements)


def test_the_daily_pages_run_the_same_statements_for_few_and_many(app, ctx, login, count_queries):
    coordinator = factories.coordinator(locale="en")
    staff, organisation = factories.organisation_user(locale="en")
    volunteer = factories.available_volunteer(locale="en", place_name="Kassel")
    request_ids = _grow(coordinator, organisation, staff, 2, 0)
    record = db.session.get(SupportRequest, request_ids[1])
    assert offers.make_offers(coordinator, record, [volunteer.profile.id])  # the volunteer's home shows it
    db.session.commit()

    clients = {}
    for role, account in (("coordinator", coordinator), ("volunteer", volunteer), ("organisation", staff)):
        clients[role] = app.test_client()
        login(clients[role], account)
    qualified_on = (today() + timedelta(days=14)).isoformat()
    week = local(record.starts_at).date().isoformat()  # the week the requests (and more later) fall in
    pages = [
        ("coordinator", "/coordinator/"),
        ("coordinator", "/coordinator/requests"),
        ("coordinator", f"/coordinator/week?week={week}"),
        ("coordinator", f"/coordinator/requests/{request_ids[0]}"),
        ("coordinator", "/coordinator/volunteers"),
        (
            "coordinator",
            f"/coordinator/volunteers?language=ara&area=language&kind=interpreting&status=active&qualified_on={qualified_on}",
        ),
        ("coordinator", f"/coordinator/volunteers/{volunteer.profile.id}"),
        ("coordinator", "/coordinator/expiring"),
        ("coordinator", "/coordinator/outbox"),
        ("coordinator", "/coordinator/assignments?show=missing"),
        ("coordinator", "/coordinator/assignments?show=disputed"),
        ("coordinator", "/coordinator/assignments?show=reflection"),
        ("volunteer", "/volunteer/"),
        ("organisation", "/organisation/"),
        ("organisation", "/organisation/to-confirm"),
    ]
    few = {path: _statements(clients[role], count_queries, path) for role, path in pages}
    _grow(coordinator, organisation, staff, 12, 100)
    many = {path: _statements(clients[role], count_queries, path) for role, path in pages}
    assert many == few
