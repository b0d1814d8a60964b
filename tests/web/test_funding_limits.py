"""The funding limits on the pages: a candidate an offer would push past a limit is flagged
with the reason; accepting such an offer is refused (in the portal, by mail link, by phone)
until a coordinator overrides the limit for it with a reason; at the client's cap no further
offer is made unless a coordinator grants an exception for the request with a reason."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import form_tokens, submit
from tests.mailbox import path_of_link
from tests.pages import visible_text
from volunteers.extensions import db
from volunteers.models import AuditEvent, Offer, RequestEvent, SupportRequest
from volunteers.models.enums import LimitNote, OfferState, Programme
from volunteers.services import offers


def _lotse_with_five_hours(organisation, centre):
    """A WIR-Lotse with 5 hours accepted on Tuesday, and a request of 2 hours on Wednesday of
    the same week: 7 of 6 hours."""
    person = factories.available_volunteer(locale="en", given_name="Lina", family_name="Lotse")
    person.profile.programme = Programme.LOTSE
    db.session.commit()
    tuesday = factories.next_weekday(1, 9, weeks=2)
    first = factories.support_request(organisation, starts_at=tuesday, duration_minutes=300, client_reference="K-1")
    (offer,) = offers.make_offers(centre, first, [person.profile.id])
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    record = factories.support_request(
        organisation, starts_at=tuesday + timedelta(days=1), duration_minutes=120, client_reference="K-2"
    )
    return person, record


def _setting():
    staff, organisation = factories.organisation_user(locale="en")
    centre = factories.coordinator(locale="en")
    return staff, organisation, centre


def _page(client, record) -> str:
    return visible_text(client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True))


def test_a_candidate_over_the_weekly_hours_is_flagged_with_the_reason_and_still_listed(ctx, client, login):
    _staff, organisation, centre = _setting()
    _person, record = _lotse_with_five_hours(organisation, centre)
    login(client, centre)
    page = _page(client, record)
    assert "Lina Lotse" in page
    assert "would reach 7 of 6 hours in the week of" in page


def test_a_candidate_near_the_yearly_allowance_is_flagged_with_what_was_paid(ctx, client, login):
    _staff, organisation, centre = _setting()
    person = factories.available_volunteer(locale="en", given_name="Alma", family_name="Allowance")
    record = factories.support_request(organisation)
    paid = factories.past_assignment(organisation, person.profile, amount_cents=95_500)
    paid.appointment_at = record.starts_at - timedelta(hours=5)  # the same year as the request
    db.session.commit()
    login(client, centre)
    page = _page(client, record).replace("\xa0", " ")
    # Written as on every other page (English in Germany), what is paid or due named as such.
    assert "would pass the yearly allowance: 955,00 € of 960,00 € paid or due, 975,00 € with this one" in page

    # Asked, the volunteer is told which limit stands in the way.
    (offer,) = offers.make_offers(centre, record, [person.profile.id])
    db.session.commit()
    volunteer = client.application.test_client()
    login(volunteer, person)
    submit(volunteer, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
    told = visible_text(volunteer.get("/volunteer/assignments").get_data(as_text=True))
    assert "it would pass your tax-free allowance for the year" in told
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.OFFERED


def _refused_offer(deliver, smtp_server):
    _staff, organisation, centre = _setting()
    person, record = _lotse_with_five_hours(organisation, centre)
    (offer,) = offers.make_offers(centre, record, [person.profile.id])
    db.session.commit()
    deliver()
    mails = [mail for mail in smtp_server.to(person.email) if "/offer/" in mail.get_body(("plain",)).get_content()]
    return centre, person, offer, path_of_link(mails[-1], "/offer/")


def _override(client, offer) -> None:
    """`client` is a coordinator's."""
    path = f"/coordinator/offers/{offer.id}/override-limits"
    response = submit(client, path, {"reason": ""}, page=path)
    assert response.status_code == 400
    assert "Say why the limit may be passed" in visible_text(response.get_data(as_text=True))
    long = "x" * 2001
    response = submit(client, path, {"reason": long}, page=path)
    assert response.status_code == 400 and long in response.get_data(as_text=True)  # what was typed is kept
    response = submit(client, path, {"reason": "Agreed with the county for this week"}, page=path)
    assert response.status_code == 302


