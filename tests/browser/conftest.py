"""Browser tests: Playwright drives Debian's Chromium against the app served from a thread.

Never `playwright install`: the browser is Debian's (`CHROMIUM_PATH`, default
/usr/bin/chromium). A missing browser fails these tests; it does not skip them.
axe-core (tests/browser/node_modules, from package-lock.json) checks every page visited.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from volunteers.extensions import db

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(app, live_port) -> Iterator[str]:
    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (scripts/system-deps.sh)")
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `npm ci --prefix tests/browser`")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """new_page(locale="de", **context_options) opens a page in a fresh browser profile."""
    contexts = []

    def _open(locale: str = "de", **options) -> Page:
        context = browser.new_context(base_url=live_server, locale=locale, **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


class AccessibilityViolations(AssertionError):
    pass


def audit(page: Page) -> None:
    """axe-core on the page as it is now; any violation fails the test, with what and where.

    The script is evaluated (not added as a <script> tag), so the page's strict CSP stays on.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    # Only violations: axe then spends no time on describing what passed.
    result = page.evaluate("async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations")
    if result:
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]][:5],
            }
            for v in result
        ]
        raise AccessibilityViolations(f"{page.url}: {json.dumps(summary, indent=2)}")


def fresh() -> None:
    """End the test's own transaction so it reads what the browser's requests wrote."""
    db.session.commit()
