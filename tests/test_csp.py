"""Content-Security-Policy: on every response, and no page carries inline script or style that it would block.

The demo county is crawled as each demo login, following every link (some hundred pages); every response must carry
the policy and every HTML page is grepped for inline code. The public portal is held to the same two rules on every
page by the anonymous crawl of the same demo in test_crawl.py (`assert_policy`, `inline_code`), which loads each
public page once for all its checks.
"""

from collections import deque
from html.parser import HTMLParser

from django.contrib.auth import get_user_model

from tests.landmarks import assert_landmarks_named_apart

CSP = "Content-Security-Policy"
# Pages per login; the crawl is breadth first, so these reach most kinds of staff page of the demo.
STAFF_PAGES = 40
NOT_CRAWLED = ("/konto/logout", "/i18n/", "/static/", "/media/")


class Inline(HTMLParser):
    """Links of a page, and what a policy without 'unsafe-inline' would block on it."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.inline = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.inline += inline_code(tag, attrs)
        href = attributes.get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.hrefs.append(href.split("#")[0])


def inline_code(tag, attrs):
    """What a policy without 'unsafe-inline' would block in one start tag (`tag`, HTMLParser's `attrs`): a list of
    short descriptions, empty when nothing."""
    found = []
    if tag == "script" and not dict(attrs).get("src"):
        found.append("<script> without src")
    if tag == "style":
        found.append("<style>")
    for name, value in attrs:
        if name == "style" or name.startswith("on"):
            found.append(f"<{tag} {name}=…>")
        if value and value.strip().lower().startswith("javascript:"):
            found.append(f"<{tag} {name}=javascript:…>")
    return found


def assert_policy(url, response):
    """The response carries the policy: scripts and styles from this site only, no plugins, no framing, nothing
    unsafe."""
    policy = response.get(CSP, "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives.get("script-src") == "'self'", (url, policy)
    assert directives.get("style-src") == "'self'", (url, policy)
    assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'", (url, policy)
    assert "unsafe" not in policy, (url, policy)


def crawl(client, start, limit, skip=()):
    """Visit up to `limit` pages from `start`; check each response's policy and each HTML page's inline code."""
    seen, queue, visited = {start}, deque([start]), 0
    while queue and visited < limit:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        assert_policy(url, response)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        page = Inline()
        page.feed(html)
        assert not page.inline, (url, page.inline)
        assert_landmarks_named_apart(url, html)
        for href in page.hrefs:
            if href not in seen and not href.startswith(NOT_CRAWLED + tuple(skip)):
                seen.add(href)
                queue.append(href)
    return visited


def test_every_staff_page_has_the_policy_and_no_inline_code(client, demo):
    for username in ("koordinator", "sekreterare", "ledamot"):
        client.force_login(get_user_model().objects.get(username=username))
        # The admin is Django's own (one inline style on a change list); its responses carry the policy too.
        assert crawl(client, "/hantera/", STAFF_PAGES, skip=("/admin/",)) >= 10
        client.logout()


def test_error_pages_and_the_login_page_have_the_policy(client, demo):
    for url, status in (("/finns-inte/", 404), ("/konto/login/", 200), ("/admin/", 302)):
        response = client.get(url)
        assert response.status_code == status
        assert_policy(url, response)
