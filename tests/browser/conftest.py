"""Headless Chromium from Debian, driven by Playwright, with axe-core checking every page visited."""

import json
import os
import shutil
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


class Axe:
    """Runs axe-core on the page and fails on any WCAG 2.1 A/AA violation, naming rule, nodes and URL."""

    def __init__(self):
        self.source = AXE.read_text()
        self.checked = []

    def check(self, page):
        page.add_script_tag(content=self.source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        problems = [
            {"rule": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in result["violations"]
        ]
        self.checked.append(page.url)
        assert not problems, f"axe-core on {page.url}:\n{json.dumps(problems, indent=1, ensure_ascii=False)}"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    axe = Axe()
    # Every page the journey visits is checked once it has loaded.
    page.axe = axe
    yield page
    context.close()


@pytest.fixture
def static_page(browser, live_server):
    """A page with JavaScript turned off: the public portal must work without it."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
