"""After the appointment, on the coordinators' request page: each assignment with what was
reported and the organisation's answer, and what coordinators do there: record a report taken
by phone, confirm for the organisation by phone, resolve a dispute, correct figures, mark a
reflection talk held. Every action is a form with errors at its fields and what was typed kept;
two coordinators at once get a clear message; mails arrive at the SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, submit
from tests.pages import form_values, visible_text
from volunteers.clock import BERLIN
from volunteers.extensions import db
from volunteers.models import AdjustmentLine, Assignment, AuditEvent, Offer, RequestEvent
from volunteers.models.enums import Actor, AssignmentState, Channel, EventSubject, OfferState, Outcome
from volunteers.services import assignments, transitions
from volunteers.services.assignments import Report
from volunteers.services.transitions import By


def _ended(**values):
    """An appointment that ended yesterday, its assignment waiting for the report; everyone
    reads English. Returns (organisation member, volunteer, assignment)."""
    staff, _centre, person, assignment = factories.ended_assignment(**values)
    staff.locale = person.locale = "en"
    db.session.commit()
    return staff, person, assignment


def _report(assignment: Assignment, **changes) -> Report:
    values = {
        "outcome": Outcome.TOOK_PLACE,
        "started_at": assignment.appointment_at + timedelta(minutes=5),
        "duration_minutes": 100,
        "travel_km": assignments.straight_km(assignment),
    }
    return Report(**(values | changes))


def _reported(assignment: Assignment, person, **changes) -> None:
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, _report(assignment, **changes))
    db.session.commit()


def _disputed(assignment: Assignment, person, staff, reason: str = "It took 45 minutes, not 100.") -> None:
    _reported(assignment, person)
    assignments.dispute(By(Actor.ORGANISATION, staff), assignment, reason)
    db.session.commit()


def _page(client, assignment: Assignment) -> str:
    return client.get(f"/coordinator/requests/{assignment.request_id}").get_data(as_text=True)


def _card(page: str, assignment: Assignment) -> str:
    """The request page's section about one assignment, as text."""
    found = re.search(rf'<section class="card" id="assignment-{assignment.offer_id}".*?</section>', page, re.S)
    assert found, page[-3000:]
    return " ".join(visible_text(found.group(0)).split())


def _error_at(page: str, field: str) -> str:
    found = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error at {field}"
    return " ".join(visible_text(found.group(1)).split())


def _filled(client, action: str, page: str | None = None) -> dict[str, list[str]]:
    """What the browser would send from the form posting to `action`, as `page` fills it."""
    return form_values(client.get(page or action).get_data(as_text=True), action, page or action)


def _send(client, action: str, changes: dict[str, str] | None = None, page: str | None = None, filled=None):
    """The form as the page fills it (or as it was `filled` earlier), with `changes`."""
    data = dict(filled if filled is not None else _filled(client, action, page))
    data.update({name: [value] for name, value in (changes or {}).items()})
    return client.post(action, data=data)


def _checked(page: str, value: str) -> bool:
    return any("checked" in tag for tag in re.findall(rf'<input[^>]*value="{value}"[^>]*>', page))


def _fresh(assignment: Assignment) -> Assignment:
    db.session.expire_all()
    return db.session.get(Assignment, assignment.id)


@pytest.fixture
def coordinator(client, login):
    account = factories.coordinator(locale="en", given_name="Miriam", family_name="Schäfer")
    login(client, account)
    return account


