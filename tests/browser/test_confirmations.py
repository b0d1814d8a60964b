"""A volunteer on a phone (375 px wide) cancels a confirmed assignment: the button leads to a
page saying what will happen and who is told; going back changes nothing; confirming with a
reason cancels. axe-core on every page, no sideways scrolling, in German and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import audit, fresh
from tests.browser.test_volunteer_journey import _log_in
from volunteers.extensions import db
from volunteers.models import Offer, RequestEvent
from volunteers.models.enums import OfferState
from volunteers.services import offers

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
RED, WHITE, TEAL = "rgb(164, 0, 29)", "rgb(255, 255, 255)", "rgb(11, 85, 99)"


def _looks(locator) -> tuple[str, str]:
    """Background and text colour as the browser paints them."""
    return tuple(locator.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"))


def _fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_volunteer_cancels_an_assignment_on_a_phone(ctx, new_page, locale):
    _staff, organisation = factories.organisation_user(locale=locale)
    coordinator = factories.coordinator(locale=locale)
    person = factories.available_volunteer(locale=locale, place_name="Kassel")
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()

    page = new_page(locale, **PHONE)
    _log_in(page, person.email)
    page.goto("/volunteer/assignments")
    audit(page)
    _fits(page)
    cancel = page.locator(f"a[href='/volunteer/offers/{offer.id}/cancel']")
    expect(cancel).to_have_class(re.compile(r"button--danger-outline"))
    assert _looks(cancel) == (WHITE, RED)

    cancel.click()
    expect(page).to_have_url(re.compile(rf"/volunteer/offers/{offer.id}/cancel$"))
    audit(page)
    _fits(page)
    expect(page.locator("main ul li")).not_to_have_count(0)
    page.fill("#reason", "Fieber")
    page.locator("main form .actions a").click()  # No, I will come
    expect(page).to_have_url(re.compile(r"/volunteer/assignments$"))
    fresh()
    assert db.session.get(Offer, offer.id).state is OfferState.ACCEPTED

    cancel.click()
    page.fill("#reason", "Fieber")
    confirm = page.locator("main form button[type=submit]")
    expect(confirm).to_have_class(re.compile(r"button--danger"))
    assert _looks(confirm) == (RED, WHITE)
    assert _looks(page.locator("main form .actions a"))[0] == WHITE  # the way back: a plain link button
    confirm.click()
    expect(page).to_have_url(re.compile(r"/volunteer/assignments$"))
    expect(page.locator(".flash--success")).to_be_visible()
    audit(page)
    _fits(page)
    fresh()
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.CANCELLED_BY_VOLUNTEER
    reason = db.session.scalar(select(RequestEvent.reason).where(RequestEvent.to_state == "cancelled_by_volunteer"))
    assert reason == "Fieber"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_every_confirmation_page_passes_axe(ctx, new_page, deliver, smtp_server, locale):
    from datetime import timedelta

    from tests.mailbox import path_of_link
    from volunteers.clock import today
    from volunteers.models import Absence, Exclusion, Qualification

    staff, organisation = factories.organisation_user(locale=locale)
    coordinator = factories.coordinator(locale=locale)
    person = factories.available_volunteer(locale=locale, place_name="Kassel")
    other = factories.available_volunteer(locale=locale, place_name="Kassel")
    record = factories.support_request(organisation, starts_at=factories.next_weekday(1, 9, weeks=2))
    [offer, waiting] = offers.make_offers(coordinator, record, [person.profile.id, other.profile.id])
    training = Qualification(
        profile=other.profile,
        type=factories.qualification_type("health-guide-gkv"),
        provider="AOK",
        completed_on=today(),
    )
    exclusion = Exclusion(profile_id=other.profile.id, organisation_id=organisation.id, reason="Konflikt")
    absence = Absence(
        profile=person.profile, starts_on=today() + timedelta(days=30), ends_on=today() + timedelta(days=31)
    )
    db.session.add_all([training, exclusion, absence])
    db.session.commit()
    deliver()
    link = path_of_link(smtp_server.to(other.email)[0], "/offer/")

    visitor = new_page(locale, **PHONE)
    visitor.goto(link)
    # "Yes, I will come" and "No, I cannot" look different: filled teal against outlined red.
    assert _looks(visitor.locator("button[value=accept]")) == (TEAL, WHITE)
    assert _looks(visitor.locator("button[value=decline]")) == (WHITE, RED)
    visitor.locator("button[value=decline]").click()
    expect(visitor.locator("input[name=confirmed]")).to_have_count(1)
    audit(visitor)
    _fits(visitor)

    volunteer = new_page(locale, **PHONE)
    _log_in(volunteer, person.email)
    for path in [
        f"/volunteer/offers/{offer.id}/decline",
        f"/volunteer/absences/{absence.id}/remove",
        "/volunteer/pause",
    ]:
        volunteer.goto(path)
        audit(volunteer)
        _fits(volunteer)

    organisation_page = new_page(locale, **PHONE)
    _log_in(organisation_page, staff.email)
    organisation_page.goto(f"/organisation/requests/{record.id}/cancel")
    audit(organisation_page)
    _fits(organisation_page)

    desk = new_page(locale)
    _log_in(desk, coordinator.email)
    for path in [
        f"/coordinator/offers/{waiting.id}/withdraw",
        f"/coordinator/offers/{waiting.id}/decline",
        f"/coordinator/requests/{record.id}/cancel",
        f"/coordinator/trainings/{training.id}/reject",
        f"/coordinator/exclusions/{exclusion.id}/remove",
        f"/coordinator/accounts/{other.id}/deactivate",
    ]:
        desk.goto(path)
        expect(desk.locator("main form button.button--danger")).to_have_count(1)
        audit(desk)
    desk.goto(f"/coordinator/trainings/{training.id}/reject")
    desk.locator("main form button[type=submit]").click()  # no reason: an error at the field
    expect(desk.locator("#reason-error")).to_be_visible()
    audit(desk)
    desk.goto(f"/coordinator/volunteers/{other.profile.id}")
    status_form = desk.locator("form[action$='/status']")
    status_form.locator("select[name=status-to_status]").select_option(value="paused")
    status_form.locator("textarea[name=status-reason]").fill("Elternzeit")
    desk.locator("form[action$='/status'] button[type=submit]").click()
    expect(desk.locator("input[name=confirmed]")).to_have_count(1)
    audit(desk)
