"""The monthly settlement: which assignments a month holds, open items that keep it from being
closed, moving one to the next month, closing (which settles and locks), a correction after
closing as an adjustment line in the next open month, and two coordinators closing at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from volunteers.clock import local
from volunteers.extensions import db
from volunteers.models import AdjustmentLine, Assignment, AuditEvent, RequestEvent, SettlementMonth, User
from volunteers.models.enums import Actor, AssignmentState, EventSubject, MonthState, Outcome
from volunteers.services import ServiceError, adjustments, assignments, settlement, settlement_lines
from volunteers.services.assignments import Report
from volunteers.services.transitions import By


@pytest.fixture(autouse=True)
def in_english(ctx):
    with force_locale("en"):
        yield


def _month_of(assignment: Assignment) -> date:
    return local(assignment.appointment_at).date().replace(day=1)


def _reported(assignment: Assignment, minutes: int = 90, km: int = 20) -> None:
    by = By(Actor.VOLUNTEER, assignment.profile.user)
    figures = Report(
        outcome=Outcome.TOOK_PLACE,
        started_at=assignment.appointment_at,
        duration_minutes=minutes,
        travel_km=km,
        long_detour_confirmed=True,
    )
    assignments.report(by, assignment, figures)


def _confirmed(assignment: Assignment, minutes: int = 90, km: int = 20) -> Assignment:
    _reported(assignment, minutes, km)
    assignments.confirm(By(Actor.ORGANISATION, assignment.request.organisation.contact), assignment)
    db.session.commit()
    return assignment


def _opened(coordinator: User, month: date) -> SettlementMonth:
    row = settlement.open_month(coordinator, month, month + timedelta(days=40))
    db.session.commit()
    return row


def test_a_month_holds_its_appointments_and_what_was_moved_into_it(ctx):
    _, coordinator, _, first = factories.ended_assignment(days_ago=2)
    _, _, _, second = factories.ended_assignment(days_ago=3)
    month = _month_of(first)
    held = set(db.session.scalars(select(Assignment.id).where(settlement.in_month(month))))
    assert {first.id, second.id} <= held
    row = _opened(coordinator, month)
    settlement.move_to_next_month(coordinator, row, second, "Organisation away")
    db.session.commit()
    assert second.settled_month == settlement.next_month(month)
    assert second.state is AssignmentState.AWAITING_REPORT  # the state stays
    held = set(db.session.scalars(select(Assignment.id).where(settlement.in_month(month))))
    assert first.id in held and second.id not in held
    later = set(db.session.scalars(select(Assignment.id).where(settlement.in_month(settlement.next_month(month)))))
    assert second.id in later


def test_closing_is_refused_while_items_are_open_and_names_them(ctx):
    _, coordinator, _person, waiting = factories.ended_assignment(days_ago=2, volunteer_name=("Amina", "Haddad"))
    row = _opened(coordinator, _month_of(waiting))
    with pytest.raises(ServiceError) as refused:
        settlement.close(coordinator, row, row.version)
    assert "Amina Haddad" in str(refused.value.message)
    assert "move it to the next month" in str(refused.value.message)
    db.session.rollback()
    assert db.session.get(SettlementMonth, row.id).state is MonthState.OPEN


def test_a_future_month_cannot_be_opened_nor_one_twice(ctx):
    coordinator = factories.coordinator()
    today = date(2026, 12, 7)
    with pytest.raises(ServiceError):
        settlement.open_month(coordinator, date(2027, 1, 1), today)
    settlement.open_month(coordinator, date(2026, 12, 1), today)
    with pytest.raises(ServiceError):
        settlement.open_month(coordinator, date(2026, 12, 1), today)


def test_closing_settles_the_confirmed_and_locks_their_figures(ctx):
    _, coordinator, _, assignment = factories.ended_assignment(days_ago=2)
    _confirmed(assignment, minutes=120, km=30)
    month = _month_of(assignment)
    row = _opened(coordinator, month)
    # Whatever else is open this month in the shared test world is moved on first.
    for item in db.session.scalars(settlement.open_items(month)).all():
        settlement.move_to_next_month(coordinator, row, item, "later")
    assert settlement.close(coordinator, row, row.version) >= 1
    db.session.commit()
    settled = db.session.get(Assignment, assignment.id)
    assert settled.state is AssignmentState.SETTLED and settled.settled_month == month
    assert db.session.get(SettlementMonth, row.id).state is MonthState.CLOSED
    events = db.session.scalars(
        select(RequestEvent).where(
            RequestEvent.offer_id == assignment.offer_id, RequestEvent.subject == EventSubject.ASSIGNMENT
        )
    ).all()
    assert events[-1].to_state == AssignmentState.SETTLED.value
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "settlement.closed")) == 1
    # Locked: a closed month is not closed again, and nothing can be moved out of it.
    with pytest.raises(ServiceError):
        settlement.close(coordinator, row, None)


def test_a_correction_after_closing_is_an_adjustment_in_the_next_open_month(ctx):
    _, coordinator, _, assignment = factories.ended_assignment(days_ago=2)
    _confirmed(assignment, minutes=120, km=30)
    month = _month_of(assignment)
    row = _opened(coordinator, month)
    for item in db.session.scalars(settlement.open_items(month)).all():
        settlement.move_to_next_month(coordinator, row, item, "later")
    settlement.close(coordinator, row, row.version)
    db.session.commit()
    assignment = db.session.get(Assignment, assignment.id)
    settled_amount = assignment.amount_cents
    figures = Report(outcome=Outcome.TOOK_PLACE, started_at=assignment.started_at, duration_minutes=150, travel_km=30)
    with pytest.raises(ServiceError):  # the edit path refuses it
        assignments.correct(coordinator, assignment, figures, "The timesheet says 150 minutes.", assignment.version)
    db.session.rollback()
    adjustments.correct_settled(coordinator, assignment, figures, "The timesheet says 150 minutes.", assignment.version)
    db.session.commit()
    assignment = db.session.get(Assignment, assignment.id)
    assert assignment.duration_minutes == 120 and assignment.amount_cents == settled_amount  # never edited
    (line,) = db.session.scalars(select(AdjustmentLine).where(AdjustmentLine.assignment_id == assignment.id)).all()
    assert line.month == settlement.next_month(month)
    assert line.minutes_difference == 30 and line.km_difference == 0
    following = settlement.month_or_none(line.month)
    assert following is not None and following.state is MonthState.OPEN  # opened for it
    # A second correction counts the first: back to 120 minutes takes the 30 back.
    figures = Report(outcome=Outcome.TOOK_PLACE, started_at=assignment.started_at, duration_minutes=120, travel_km=30)
    adjustments.correct_settled(coordinator, assignment, figures, "Wrong timesheet.", assignment.version)
    db.session.commit()
    lines = db.session.scalars(select(AdjustmentLine).where(AdjustmentLine.assignment_id == assignment.id)).all()
    assert sum(each.minutes_difference for each in lines) == 0
    assert sum(each.cents_difference for each in lines) == 0
    with pytest.raises(ServiceError):
        adjustments.correct_settled(coordinator, assignment, figures, "Nothing new.", assignment.version)


def test_month_lines_sum_assignments_and_adjustments_per_volunteer(ctx):
    _, _coordinator, person, assignment = factories.ended_assignment(days_ago=2)
    _confirmed(assignment, minutes=90, km=20)
    month = _month_of(assignment)
    (line,) = settlement_lines.month_lines(month, [person.profile])
    assert [a.id for a in line.assignments] == [assignment.id]
    assert line.minutes == 90 and line.km == 20 and line.cents == assignment.amount_cents
    assert line.year_minutes >= 90 and line.year_cents >= assignment.amount_cents
    assert line.allowance_cents == 96_000


def test_two_coordinators_closing_the_same_month_at_once_one_wins(ctx, app):
    _, coordinator, _, assignment = factories.ended_assignment(days_ago=2)
    second = factories.coordinator()
    _confirmed(assignment)
    month = _month_of(assignment)
    row = _opened(coordinator, month)
    for item in db.session.scalars(settlement.open_items(month)).all():
        settlement.move_to_next_month(coordinator, row, item, "later")
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    counts: list[int] = []

    def run(actor_id: int) -> None:
        try:
            with app.app_context(), force_locale("en"):
                actor = db.session.get(User, actor_id)
                month_row = db.session.get(SettlementMonth, row.id)
                version = month_row.version
                db.session.commit()
                barrier.wait(timeout=30)
                try:
                    settled = settlement.close(actor, month_row, version)
                    db.session.commit()
                    outcomes.append("won")
                    counts.append(settled)
                except ServiceError as error:
                    db.session.rollback()
                    outcomes.append(f"refused: {error.message}")
                finally:
                    db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(each.id,)) for each in (coordinator, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert outcomes.count("won") == 1 and any(o.startswith("refused") for o in outcomes), outcomes
    assert counts == [1]
    db.session.commit()  # a fresh snapshot: the threads committed after this session's last read
    settled_events = db.session.scalar(
        select(func.count(RequestEvent.id)).where(
            RequestEvent.offer_id == assignment.offer_id, RequestEvent.to_state == AssignmentState.SETTLED.value
        )
    )
    assert settled_events == 1