def test_the_request_page_shows_what_was_reported_and_when_it_counts_as_confirmed(ctx, client, coordinator):
    _staff, person, assignment = _ended()
    waiting = _card(_page(client, assignment), assignment)
    assert "Waiting for the report" in waiting and "Not reported yet." in waiting
    assert "Record the report (by phone)" in waiting

    line = assignments.straight_km(assignment)
    _reported(
        assignment,
        person,
        travel_km=4 * line,
        long_detour_confirmed=True,
        feedback="The office had moved to the second floor.\nPlease tell the next volunteer.",
        wants_reflection_talk=True,
    )
    card = _card(_page(client, assignment), assignment)
    assert "Reported, waiting for the organisation" in card
    assert "Took place" in card and "100 minutes" in card
    assert f"{4 * line} long detour" in card and f"({line} km)" in card
    assert "The office had moved to the second floor." in card
    assert "Reflection talk: wished" in card
    assert "by the volunteer in the portal" in card
    counts_on = (assignment.reported_at + timedelta(days=14)).astimezone(BERLIN)
    assert f"none yet; counts as confirmed on {counts_on.day} " in card
    assert "Confirmed by the organisation by phone" in card and "Correct the figures" in card
    assert "Record the report" not in card


def test_a_report_that_nobody_answered_reads_confirmed_without_an_answer(ctx, client, coordinator):
    _staff, person, assignment = _ended()
    _reported(assignment, person)
    assert assignments.confirm_unanswered(assignment.reported_at + timedelta(days=14), days=14) == 1
    db.session.commit()
    card = _card(_page(client, assignment), assignment)
    assert "Confirmed" in card and "confirmed without an answer on" in card


def test_a_report_taken_by_phone_keeps_what_was_typed_and_asks_the_organisation_by_mail(
    ctx, client, coordinator, deliver, smtp_server
):
    staff, _person, assignment = _ended()
    deliver()  # the mails of the offer and its acceptance
    smtp_server.clear()
    url = f"/coordinator/offers/{assignment.offer_id}/report"
    assert url in _page(client, assignment)
    form = client.get(url).get_data(as_text=True)
    assert "Record the report of" in form and "the volunteer's home place" in form
    start = assignment.appointment_at.astimezone(BERLIN)
    assert f'value="{start.date().isoformat()}"' in form  # the plan, as the suggestion

    typed = "The family asked for the same volunteer next time."
    missing = submit(client, url, {"duration_minutes": "", "feedback": typed}, page=url)
    assert missing.status_code == 400
    page = missing.get_data(as_text=True)
    assert _error_at(page, "outcome") == "Error: Choose what happened."
    assert typed in page
    went = submit(
        client,
        url,
        {"outcome": "took_place", "start_day": "", "duration_minutes": "", "feedback": typed},
        page=url,
    )
    assert went.status_code == 400
    page = went.get_data(as_text=True)
    assert "Enter when the appointment began." in _error_at(page, "start_time")
    assert "Enter how many minutes it took." in _error_at(page, "duration_minutes")
    assert typed in page and _checked(page, "took_place")

    response = submit(
        client,
        url,
        {
            "outcome": "took_place",
            "start_day": start.date().isoformat(),
            "start_time": start.strftime("%H:%M"),
            "duration_minutes": "75",
            "travel_km": "40",
            "feedback": typed,
            "wants_reflection_talk": "y",
        },
        page=url,
    )
    assert response.status_code == 302
    back = f"/coordinator/requests/{assignment.request_id}#assignment-{assignment.offer_id}"
    assert response.headers["Location"].endswith(back)
    assignment = _fresh(assignment)
    assert assignment.state is AssignmentState.REPORTED
    assert (assignment.report_channel, assignment.reported_by_id) == (Channel.PHONE, coordinator.id)
    assert (assignment.duration_minutes, assignment.travel_km, assignment.feedback) == (75, 40, typed)
    assert assignment.wants_reflection_talk
    card = _card(_page(client, assignment), assignment)
    assert "by phone, recorded by Miriam Schäfer" in card
    event = db.session.scalar(
        select(RequestEvent).where(
            RequestEvent.subject == EventSubject.ASSIGNMENT, RequestEvent.to_state == AssignmentState.REPORTED.value
        )
    )
    assert (event.actor_id, event.channel) == (coordinator.id, Channel.PHONE)

    deliver()
    [mail] = smtp_server.to(staff.email)
    assert mail["Subject"] == "Please confirm an appointment"
    # Sent again (the back button): already reported, nothing changes, nobody is mailed twice.
    again = client.get(url)
    assert again.status_code == 302
    assert "reported already" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_kilometres_far_above_the_straight_line_are_asked_about_first(ctx, client, coordinator):
    _staff, _person, assignment = _ended()
    url = f"/coordinator/offers/{assignment.offer_id}/report"
    start = assignment.appointment_at.astimezone(BERLIN)
    line = assignments.straight_km(assignment)
    data = {
        "outcome": "took_place",
        "start_day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "duration_minutes": "90",
        "travel_km": str(4 * line),
    }
    asked = submit(client, url, data, page=url)
    assert asked.status_code == 400
    page = asked.get_data(as_text=True)
    assert "far more than the straight line" in _error_at(page, "travel_km")
    assert 'name="long_detour_confirmed"' in page
    assert submit(client, url, data | {"long_detour_confirmed": "y"}, page=url).status_code == 302
    assert _fresh(assignment).long_detour
    assert "long detour" in _card(_page(client, assignment), assignment)


