"""The pages of the walk (tests/walk.py) in a real browser on a phone, 375 px wide, for each
role in German and English: no page scrolls sideways (the element that sticks out is named),
a table wider than the screen scrolls inside its own named, focusable container, axe-core finds
nothing, and each page has one h1 and a title.

Of pages that differ only in their ids (every volunteer's record, every language's form) the
browser takes the one with the most content, and the pages everyone can open it sees as a
visitor and as a volunteer (see `choose`); the web scans (tests/web/test_every_page.py) check
every page of every role. `WALK_EVERY_PAGE=1` makes the browser visit all of them too."""

from __future__ import annotations

import os
import re
from collections import defaultdict

import pytest
from playwright.sync_api import Page

from tests import walk_data
from tests.browser.conftest import AccessibilityViolations, audit
from tests.walk import DOMAIN, LOCALES, ROLES, Sent, Visit, sent_forms, walk
from volunteers.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}

#: What sticks out past the right edge (an element, or the text of one), every container that
#: scrolls sideways without being a named, focusable region, the h1 elements and the title.
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
  // A word longer than its line sticks out of a box that itself fits.
  const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (document.documentElement.scrollWidth > limit && words.nextNode()) {
    range.selectNodeContents(words.currentNode);
    const right = Math.max(0, ...[...range.getClientRects()].map((box) => box.right));
    if (right > limit + 0.5 && words.currentNode.parentElement.getBoundingClientRect().right <= limit + 0.5) {
      wide.push(`text of ${describe(words.currentNode.parentElement)} reaches ${Math.round(right)} px`);
    }
  }
  return {
    width: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 8), unnamed,
    headings: document.querySelectorAll('h1').length, title: document.title,
  };
}"""

#: Sends the form that posts to `action`, with `changes`, by `button` (name, value) if given.
SEND = """([action, changes, button]) => {
  const form = [...document.forms].find(
    (f) => f.method === 'post' && new URL(f.action, location.href).pathname === action);
  for (const [name, value] of Object.entries(changes)) {
    let field = form.elements.namedItem(name);
    if (!field) {  // a value the page adds on the next step ("confirmed")
      field = Object.assign(document.createElement('input'), {type: 'hidden', name});
      form.append(field);
    }
    field.value = value;
  }
  const submitter = button
    ? [...form.elements].find((e) => e.name === button[0] && e.value === button[1]) : null;
  form.requestSubmit(submitter || undefined);
}"""


#: The signed-in role that also sees the pages everyone can open.
SIGNED_IN = "volunteer"
#: Pages of one's own account, which differ from role to role.
ACCOUNT_PAGES = {
    "auth.security",
    "auth.change_password",
    "auth.second_factor_setup",
    "auth.register_volunteer",
    "auth.register_organisation",
    "auth.no_role",
}


_TAG = re.compile(r"<([a-z][a-z0-9]*)\b([^>]*)>")
_CLASS = re.compile(r'class="([^"]*)"')


def _elements(visit: Visit) -> frozenset:
    """What kinds of element the page's main part shows (tag and class)."""
    main = visit.html[visit.html.find("<main") : visit.html.find("</main>")]
    return frozenset(
        (tag, found.group(1) if (found := _CLASS.search(rest)) else "") for tag, rest in _TAG.findall(main)
    )


def choose(role: str, visits: list[Visit]) -> list[Visit]:
    """Of the pages of one kind (one route with the same query keys, a first or a later page of
    a list), as few as show every kind of element any of them shows: a request that nobody can
    take shows who almost qualifies, another one candidates. In English, whose words are
    shorter, the one with the most of them. The pages everyone can open
    (public pages, the pages behind mail links, error pages) look the same to every signed-in
    person but for the header, which their own pages show too: the visitor and the volunteer
    see them. With WALK_EVERY_PAGE=1, every page of the walk."""
    if os.environ.get("WALK_EVERY_PAGE"):
        return visits
    own = {v.endpoint.split(".")[0] for v in visits if v.status == 200 and v.endpoint} - {"auth", "public"}
    kinds: dict[tuple, list[Visit]] = defaultdict(list)
    for visit in visits:
        area = (visit.endpoint or "").split(".")[0]
        if role in ("visitor", SIGNED_IN) or area in own or visit.endpoint in ACCOUNT_PAGES:
            kinds[(visit.locale, *visit.kind)].append(visit)
    chosen = []
    for (locale, *_), alike in kinds.items():
        shown = {id(visit): _elements(visit) for visit in alike}
        missing = frozenset().union(*shown.values())
        if locale != "de":  # the same elements, in shorter words: the richest page of each kind
            missing = frozenset(max(shown.values(), key=len))
        while missing:
            best = max(alike, key=lambda visit: (len(shown[id(visit)] & missing), len(visit.html)))
            chosen.append(best)
            missing -= shown[id(best)]
    return chosen


def check(page: Page, what: str, problems: list[str]) -> None:
    found = page.evaluate(MEASURE)
    if found["width"] > found["limit"]:
        problems.append(f"{what}: {found['width']} px wide: {found['wide']}")
    if found["unnamed"]:
        problems.append(f"{what}: scrolls sideways without a name or keyboard focus: {found['unnamed']}")
    if found["headings"] != 1:
        problems.append(f"{what}: {found['headings']} h1 elements")
    if not found["title"].strip() or found["title"].startswith("–"):
        problems.append(f"{what}: title {found['title']!r}")
    try:
        audit(page)
    except AccessibilityViolations as violations:
        problems.append(f"{what}: axe: {str(violations)[-900:]}")


def log_in(page: Page, local: str, world: walk_data.World) -> None:
    page.goto("/login")
    page.fill("#email", f"{local}@{DOMAIN}")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if page.url.endswith("/login/code"):
        page.fill("#code", world.recovery_codes.pop())
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    assert "/login" not in page.url, page.url


def switch_language(page: Page, locale: str) -> None:
    page.goto("/privacy")
    with page.expect_navigation():
        page.locator(f".language-switch button[value={locale}]").click()


def send(page: Page, sent: Sent) -> int:
    for _ in range(sent.times):
        page.goto(sent.page)
        with page.expect_navigation() as navigation:
            page.evaluate(SEND, [sent.action, sent.changes, list(sent.button) if sent.button else None])
    return navigation.value.status


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_passes_axe(app, ctx, browser, live_server, role):
    world = walk_data.build()
    pages = defaultdict(list)
    for visit in choose(role, list(walk(app, world, role, send_forms=False))):
        pages[visit.locale].append(visit)
    context = browser.new_context(base_url=live_server, **PHONE)
    context.set_default_timeout(15000)
    page = context.new_page()
    problems: list[str] = []
    signed_in = object()
    for locale in LOCALES:
        account = ROLES[role].account(locale)
        if account != signed_in:
            context.clear_cookies()
            if account is not None:
                log_in(page, account, world)
            signed_in = account
        switch_language(page, locale)
        for visit in pages[locale]:
            response = page.goto(visit.url)
            assert response.status == visit.status, (visit.url, response.status)
            check(page, f"{locale} {visit.how}", problems)
        for sent in sent_forms(role, world, locale):
            status = send(page, sent)
            assert status == sent.status, (sent, status)
            check(page, f"{locale} POST {sent.action} from {sent.page}", problems)
    context.close()
    assert not problems, "\n".join(problems)
