"""The request nobody can take names who almost qualifies: axe-core on that page, in German
and English, on a desk and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import audit
from tests.browser.test_confirmations import PHONE, _fits
from tests.browser.test_volunteer_journey import _log_in
from tests.web.test_near_misses import _applicant

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_near_misses_pass_axe(ctx, new_page, locale):
    _staff, organisation = factories.organisation_user()
    farid = _applicant(given_name="Farid", family_name="Sultani")
    _applicant(given_name="Further", family_name="Away", pending=(), certificate=False)
    record = factories.support_request(
        organisation, language_code="pus", starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    coordinator = factories.coordinator(locale=locale)
    for options in ({}, PHONE):
        page = new_page(locale, **options)
        _log_in(page, coordinator.email)
        page.goto(f"/coordinator/requests/{record.id}")
        expect(page.locator(".near-misses > li")).to_have_count(2)
        audit(page)
        if options:
            _fits(page)
        page.locator(f".near-misses a[href='/coordinator/volunteers/{farid.profile.id}']").click()
        expect(page.locator("h1")).to_have_text("Farid Sultani")