def test_a_report_is_recorded_only_for_an_accepted_offer_whose_appointment_is_over(ctx, client, coordinator):
    _staff, _person, assignment = _ended()
    record = assignment.request
    db.session.delete(assignment)
    record.starts_at = record.starts_at + timedelta(days=3)
    db.session.commit()
    url = f"/coordinator/offers/{record.offers[0].id}/report"
    early = client.get(url)
    assert early.status_code == 302
    assert "once the appointment is over" in client.get(early.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Assignment.id)) is None
    assert client.get("/coordinator/offers/999999/report").status_code == 404


def test_the_organisations_confirmation_by_phone_is_one_tap_and_a_stale_page_is_refused(
    ctx, client, other_client, login, coordinator, smtp_server, deliver
):
    staff, person, assignment = _ended()
    _reported(assignment, person)
    deliver()
    smtp_server.clear()
    colleague = factories.coordinator(locale="en", given_name="Jonas", family_name="Becker")
    login(other_client, colleague)
    page = f"/coordinator/requests/{assignment.request_id}"
    url = f"/coordinator/assignments/{assignment.id}/confirm"
    seen = _filled(client, url, page)
    theirs = _filled(other_client, url, page)
    # Meanwhile the colleague corrects the kilometres: the page the first one saw is outdated.
    correct = f"/coordinator/assignments/{assignment.id}/correct"
    assert _send(other_client, correct, {"travel_km": "12", "reason": "Ticket shows 12 km"}).status_code == 302
    stale = _send(client, url, filled=seen)
    assert "was changed in the meantime" in client.get(stale.headers["Location"]).get_data(as_text=True)
    assert _fresh(assignment).state is AssignmentState.REPORTED

    done = client.get(_send(client, url, page=page).headers["Location"])
    assert "The organisation's confirmation is recorded." in visible_text(done.get_data(as_text=True))
    assignment = _fresh(assignment)
    assert (assignment.state, assignment.answered_by_id) == (AssignmentState.CONFIRMED, coordinator.id)
    card = _card(_page(client, assignment), assignment)
    assert "confirmed by phone, recorded by Miriam Schäfer on" in card
    assert "Confirmed by the organisation by phone" not in card
    event = db.session.scalar(select(RequestEvent).where(RequestEvent.to_state == AssignmentState.CONFIRMED.value))
    assert (event.actor_role, event.channel) == (Actor.COORDINATOR, Channel.PHONE)
    # Sent again (a second tab): no longer possible, said so.
    again = _send(other_client, url, {"version": str(assignment.version)}, filled=theirs)
    shown = visible_text(other_client.get(again.headers["Location"]).get_data(as_text=True))
    assert "This is no longer possible: it is now “Confirmed”." in shown
    deliver()
    assert smtp_server.to(staff.email) == []  # confirming mails nobody


