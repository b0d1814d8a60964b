"""The organisation answers what a volunteer reported: in its list to confirm (its own
organisations' reports only, a page at a time) or through the link in its mail (no login).
Confirming is one tap; an objection needs a reason and reaches the coordinators. Another
organisation's assignment is a 404; a used or expired link says that it no longer works."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from tests import factories
from tests.after_appointment import answer_link, error_at, send_form, text
from tests.conftest import submit
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import ActionToken, Assignment, Offer, OutboxMessage, TokenPurpose
from volunteers.models.enums import Actor, AssignmentState, Channel, OfferState, Outcome
from volunteers.services import assignments
from volunteers.services.assignments import Report
from volunteers.services.transitions import By
from volunteers.web.organisation.confirmations import TO_CONFIRM_PER_PAGE

ENGLISH = {"Accept-Language": "en"}
LIST = "/organisation/to-confirm"
FEEDBACK = "Die Mutter wirkte sehr erschöpft."
REFERENCE = "K-2026-017"


def _reported(**values):
    """An appointment of yesterday that its volunteer (Amira Sultani) has reported, with
    feedback for the centre. Returns (staff, coordinator, volunteer, assignment)."""
    staff, centre, person, assignment = factories.ended_assignment(
        staff_locale="en", volunteer_name=("Amira", "Sultani"), client_reference=REFERENCE, **values
    )
    report = Report(
        outcome=Outcome.TOOK_PLACE,
        started_at=assignment.appointment_at + timedelta(minutes=10),
        duration_minutes=80,
        travel_km=assignments.straight_km(assignment),
        feedback=FEEDBACK,
    )
    assignments.report(assignments.acting_as_volunteer(person, assignment), assignment, report)
    db.session.commit()
    return staff, centre, person, assignment


def _fresh(assignment: Assignment) -> Assignment:
    db.session.expire_all()
    return db.session.get(Assignment, assignment.id)


def _mails_to(event: str) -> set[str]:
    return set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.event == event)))


# ---------------------------------------------------------------------------------------------
# The list to confirm


def test_the_list_shows_the_reports_of_ones_own_organisations_only(ctx, client, login):
    staff, _, _, mine = _reported()
    _, _, _, waiting = factories.ended_assignment(organisation=mine.request.organisation)  # not reported yet
    _, _, _, theirs = _reported()
    login(client, staff)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="{LIST}"' in page  # in the navigation
    assert f'action="/organisation/assignments/{mine.id}/confirm"' in page
    assert f'href="/organisation/assignments/{mine.id}/dispute"' in page
    assert f"/organisation/assignments/{theirs.id}/" not in page
    assert f"/organisation/assignments/{waiting.id}/" not in page
    shown = text(response)
    assert "80 minutes" in shown and "Took place" in shown
    # The organisation's own pseudonym for the person says which client it was.
    assert f"Client reference: {mine.request.client_reference}" in shown
    # The feedback is for the centre; volunteers' names reach organisations only with a confirmation.
    for private in (FEEDBACK, "Amira", "Sultani"):
        assert private not in shown
    # What happened and how long is the organisation's to confirm; the kilometres are the centre's.
    assert "Kilometres" not in shown


def test_confirming_in_the_list_is_one_tap(ctx, client, login):
    staff, _, _, assignment = _reported()
    login(client, staff)
    response = submit(client, f"/organisation/assignments/{assignment.id}/confirm", page=LIST)
    assert response.status_code == 302 and response.headers["Location"].endswith(LIST)
    confirmed = _fresh(assignment)
    assert (confirmed.state, confirmed.answered_by_id, confirmed.confirmed_automatically) == (
        AssignmentState.CONFIRMED,
        staff.id,
        False,
    )
    after = client.get(LIST)
    assert "Confirmed. Thank you!" in text(after) and "Nothing to confirm at the moment." in text(after)
    # A second tap (another tab) changes nothing and says why.
    again = submit(client, f"/organisation/assignments/{assignment.id}/confirm", page=LIST)
    assert again.status_code == 302
    assert "no longer possible" in text(client.get(LIST))
    assert _fresh(assignment).state is AssignmentState.CONFIRMED


def test_an_objection_from_the_list_needs_a_reason_and_reaches_the_coordinators(ctx, client, login):
    staff, centre, _, assignment = _reported()
    login(client, staff)
    page = f"/organisation/assignments/{assignment.id}/dispute"
    shown = client.get(page)
    assert shown.status_code == 200 and "80 minutes" in text(shown)
    assert FEEDBACK not in text(shown) and "Sultani" not in text(shown) and "Kilometres" not in text(shown)

    empty = send_form(client, page, {"reason": "  "})
    assert empty.status_code == 400
    assert error_at(empty.get_data(as_text=True), "reason") == "Error: Say what was different, in a sentence."
    assert _fresh(assignment).state is AssignmentState.REPORTED

    reason = "Es waren nur 45 Minuten."
    done = send_form(client, page, {"reason": reason})
    assert done.status_code == 302 and done.headers["Location"].endswith(LIST)
    disputed = _fresh(assignment)
    assert (disputed.state, disputed.dispute_reason, disputed.answered_by_id) == (
        AssignmentState.DISPUTED,
        reason,
        staff.id,
    )
    assert "The centre has your objection and will get back to you." in text(client.get(LIST))
    assert _mails_to("assignment_disputed") == {centre.email}

    # Answered: the page does not offer the form again.
    again = client.get(page)
    assert again.status_code == 302 and again.headers["Location"].endswith(LIST)
    assert "This appointment has been answered already." in text(client.get(LIST))


def test_another_organisations_assignment_is_not_found(ctx, client, login):
    _, _, _, theirs = _reported()
    stranger, _ = factories.organisation_user(locale="en")
    login(client, stranger)
    assert submit(client, f"/organisation/assignments/{theirs.id}/confirm", page=LIST).status_code == 404
    assert client.get(f"/organisation/assignments/{theirs.id}/dispute").status_code == 404
    assert (
        submit(client, f"/organisation/assignments/{theirs.id}/dispute", {"reason": "Nein"}, page=LIST).status_code
        == 404
    )
    assert submit(client, "/organisation/assignments/999999/confirm", page=LIST).status_code == 404
    assert client.get("/organisation/assignments/999999/dispute").status_code == 404
    assert _fresh(theirs).state is AssignmentState.REPORTED


def test_the_list_comes_a_page_at_a_time_in_a_fixed_number_of_statements(ctx, client, login, count_queries):
    staff, organisation = factories.organisation_user(locale="en")
    person = factories.volunteer()
    first = utcnow() - timedelta(days=60)

    def reported(count: int, start: int) -> None:
        for number in range(start, start + count):
            record = factories.support_request(
                organisation, client_reference=f"P-{number}", starts_at=first + timedelta(days=number)
            )
            offer = Offer(request=record, profile_id=person.profile.id, state=OfferState.ACCEPTED, expires_at=first)
            db.session.add(offer)
            db.session.add(
                Assignment(
                    offer=offer,
                    profile_id=person.profile.id,
                    request=record,
                    appointment_at=record.starts_at,
                    state=AssignmentState.REPORTED,
                    outcome=Outcome.TOOK_PLACE,
                    started_at=record.starts_at,
                    duration_minutes=60 + number,
                    travel_km=10,
                    reported_at=record.starts_at + timedelta(days=1),
                )
            )
        db.session.commit()

    login(client, staff)
    reported(1, 0)
    client.get(LIST)
    with count_queries() as few:
        assert client.get(LIST).status_code == 200
    reported(TO_CONFIRM_PER_PAGE, 1)
    with count_queries() as many:
        page = client.get(LIST).get_data(as_text=True)
    assert len(few) == len(many)
    assert page.count("/confirm") == TO_CONFIRM_PER_PAGE
    assert "Page 1 of 2" in text(client.get(LIST))
    assert f'href="{LIST}?page=2"' in page
    second = client.get(f"{LIST}?page=2")
    assert second.get_data(as_text=True).count("/confirm") == 1
    # The oldest report first: the last one (80 minutes) is on the second page.
    assert "80 minutes" in text(second) and "80 minutes" not in text(client.get(LIST))


# ---------------------------------------------------------------------------------------------
# The link in the mail


def test_the_answer_link_shows_the_report_and_changes_nothing_until_a_button(ctx, client):
    staff, _, _, assignment = _reported()
    link = answer_link(staff)
    response = client.get(link, headers=ENGLISH)
    assert response.status_code == 200
    shown = text(response)
    assert "80 minutes" in shown and "Took place" in shown
    for private in (FEEDBACK, "Amira", "Sultani"):
        assert private not in shown
    # What happened and how long is the organisation's to confirm; the kilometres are the centre's.
    assert "Kilometres" not in shown
    page = response.get_data(as_text=True)
    assert 'name="answer" value="confirm"' in page and 'name="answer" value="dispute"' in page
    assert _fresh(assignment).state is AssignmentState.REPORTED
    token = select(ActionToken.used_at).where(ActionToken.purpose == TokenPurpose.CONFIRM_ASSIGNMENT)
    assert db.session.scalar(token) is None

    neither = send_form(client, link, {}, headers=ENGLISH)
    assert neither.status_code == 400 and "Please answer with one of the two buttons." in text(neither)

    confirmed = send_form(client, link, {}, button=("answer", "confirm"), headers=ENGLISH)
    assert confirmed.status_code == 200 and "The appointment is confirmed." in text(confirmed)
    answered = _fresh(assignment)
    assert (answered.state, answered.answered_by_id) == (AssignmentState.CONFIRMED, staff.id)
    assert db.session.scalar(token) is not None

    used = client.get(link, headers=ENGLISH)
    assert used.status_code == 410 and "This link no longer works" in text(used)
    assert client.post(link, data={"answer": "dispute", "reason": "Doch nicht"}).status_code == 410
    assert _fresh(assignment).state is AssignmentState.CONFIRMED


def test_an_objection_by_link_needs_a_reason_and_reaches_the_coordinators(ctx, client):
    staff, centre, _, assignment = _reported()
    link = answer_link(staff)
    empty = send_form(client, link, {"reason": ""}, button=("answer", "dispute"), headers=ENGLISH)
    assert empty.status_code == 400
    assert error_at(empty.get_data(as_text=True), "reason") == "Error: Say what was different, in a sentence."
    assert _fresh(assignment).state is AssignmentState.REPORTED

    reason = "Die Dolmetscherin kam eine Stunde zu spät."
    done = send_form(client, link, {"reason": reason}, button=("answer", "dispute"), headers=ENGLISH)
    assert done.status_code == 200
    assert "The centre has your objection and will get back to you." in text(done)
    disputed = _fresh(assignment)
    assert (disputed.state, disputed.dispute_reason) == (AssignmentState.DISPUTED, reason)
    assert _mails_to("assignment_disputed") == {centre.email}
    from volunteers.models import RequestEvent
    from volunteers.models.enums import EventSubject

    last = db.session.scalars(
        select(RequestEvent).where(RequestEvent.subject == EventSubject.ASSIGNMENT).order_by(RequestEvent.id.desc())
    ).first()
    assert (last.to_state, last.channel, last.actor_id) == ("disputed", Channel.MAIL_LINK, staff.id)


def test_a_link_answered_in_the_portal_or_expired_no_longer_works(ctx, client, other_client, login):
    staff, _, _, assignment = _reported()
    link = answer_link(staff)
    login(other_client, staff)
    assert submit(other_client, f"/organisation/assignments/{assignment.id}/confirm", page=LIST).status_code == 302
    answered = client.get(link, headers=ENGLISH)
    assert answered.status_code == 410
    assert "This appointment has been answered already. Thank you!" in text(answered)

    second_staff, _, _, other = _reported()
    other_link = answer_link(second_staff)
    db.session.execute(
        update(ActionToken)
        .where(ActionToken.purpose == TokenPurpose.CONFIRM_ASSIGNMENT)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    expired = client.get(other_link, headers=ENGLISH)
    assert expired.status_code == 410
    assert "This link has expired or has already been used." in text(expired)
    assert client.get("/assignment/answer/not-a-real-token").status_code == 410
    assert _fresh(other).state is AssignmentState.REPORTED


def test_the_answer_link_of_someone_who_left_the_organisation_no_longer_works(ctx, client):
    staff, _, _, assignment = _reported()
    link = answer_link(staff)
    from volunteers.models import Membership

    db.session.execute(
        Membership.__table__.delete().where(
            Membership.user_id == staff.id, Membership.organisation_id == assignment.request.organisation_id
        )
    )
    db.session.commit()
    gone = client.get(link, headers=ENGLISH)
    assert gone.status_code == 410
    assert "no longer a member" in text(gone)
    assert client.post(link, data={"answer": "confirm"}).status_code == 410
    assert _fresh(assignment).state is AssignmentState.REPORTED


def test_the_answer_link_of_a_deactivated_account_no_longer_works(ctx, client):
    staff, _, _, assignment = _reported()
    link = answer_link(staff)
    staff.active = False
    db.session.commit()
    assert client.get(link, headers=ENGLISH).status_code == 410
    assert client.post(link, data={"answer": "confirm"}).status_code == 410
    assert _fresh(assignment).state is AssignmentState.REPORTED


def test_the_request_list_says_where_a_report_waits_and_where_an_objection_is(ctx, client, login):
    staff, _, _, waiting = _reported()
    _, _, _, objected = _reported(organisation=waiting.request.organisation)
    assignments.dispute(By(Actor.ORGANISATION, staff, Channel.PORTAL), objected, "Nur 40 Minuten.")
    db.session.commit()
    login(client, staff)
    page = client.get("/organisation/requests", headers=ENGLISH)
    rows = {row.split("</tr>")[0] for row in page.get_data(as_text=True).split("<tr>")[2:]}
    [waiting_row] = [row for row in rows if f'/organisation/requests/{waiting.request_id}"' in row]
    [objected_row] = [row for row in rows if f'/organisation/requests/{objected.request_id}"' in row]
    assert f'href="{LIST}"' in waiting_row and "A report waits for your confirmation" in waiting_row
    assert "Your objection is with the centre" in objected_row and "A report waits" not in objected_row