def test_an_acceptance_over_a_limit_is_refused_in_the_portal_until_a_coordinator_overrides(
    app, ctx, client, other_client, login, deliver, smtp_server
):
    centre, person, offer, _link = _refused_offer(deliver, smtp_server)
    login(client, person)
    submit(client, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
    page = visible_text(client.get("/volunteer/assignments").get_data(as_text=True))
    assert "cannot be accepted for now: it would pass the hours you may work in a week or a year" in page
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.OFFERED
    # The volunteer was told a coordinator would call: the coordinators hear of it by mail, once.
    submit(client, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
    smtp_server.clear()
    deliver()
    [told] = smtp_server.to(centre.email)
    assert told["Subject"] == "A volunteer wants to accept, but a funding limit stands in the way"
    body = told.get_body(("plain",)).get_content()
    assert f"/coordinator/requests/{offer.request_id}" in body and "override the limit" in body
    assert person.family_name not in body  # what, when, where and the link; the page says who
    login(other_client, centre)
    seen = _page(other_client, offer.request)
    assert "Acceptance refused" in seen and "would reach 7 of 6 hours" in seen
    assert "Override the limit…" in seen

    _override(other_client, offer)
    submit(client, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.ACCEPTED
    assert db.session.get(Offer, offer.id).limit_override_reason == "Agreed with the county for this week"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.limit_overridden")).one()
    assert audit.actor_id == centre.id
    notes = db.session.scalars(select(RequestEvent.note).where(RequestEvent.offer_id == offer.id)).all()
    assert LimitNote.REFUSED in notes and LimitNote.OVERRIDDEN in notes
    history = _page(other_client, offer.request)
    assert "Funding limit overridden for the offer: Lina Lotse" in history
    assert "Reason: Agreed with the county for this week" in history


def test_an_acceptance_over_a_limit_by_mail_link_is_refused_and_the_link_works_after_the_override(
    app, ctx, client, other_client, login, deliver, smtp_server
):
    centre, _person, offer, link = _refused_offer(deliver, smtp_server)
    response = submit(client, link, {"answer": "accept"})
    assert response.status_code == 409
    assert "Es würde die Stunden überschreiten, die Sie in einer Woche" in visible_text(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.OFFERED
    login(other_client, centre)
    _override(other_client, offer)
    response = submit(client, link, {"answer": "accept"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.ACCEPTED


def test_an_acceptance_by_phone_over_a_limit_is_not_recorded(app, ctx, client, login, deliver, smtp_server):
    centre, _person, offer, _link = _refused_offer(deliver, smtp_server)
    login(client, centre)
    page = f"/coordinator/requests/{offer.request_id}"
    submit(client, f"/coordinator/offers/{offer.id}/accept", page=page)
    assert "Not recorded: this would pass one of the volunteer's funding limits" in _page(client, offer.request)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.OFFERED


def _client_at_cap(organisation):
    """Five accepted offers for client K-CAP on the day of a new request for the same client."""
    record = factories.support_request(organisation, client_reference="K-CAP")
    other = factories.active_volunteer()
    for hours in range(1, 6):
        earlier = factories.support_request(
            organisation,
            client_reference="k-cap " if hours == 1 else "K-CAP",
            starts_at=record.starts_at - timedelta(hours=hours),
        )
        db.session.add(
            Offer(request=earlier, profile_id=other.profile.id, state=OfferState.ACCEPTED, expires_at=earlier.starts_at)
        )
    db.session.commit()
    return record


def test_at_the_cap_no_offer_is_made_until_a_coordinator_grants_an_exception(ctx, client, other_client, login):
    staff, organisation, centre = _setting()
    person = factories.available_volunteer(locale="en")
    record = _client_at_cap(organisation)
    login(client, centre)
    page = _page(client, record)
    assert f"Client K-CAP: 5 of 5 funded assignments in {record.starts_at.year}" in page
    assert "no further offer without an exception" in page
    path = f"/coordinator/requests/{record.id}"
    response = submit(client, f"{path}/offers", {"profile_ids": [str(person.profile.id)]}, page=path)
    assert response.status_code == 409
    assert "has had 5 of 5 funded assignments" in visible_text(response.get_data(as_text=True))

    exception = f"{path}/cap-exception"
    response = submit(client, exception, {"reason": " "}, page=exception)
    assert response.status_code == 400
    assert "Say why the exception is needed" in visible_text(response.get_data(as_text=True))
    response = submit(client, exception, {"reason": "Court date; the ministry agreed"}, page=exception)
    assert response.status_code == 302
    page = _page(client, record)
    assert "Exception granted by" in page and "Court date; the ministry agreed" in page
    response = submit(client, f"{path}/offers", {"profile_ids": [str(person.profile.id)]}, page=path)
    assert response.status_code == 302
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "request.cap_exception")).one()
    assert client.get(exception).status_code == 302  # granted already: back to the page

    # The organisation sees neither the count nor the exception.
    login(other_client, staff)
    theirs = visible_text(other_client.get(f"/organisation/requests/{record.id}").get_data(as_text=True))
    assert "funded assignments" not in theirs and "Court date" not in theirs and "Exception" not in theirs


def test_volunteers_and_organisations_cannot_reach_the_override_routes_and_unknown_ids_are_404(app, ctx, client, login):
    staff, organisation, centre = _setting()
    person, record = _lotse_with_five_hours(organisation, centre)
    (offer,) = offers.make_offers(centre, record, [person.profile.id])
    db.session.commit()
    for account in (person, staff):
        client = app.test_client()
        login(client, account)
        for path in (
            f"/coordinator/offers/{offer.id}/override-limits",
            f"/coordinator/requests/{record.id}/cap-exception",
        ):
            assert client.get(path).status_code == 403
            assert client.post(path, data={"reason": "x"}).status_code in (400, 403)
    client = app.test_client()
    login(client, centre)
    assert client.get("/coordinator/offers/999999/override-limits").status_code == 404
    assert client.get("/coordinator/requests/999999/cap-exception").status_code == 404
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).limit_override_reason is None


def test_a_coordinator_sets_the_programme_and_allowance_and_the_volunteer_sees_them(app, ctx, client, login):
    _staff, _organisation, centre = _setting()
    person = factories.available_volunteer(locale="en")
    login(client, centre)
    path = f"/coordinator/volunteers/{person.profile.id}/funding"
    response = submit(client, path, {"programme": "nonsense", "tax_allowance": "instructor"}, page=path)
    assert response.status_code == 400
    response = submit(client, path, {"programme": "lotse", "tax_allowance": "instructor"}, page=path)
    assert response.status_code == 302
    record = visible_text(client.get(f"/coordinator/volunteers/{person.profile.id}").get_data(as_text=True))
    assert "WIR-Lotse, by the hour" in record and "Instructor allowance (Übungsleiterpauschale)" in record
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "volunteer.funding_changed")).one()
    assert audit.subject_user_id == person.id

    own = app.test_client()
    login(own, person)
    page = visible_text(own.get("/volunteer/profile").get_data(as_text=True))
    assert "WIR-Lotse, by the hour" in page and "Instructor allowance (Übungsleiterpauschale)" in page
    assert own.get(path).status_code == 403
    assert client.get("/coordinator/volunteers/999999/funding").status_code == 404


def test_a_stale_funding_form_does_not_overwrite_a_change_made_meanwhile(ctx, client, login):
    _staff, _organisation, centre = _setting()
    person = factories.available_volunteer(locale="en")
    login(client, centre)
    path = f"/coordinator/volunteers/{person.profile.id}/funding"
    tokens = form_tokens(client, path)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', client.get(path).get_data(as_text=True)).group(1)
    person.profile.programme = Programme.COORDINATING_LOTSE
    db.session.commit()
    response = client.post(
        path, data={**tokens, "programme": "lotse", "tax_allowance": "volunteer", "version": version}
    )
    assert response.status_code == 400
    assert "changed in the meantime" in visible_text(response.get_data(as_text=True))
    db.session.expire_all()
    assert person.profile.programme is Programme.COORDINATING_LOTSE


def test_the_flags_cost_the_same_statements_for_one_flagged_candidate_and_many(ctx, client, login, count_queries):
    """The limits are summed grouped by volunteer for the rows shown, not queried per row."""
    _staff, organisation, centre = _setting()
    _first, record = _lotse_with_five_hours(organisation, centre)
    login(client, centre)
    path = f"/coordinator/requests/{record.id}"
    client.get(path)
    with count_queries() as few:
        page = _page(client, record)
    assert page.count("would reach 7 of 6 hours") == 1
    for number in range(3):  # three more Lotsen with five hours that week
        tuesday = record.starts_at - timedelta(days=1)
        person = factories.available_volunteer(locale="en", given_name=f"Lotse{number}")
        person.profile.programme = Programme.LOTSE
        db.session.commit()
        other = factories.support_request(
            organisation, starts_at=tuesday, duration_minutes=300, client_reference=f"K-{number + 10}"
        )
        (offer,) = offers.make_offers(centre, other, [person.profile.id])
        offers.answer_in_portal(person, offer, accept=True)
        db.session.commit()
    with count_queries() as many:
        page = _page(client, record)
    assert page.count("would reach 7 of 6 hours") == 4
    assert len(many) == len(few)


def test_no_exception_is_granted_where_the_cap_is_not_in_the_way(ctx, client, login):
    _staff, organisation, centre = _setting()
    record = factories.support_request(organisation, client_reference="K-FEW")
    login(client, centre)
    exception = f"/coordinator/requests/{record.id}/cap-exception"
    response = submit(client, exception, {"reason": "Just in case"}, page=exception)
    assert response.status_code == 409
    said = visible_text(response.get_data(as_text=True))
    assert "No exception is needed: client K-FEW has had 0 of 5 funded assignments" in said
    db.session.expire_all()
    assert db.session.get(SupportRequest, record.id).cap_exception_reason is None
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "request.cap_exception")) is None