def test_a_dispute_is_resolved_as_reported_or_with_corrected_figures_and_the_organisation_is_told(
    ctx, client, coordinator, deliver, smtp_server
):
    staff, person, assignment = _ended()
    _disputed(assignment, person, staff)
    deliver()
    smtp_server.clear()
    card = _card(_page(client, assignment), assignment)
    assert "Disputed" in card and "disputed by" in card and "It took 45 minutes, not 100." in card
    url = f"/coordinator/assignments/{assignment.id}/resolve"
    assert url in _page(client, assignment)
    form = client.get(url).get_data(as_text=True)
    assert "It took 45 minutes, not 100." in form and 'value="100"' in form  # the figures as reported

    empty = _send(client, url)
    assert empty.status_code == 400
    page = empty.get_data(as_text=True)
    assert _error_at(page, "decision") == "Error: Choose how the dispute is resolved."
    assert _error_at(page, "reason") == "Error: Say why, in a sentence."
    unchanged = _send(client, url, {"decision": "corrected", "reason": "Asked both."})
    assert unchanged.status_code == 400
    assert "No figure was changed" in _error_at(unchanged.get_data(as_text=True), "decision")
    assert "Asked both." in unchanged.get_data(as_text=True)
    bad = _send(client, url, {"decision": "corrected", "duration_minutes": "0", "reason": "Asked both."})
    assert "Enter between 1 and 1440 minutes." in _error_at(bad.get_data(as_text=True), "duration_minutes")

    response = _send(
        client, url, {"decision": "corrected", "duration_minutes": "45", "reason": "Asked both: 45 minutes."}
    )
    assert response.status_code == 302
    assignment = _fresh(assignment)
    assert (assignment.state, assignment.duration_minutes) == (AssignmentState.CONFIRMED, 45)
    card = _card(_page(client, assignment), assignment)
    assert "Resolved: by Miriam Schäfer on" in card and "Asked both: 45 minutes." in card
    assert "45 minutes" in card
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == coordinator.id)))
    assert {"assignment.corrected", "assignment.dispute_resolved"} <= actions
    deliver()
    [mail] = smtp_server.to(staff.email)
    assert mail["Subject"] == "The centre has resolved your objection"
    # Resolved already: the page says so instead of a form.
    gone = client.get(url)
    assert gone.status_code == 302
    assert "not disputed" in client.get(gone.headers["Location"]).get_data(as_text=True)


def test_a_dispute_resolved_in_another_tab_says_how_instead_of_offering_to_overwrite(
    ctx, client, other_client, login, coordinator
):
    staff, person, assignment = _ended()
    _disputed(assignment, person, staff)
    colleague = factories.coordinator(locale="en", given_name="Jonas", family_name="Becker")
    login(other_client, colleague)
    url = f"/coordinator/assignments/{assignment.id}/resolve"
    seen = _filled(client, url, None)
    resolved = _send(other_client, url, {"decision": "as_reported", "reason": "Asked both: 100 minutes."})
    assert resolved.status_code == 302
    late = _send(client, url, {"decision": "corrected", "duration_minutes": "45", "reason": "45 it was."}, filled=seen)
    assert late.status_code == 302
    shown = visible_text(client.get(late.headers["Location"]).get_data(as_text=True))
    assert "not disputed (any more)" in shown and "send again" not in shown.lower()
    assignment = _fresh(assignment)
    assert (assignment.state, assignment.duration_minutes) == (AssignmentState.CONFIRMED, 100)


def test_resolving_as_reported_ignores_the_figures_below(ctx, client, coordinator):
    staff, person, assignment = _ended()
    _disputed(assignment, person, staff)
    url = f"/coordinator/assignments/{assignment.id}/resolve"
    changes = {"decision": "as_reported", "duration_minutes": "nonsense", "reason": "The volunteer's notes show 100."}
    response = _send(client, url, changes)
    assert response.status_code == 302
    assignment = _fresh(assignment)
    assert (assignment.state, assignment.duration_minutes) == (AssignmentState.CONFIRMED, 100)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "assignment.corrected")) is None


