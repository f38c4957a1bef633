"""Headless Chromium from Debian, driven by Playwright, with axe-core checking every page visited."""

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SAMVERKAN_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core not installed (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser():
    problem = _missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# What Playwright says when a script meets a document that is being replaced by a navigation.
NAVIGATING = re.compile(r"Execution context was destroyed|Cannot read properties of null|navigat", re.IGNORECASE)


class Navigations:
    """Waits for the page a step checks. A click that follows a link or submits a form returns before the next
    page has loaded; reading the page then reads the old one, and axe-core injected then meets a document
    without a head (`Cannot read properties of null (reading 'appendChild')`). This follows the main frame's
    navigations through the page's request and framenavigated events."""

    def __init__(self, page):
        self.page = page
        self.main_frame = page.main_frame
        self.navigating = False
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("framenavigated", self._committed)

    def _request(self, request):
        if request.is_navigation_request() and request.frame == self.main_frame:
            self.navigating = True

    def _failed(self, request):
        if request.is_navigation_request() and request.frame == self.main_frame:
            self.navigating = False

    def _committed(self, frame):
        if frame == self.main_frame:
            self.navigating = False

    def wait(self):
        """Returns once no main-frame navigation is on its way (10 s at most: a download never commits) and
        the current document has fired `load`."""
        deadline = time.monotonic() + 10
        while self.navigating and time.monotonic() < deadline:
            self.page.wait_for_timeout(25)
        self.page.wait_for_load_state("load")


def _waiting(page):
    """The page, with `page.wait_for_page()` and with `inner_text`/`content`/`title` reading the page a step
    led to, not the one it left."""
    navigations = Navigations(page)
    page.wait_for_page = navigations.wait
    for name in ("inner_text", "content", "title"):
        read = getattr(page, name)

        def read_loaded(*args, _read=read, **kwargs):
            navigations.wait()
            return _read(*args, **kwargs)

        setattr(page, name, read_loaded)
    return page


# Only the violations are read, so axe-core is asked for no other results: it then skips building the node
# lists of every passing, incomplete and inapplicable rule, which halves its run (same rules, same violations).
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


class Axe:
    """Runs axe-core on the page and fails on any WCAG 2.1 A/AA violation, naming rule, nodes and URL. It first
    waits for the page (`page.wait_for_page`); if a navigation still slips in between, it waits again and checks
    the new page (twice at most). axe-core is already in every document of a `page` context (an init script, so
    it is not sent to the browser again for each check); elsewhere it is injected first."""

    source = AXE.read_text() if AXE.exists() else ""

    def __init__(self):
        self.checked = []

    def check(self, page):
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(3):
            page.wait_for_page()
            try:
                if not page.evaluate("typeof axe !== 'undefined'"):
                    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no inline
                    # script) does not govern; a <script> tag would be blocked, as it should be.
                    page.evaluate(f"() => {{ {self.source}\n}}")
                result = page.evaluate(AXE_RUN, WCAG_TAGS)
                break
            except PlaywrightError as error:
                if attempt == 2 or not NAVIGATING.search(str(error)):
                    raise
        problems = [
            {"rule": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in result["violations"]
        ]
        self.checked.append(page.url)
        assert not problems, f"axe-core on {page.url}:\n{json.dumps(problems, indent=1, ensure_ascii=False)}"


def _checked_page(browser, live_server):
    """A page with JavaScript and axe-core (`page.axe`) in a browser context of its own (no cookies shared)."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.add_init_script(Axe.source)
    page = _waiting(context.new_page())
    page.set_default_timeout(10_000)
    axe = Axe()
    # Every page the journey visits is checked once it has loaded.
    page.axe = axe
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server):
    yield from _checked_page(browser, live_server)


@pytest.fixture
def stranger_page(browser, live_server):
    """A second page with JavaScript, in its own context: someone without a login (e.g. a registrar following
    the link in a mail) while `page` stays logged in."""
    yield from _checked_page(browser, live_server)


@pytest.fixture
def static_page(browser, live_server):
    """A page with JavaScript turned off: the public portal must work without it."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="sv-SE")
    page = _waiting(context.new_page())
    page.set_default_timeout(10_000)
    yield page
    context.close()
