"""On a phone (375 px wide) no page scrolls sideways: every page the browser tests reach, for
each role, in German and English. A table wider than the screen scrolls inside its own
container, which is named (by the table's caption) and reachable with the keyboard. axe-core
checks every page too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import world as worlds
from tests.browser.conftest import AccessibilityViolations, audit
from tests.browser.test_volunteer_journey import _log_in
from tests.mailbox import path_of_link

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}

#: What sticks out past the right edge, and every container that scrolls sideways without
#: being a named, focusable region.
MEASURE = """() => {
  const limit = document.documentElement.clientWidth;
  const describe = (el) => {
    const classes = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} "${text}"`;
  };
  const wide = [], unnamed = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const escapes = style.position === 'absolute' || style.position === 'fixed';
    if (box.width > 0 && box.right > limit + 0.5
        && (escapes || el.parentElement.getBoundingClientRect().right <= limit + 0.5)) {
      wide.push(`${describe(el)} [${style.position}] reaches ${Math.round(box.right)} px`);
    }
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth
        && !(el.tabIndex >= 0 && el.getAttribute('role') === 'group'
             && (el.getAttribute('aria-labelledby') || el.getAttribute('aria-label')))) {
      unnamed.push(describe(el));
    }
  }
  return {width: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 8), unnamed};
}"""


def _fits(page: Page, problems: list) -> None:
    try:
        audit(page)
    except AccessibilityViolations as violations:
        problems.append((page.url, "axe", str(violations)[-600:]))
    found = page.evaluate(MEASURE)
    if found["width"] > 375:
        problems.append((page.url, f"{found['width']} px wide", found["wide"]))
    if found["unnamed"]:
        problems.append((page.url, "scrolls sideways without a name or keyboard focus", found["unnamed"]))


@pytest.mark.parametrize("locale", ["de", "en"])
def test_no_page_scrolls_sideways_on_a_phone(ctx, new_page, deliver, smtp_server, locale):
    world = worlds.build(locale)
    problems: list = []

    visitor = new_page(locale, **PHONE)
    for path in world.pages["public"]:
        visitor.goto(path)
        _fits(visitor, problems)
    deliver()
    [offer_mail] = smtp_server.to(world.volunteer.email)[:1]
    visitor.goto(path_of_link(offer_mail, "/offer/"))
    expect(visitor.locator("button[value=accept]")).to_be_visible()
    _fits(visitor, problems)

    for role, person in world.people().items():
        page = new_page(locale, **PHONE)
        _log_in(page, person.email)
        expect(page).not_to_have_url(re.compile(r"/login"))
        for path in world.pages[role]:
            page.goto(path)
            _fits(page, problems)
    assert not problems, "\n".join(str(problem) for problem in problems)