def test_correcting_figures_needs_a_reason_and_is_in_the_history_and_the_audit_log(ctx, client, coordinator):
    staff, person, assignment = _ended()
    _reported(assignment, person)
    assignments.confirm(By(Actor.ORGANISATION, staff), assignment)
    db.session.commit()
    url = f"/coordinator/assignments/{assignment.id}/correct"
    assert url in _page(client, assignment)
    no_reason = _send(client, url, {"travel_km": "12", "reason": " "})
    assert no_reason.status_code == 400
    page = no_reason.get_data(as_text=True)
    assert _error_at(page, "reason") == "Error: Say why, in a sentence."
    assert re.search(r'<input[^>]*name="travel_km"[^>]*value="12"', page)  # what was typed stays
    assert _fresh(assignment).travel_km != 12

    nothing = _send(client, url, {"reason": "Checked it."})
    assert nothing.status_code == 400 and "Nothing was changed." in nothing.get_data(as_text=True)

    done = _send(client, url, {"travel_km": "12", "outcome": "client_absent", "reason": "The ticket shows 12 km."})
    assert done.status_code == 302
    assignment = _fresh(assignment)
    assert (assignment.travel_km, assignment.outcome, assignment.state) == (
        12,
        Outcome.CLIENT_ABSENT,
        AssignmentState.CONFIRMED,
    )
    history = visible_text(_page(client, assignment).split('id="history-title"', 1)[1])
    assert "Report corrected (What happened, Kilometres travelled)" in history
    assert "Reason: The ticket shows 12 km." in history
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.corrected"))
    assert event.actor_id == coordinator.id and event.details["fields"] == "outcome,travel_km"
    assert "ticket" not in str(event.details)


def test_a_settled_assignment_is_never_edited_its_correction_is_an_adjustment(ctx, client, coordinator):
    staff, person, assignment = _ended()
    _reported(assignment, person)
    url = f"/coordinator/assignments/{assignment.id}/correct"
    assignments.confirm(By(Actor.ORGANISATION, staff), assignment)
    transitions.move(assignment, AssignmentState.SETTLED, By(Actor.COORDINATOR, coordinator))
    db.session.commit()
    assert "Correct the figures" in _card(_page(client, assignment), assignment)
    filled = _filled(client, url)
    assert "adjustment line" in visible_text(client.get(url).get_data(as_text=True))
    done = _send(
        client, url, {"travel_km": "12", "reason": "Ticket", "version": str(assignment.version)}, filled=filled
    )
    assert done.status_code == 302
    assert _fresh(assignment).travel_km != 12  # the settled figures stay
    line = db.session.scalars(select(AdjustmentLine).where(AdjustmentLine.assignment_id == assignment.id)).one()
    assert line.km_difference == 12 - (_fresh(assignment).travel_km or 0) and line.reason == "Ticket"


def test_two_coordinators_correcting_at_once_the_second_is_told_and_keeps_what_was_typed(
    ctx, client, other_client, login, coordinator
):
    _staff, person, assignment = _ended()
    _reported(assignment, person)
    login(other_client, factories.coordinator(locale="en"))
    url = f"/coordinator/assignments/{assignment.id}/correct"
    mine, theirs = _filled(client, url), _filled(other_client, url)
    assert (
        _send(other_client, url, {"duration_minutes": "60", "reason": "Called the office."}, filled=theirs).status_code
        == 302
    )
    stale = _send(client, url, {"travel_km": "12", "reason": "The ticket shows 12 km."}, filled=mine)
    assert stale.status_code == 400
    page = stale.get_data(as_text=True)
    assert "This assignment was changed in the meantime" in visible_text(page)
    assert "The ticket shows 12 km." in page and re.search(r'name="travel_km"[^>]*value="12"', page)
    assert "60 minutes" in visible_text(page.split('id="reported-title"', 1)[1].split('id="correction-title"')[0])
    assert _fresh(assignment).travel_km != 12
    # Sent again from that page, knowingly (it showed the colleague's 60 minutes above the form):
    # it carries the version it now shows, and what is in the form is saved.
    again = client.post(url, data=form_values(page, url, url))
    assert again.status_code == 302
    assignment = _fresh(assignment)
    assert (assignment.travel_km, assignment.duration_minutes) == (12, 100)


