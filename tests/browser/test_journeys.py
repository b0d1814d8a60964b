"""The journeys a person takes, in a real browser, with axe-core on every page visited,
in German and in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import audit, fresh
from tests.mailbox import links
from volunteers.models import Organisation, OrganisationStatus, User

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en"]
NAMES = {"de": "Deutsch", "en": "English"}


def _visit(page: Page, path: str) -> None:
    page.goto(path)
    audit(page)


def _submit(page: Page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _link_in_mail(smtp_server, address: str, part: str) -> str:
    mails = smtp_server.to(address)
    assert mails, f"no mail to {address}"
    return next(link for link in links(mails[-1]) if part in link)


def _log_in(page: Page, email: str, password: str) -> None:
    _visit(page, "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    _submit(page)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_volunteer_registers_confirms_logs_in_switches_language_and_logs_out(
    ctx, new_page, deliver, smtp_server, locale
):
    page = new_page(locale)
    _visit(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    page.locator("a[href='/register/volunteer']").first.click()
    audit(page)

    # A mistake first: errors appear next to the fields and in a summary, typed values stay.
    page.fill("#given_name", "Hanna")
    page.fill("#family_name", "Yilmaz")
    page.fill("#email", "hanna.browser@example.org")
    page.fill("#password", "a long enough password")
    page.fill("#password_repeat", "something different")
    _submit(page)
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#given_name")).to_have_value("Hanna")
    audit(page)

    page.fill("#password", "a long enough password")
    page.fill("#password_repeat", "a long enough password")
    page.check(f"#locale-{LANGUAGES.index(locale)}")
    page.check("#privacy")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/registered$"))
    audit(page)

    deliver()
    page.goto(_link_in_mail(smtp_server, "hanna.browser@example.org", "/confirm/"))
    audit(page)
    _submit(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    audit(page)

    page.fill("#email", "hanna.browser@example.org")
    page.fill("#password", "a long enough password")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    expect(page.locator("h1")).to_contain_text("Hanna")
    audit(page)

    other = "en" if locale == "de" else "de"
    page.get_by_role("button", name=NAMES[other]).click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    audit(page)
    fresh()
    assert factories.db.session.scalar(select(User.locale).where(User.email == "hanna.browser@example.org")) == other

    page.locator("nav form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    audit(page)
    page.goto("/volunteer/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


@pytest.mark.parametrize("locale", LANGUAGES)
def test_organisation_registers_and_a_coordinator_approves_it(ctx, new_page, deliver, smtp_server, locale):
    coordinator = factories.coordinator(email="coordinator@example.org", locale=locale)
    page = new_page(locale)
    _visit(page, "/register/organisation")
    page.fill("#organisation_name", "Eritreischer Elternverein Baunatal")
    page.select_option("#place", label="Baunatal")
    page.fill("#given_name", "Selam")
    page.fill("#family_name", "Gebre")
    page.fill("#email", "selam.browser@example.org")
    page.fill("#password", "organisation password")
    page.fill("#password_repeat", "organisation password")
    page.check("#privacy")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/registered$"))

    deliver()
    page.goto(_link_in_mail(smtp_server, "selam.browser@example.org", "/confirm/"))
    _submit(page)
    _log_in(page, "selam.browser@example.org", "organisation password")
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    audit(page)
    page.get_by_role("link", name="Eritreischer Elternverein Baunatal").click()
    audit(page)

    deliver()
    desk = new_page(locale)
    desk.goto(_link_in_mail(smtp_server, coordinator.email, "/coordinator/organisations/"))
    expect(desk).to_have_url(re.compile(r"/login\?next="))
    desk.fill("#email", coordinator.email)
    desk.fill("#password", factories.PASSWORD)
    _submit(desk)
    expect(desk.locator("h1")).to_have_text("Eritreischer Elternverein Baunatal")
    audit(desk)

    # Rejecting without a reason is refused at the field; then approve.
    desk.locator("form[action$='/reject'] button").click()
    expect(desk.locator("#reason-error")).to_be_visible()
    audit(desk)
    desk.locator("form[action$='/approve'] button").click()
    expect(desk).to_have_url(re.compile(r"/coordinator/organisations$"))
    audit(desk)
    fresh()
    assert factories.db.session.scalar(select(Organisation.status)) is OrganisationStatus.APPROVED

    deliver()
    assert smtp_server.to("selam.browser@example.org")[-1]["Subject"]
    page.reload()
    audit(page)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_coordinator_page_passes_axe(ctx, new_page, deliver, locale):
    coordinator = factories.coordinator(locale=locale)
    factories.organisation(name="Wartender Verein", status=OrganisationStatus.PENDING, admin=factories.user())
    admin, organisation = factories.organisation_user()
    page = new_page(locale)
    _log_in(page, coordinator.email, factories.PASSWORD)
    for path in [
        "/coordinator/",
        "/coordinator/organisations",
        "/coordinator/organisations?status=approved",
        f"/coordinator/organisations/{organisation.id}",
        "/coordinator/accounts",
        "/coordinator/outbox",
        "/coordinator/audit",
        "/coordinator/invitations",
        "/password/change",
    ]:
        _visit(page, path)
    # A form with errors is accessible too.
    _visit(page, "/coordinator/invitations")
    page.fill("#email", "not an address")
    _submit(page)
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page)

    member = new_page(locale)
    _log_in(member, admin.email, factories.PASSWORD)
    _visit(member, f"/organisation/{organisation.id}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_public_and_error_pages_pass_axe(new_page, locale):
    page = new_page(locale)
    for path in [
        "/",
        "/login",
        "/register",
        "/register/organisation",
        "/privacy",
        "/accessibility",
        "/password/forgot",
        "/confirm/not-a-real-token",
        "/does-not-exist",
    ]:
        _visit(page, path)
    page.fill("#email", "x") if page.locator("#email").count() else None


def test_the_core_flow_works_without_javascript(ctx, new_page, deliver, smtp_server):
    page = new_page("de", java_script_enabled=False)
    page.goto("/register/volunteer")
    page.fill("#given_name", "Nojs")
    page.fill("#family_name", "User")
    page.fill("#email", "nojs@example.org")
    page.fill("#password", "works without scripts")
    page.fill("#password_repeat", "works without scripts")
    page.check("#privacy")
    _submit(page)
    deliver()
    page.goto(_link_in_mail(smtp_server, "nojs@example.org", "/confirm/"))
    _submit(page)
    page.fill("#email", "nojs@example.org")
    page.fill("#password", "works without scripts")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_keyboard_only_login(ctx, new_page):
    user = factories.volunteer()
    page = new_page("en")
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_class("skip-link")
    page.keyboard.press("Enter")
    # Into the form: language buttons come before main, the skip link jumps past them.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("id", "email")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/volunteer/(#main)?$"))


def test_pages_fit_a_phone_screen(ctx, new_page):
    coordinator = factories.coordinator()
    page = new_page("de", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    for path in ["/", "/register/organisation", "/login"]:
        _visit(page, path)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    _log_in(page, coordinator.email, factories.PASSWORD)
    for path in ["/coordinator/", "/coordinator/organisations"]:
        _visit(page, path)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), path
