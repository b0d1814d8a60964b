"""The loop after an appointment, in a real browser: the volunteer reports on a phone through
the link in the mail, the organisation confirms in its portal, a coordinator opens and closes
the month and downloads its workbook, whose figures are the page's. axe-core on every page,
in German and English."""

from __future__ import annotations

import re
from datetime import timedelta

import openpyxl
import pytest
from babel.numbers import format_currency
from playwright.sync_api import expect

from tests import factories
from tests.after_appointment import report_link
from tests.browser.conftest import audit, fresh
from tests.browser.test_volunteer_journey import _log_in
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import Assignment, SettlementMonth
from volunteers.models.enums import AssignmentState, MonthState
from volunteers.services import settlement

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def _fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


@pytest.mark.parametrize("locale", ["de", "en"])
def test_report_by_link_confirmation_in_the_portal_and_the_closed_months_workbook(ctx, new_page, locale):
    # An appointment late last month: its month is over and can be closed.
    staff, coordinator, person, assignment = factories.ended_assignment(
        days_ago=today().day + 1,
        staff_locale=locale,
        coordinator_locale=locale,
        volunteer_locale=locale,
        volunteer_name=("Hanna", "Berger"),
    )
    month = settlement.first_of(today() - timedelta(days=today().day))
    key = settlement.month_key(month)
    link = report_link(person)

    volunteer = new_page(locale, **PHONE)
    volunteer.goto(link)
    audit(volunteer)
    _fits(volunteer)
    volunteer.check("input[name=outcome][value=took_place]")
    volunteer.fill("#duration_minutes", "75")
    volunteer.locator("main form button[type=submit]").click()
    expect(volunteer.locator("main h1")).to_be_visible()
    audit(volunteer)
    fresh()
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).state is AssignmentState.REPORTED

    organisation = new_page(locale, **PHONE)
    _log_in(organisation, staff.email)
    organisation.goto("/organisation/to-confirm")
    audit(organisation)
    _fits(organisation)
    organisation.locator(f"form[action='/organisation/assignments/{assignment.id}/confirm'] button").click()
    expect(organisation.locator(".flash--success")).to_be_visible()
    fresh()
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).state is AssignmentState.CONFIRMED

    desk = new_page(locale)
    _log_in(desk, coordinator.email)
    desk.goto("/coordinator/settlement")
    audit(desk)
    desk.select_option("#month", key)
    desk.locator("main form button[type=submit]").click()
    expect(desk).to_have_url(re.compile(rf"/coordinator/settlement/{key}"))
    audit(desk)
    expect(desk.locator("main")).to_contain_text("Hanna Berger")
    desk.locator(f"a[href='/coordinator/settlement/{key}/close']").click()
    audit(desk)
    desk.locator("main form button[type=submit]").click()
    expect(desk).to_have_url(re.compile(rf"/coordinator/settlement/{key}"))
    expect(desk.locator(".flash--success")).to_be_visible()
    audit(desk)
    fresh()
    db.session.expire_all()
    row = db.session.query(SettlementMonth).filter_by(month=month).one()
    settled = db.session.get(Assignment, assignment.id)
    assert (row.state, settled.state, settled.settled_month) == (MonthState.CLOSED, AssignmentState.SETTLED, month)

    shown = desk.locator("main").inner_text()
    with desk.expect_download() as download:
        desk.locator(f"a[href='/coordinator/settlement/{key}/export.xlsx']").click()
    assert download.value.suggested_filename.endswith(f"{key}.xlsx")
    with open(download.value.path(), "rb") as file:
        workbook = openpyxl.load_workbook(file)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Hanna Berger" in cells
    assert 75 in cells or 1.25 in cells  # the minutes, or the hours they make
    euros = settled.amount_cents / 100
    assert euros in cells
    # The page said the same amount, as the reader in Germany writes it.
    assert format_currency(euros, "EUR", locale=f"{locale}_DE") in shown
