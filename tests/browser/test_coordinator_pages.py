"""Coordinators' pages in a real browser with the demo data: the volunteer record with its
table of contents, using a desktop's width and no sideways scrolling on a phone. axe-core on
every page, in German and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import audit
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import User

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


def _profile_id(email: str) -> int:
    return db.session.scalar(select(User).where(User.email == email)).profile.id


def _scrolls_sideways(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_volunteer_record_uses_the_desk_and_fits_a_phone(demo, new_page, locale):
    record = f"/coordinator/volunteers/{_profile_id('amina.haddad@wir-vielfalt.example')}"
    desk = new_page(locale, viewport={"width": 1600, "height": 900})
    _log_in(desk, COORDINATOR[locale])
    desk.goto(record)
    audit(desk)
    # The table of contents sits beside the sections, and the page is wider than a reading column.
    toc = desk.locator(".record-toc").bounding_box()
    body = desk.locator(".record-body").bounding_box()
    assert toc["x"] + toc["width"] <= body["x"]
    assert desk.locator("main").bounding_box()["width"] > 1300
    desk.locator(".record-toc a[href='#trainings']").click()
    expect(desk).to_have_url(f"{desk.url.split('#')[0].split('?')[0]}#trainings")
    assert desk.evaluate("() => document.querySelector('#trainings').getBoundingClientRect().top") < 100

    phone = new_page(locale, viewport={"width": 375, "height": 800})
    _log_in(phone, COORDINATOR[locale])
    for path in ["/coordinator/", record, "/coordinator/requests", "/coordinator/volunteers"]:
        phone.goto(path)
        assert not _scrolls_sideways(phone), path
    audit(phone)
