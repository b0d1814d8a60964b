"""Two-step login, the "Login and security" page, the links that stop an address change or
let a browser past a shared network's throttling, and a 429 page: in a real browser, with
axe-core on every page, in German and in English, and the QR code shown under the CSP."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import audit, fresh
from tests.mailbox import links
from volunteers.services import throttle

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en"]


def _visit(page: Page, path: str) -> None:
    page.goto(path)
    audit(page)


def _submit(page: Page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _log_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    _visit(page, "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    _submit(page)


def _fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_coordinator_sets_up_two_step_login_and_logs_in_with_it(ctx, app, new_page, monkeypatch, locale):
    monkeypatch.setitem(app.config, "COORDINATOR_SECOND_FACTOR", "required")
    coordinator = factories.coordinator(locale=locale)
    page = new_page(locale, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    blocked: list[str] = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    page.on("console", watch)

    _log_in(page, coordinator.email)
    expect(page).to_have_url(re.compile(r"/account/second-factor/setup$"))
    audit(page)
    page.fill("#start-current_password", factories.PASSWORD)
    _submit(page)
    audit(page)
    assert _fits(page)
    image = page.locator("main img")
    expect(image).to_be_visible()
    assert page.evaluate("() => document.querySelector('main img').naturalWidth") > 0  # rendered under the CSP
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("#code", "000000")
    _submit(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page)
    page.fill("#code", totp.now())
    _submit(page)
    codes = page.locator("main code").all_inner_texts()
    assert len(codes) == 10
    audit(page)
    _visit(page, "/account/security")
    assert _fits(page)

    page.locator("nav form button").click()  # log out
    _log_in(page, coordinator.email)
    expect(page).to_have_url(re.compile(r"/login/code$"))
    audit(page)
    page.fill("#code", codes[0])
    _submit(page)
    expect(page).to_have_url(re.compile(r"/coordinator/$"))
    assert blocked == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_recovery_pages_pass_axe(ctx, app, new_page, deliver, smtp_server, locale):
    from volunteers.extensions import db
    from volunteers.models import TokenPurpose
    from volunteers.services import tokens

    volunteer = factories.volunteer(locale=locale)
    stop = tokens.issue(TokenPurpose.STOP_EMAIL_CHANGE, user=volunteer, new_email="x@example.org")
    unlock = tokens.issue(TokenPurpose.UNLOCK_LOGIN, user=volunteer)
    db.session.commit()
    page = new_page(locale)
    for path in [f"/email/stop/{stop}", f"/login/unlock/{unlock}", "/login/unlock", "/email/stop/not-a-token"]:
        _visit(page, path)

    # The 429 of the login offers the link, and the page stays accessible. Each failure past the
    # free ones doubles the wait, so on a slow machine a later attempt still lands inside it.
    unlock_link = page.locator("main a[href='/login/unlock']")
    for _ in range(throttle.EMAIL_AND_CLIENT.free_failures + 4):
        _log_in(page, volunteer.email, "a wrong guess")
        if unlock_link.count():
            break
    audit(page)
    page.locator("main a[href='/login/unlock']").click()
    page.fill("#email", volunteer.email)
    _submit(page)
    audit(page)
    deliver()
    fresh()
    link = next(link for link in links(smtp_server.to(volunteer.email)[-1]) if "/login/unlock/" in link)
    _visit(page, link)
    _submit(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    _log_in(page, volunteer.email)
    expect(page).to_have_url(re.compile(r"/volunteer/$"))

    # The address form (with the password) on the security page, and the profile linking to it.
    _visit(page, "/volunteer/profile")
    page.locator("main a[href='/account/security#email']").click()
    page.wait_for_load_state()
    page.fill("#email-new_email", "not an address")
    page.locator("form[action$='/account/email'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page)
    _visit(page, "/account/second-factor/setup")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_resetting_someone_elses_second_factor_passes_axe(ctx, new_page, locale):
    from volunteers.extensions import db

    person = factories.volunteer()
    person.totp_secret = pyotp.random_base32()
    db.session.commit()
    coordinator = factories.coordinator(locale=locale)
    page = new_page(locale)
    _log_in(page, coordinator.email)
    _visit(page, "/coordinator/accounts")
    _visit(page, f"/coordinator/accounts/{person.id}/second-factor")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/coordinator/accounts$"))
    audit(page)
