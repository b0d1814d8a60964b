"""The volunteer reports an appointment: through the link in the mail the job sends the day
after (no login), or in the portal. Opening the link changes nothing; every error stands at its
field with what was typed kept; a used or expired link says that it no longer works."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from tests import factories
from tests.after_appointment import error_at, report_link, send_again, send_form, text, tick, value_of
from tests.conftest import submit
from volunteers.clock import BERLIN
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import ActionToken, Assignment, OutboxMessage, SupportRequest, TokenPurpose
from volunteers.models.enums import Actor, AssignmentState, Channel, Mode, Outcome
from volunteers.services import assignments, offers
from volunteers.services.transitions import By

ENGLISH = {"Accept-Language": "en"}
FEEDBACK = "Die Familie war sehr dankbar."


def _fresh(assignment: Assignment) -> Assignment:
    db.session.expire_all()
    return db.session.get(Assignment, assignment.id)


def _link_unused() -> bool:
    used = select(ActionToken.used_at).where(ActionToken.purpose == TokenPurpose.REPORT_ASSIGNMENT)
    return db.session.scalar(used) is None


def _mails(event: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.event == event))


# ---------------------------------------------------------------------------------------------
# The link in the mail


def test_the_link_opens_the_form_filled_with_the_plan_and_changes_nothing(ctx, client):
    _, _, person, assignment = factories.ended_assignment(volunteer_locale="en")
    link = report_link(person)
    mails = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    response = client.get(link, headers=ENGLISH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    planned = assignment.appointment_at.astimezone(BERLIN)
    assert value_of(page, "start_day") == planned.date().isoformat()
    assert value_of(page, "start_time") == planned.strftime("%H:%M")
    assert value_of(page, "duration_minutes") == "90"
    line = assignments.straight_km(assignment)
    assert value_of(page, "travel_km") == str(line)
    assert "Hello Test, please tell the centre how this assignment went:" in text(response)
    # The volunteer reports of themselves: "I", not "the volunteer".
    assert "I could not come" in text(response) and "by me" in text(response)
    assert "The volunteer did not come" not in text(response)
    # Mail scanners open every link: a GET alone changes nothing.
    assert _fresh(assignment).state is AssignmentState.AWAITING_REPORT
    assert _link_unused()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == mails


def test_every_error_stands_at_its_field_with_what_was_typed_kept(ctx, client):
    _, _, person, assignment = factories.ended_assignment()
    link = report_link(person)
    future = (utcnow() + timedelta(hours=3)).astimezone(BERLIN)
    response = send_form(
        client,
        link,
        {
            "outcome": "took_place",
            "start_day": future.date().isoformat(),
            "start_time": future.strftime("%H:%M"),
            "duration_minutes": "",
            "travel_km": "2500",
            "feedback": "x" * 1001,
            "wants_reflection_talk": "y",
        },
        headers=ENGLISH,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_at(page, "start_time") == "Error: The start cannot be in the future."
    assert error_at(page, "duration_minutes") == "Error: Enter how many minutes it took."
    assert error_at(page, "travel_km") == "Error: Enter between 0 and 2000 kilometres."
    assert error_at(page, "feedback") == "Error: Keep the feedback under 1000 characters."
    assert value_of(page, "outcome-0") == "checked"
    assert value_of(page, "start_time") == future.strftime("%H:%M")
    assert value_of(page, "travel_km") == "2500"
    assert value_of(page, "feedback") == "x" * 1001
    assert value_of(page, "wants_reflection_talk") == "checked"
    assert _fresh(assignment).state is AssignmentState.AWAITING_REPORT
    assert _link_unused()
    assert _mails("assignment_to_confirm") == 0


def test_without_an_answer_to_what_happened_the_form_says_so(ctx, client):
    _, _, person, _assignment = factories.ended_assignment()
    response = send_form(client, report_link(person), {}, headers=ENGLISH)
    assert response.status_code == 400
    assert error_at(response.get_data(as_text=True), "outcome") == "Error: Choose what happened."


def test_a_short_notice_cancellation_asks_who_cancelled(ctx, client):
    _, _, person, assignment = factories.ended_assignment()
    link = report_link(person)
    response = send_form(client, link, {"outcome": "cancelled_short_notice"}, headers=ENGLISH)
    assert response.status_code == 400
    assert error_at(response.get_data(as_text=True), "cancelled_by") == "Error: Choose who cancelled."
    done = send_form(client, link, {"outcome": "cancelled_short_notice", "cancelled_by": "client"}, headers=ENGLISH)
    assert done.status_code == 200
    reported = _fresh(assignment)
    assert (reported.outcome, reported.duration_minutes, reported.hours) == (Outcome.CANCELLED_SHORT_NOTICE, None, 0)


def test_a_report_through_the_link_is_taken_once_and_the_link_then_no_longer_works(ctx, app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_PHONE", "0561 1003-1234")  # the pages say where to call
    _, _, person, assignment = factories.ended_assignment()
    link = report_link(person)
    response = send_form(
        client,
        link,
        {"outcome": "took_place", "duration_minutes": "75", "feedback": FEEDBACK, "wants_reflection_talk": "y"},
        headers=ENGLISH,
    )
    assert response.status_code == 200, text(response)[:2000]
    assert "Thank you for your report" in text(response)
    assert 'href="tel:05611003-1234"' in response.get_data(as_text=True)
    assert "75 minutes" in text(response)
    reported = _fresh(assignment)
    assert reported.state is AssignmentState.REPORTED
    assert (reported.duration_minutes, reported.feedback, reported.wants_reflection_talk) == (75, FEEDBACK, True)
    assert (reported.report_channel, reported.reported_by_id) == (Channel.MAIL_LINK, person.id)
    assert reported.travel_km == reported.straight_km == assignments.straight_km(reported)
    assert _mails("assignment_to_confirm") == 1

    again = client.get(link, headers=ENGLISH)
    assert again.status_code == 410
    assert "This link no longer works" in text(again)
    assert "This link has expired or has already been used." in text(again)
    assert 'href="tel:05611003-1234"' in again.get_data(as_text=True)  # where to call instead
    sent_again = client.post(link, data={"outcome": "took_place"}, headers=ENGLISH)
    assert sent_again.status_code == 410
    assert _mails("assignment_to_confirm") == 1


def test_a_link_made_useless_by_a_report_in_the_portal_says_so(ctx, client, other_client, login):
    _, _, person, assignment = factories.ended_assignment()
    link = report_link(person)
    login(other_client, person)
    page = f"/volunteer/offers/{assignment.offer_id}/report"
    assert send_form(other_client, page, {"outcome": "took_place"}).status_code == 302
    response = client.get(link, headers=ENGLISH)
    assert response.status_code == 410
    assert "This appointment has been reported already. Thank you!" in text(response)


def test_an_unknown_or_expired_link_says_that_it_no_longer_works(ctx, client):
    for unknown in ("/assignment/report/not-a-real-token", "/assignment/report/" + "x" * 300):
        response = client.get(unknown, headers=ENGLISH)
        assert response.status_code == 410
        assert "This link has expired or has already been used." in text(response)
        assert client.post(unknown, data={"outcome": "took_place"}).status_code == 410
    _, _, person, _assignment = factories.ended_assignment()
    link = report_link(person)
    db.session.execute(update(ActionToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    expired = client.get(link, headers=ENGLISH)
    assert expired.status_code == 410
    assert "This link has expired or has already been used." in text(expired)


def test_a_long_detour_is_asked_about_at_the_kilometres_and_passes_once_ticked(ctx, client):
    _, _, person, assignment = factories.ended_assignment()
    link = report_link(person)
    line = assignments.straight_km(assignment)
    far = str(3 * line + 1)
    first = client.get(link).get_data(as_text=True)
    assert value_of(first, "long_detour_confirmed") is None and 'id="long_detour_confirmed"' not in first

    asked = send_form(client, link, {"outcome": "took_place", "travel_km": far}, headers=ENGLISH)
    assert asked.status_code == 400
    page = asked.get_data(as_text=True)
    assert error_at(page, "travel_km") == (
        f"Error: That is far more than the straight line there and back ({line} km) suggests. "
        "Check the figure, or tick that it is right."
    )
    assert 'id="long_detour_confirmed"' in page and value_of(page, "travel_km") == far

    # Ticked, but another field is wrong: the tick is kept, and not asked for again.
    # Tomorrow (in Kassel) at the planned time: in the future whatever the hour the test runs.
    future = (utcnow() + timedelta(days=1)).astimezone(BERLIN)
    other = send_again(
        client, asked, link, {"long_detour_confirmed": "y", "start_day": future.date().isoformat()}, headers=ENGLISH
    )
    assert other.status_code == 400
    page = other.get_data(as_text=True)
    assert error_at(page, "start_time") == "Error: The start cannot be in the future."
    assert error_at(page, "travel_km") is None
    assert value_of(page, "long_detour_confirmed") == "checked"

    planned = assignment.appointment_at.astimezone(BERLIN).date().isoformat()
    done = send_again(client, other, link, {"start_day": planned}, headers=ENGLISH)
    assert done.status_code == 200, text(done)[:2000]
    reported = _fresh(assignment)
    assert reported.travel_km == 3 * line + 1 and reported.long_detour


def test_by_phone_or_video_there_is_no_kilometre_field(ctx, client):
    _, _, person, assignment = factories.ended_assignment(mode=Mode.PHONE)
    link = report_link(person)
    page = client.get(link, headers=ENGLISH).get_data(as_text=True)
    assert 'name="travel_km"' not in page and "Kilometres travelled" not in page
    response = send_form(client, link, {"outcome": "took_place", "travel_km": "30"}, headers=ENGLISH)
    assert response.status_code == 200
    assert _fresh(assignment).travel_km == 0


# ---------------------------------------------------------------------------------------------
# In the portal


def test_the_portal_lists_the_past_assignment_with_a_link_to_report_it(ctx, client, login):
    _, _, person, assignment = factories.ended_assignment(volunteer_locale="en")
    login(client, person)
    page = f"/volunteer/offers/{assignment.offer_id}/report"
    listed = client.get("/volunteer/assignments").get_data(as_text=True)
    assert f'href="{page}"' in listed and "Report how it went" in listed

    wrong = send_form(client, page, {"outcome": "took_place", "duration_minutes": "0"})
    assert wrong.status_code == 400
    assert error_at(wrong.get_data(as_text=True), "duration_minutes") == "Error: Enter between 1 and 1440 minutes."
    assert _fresh(assignment).state is AssignmentState.AWAITING_REPORT

    done = send_form(client, page, {"outcome": "client_absent", "feedback": FEEDBACK})
    assert done.status_code == 302 and done.headers["Location"].endswith("/volunteer/assignments#past")
    reported = _fresh(assignment)
    assert (reported.state, reported.outcome, reported.report_channel) == (
        AssignmentState.REPORTED,
        Outcome.CLIENT_ABSENT,
        Channel.PORTAL,
    )
    after = client.get("/volunteer/assignments")
    assert "Thank you for your report. The organisation is asked to confirm it." in text(after)
    assert "Reported, waiting for the organisation" in text(after)
    assert f'href="{page}"' not in after.get_data(as_text=True)

    again = client.get(page)
    assert again.status_code == 302
    assert "This appointment has been reported already. Thank you!" in text(client.get("/volunteer/assignments"))
    assert submit(client, page, {"outcome": "took_place"}, page="/volunteer/assignments").status_code == 302
    assert _fresh(assignment).outcome is Outcome.CLIENT_ABSENT


def test_another_volunteers_offer_and_an_unknown_one_are_not_found(ctx, client, login):
    _, _, _person, assignment = factories.ended_assignment()
    stranger = factories.available_volunteer(locale="en")
    login(client, stranger)
    page = f"/volunteer/offers/{assignment.offer_id}/report"
    assert client.get(page).status_code == 404
    assert submit(client, page, {"outcome": "took_place"}, page="/volunteer/assignments").status_code == 404
    assert client.get("/volunteer/offers/999999/report").status_code == 404
    assert _fresh(assignment).state is AssignmentState.AWAITING_REPORT


def test_before_the_appointment_has_ended_there_is_nothing_to_report(ctx, client, login):
    staff, organisation = factories.organisation_user()
    centre = factories.coordinator()
    person = factories.available_volunteer(locale="en")
    record = factories.support_request(organisation, created_by_id=staff.id)
    (offer,) = offers.make_offers(centre, record, [person.profile.id])
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    # It began half an hour ago and lasts 90 minutes.
    db.session.execute(
        update(SupportRequest).where(SupportRequest.id == record.id).values(starts_at=utcnow() - timedelta(minutes=30))
    )
    db.session.commit()
    login(client, person)
    page = f"/volunteer/offers/{offer.id}/report"
    response = client.get(page)
    assert response.status_code == 302 and response.headers["Location"].endswith("/volunteer/assignments")
    assert "You can report an assignment once its appointment is over." in text(client.get("/volunteer/assignments"))
    assert submit(client, page, {"outcome": "took_place"}, page="/volunteer/assignments").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    tick()
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_a_confirmed_report_reads_confirmed_in_the_past_list(ctx, client, login):
    """In German the state is "Bestätigt", not the heading "Bestätigte Einsätze" it shares an
    English word with."""
    staff, _, person, assignment = factories.ended_assignment()
    login(client, person)
    page = f"/volunteer/offers/{assignment.offer_id}/report"
    assert send_form(client, page, {"outcome": "took_place"}).status_code == 302
    assignments.confirm(By(Actor.ORGANISATION, staff), _fresh(assignment))
    db.session.commit()
    listed = client.get("/volunteer/assignments").get_data(as_text=True)
    assert '<span class="tag">Bestätigt</span>' in listed
