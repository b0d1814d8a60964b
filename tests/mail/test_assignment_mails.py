"""The mails after the appointment, each in German and in English (the recipient's locale),
checked as they reach the SMTP server, each caused as people (and `flask tick`) cause it: the
volunteer is asked the day after and reminded after four days, the organisation is asked to
confirm when the report is in and reminded after three days, the coordinators hear of an
objection, the organisation of how it was resolved. Links open; no mail carries the topic, the
client reference or the volunteer's feedback, and the organisation's none of the volunteer's
name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.after_appointment import answer_link, send_form, tick
from tests.mail.test_request_mails import (
    LOCALES,
    REFERENCE,
    TOPIC,
    _all_links,
    _arrived,
    _assert_language,
    _assert_nothing_private,
    _open_links,
    _other,
    _recipients,
    _signed_in,
)
from tests.mailbox import path_of_link
from volunteers.extensions import db
from volunteers.models import ActionToken, Assignment, OutboxMessage, TokenPurpose
from volunteers.models.enums import AssignmentState
from volunteers.services import assignments

ASKED = "How did your assignment go?"
ASKED_AGAIN = "Reminder: please report your assignment"
TO_CONFIRM = "Please confirm an appointment"
TO_CONFIRM_AGAIN = "Reminder: please confirm an appointment"
DISPUTED = "An organisation disputes a report"
RESOLVED = "The centre has resolved your objection"
#: The volunteer's name and feedback, which reach no organisation.
GIVEN, FAMILY = "Amira", "Sultani"
FEEDBACK = "Die Mutter wirkte sehr erschöpft."


def _ended(*, staff: str, coordinator: str, volunteer: str, days_ago: int = 1):
    return factories.ended_assignment(
        days_ago=days_ago,
        staff_locale=staff,
        coordinator_locale=coordinator,
        volunteer_locale=volunteer,
        volunteer_name=(GIVEN, FAMILY),
        topic=TOPIC,
        client_reference=REFERENCE,
    )


def _fresh(assignment: Assignment) -> Assignment:
    db.session.expire_all()
    return db.session.get(Assignment, assignment.id)


def _report_by_link(app, path: str) -> None:
    """The volunteer answers the mail's link (no login), with feedback for the centre."""
    response = send_form(app.test_client(), path, {"outcome": "took_place", "feedback": FEEDBACK})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


