"""A volunteer fills in the profile and logs a training with a PDF proof; a coordinator
verifies it; the volunteer sees it valid until its date. axe-core on every page, in German
and English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import audit, fresh
from volunteers.clock import today
from volunteers.services.validity import valid_until

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _log_in(page, email, password=factories.PASSWORD):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_profile_training_verification_and_validity(ctx, new_page, deliver, smtp_server, locale):
    volunteer = factories.volunteer(email="hanna.volunteer@example.org", locale=locale)
    coordinator = factories.coordinator(email="desk@example.org", locale=locale)
    page = new_page(locale)
    _log_in(page, volunteer.email)
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    audit(page)

    page.goto("/volunteer/profile")
    audit(page)
    page.fill("#phone", "0561 123456")
    page.select_option("#home_place", label="Hofgeismar")
    page.check("#mobility-1")  # public transport
    page.fill("#max_travel_km", "25")
    page.select_option("#german_level", value="B2")
    page.select_option("#languages-0-code", value="tir")
    page.select_option("#languages-0-level", value="native")
    page.check("input[name=areas][value=health]")
    page.check("input[name=kinds][value=accompanying]")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    audit(page)

    page.goto("/volunteer/availability")
    page.check("#slot-1-morning")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#slot-1-morning")).to_be_checked()
    audit(page)

    page.goto("/volunteer/trainings/new")
    audit(page)
    guide = factories.qualification_type("health-guide-gkv")
    completed = today() - timedelta(days=40)
    page.select_option("#qualification_type", value=str(guide.id))
    page.fill("#provider", "AOK Hessen")
    page.fill("#completed_on", completed.isoformat())
    page.set_input_files("#proof", files=[{"name": "zertifikat.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/volunteer/"))
    expect(page.locator("#trainings .tag--pending").first).to_be_visible()
    audit(page)

    page.goto("/volunteer/declarations")
    audit(page)
    for _ in range(2):
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main form")).to_have_count(0)
    audit(page)

    desk = new_page(locale)
    _log_in(desk, coordinator.email)
    desk.goto("/coordinator/trainings")
    audit(desk)
    desk.get_by_role("link", name=volunteer.full_name, exact=True).click()
    expect(desk.locator("h1")).to_have_text(volunteer.full_name)
    audit(desk)
    with desk.expect_download() as download:
        desk.locator("#trainings a[href$='/proof']").first.click()
    assert download.value.suggested_filename == "zertifikat.pdf"
    desk.locator("form[action$='/verify'] button").click()
    expect(desk.locator(".flash--success")).to_be_visible()
    audit(desk)

    fresh()
    deliver()
    assert smtp_server.to(volunteer.email)
    page.goto("/volunteer/")
    until = valid_until(completed, guide.validity_months)
    cell = page.locator("#trainings tbody tr").first
    expect(cell).to_contain_text(str(until.year))
    expect(cell.locator(".tag--approved")).to_be_visible()
    audit(page)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_coordinator_volunteer_pages_pass_axe(ctx, new_page, locale):
    coordinator = factories.coordinator(locale=locale)
    account = factories.active_volunteer(certificate=False)
    factories.volunteer()
    page = new_page(locale)
    _log_in(page, coordinator.email)
    profile_id = account.profile.id
    for path in [
        "/coordinator/",
        "/coordinator/volunteers",
        "/coordinator/volunteers?language=tir&min_level=C1",
        f"/coordinator/volunteers/{profile_id}",
        f"/coordinator/volunteers/{profile_id}/edit",
        f"/coordinator/volunteers/{profile_id}/availability",
        f"/coordinator/volunteers/{profile_id}/certificate",
        f"/coordinator/volunteers/{profile_id}/trainings/new",
        "/coordinator/volunteers/new",
        "/coordinator/trainings",
        "/coordinator/expiring",
    ]:
        page.goto(path)
        audit(page)
    # A form with errors, too.
    page.goto(f"/coordinator/volunteers/{profile_id}/certificate")
    page.fill("#issued_on", (today() - timedelta(days=200)).isoformat())
    page.fill("#shown_on", today().isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page)
