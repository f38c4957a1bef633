"""Checks of a page's landmarks, shared by the public and the staff crawls."""

import re

LANDMARK = re.compile(r"<(nav|aside|div|section|form)\b([^>]*)>")
LANDMARK_ROLES = {"nav": "navigation", "aside": "complementary"}


def assert_landmarks_named_apart(url, html):
    """No two landmarks of a page share a role and a name (axe-core's landmark-unique): two table regions both
    called "Tabell", or two pagers both "Sidor", cannot be told apart in a screen reader's list of landmarks."""
    named = []
    for tag, attributes in LANDMARK.findall(html):
        role = re.search(r'\brole="([^"]+)"', attributes)
        label = re.search(r'\baria-label="([^"]+)"', attributes)
        kind = role.group(1) if role else LANDMARK_ROLES.get(tag)
        if kind in ("navigation", "complementary", "region", "search", "form") and label:
            named.append((kind, label.group(1)))
    twice = {landmark for landmark in named if named.count(landmark) > 1}
    assert not twice, (url, twice)
