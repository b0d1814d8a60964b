"""The coordinators' week in a real browser with the demo data: axe-core clean, no sideways
scrolling on a phone, and printed without the navigation and the forms, the tables at full
width. In German and English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import audit
from volunteers.clock import today
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db

pytestmark = pytest.mark.browser

COORDINATOR = {"de": "koordination@wir-vielfalt.example", "en": "jonas.becker@wir-vielfalt.example"}


@pytest.fixture
def demo(ctx):
    seed_demo()
    db.session.commit()


def _log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _scrolls_sideways(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_week_fits_a_phone_and_prints_without_navigation(demo, new_page, locale):
    week = f"/coordinator/week?week={(today() + timedelta(days=1)).isoformat()}"
    phone = new_page(locale, viewport={"width": 375, "height": 800})
    _log_in(phone, COORDINATOR[locale])
    phone.goto(week)
    expect(phone.locator("table.week-table").first).to_be_visible()
    audit(phone)
    assert not _scrolls_sideways(phone)

    desk = new_page(locale, viewport={"width": 1280, "height": 900})
    _log_in(desk, COORDINATOR[locale])
    desk.goto(week)
    audit(desk)
    # The date field works without JavaScript: a GET form that shows the week of the day typed.
    desk.fill("#week", (today() + timedelta(weeks=3)).isoformat())
    desk.locator("main form button[type=submit]").click()
    expect(desk).to_have_url(f"{desk.url.split('?')[0]}?week={(today() + timedelta(weeks=3)).isoformat()}")
    desk.goto(week)

    desk.emulate_media(media="print")
    for hidden in (".main-nav", ".language-switch", ".site-footer", ".week-nav", "main form", ".skip-link"):
        expect(desk.locator(hidden).first).to_be_hidden()
    expect(desk.locator("h1")).to_be_visible()
    tables = desk.locator("table.week-table")
    expect(tables.first).to_be_visible()
    assert desk.evaluate(
        "() => [...document.querySelectorAll('.table-wrap')].every(w => getComputedStyle(w).overflowX === 'visible')"
    )
    assert "DEMO-ER-017" in desk.locator("main").inner_text()
    desk.emulate_media(media="screen")
    expect(desk.locator(".main-nav")).to_be_visible()