def _reported(app, deliver, smtp_server, scene) -> Assignment:
    _, _, person, assignment = scene
    tick()
    deliver()
    _report_by_link(app, path_of_link(_arrived(smtp_server, "assignment_report_asked", person), "/assignment/"))
    return _fresh(assignment)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_volunteer_is_asked_the_day_after_and_reminded_once(ctx, app, login, deliver, smtp_server, locale):
    scene = _ended(staff=_other(locale), coordinator=_other(locale), volunteer=locale, days_ago=0)
    _, _, person, assignment = scene
    appointment = assignment.appointment_at
    tick(appointment + timedelta(hours=4))  # the same day: not yet
    asked = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.event == "assignment_report_asked")
    assert db.session.scalar(asked) == 0
    tick(appointment + timedelta(days=1, minutes=1))
    tick(appointment + timedelta(days=1, minutes=30))  # however often the job runs
    assert db.session.scalar(asked) == 1
    deliver()
    message = _arrived(smtp_server, "assignment_report_asked", person)
    assert _recipients(smtp_server, "assignment_report_asked") == {person.email}

    paths = _open_links(message, _signed_in(app, login, person))
    assert "/volunteer/assignments" in paths
    [link] = [path for path in paths if path.startswith("/assignment/report/")]
    visitor = app.test_client()  # no login: the link works on its own
    page = visitor.get(link)
    assert page.status_code == 200 and 'name="outcome"' in page.get_data(as_text=True)
    # Mail scanners open every link: nothing changed, the link is still good.
    assert _fresh(assignment).state is AssignmentState.AWAITING_REPORT
    used = select(ActionToken.used_at).where(ActionToken.purpose == TokenPurpose.REPORT_ASSIGNMENT)
    assert db.session.scalar(used) is None
    _assert_nothing_private(message)
    _assert_language(message, locale, ASKED)

    smtp_server.clear()
    tick(appointment + timedelta(days=4, minutes=1))
    deliver()
    reminders = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "assignment_report_asked").order_by(OutboxMessage.id)
    ).all()
    assert len(reminders) == 2
    [again] = [m for m in smtp_server.messages if m["Message-ID"] == reminders[1].message_id]
    assert any("/assignment/report/" in link for link in _all_links(again))
    _assert_nothing_private(again)
    _assert_language(again, locale, ASKED_AGAIN)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_organisation_is_asked_to_confirm_and_reminded_after_three_days(
    ctx, app, login, deliver, smtp_server, locale
):
    scene = _ended(staff=locale, coordinator=_other(locale), volunteer=_other(locale))
    staff = scene[0]
    assignment = _reported(app, deliver, smtp_server, scene)
    assert assignment.state is AssignmentState.REPORTED
    deliver()
    message = _arrived(smtp_server, "assignment_to_confirm", staff)
    assert _recipients(smtp_server, "assignment_to_confirm") == {staff.email}

    paths = _open_links(message, _signed_in(app, login, staff))
    assert "/organisation/to-confirm" in paths
    [link] = [path for path in paths if path.startswith("/assignment/answer/")]
    page = app.test_client().get(link)
    assert page.status_code == 200 and 'value="confirm"' in page.get_data(as_text=True)
    assert _fresh(assignment).state is AssignmentState.REPORTED  # opening the link changed nothing
    _assert_nothing_private(message, GIVEN, FAMILY, FEEDBACK)
    _assert_language(message, locale, TO_CONFIRM)

    smtp_server.clear()
    tick(assignment.reported_at + timedelta(days=3, minutes=1))
    deliver()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "assignment_to_confirm").order_by(OutboxMessage.id)
    ).all()
    assert [row.recipient for row in rows] == [staff.email, staff.email]
    [again] = [m for m in smtp_server.messages if m["Message-ID"] == rows[1].message_id]
    reminder_link = path_of_link(again, "/assignment/answer/")
    confirmed = send_form(app.test_client(), reminder_link, {}, button=("answer", "confirm"))
    assert confirmed.status_code == 200
    assert _fresh(assignment).state is AssignmentState.CONFIRMED
    _assert_nothing_private(again, GIVEN, FAMILY, FEEDBACK)
    _assert_language(again, locale, TO_CONFIRM_AGAIN)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_objection_reaches_every_coordinator(ctx, app, login, deliver, smtp_server, locale):
    scene = _ended(staff=_other(locale), coordinator=locale, volunteer=_other(locale))
    staff, centre, _, _ = scene
    colleague = factories.coordinator(locale=locale)
    factories.coordinator(locale=locale, active=False)
    _reported(app, deliver, smtp_server, scene)
    reason = "Die Dolmetscherin kam eine Stunde zu spät."
    objected = send_form(app.test_client(), answer_link(staff), {"reason": reason}, button=("answer", "dispute"))
    assert objected.status_code == 200
    deliver()
    assert _recipients(smtp_server, "assignment_disputed") == {centre.email, colleague.email}
    message = _arrived(smtp_server, "assignment_disputed", centre)
    record = scene[3].request_id
    assert f"/coordinator/requests/{record}" in _open_links(message, _signed_in(app, login, centre))
    _assert_nothing_private(message, FEEDBACK, reason)
    _assert_language(message, locale, DISPUTED)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_organisation_hears_how_its_objection_was_resolved(ctx, app, login, deliver, smtp_server, locale):
    scene = _ended(staff=locale, coordinator=_other(locale), volunteer=_other(locale))
    staff, centre, _, _ = scene
    _reported(app, deliver, smtp_server, scene)
    reason = "Es waren nur 45 Minuten."
    assert send_form(app.test_client(), answer_link(staff), {"reason": reason}, button=("answer", "dispute"))
    # The coordinators' page for this is built apart; its service is what the page calls.
    assignment = _fresh(scene[3])
    resolution = "Beide befragt: 45 Minuten."
    assignments.resolve(centre, assignment, resolution)
    db.session.commit()
    deliver()
    message = _arrived(smtp_server, "assignment_resolved", staff)
    assert _recipients(smtp_server, "assignment_resolved") == {staff.email}
    assert f"/organisation/requests/{assignment.request_id}" in _open_links(message, _signed_in(app, login, staff))
    _assert_nothing_private(message, GIVEN, FAMILY, FEEDBACK, reason, resolution)
    _assert_language(message, locale, RESOLVED)