def test_a_reflection_talk_is_marked_held_and_leaves_the_list(ctx, client, coordinator):
    _staff, person, assignment = _ended()
    _reported(assignment, person, wants_reflection_talk=True)
    listed = client.get("/coordinator/assignments?show=reflection").get_data(as_text=True)
    assert f"#assignment-{assignment.offer_id}" in listed
    page = f"/coordinator/requests/{assignment.request_id}"
    url = f"/coordinator/assignments/{assignment.id}/reflection"
    filled = _filled(client, url, page)
    done = _send(client, url, filled=filled)
    assert done.status_code == 302
    assert _fresh(assignment).reflection_done_at is not None
    card = _card(client.get(done.headers["Location"]).get_data(as_text=True), assignment)
    assert "Reflection talk: held on" in card and "Reflection talk held" not in card
    assert f"#assignment-{assignment.offer_id}" not in client.get("/coordinator/assignments?show=reflection").get_data(
        as_text=True
    )
    twice = _send(client, url, {"version": str(_fresh(assignment).version)}, filled=filled)  # a second tab
    assert "No reflection talk is waiting" in client.get(twice.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/coordinator/offers/{offer}/report"),
        ("GET", "/coordinator/assignments/{assignment}/resolve"),
        ("GET", "/coordinator/assignments/{assignment}/correct"),
        ("POST", "/coordinator/assignments/{assignment}/confirm"),
        ("POST", "/coordinator/assignments/{assignment}/reflection"),
    ],
)
def test_only_coordinators_reach_these_pages_and_unknown_ids_are_404(
    app, ctx, client, other_client, login, method, path
):
    staff, person, assignment = _ended()
    _disputed(assignment, person, staff)
    login(client, person)
    login(other_client, staff)
    url = path.format(offer=assignment.offer_id, assignment=assignment.id)
    for outsider in (client, other_client):
        assert outsider.open(url, method=method).status_code in (403, 404)
    desk = app.test_client()
    login(desk, factories.coordinator())
    token = {"csrf_token": csrf_token(desk, "/coordinator/"), "version": "0"}
    unknown = path.format(offer=2**31 - 1, assignment=2**31 - 1)
    assert desk.open(unknown, method=method, data=token).status_code == 404
    assert desk.open(url, method=method, data=token).status_code in (200, 302)  # a coordinator's page
    assert _fresh(assignment).state is AssignmentState.DISPUTED


def test_nobody_is_withdrawn_from_an_appointment_that_has_begun(ctx, client, login):
    """Found by the browser trial: withdrawing a volunteer from a past appointment reopened the
    request, mailed everyone that it would not take place, and left the assignment to be settled."""
    _, centre, _person, assignment = factories.ended_assignment()
    offer = assignment.offer
    login(client, centre)
    page = client.get(f"/coordinator/requests/{offer.request_id}").get_data(as_text=True)
    for action in ("withdraw", "cancel", "decline"):
        assert f"/coordinator/offers/{offer.id}/{action}" not in page
        answer = client.get(f"/coordinator/offers/{offer.id}/{action}", follow_redirects=True)
        assert "Der Termin hat begonnen" in answer.get_data(as_text=True) or "appointment has begun" in answer.get_data(
            as_text=True
        )
    refused = submit(
        client,
        f"/coordinator/offers/{offer.id}/withdraw",
        {"reason": "late"},
        page=f"/coordinator/requests/{offer.request_id}",
    )
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.ACCEPTED
    assert db.session.get(Assignment, assignment.id).state is AssignmentState.AWAITING_REPORT
