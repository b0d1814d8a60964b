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
from volunteers.services.work_queue import Task

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


def _visit(page: Page, path: str) -> None:
    page.goto(path)
    assert page.locator("h1").count() == 1, path
    audit(page)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_work_queue_notes_languages_and_organisation_details(demo, new_page, locale):
    page = new_page(locale)
    _log_in(page, COORDINATOR[locale])
    _visit(page, "/coordinator/")
    queue = page.locator(".queue-list a")
    assert queue.count() == len(Task)  # the demo has something in every task
    queue.first.click()  # urgent requests still to fill: the board, filtered
    page.wait_for_load_state()
    expect(page.locator("main .notice").first).to_be_visible()
    audit(page)

    # A note on a volunteer: empty first (the error sits at the field), then saved, changed, deleted.
    record = f"/coordinator/volunteers/{_profile_id('dawit.tesfaye@wir-vielfalt.example')}"
    _visit(page, record)
    page.fill("#note-body", "   ")
    page.locator("#notes form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#note-body-error")).to_be_visible()
    audit(page)
    page.fill("#note-body", "Ruft lieber abends zurück.")
    page.locator("#notes form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#notes .note__body")).to_have_text("Ruft lieber abends zurück.")
    page.locator("#notes .note__actions a").first.click()
    page.wait_for_load_state()
    audit(page)
    page.fill("#note-body", "Ruft lieber nach 18 Uhr zurück.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#notes .note__body")).to_have_text("Ruft lieber nach 18 Uhr zurück.")
    page.locator("#notes .note__actions a").last.click()
    page.wait_for_load_state()
    audit(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#notes .note")).to_have_count(0)

    # Languages: the list, a new variety, its page, the question before deleting it.
    _visit(page, "/coordinator/languages")
    _visit(page, "/coordinator/languages/new")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page)
    page.fill("#name_de", "Jemenitisches Arabisch")
    page.fill("#name_en", "Yemeni Arabic")
    page.select_option("#parent_code", value="ara")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    _visit(page, "/coordinator/languages/qaa/edit")
    _visit(page, "/coordinator/languages/qaa/delete")

    # The organisation's page with its notes and the history of its details; the edit form.
    syrian = db.session.scalar(select(User).where(User.email == "samir.nasser@wir-vielfalt.example")).memberships[0]
    _visit(page, f"/coordinator/organisations/{syrian.organisation_id}")
    expect(page.locator("#changes tbody tr").first).to_be_visible()
    _visit(page, f"/coordinator/organisations/{syrian.organisation_id}/edit")
    _visit(page, "/coordinator/expiring?days=30")


@pytest.mark.parametrize("locale", ["de", "en"])
def test_an_organisation_admin_changes_its_details(demo, new_page, locale):
    page = new_page(locale)
    _log_in(page, "selam.gebre@wir-vielfalt.example")
    eritrean = db.session.scalar(select(User).where(User.email == "selam.gebre@wir-vielfalt.example")).memberships[0]
    _visit(page, f"/organisation/{eritrean.organisation_id}")
    page.locator(f"a[href='/organisation/{eritrean.organisation_id}/edit']").click()
    page.wait_for_load_state()
    audit(page)
    page.fill("#postal_code", "343")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#postal_code-error")).to_be_visible()
    audit(page)
    page.fill("#postal_code", "34369")
    page.fill("#website", "www.eritreische-gemeinde.example")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("https://www.eritreische-gemeinde.example")
    audit(page)
