"""An organisation submits a request; a coordinator offers it to two ranked volunteers; the
first accepts through the link in the mail; the organisation sees who comes. axe-core on
every page, in German and English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import audit, fresh
from tests.browser.test_volunteer_journey import _log_in
from tests.mailbox import path_of_link
from volunteers.clock import today
from volunteers.models.enums import LanguageLevel
from volunteers.services.workdays import earliest_appointment

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["de", "en"])
def test_request_offer_accept_by_link_and_confirmation(ctx, new_page, deliver, smtp_server, locale):
    staff, organisation = factories.organisation_user(locale=locale)
    coordinator = factories.coordinator(locale=locale)
    first = factories.available_volunteer(languages={"tir": LanguageLevel.NATIVE}, place_name="Kassel", locale=locale)
    second = factories.available_volunteer(languages={"tir": LanguageLevel.C1}, place_name="Baunatal", locale=locale)
    kassel = factories.place("Kassel")
    day = earliest_appointment(today(), 3) + timedelta(days=7)
    day += timedelta(days=(0 - day.weekday()) % 7)  # a Monday: the factories' volunteers are free then

    org = new_page(locale)
    _log_in(org, staff.email)
    org.goto("/organisation/")
    audit(org)
    org.locator(f"a[href='/organisation/{organisation.id}/requests/new']").first.click()
    audit(org)
    org.check("input[name=area][value=language]")
    org.check("input[name=kind][value=interpreting]")
    org.select_option("#language_code", value="tir")
    org.select_option("#topic", value="authorities")
    org.fill("#places_needed", "1")
    org.fill("#day", day.isoformat())
    org.fill("#start", "09:00")
    org.fill("#duration_minutes", "90")
    org.check("input[name=mode][value=on_site]")
    org.select_option("#place_id", value=str(kassel.id))
    org.fill("#meeting_point", "Kreishaus, Eingang A")
    org.fill("#client_reference", "K-2026-044")
    org.check("input[name=gender_preference][value=none]")
    org.locator("main form button[type=submit]").click()
    # Without the two confirmations the form comes back with errors and keeps what was typed.
    expect(org.locator(".error-summary")).to_be_visible()
    expect(org.locator("#meeting_point")).to_have_value("Kreishaus, Eingang A")
    audit(org)
    org.check("#consent_confirmed")
    org.check("#not_excluded_confirmed")
    org.locator("main form button[type=submit]").click()
    expect(org).to_have_url(re.compile(r"/organisation/requests/\d+$"))
    expect(org.locator(".flash--success")).to_be_visible()
    audit(org)
    request_url = org.url

    desk = new_page(locale)
    _log_in(desk, coordinator.email)
    desk.goto("/coordinator/requests")
    audit(desk)
    desk.locator("tbody tr", has_text="K-2026-044").get_by_role("link").first.click()
    expect(desk.locator("#candidates")).to_be_visible()
    audit(desk)
    rows = desk.locator("form[action*='/offers'] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(first.full_name)  # nearer and a native speaker: ranked first
    desk.check(f"#candidate-{first.profile.id}")
    desk.check(f"#candidate-{second.profile.id}")
    desk.locator("form[action*='/offers'] button[type=submit]").click()
    expect(desk.locator(".flash--success")).to_be_visible()
    expect(desk.locator("#offers + .table-wrap tbody tr")).to_have_count(2)
    audit(desk)

    fresh()
    deliver()
    [offer_mail] = smtp_server.to(first.email)
    assert smtp_server.to(second.email)
    link = path_of_link(offer_mail, "/offer/")

    volunteer = new_page(locale)  # not logged in: the link alone answers
    volunteer.goto(link)
    audit(volunteer)
    volunteer.locator("button[value=accept]").click()
    expect(volunteer.locator("h1")).to_be_visible()
    audit(volunteer)
    volunteer.goto(link)
    expect(volunteer.locator("button[value=accept]")).to_have_count(0)  # the link worked once

    org.goto(request_url)
    expect(org.locator("main")).to_contain_text(first.given_name)
    expect(org.locator("main")).not_to_contain_text(first.family_name)
    audit(org)
    desk.reload()
    expect(desk.locator("#offers + .table-wrap tbody tr .tag--accepted")).to_have_count(1)
    expect(desk.locator("#offers + .table-wrap tbody tr .tag--withdrawn")).to_have_count(1)
    audit(desk)

    fresh()
    smtp_server.clear()
    deliver()
    assert smtp_server.to(staff.email)  # the organisation is told by mail, too
    assert smtp_server.to(first.email)  # the confirmation with the calendar entry


@pytest.mark.parametrize("locale", ["de", "en"])
def test_request_pages_pass_axe(ctx, new_page, locale):
    staff, organisation = factories.organisation_user(locale=locale)
    coordinator = factories.coordinator(locale=locale)
    volunteer = factories.available_volunteer(locale=locale)
    record = factories.support_request(organisation, created_by_id=staff.id)
    nobody = factories.support_request(organisation, created_by_id=staff.id, language_code="pus")

    desk = new_page(locale)
    _log_in(desk, coordinator.email)
    for path in [
        "/coordinator/requests",
        "/coordinator/requests?tab=filled",
        f"/coordinator/requests/{record.id}",
        f"/coordinator/requests/{nobody.id}",  # the funnel: nobody passes every rule
        f"/coordinator/requests/{record.id}/edit",
        "/coordinator/requests/new",
    ]:
        desk.goto(path)
        audit(desk)
    desk.goto(f"/coordinator/requests/{record.id}/edit")
    desk.fill("#duration_minutes", "5")
    desk.locator("main form button[type=submit]").click()
    expect(desk.locator(".error-summary")).to_be_visible()
    audit(desk)

    org = new_page(locale)
    _log_in(org, staff.email)
    for path in ["/organisation/requests", f"/organisation/requests/{record.id}", f"/organisation/{organisation.id}"]:
        org.goto(path)
        audit(org)

    person = new_page(locale)
    _log_in(person, volunteer.email)
    person.goto("/volunteer/assignments")
    audit(person)
