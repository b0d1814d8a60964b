"""Destructive actions ask first: the button on the page leads to a confirmation page that says
what will happen and who will be told; opening it changes nothing, and only its POST does the
thing. Destructive controls look different from safe ones."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import (
    Absence,
    Exclusion,
    Offer,
    OutboxMessage,
    Qualification,
    RequestEvent,
    SupportRequest,
    User,
    VolunteerProfile,
)
from volunteers.models.enums import OfferState, QualificationStatus, RequestState, VolunteerStatus
from volunteers.services import offers

ENGLISH = {"Accept-Language": "en"}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _mails() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _asks_first(client, url: str, *expected: str) -> str:
    """Opens the confirmation page: it explains, and the database is as before."""
    mails = _mails()
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, response.status_code
    text = _text(response)
    for sentence in ("What happens", "Who is told", *expected):
        assert sentence in text, sentence
    page = response.get_data(as_text=True)
    assert 'class="button button--danger"' in page and "No, " in text  # the way back is a link
    db.session.expire_all()
    assert _mails() == mails
    return page


def _offer_state(offer_id: int) -> OfferState:
    db.session.expire_all()
    return db.session.get(Offer, offer_id).state


def _confirmed_assignment():
    staff, organisation = factories.organisation_user(locale="en")
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    return staff, coordinator, person, record, offer


def test_the_volunteer_cancels_an_assignment_only_after_confirming_with_a_reason(ctx, app, client, login):
    staff, coordinator, person, record, offer = _confirmed_assignment()
    login(client, person)
    listing = client.get("/volunteer/assignments").get_data(as_text=True)
    link = f"/volunteer/offers/{offer.id}/cancel"
    assert re.search(rf'<a class="button button--danger-outline" href="{link}"', listing)
    assert f'action="{link}"' not in listing  # no one-tap cancelling

    page = _asks_first(
        client,
        link,
        "Cancel this assignment?",
        "The organisation, by mail: that you cannot come.",
        "Why can you not come?",
    )
    assert 'name="reason"' in page and "No, I will come" in _text(client.get(link, headers=ENGLISH))
    assert _offer_state(offer.id) is OfferState.ACCEPTED

    done = submit(client, link, {"reason": "I have the flu."})
    assert done.status_code == 302
    assert _offer_state(offer.id) is OfferState.CANCELLED_BY_VOLUNTEER
    event = db.session.scalar(select(RequestEvent).where(RequestEvent.to_state == "cancelled_by_volunteer"))
    assert event.reason == "I have the flu."

    desk = app.test_client()
    login(desk, coordinator)
    assert "Reason: I have the flu." in _text(desk.get(f"/coordinator/requests/{record.id}", headers=ENGLISH))
    organisation_client = app.test_client()
    login(organisation_client, staff)
    assert "flu" not in organisation_client.get(f"/organisation/requests/{record.id}").get_data(as_text=True)

    again = client.get(link, headers=ENGLISH)  # a second tab: nothing left to cancel
    assert again.status_code == 302
    assert "This is no longer possible" in _text(client.get(again.headers["Location"], headers=ENGLISH))


def test_declining_in_the_portal_asks_first_and_looks_different_from_accepting(ctx, client, login):
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    login(client, person)
    listing = client.get("/volunteer/assignments").get_data(as_text=True)
    accept = re.search(
        rf'action="/volunteer/offers/{offer.id}/accept".*?<button type="submit" class="([^"]+)"', listing
    )
    assert accept and "danger" not in accept.group(1)
    assert re.search(rf'class="button button--danger-outline" href="/volunteer/offers/{offer.id}/decline"', listing)

    _asks_first(client, f"/volunteer/offers/{offer.id}/decline", "Decline this request?", "no mail is sent")
    assert _offer_state(offer.id) is OfferState.OFFERED
    assert submit(client, f"/volunteer/offers/{offer.id}/decline").status_code == 302
    assert _offer_state(offer.id) is OfferState.DECLINED


def test_the_offer_link_page_shows_yes_and_no_differently(ctx, app, deliver, smtp_server):
    from tests.mailbox import path_of_link

    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    deliver()
    link = path_of_link(smtp_server.to(person.email)[0], "/offer/")
    page = app.test_client().get(link).get_data(as_text=True)
    yes = re.search(r'value="accept" class="([^"]+)"', page).group(1)
    no = re.search(r'value="decline" class="([^"]+)"', page).group(1)
    assert yes == "button" and "button--danger-outline" in no


def test_coordinators_record_declines_cancellations_and_withdrawals_only_after_confirming(
    ctx, app, client, login, deliver
):
    _staff, coordinator, person, record, offer = _confirmed_assignment()
    other = factories.available_volunteer(locale="en", place_name="Kassel")
    second = factories.support_request(record.organisation, starts_at=factories.next_weekday(2, 9, weeks=2))
    [waiting] = offers.make_offers(coordinator, second, [other.profile.id])
    [also_waiting] = offers.make_offers(coordinator, second, [person.profile.id])
    db.session.commit()
    login(client, coordinator)
    page = client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    for action in ("cancel", "withdraw"):
        assert f'class="link--danger" href="/coordinator/offers/{offer.id}/{action}"' in page

    cancel = f"/coordinator/offers/{offer.id}/cancel"
    _asks_first(client, cancel, "cannot come?", "The organisation, by mail: that the volunteer cannot come.")
    assert _offer_state(offer.id) is OfferState.ACCEPTED
    assert submit(client, cancel, {"reason": "Called in sick"}).status_code == 302
    assert _offer_state(offer.id) is OfferState.CANCELLED_BY_VOLUNTEER

    withdraw = f"/coordinator/offers/{waiting.id}/withdraw"
    _asks_first(client, withdraw, "Withdraw the offer to", "by mail.")
    assert _offer_state(waiting.id) is OfferState.OFFERED
    assert submit(client, withdraw, {"reason": "Asked by mistake"}).status_code == 302
    assert _offer_state(waiting.id) is OfferState.WITHDRAWN
    assert "Reason: Asked by mistake" in _text(client.get(f"/coordinator/requests/{second.id}", headers=ENGLISH))

    decline = f"/coordinator/offers/{also_waiting.id}/decline"
    _asks_first(client, decline, "declined?", "Nobody gets a mail.")
    assert _offer_state(also_waiting.id) is OfferState.OFFERED
    assert submit(client, decline).status_code == 302
    assert _offer_state(also_waiting.id) is OfferState.DECLINED


def test_cancelling_a_request_asks_first_and_says_who_is_told(ctx, app, client, login):
    staff, coordinator, _person, record, _offer = _confirmed_assignment()
    login(client, staff)
    page = client.get(f"/organisation/requests/{record.id}").get_data(as_text=True)
    url = f"/organisation/requests/{record.id}/cancel"
    assert f'class="button button--danger-outline" href="{url}"' in page
    _asks_first(client, url, "Cancel the request K-2026-017?", "The confirmed volunteer, by mail")
    db.session.expire_all()
    assert db.session.get(SupportRequest, record.id).state is RequestState.FILLED
    assert submit(client, url, {"reason": "The appointment was moved."}).status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(SupportRequest, record.id)
    assert cancelled.state is RequestState.CANCELLED and cancelled.cancel_reason == "The appointment was moved."

    other = factories.support_request(record.organisation, client_reference="K-2")
    desk = app.test_client()
    login(desk, coordinator)
    url = f"/coordinator/requests/{other.id}/cancel"
    _asks_first(desk, url, "The organisation, by mail.")
    assert submit(desk, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(SupportRequest, other.id).state is RequestState.CANCELLED


def test_rejecting_a_training_asks_first_with_the_reason_required(ctx, client, login):
    account = factories.volunteer(locale="en")
    training = Qualification(
        profile=account.profile,
        type=factories.qualification_type("health-guide-gkv"),
        provider="AOK",
        completed_on=today(),
    )
    db.session.add(training)
    db.session.commit()
    login(client, factories.coordinator(locale="en"))
    url = f"/coordinator/trainings/{training.id}/reject"
    page = client.get(f"/coordinator/volunteers/{account.profile.id}").get_data(as_text=True)
    assert f'class="button button--danger-outline" href="{url}"' in page
    _asks_first(client, url, "Reject this training?", "by mail, with your reason")
    assert submit(client, url, {"reason": ""}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.PENDING
    assert submit(client, url, {"reason": "The certificate is unreadable."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Qualification, training.id).status is QualificationStatus.REJECTED


def test_removing_an_exclusion_or_an_absence_asks_first(ctx, app, client, login):
    person = factories.available_volunteer(locale="en")
    _staff, organisation = factories.organisation_user()
    exclusion = Exclusion(profile_id=person.profile.id, organisation_id=organisation.id, reason="Conflict")
    absence = Absence(
        profile=person.profile, starts_on=today() + timedelta(days=3), ends_on=today() + timedelta(days=5)
    )
    db.session.add_all([exclusion, absence])
    db.session.commit()

    login(client, factories.coordinator(locale="en"))
    exclusion_id, absence_id = exclusion.id, absence.id
    url = f"/coordinator/exclusions/{exclusion_id}/remove"
    _asks_first(client, url, "Remove this exclusion", organisation.name)
    assert db.session.get(Exclusion, exclusion_id) is not None
    assert submit(client, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Exclusion, exclusion_id) is None

    own = app.test_client()
    login(own, person)
    url = f"/volunteer/absences/{absence_id}/remove"
    assert f'href="{url}"' in own.get("/volunteer/availability").get_data(as_text=True)
    _asks_first(own, url, "Remove this absence?")
    assert db.session.get(Absence, absence_id) is not None
    assert submit(own, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Absence, absence_id) is None

    stranger = app.test_client()
    login(stranger, factories.available_volunteer())
    other = Absence(profile=person.profile, starts_on=today() + timedelta(days=9), ends_on=today() + timedelta(days=9))
    db.session.add(other)
    db.session.commit()
    assert stranger.get(f"/volunteer/absences/{other.id}/remove").status_code == 404
    assert submit(stranger, f"/volunteer/absences/{other.id}/remove", page="/volunteer/").status_code == 404
    assert db.session.get(Absence, other.id) is not None


def test_deactivating_an_account_asks_first_reactivating_does_not(ctx, client, login):
    person = factories.volunteer(locale="en")
    login(client, factories.coordinator(locale="en"))
    url = f"/coordinator/accounts/{person.id}/deactivate"
    page = client.get("/coordinator/accounts").get_data(as_text=True)
    assert f'class="button button--danger-outline" href="{url}' in page
    _asks_first(client, url, "Deactivate the account of", "can no longer log in")
    db.session.expire_all()
    assert db.session.get(User, person.id).active is True
    assert submit(client, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).active is False
    page = client.get("/coordinator/accounts").get_data(as_text=True)
    assert f'action="/coordinator/accounts/{person.id}/activate' in page  # safe: one tap


def test_pausing_or_retiring_a_volunteer_asks_first_and_keeps_the_reason(ctx, client, login):
    person = factories.available_volunteer(locale="en")
    login(client, factories.coordinator(locale="en"))
    url = f"/coordinator/volunteers/{person.profile.id}/status"
    page = f"/coordinator/volunteers/{person.profile.id}"
    sent = {"status-to_status": "retired", "status-reason": "Moved to Hamburg", "status-expected_status": "active"}
    asked = submit(client, url, sent, page=page, headers=ENGLISH)
    assert asked.status_code == 200
    text = _text(asked)
    assert "to “Retired”?" in text and "Matching no longer proposes" in text and "with your reason" in text
    assert "Moved to Hamburg" in asked.get_data(as_text=True)
    assert 'name="confirmed" value="yes"' in asked.get_data(as_text=True)
    assert 'name="status-to_status" value="retired"' in asked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, person.profile.id).status is VolunteerStatus.ACTIVE

    assert submit(client, url, {**sent, "confirmed": "yes"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, person.profile.id).status is VolunteerStatus.RETIRED


def test_removing_a_language_from_the_profile_asks_first(ctx, client, login):
    from tests.web.test_request_pages import form_values
    from volunteers.models import VolunteerLanguage
    from volunteers.models.enums import LanguageLevel

    person = factories.available_volunteer(
        locale="en", languages={"tir": LanguageLevel.NATIVE, "amh": LanguageLevel.C1}
    )
    login(client, person)
    url = "/volunteer/profile"
    sent = form_values(client.get(url).get_data(as_text=True), url)
    for name in [n for n in sent if n.endswith("-level")]:
        sent.setdefault(name.replace("-level", "-code"), "")  # a browser sends an empty choice too
    row = next(name[: -len("-code")] for name, value in sent.items() if name.endswith("-code") and value == "amh")
    sent[f"{row}-code"] = ""
    sent[f"{row}-level"] = ""

    asked = client.post(url, data=sent, headers=ENGLISH)
    assert asked.status_code == 200
    text = _text(asked)
    assert "Remove Amharic?" in text and "Save and remove Amharic" in text
    assert 'class="button button--danger"' in asked.get_data(as_text=True)

    def codes() -> set[str]:
        db.session.expire_all()
        return set(
            db.session.scalars(
                select(VolunteerLanguage.language_code).where(VolunteerLanguage.profile_id == person.profile.id)
            )
        )

    assert codes() == {"tir", "amh"}
    again = form_values(asked.get_data(as_text=True), url)
    for name in [n for n in again if n.endswith("-level")]:
        again.setdefault(name.replace("-level", "-code"), "")
    assert again["confirm_removal"] == "amh"
    assert client.post(url, data=again).status_code == 302
    assert codes() == {"tir"}
