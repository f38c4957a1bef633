"""Crawl every public page of the demo county as an anonymous visitor: all answer, nothing internal leaks."""

import re
from collections import deque
from html.parser import HTMLParser
from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from samverkan.meetings.access import public_meetings
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.models import Body, Person

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\b0\d{1,3}[- ]\d{2,3}[ ]?\d{2}[ ]?\d{2}\b")
NOT_PUBLIC = ("/konto/", "/hantera/", "/admin/", "/i18n/", "/static/", "/media/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.hrefs.append(href.split("#")[0])


def test_every_public_page_answers_and_leaks_nothing(client, demo):
    internal = list(Body.objects.exclude(visibility="public"))
    assert internal, "the demo must have internal bodies for this test to mean anything"
    hidden_people = [p for p in Person.objects.all() if not p.memberships.filter(body__visibility="public").exists()]
    assert hidden_people, "the demo must have people seated only in internal bodies"
    forbidden = [b.name for b in internal] + [p.name for p in hidden_people]
    hidden_items = AgendaItem.objects.exclude(visibility="public")
    assert hidden_items.exists(), "the demo must have internal or confidential agenda items"
    forbidden += list(hidden_items.values_list("title", flat=True).distinct())
    forbidden += [text for text in hidden_items.values_list("minutes", flat=True).distinct() if text]

    seen, queue, pdfs = set(), deque(["/"]), set()
    while queue:
        url = queue.popleft()
        if url in seen or url.startswith(NOT_PUBLIC):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response["Content-Type"] == "application/pdf":
            # The published minutes: read back as text, held to the same rules, no links followed.
            reader = PdfReader(BytesIO(response.content))
            html = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
            pdfs.add(url)
        elif not response["Content-Type"].startswith("text/"):
            continue  # a spreadsheet export: its content is checked in the follow-through tests
        else:
            html = response.content.decode()
        assert not EMAIL.search(html), (url, EMAIL.search(html).group())
        assert not PHONE.search(html), (url, PHONE.search(html).group())
        leaked = [name for name in forbidden if name in html]
        assert not leaked, (url, leaked)
        parser = Links()
        parser.feed(html)
        queue.extend(h for h in parser.hrefs if h not in seen)
    public_bodies = Body.objects.filter(visibility="public").count()
    assert len(seen) > public_bodies + 10, f"crawled only {len(seen)} pages"
    for body in Body.objects.filter(visibility="public"):
        assert body.get_absolute_url() in seen
    for body in internal:
        assert body.get_absolute_url() not in seen
        assert client.get(body.get_absolute_url()).status_code == 404
    published = public_meetings().filter(status=Meeting.Status.PUBLISHED).select_related("body__area")
    assert published.count() >= 20, "the demo must have a year of published minutes"
    assert pdfs == {reverse("calendar:pdf", args=[m.body.area.slug, m.pk]) for m in published}
    for meeting in Meeting.objects.exclude(status=Meeting.Status.PUBLISHED).select_related("body__area"):
        assert client.get(reverse("calendar:pdf", args=[meeting.body.area.slug, meeting.pk])).status_code == 404
