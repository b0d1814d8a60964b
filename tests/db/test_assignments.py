"""After the appointment: every move of an assignment, who may make it, the checks of a report,
and what `flask tick` does (each reminder once, however often it runs)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Assignment, AuditEvent, OutboxMessage, RequestEvent
from volunteers.models.enums import Actor, AssignmentState, CancelledBy, EventSubject, Mode, Outcome
from volunteers.services import ServiceError, ServiceErrors, assignments, transitions
from volunteers.services.assignments import Report
from volunteers.services.transitions import By


@pytest.fixture(autouse=True)
def in_english(ctx):
    """The refusals' texts as written (the app's default language is German)."""
    with force_locale("en"):
        yield


def _report(assignment: Assignment, **changes) -> Report:
    values = {
        "outcome": Outcome.TOOK_PLACE,
        "started_at": assignment.appointment_at + timedelta(minutes=5),
        "duration_minutes": 100,
        "travel_km": assignment.straight_km
        if assignment.straight_km is not None
        else assignments.straight_km(assignment),
    }
    return Report(**(values | changes))


def _fields(error: ServiceError) -> set[str | None]:
    errors = error.errors if isinstance(error, ServiceErrors) else [error]
    return {e.field for e in errors}


def _mails(event: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.event == event))


def test_the_table_reaches_settled_from_every_state_and_nothing_leaves_it():
    table = transitions.ASSIGNMENT_TRANSITIONS
    assert {t.source for t in table} == {None, *AssignmentState.open_items(), AssignmentState.CONFIRMED}
    assert not [t for t in table if t.source is AssignmentState.SETTLED]
    assert {t.target for t in table} == set(AssignmentState)


def test_an_ended_appointment_becomes_an_assignment_once(ctx):
    _, _, _, assignment = factories.ended_assignment()
    assert assignment.state is AssignmentState.AWAITING_REPORT
    assert assignments.begin_ended(utcnow()) == 0  # for_offer made it already
    assert assignments.for_offer(assignment.offer) is assignment
    events = db.session.scalars(select(RequestEvent).where(RequestEvent.subject == EventSubject.ASSIGNMENT)).all()
    assert [(e.from_state, e.to_state, e.actor_role) for e in events] == [(None, "awaiting_report", Actor.SYSTEM)]


def test_the_job_begins_assignments_only_after_the_appointment_ended(ctx):
    _, _, _person, assignment = factories.ended_assignment()
    offer = assignment.offer
    db.session.delete(assignment)
    db.session.commit()
    record = offer.request
    assert assignments.begin_ended(record.ends_at - timedelta(minutes=1)) == 0
    assert assignments.begin_ended(record.ends_at) == 1
    assert assignments.begin_ended(record.ends_at + timedelta(hours=1)) == 0
    db.session.commit()


def test_the_volunteer_reports_and_the_organisation_is_asked_to_confirm(ctx):
    _staff, _, person, assignment = factories.ended_assignment(volunteer_place="Hofgeismar")
    line = assignments.straight_km(assignment)
    assert line is not None and 40 < line < 60  # Hofgeismar - Kassel is about 23 km
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment))
    db.session.commit()
    assert assignment.state is AssignmentState.REPORTED
    assert (assignment.duration_minutes, assignment.travel_km, assignment.straight_km) == (100, line, line)
    assert assignment.hours == pytest.approx(100 / 60)
    assert _mails("assignment_to_confirm") == 1
    with pytest.raises(ServiceError, match="reported already"):
        assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment))


def test_a_report_says_every_problem_at_its_field(ctx):
    _, _, person, assignment = factories.ended_assignment()
    by = assignments.acting_as_volunteer(person, assignment)
    with pytest.raises(ServiceError) as missing:
        assignments.report(by, assignment, Report(Outcome.TOOK_PLACE, feedback="x" * 1001))
    assert _fields(missing.value) == {"start_time", "duration_minutes", "feedback"}
    with pytest.raises(ServiceError) as future:
        assignments.report(
            by, assignment, _report(assignment, started_at=utcnow() + timedelta(hours=1), duration_minutes=0)
        )
    assert _fields(future.value) == {"start_time", "duration_minutes"}
    with pytest.raises(ServiceError) as who:
        assignments.report(by, assignment, Report(Outcome.CANCELLED_SHORT_NOTICE))
    assert _fields(who.value) == {"cancelled_by"}
    db.session.rollback()
    assert assignment.state is AssignmentState.AWAITING_REPORT


def test_a_long_detour_is_asked_about_once(ctx):
    _, _, person, assignment = factories.ended_assignment()
    by = assignments.acting_as_volunteer(person, assignment)
    line = assignments.straight_km(assignment)
    with pytest.raises(ServiceError, match="far more than the straight line") as detour:
        assignments.report(by, assignment, _report(assignment, travel_km=3 * line + 1))
    assert _fields(detour.value) == {"travel_km"}
    assignments.report(by, assignment, _report(assignment, travel_km=3 * line + 1, long_detour_confirmed=True))
    assert assignment.long_detour


def test_within_one_place_a_long_way_is_asked_about_too(ctx):
    """Home and appointment in Kassel: a straight line of 0 km, yet 60 km is worth a question."""
    _, _, person, assignment = factories.ended_assignment(volunteer_place="Kassel")
    assert assignments.straight_km(assignment) == 0
    by = assignments.acting_as_volunteer(person, assignment)
    with pytest.raises(ServiceError, match="far more than the straight line") as detour:
        assignments.report(by, assignment, _report(assignment, travel_km=60))
    assert _fields(detour.value) == {"travel_km"}
    db.session.rollback()
    assignments.report(by, assignment, _report(assignment, travel_km=12))
    assert assignment.travel_km == 12 and not assignment.long_detour


def test_by_phone_or_video_no_kilometres_count_and_a_no_show_no_hours(ctx):
    _, _, person, assignment = factories.ended_assignment(mode=Mode.PHONE)
    assignments.report(
        assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment, travel_km=30)
    )
    assert assignment.travel_km == 0
    _, _, other, missed = factories.ended_assignment()
    assignments.report(
        assignments.acting_as_volunteer(other, missed),
        missed,
        Report(Outcome.CANCELLED_SHORT_NOTICE, cancelled_by=CancelledBy.CLIENT, duration_minutes=60),
    )
    assert (missed.duration_minutes, missed.hours, missed.cancelled_by) == (None, 0.0, CancelledBy.CLIENT)


def test_only_the_volunteer_or_a_coordinator_reports(ctx):
    staff, centre, _, assignment = factories.ended_assignment()
    stranger = factories.volunteer()
    with pytest.raises(ServiceError, match="may not"):
        assignments.acting_as_volunteer(stranger, assignment)
    with pytest.raises(ServiceError, match="may not"):
        assignments.report(By(Actor.ORGANISATION, staff), assignment, _report(assignment))
    by_phone = assignments.acting_as_volunteer(centre, assignment)
    assignments.report(by_phone, assignment, _report(assignment))
    assert assignment.reported_by_id == centre.id


def test_confirming_disputing_and_resolving_with_a_correction(ctx):
    staff, centre, person, assignment = factories.ended_assignment()
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment))
    organisation = By(Actor.ORGANISATION, staff)
    with pytest.raises(ServiceError) as no_reason:
        assignments.dispute(organisation, assignment, "  ")
    assert _fields(no_reason.value) == {"reason"}
    assignments.dispute(organisation, assignment, "It took 45 minutes.")
    db.session.commit()
    assert assignment.state is AssignmentState.DISPUTED and assignment.dispute_reason == "It took 45 minutes."
    assert _mails("assignment_disputed") == 1
    with pytest.raises(ServiceError):
        assignments.confirm(organisation, assignment)  # only a coordinator resolves a dispute
    with pytest.raises(ServiceError) as no_reason:
        assignments.resolve(centre, assignment, "", _report(assignment, duration_minutes=45))
    assert _fields(no_reason.value) == {"reason"}
    assignments.resolve(centre, assignment, "Asked both: 45 minutes.", _report(assignment, duration_minutes=45))
    db.session.commit()
    assert (assignment.state, assignment.duration_minutes) == (AssignmentState.CONFIRMED, 45)
    events = db.session.scalars(select(RequestEvent).where(RequestEvent.subject == EventSubject.ASSIGNMENT)).all()
    (corrected,) = [event for event in events if event.changed_fields]
    assert corrected.changed_fields == ["actual_duration_minutes"] and corrected.reason == "Asked both: 45 minutes."
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"assignment.corrected", "assignment.dispute_resolved"} <= actions
    assert _mails("assignment_resolved") == 1


def test_corrections_need_a_change_and_never_touch_a_settled_assignment(ctx):
    staff, centre, person, assignment = factories.ended_assignment()
    with pytest.raises(ServiceError, match="Nothing is reported"):
        assignments.correct(centre, assignment, _report(assignment), "typo")
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment))
    assignments.confirm(By(Actor.ORGANISATION, staff), assignment)
    with pytest.raises(ServiceError, match="Nothing was changed"):
        assignments.correct(centre, assignment, _report(assignment), "typo")
    assert assignments.correct(centre, assignment, _report(assignment, travel_km=12), "Ticket shows 12 km") == [
        "travel_km"
    ]
    transitions.move(assignment, AssignmentState.SETTLED, By(Actor.COORDINATOR, centre))
    with pytest.raises(ServiceError, match="settled"):
        assignments.correct(centre, assignment, _report(assignment, travel_km=14), "again")


def test_an_unanswered_report_counts_as_confirmed_after_the_days_set(ctx):
    _, _, person, assignment = factories.ended_assignment()
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment))
    db.session.commit()
    reported = assignment.reported_at
    assert assignments.confirm_unanswered(reported + timedelta(days=13), days=14) == 0
    assert assignments.confirm_unanswered(reported + timedelta(days=14), days=14) == 1
    assert assignments.confirm_unanswered(reported + timedelta(days=15), days=14) == 0
    assert assignment.state is AssignmentState.CONFIRMED and assignment.confirmed_automatically
    assert assignment.answered_by_id is None


def test_reminders_go_once_however_often_the_job_runs(ctx):
    _, _, person, assignment = factories.ended_assignment(days_ago=0)
    appointment = assignment.appointment_at
    for hours in (1, 2):
        assert assignments.remind(appointment + timedelta(hours=hours)) == (0, 0)
    for _ in range(3):
        assignments.remind(appointment + timedelta(days=1, hours=1))
    assert _mails("assignment_report_asked") == 1
    for _ in range(3):
        assignments.remind(appointment + timedelta(days=4, hours=1))
    assert _mails("assignment_report_asked") == 2
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment))
    db.session.commit()
    assert _mails("assignment_to_confirm") == 1
    for _ in range(3):
        assignments.remind(assignment.reported_at + timedelta(days=3))
    assert _mails("assignment_to_confirm") == 2  # the first ask and one reminder
    assert _mails("assignment_report_asked") == 2


def test_a_job_that_was_not_running_sends_one_reminder_not_two(ctx):
    _, _, _, assignment = factories.ended_assignment(days_ago=6)
    assignments.remind(utcnow())
    assignments.remind(utcnow())
    assert _mails("assignment_report_asked") == 1
    assert assignment.volunteer_reminders == 2
