"""Crawl every public page of the demo county as an anonymous visitor: all answer, nothing internal leaks."""

import re
from collections import deque
from datetime import date, time, timedelta
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from django.urls import get_resolver, resolve, reverse
from django.utils import timezone
from pypdf import PdfReader

from samverkan.meetings import actions
from samverkan.meetings.access import public_meetings
from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from samverkan.structure.models import Body, Person
from tests.followthrough_helpers import body_bytes
from tests.landmarks import assert_landmarks_named_apart
from tests.meetings_helpers import make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, held_meeting, seat_group
from tests.test_csp import assert_policy, inline_code
from tests.test_notices import APPEAL_LABELS

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\b0\d{1,3}[- ]\d{2,3}[ ]?\d{2}[ ]?\d{2}\b")
SELF = "http://testserver/"
NOT_PUBLIC = ("/konto/", "/hantera/", "/admin/", "/i18n/", "/static/", "/media/")


class Links(HTMLParser):
    """The site's own links of a page (`hrefs`) and the inline code its Content-Security-Policy would block
    (`inline`, test_csp.inline_code)."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.inline = [], []

    def handle_starttag(self, tag, attrs):
        self.inline += inline_code(tag, attrs)
        href = dict(attrs).get("href")
        if href and href.startswith(SELF):
            href = href[len(SELF) - 1 :]  # the feeds' links are absolute
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.hrefs.append(href.split("#")[0])


# The crawl reads this many of the published minutes PDFs it finds (spread over the list); every one of them is
# read in test_every_published_minutes_pdf_reads_clean.
PDF_SAMPLE = 4


def _forbidden():
    """The names and texts that must never reach an anonymous visitor: internal bodies, people seated only in
    them, and internal or confidential agenda items with their minutes. Checks the demo has each kind."""
    internal = list(Body.objects.exclude(visibility="public"))
    assert internal, "the demo must have internal bodies for this test to mean anything"
    hidden_people = [p for p in Person.objects.all() if not p.memberships.filter(body__visibility="public").exists()]
    assert hidden_people, "the demo must have people seated only in internal bodies"
    forbidden = [b.name for b in internal] + [p.name for p in hidden_people]
    hidden_items = AgendaItem.objects.exclude(visibility="public")
    assert hidden_items.exists(), "the demo must have internal or confidential agenda items"
    forbidden += list(hidden_items.values_list("title", flat=True).distinct())
    forbidden += [text for text in hidden_items.values_list("minutes", flat=True).distinct() if text]
    return internal, forbidden


def _pdf_text(response):
    reader = PdfReader(BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _assert_nothing_leaks(url, text, forbidden):
    assert not EMAIL.search(text), (url, EMAIL.search(text).group())
    assert not PHONE.search(text), (url, PHONE.search(text).group())
    leaked = [name for name in forbidden if name in text]
    assert not leaked, (url, leaked)


UNLINKED = {
    "meetings_public:document",
    "followthrough_public:decision_document",
    "meetings_public:body_ical_year",
    "meetings_public:answer_link",  # a personal signed link from an invitation e-mail (test_participation.py)
    "followthrough_public:record_by_link",  # a principal's signed dispatch link (test_dispatch.py)
    "surveys_public:answer",  # a personal anonymous survey link from a survey e-mail (test_surveys.py)
    "agreements_public:version_file",  # the demo keeps no agreement files; served in test_agreements.py
    "agreements_public:follow_up_file",
    "alerts:requested",  # where the subscribe form leads (test_alerts.py)
    "alerts:confirm",  # the alerts' signed links, mailed (test_alerts.py)
    "alerts:unsubscribe",
    "alerts:manage",
}


def _public_patterns():
    for include in get_resolver("samverkan.public_urls").url_patterns:
        for pattern in include.url_patterns:
            if pattern.name:
                yield include.namespace, pattern


def _assert_cacheable(url, response):
    """An anonymous visitor's public page sets no cookie, does not vary on cookies and may be cached."""
    assert not response.cookies, (url, list(response.cookies))
    assert "cookie" not in response.headers.get("Vary", "").lower(), (url, response.headers.get("Vary"))
    assert response["Cache-Control"].startswith("public, max-age="), (url, response["Cache-Control"])


def _drafts():
    """What must not reach the public as a draft: the titles and backgrounds of items on agendas not yet sent or
    published (those that no sent agenda shares), and an imported meeting whose minutes are not published (made
    here: the demo imports nothing), with its own item. Returns (forbidden texts, draft meetings)."""
    drafts = [m for m in Meeting.objects.select_related("body") if not m.agenda_is_public and m.body.is_public]
    assert drafts, "the demo must have planned meetings whose agenda is not sent"
    draft_items = AgendaItem.objects.filter(meeting__in=drafts)
    sent = AgendaItem.objects.exclude(meeting__in=drafts)
    shared = set(sent.values_list("title", flat=True)) | set(sent.values_list("background", flat=True))
    texts = {t for t in draft_items.values_list("title", flat=True) if t not in shared}
    texts |= {b for b in draft_items.values_list("background", flat=True) if b and b not in shared}
    assert texts, "the demo's draft agendas must hold something of their own"
    body = Body.objects.filter(visibility="public", meetings__status="published").first()
    imported = Meeting.objects.create(body=body, status="drafted", imported=True, kind="minutes")
    MeetingDay.objects.create(meeting=imported, date=date(2019, 3, 12), start=time(9))
    make_item(imported, "1", "Importerad punkt som inte är publicerad", minutes="Importerad protokollstext.")
    texts |= {"Importerad punkt som inte är publicerad", "Importerad protokollstext."}
    return sorted(texts), [*drafts, imported]


def _published_pdf_urls():
    published = public_meetings().filter(status=Meeting.Status.PUBLISHED).select_related("body__area")
    assert published.count() >= 20, "the demo must have a year of published minutes"
    return {reverse("meetings_public:pdf", args=[m.body.area.slug, m.pk]) for m in published}


def test_every_public_page_answers_and_leaks_nothing(client, demo):
    """Every public page of the demo, reached by its links as an anonymous visitor: answers 200, may be cached,
    carries the Content-Security-Policy and (HTML) no inline code it would block, and leaks nothing internal."""
    internal, forbidden = _forbidden()
    draft_texts, drafts = _drafts()
    forbidden += draft_texts
    # No body of the demo can be appealed (none is a joint committee or a municipal association), so no page names
    # an appeal period.
    assert not Body.objects.filter(appealable=True).exists()
    forbidden += list(APPEAL_LABELS)
    # The search box is a form, not a link: a few searches are crawled too (their results, not their facets).
    searches = [reverse("search:search") + "?q=" + q for q in ("beslut", "protokoll", "uppdrag", "kommun")]
    seen, queue, pdf_links, views = set(), deque(["/", *searches]), set(), set()
    extract_links = set()
    while queue:
        url = queue.popleft()
        if url in seen or url.startswith(NOT_PUBLIC):
            continue
        seen.add(url)
        if url.endswith(".pdf"):
            views.add(resolve(url).view_name)
            if resolve(url).view_name == "meetings_public:extract":
                extract_links.add(url)  # a protokollsutdrag: a sample is read below
            else:
                pdf_links.add(url)  # the published minutes: a sample is read below, all of them in the next test
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        _assert_cacheable(url, response)
        assert_policy(url, response)
        views.add(resolve(url.split("?")[0]).view_name)
        if not response["Content-Type"].startswith(("text/", "application/atom+xml")):
            continue  # a spreadsheet export: its content is checked in the follow-through tests
        html = body_bytes(response).decode()  # the board's CSV is streamed
        _assert_nothing_leaks(url, html, forbidden)
        parser = Links()
        parser.feed(html)
        if response["Content-Type"].startswith("text/html"):
            assert not parser.inline, (url, parser.inline)
            assert_landmarks_named_apart(url, html)
        from_search = url.startswith(reverse("search:search"))
        queue.extend(h for h in parser.hrefs if h not in seen and not (from_search and h.startswith("/sok/")))
    # Every kind of public page was reached (and so checked cookie-free and cacheable), but the downloads of
    # documents and decision documents (the demo has none public) and the per-year feeds (not linked as links).
    unreached = {f"{ns}:{p.name}" for ns, p in _public_patterns()} - views
    assert unreached <= UNLINKED, unreached
    public_bodies = Body.objects.filter(visibility="public").count()
    assert len(seen) > public_bodies + 10, f"crawled only {len(seen)} pages"
    for body in Body.objects.filter(visibility="public"):
        assert body.get_absolute_url() in seen
    for body in internal:
        assert body.get_absolute_url() not in seen
        assert client.get(body.get_absolute_url()).status_code == 404
    # The notice board and its archive were crawled; a draft agenda's page shows no agenda, an unpublished
    # import has no page at all and is in no list or feed.
    area = drafts[-1].body.area
    for name in ("notice_board", "notice_archive", "notice_feed"):
        assert reverse(f"meetings_public:{name}", args=[area.slug]) in seen, name
    for meeting in drafts[:-1]:
        if meeting.get_absolute_url() in seen:
            assert "Dagordningen är inte publicerad ännu." in client.get(meeting.get_absolute_url()).content.decode()
    assert drafts[-1].get_absolute_url() not in seen
    assert client.get(drafts[-1].get_absolute_url()).status_code == 404
    for feed in (reverse("meetings_public:area_ical", args=[area.slug]),):
        assert f"meetingday-{drafts[-1].days.get().pk}@" not in client.get(feed).content.decode()
    # Every published minutes PDF is linked, and nothing else that looks like one.
    assert pdf_links == _published_pdf_urls()
    ordered = sorted(pdf_links)
    for url in ordered[:: max(1, len(ordered) // PDF_SAMPLE)][:PDF_SAMPLE]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"] == "application/pdf", url
        assert_policy(url, response)
        _assert_nothing_leaks(url, _pdf_text(response), forbidden)
    assert extract_links, "no protokollsutdrag was linked"
    for url in sorted(extract_links)[:2]:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        assert_policy(url, response)
        _assert_nothing_leaks(url, _pdf_text(response), forbidden)


def test_a_page_with_several_pagers_names_each(settings):
    """Each pager of a template with more than one says which list it pages (`label`), so the landmarks differ."""
    templates = Path(settings.BASE_DIR) / "samverkan" / "templates"
    for path in templates.rglob("*.html"):
        includes = re.findall(r'{% include "includes/pager.html"([^%]*)%}', path.read_text())
        if len(includes) > 1:
            assert all("label=" in include for include in includes), path


def test_every_published_minutes_pdf_reads_clean(client, demo):
    """Each published minutes PDF, read back as text, is held to the crawl's rules; unpublished minutes have none."""
    _internal, forbidden = _forbidden()
    for url in sorted(_published_pdf_urls()):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"] == "application/pdf", url
        assert_policy(url, response)
        text = _pdf_text(response)
        assert len(text) > 100, (url, text)
        _assert_nothing_leaks(url, text, forbidden)
    for meeting in Meeting.objects.exclude(status=Meeting.Status.PUBLISHED).select_related("body__area"):
        assert client.get(reverse("meetings_public:pdf", args=[meeting.body.area.slug, meeting.pk])).status_code == 404


def _crawl_texts(client, start):
    """Crawl the public pages from `start` as an anonymous visitor: {url: text}, PDFs read as text."""
    texts, queue = {}, deque(start)
    while queue:
        url = queue.popleft()
        if url in texts or url.startswith(NOT_PUBLIC):
            continue
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if url.endswith(".pdf"):
            texts[url] = _pdf_text(response)
            continue
        texts[url] = body_bytes(response).decode(errors="replace")
        if response["Content-Type"].startswith(("text/html", "application/atom+xml")):
            parser = Links()
            parser.feed(texts[url])
            queue.extend(h for h in parser.hrefs if h not in texts)
    return texts


def test_an_appealable_body_shows_the_appeal_period_on_its_published_minutes_only(client, world):
    """The demo has no appealable body, so a small world gets one (a joint committee): its published minutes
    show the appeal period on their page, version, PDF, the notice board and its feed; its adjusted but
    unpublished minutes, its drafted minutes, its draft agenda and its unpublished import show none anywhere."""
    seats = seat_group(world)
    Body.objects.filter(pk=world.group.pk).update(kind="joint_committee", authority="decides", appealable=True)
    published = actions.take_step(adjusted_meeting(world, seats, days_ago=9), actions.PUBLISH, world.secretary)
    unpublished = adjusted_meeting(world, seats, days_ago=5)
    drafted = held_meeting(world, seats, days_ago=2)
    actions.set_signatories(
        drafted, world.secretary, chair=seats.chair, secretary=seats.secretary, adjusters=[seats.adjuster]
    )
    actions.take_step(drafted, actions.DRAFTED, world.secretary)
    planned = make_meeting(world.group, timezone.localdate() + timedelta(days=20))
    make_item(planned, "9", "Utkast till beslut om överklagbar taxa")
    imported = make_meeting(world.group, date(2019, 3, 12), status="drafted", imported=True)
    make_item(imported, "1", "Importerat beslut", decision="att anta taxan")
    drafts = [unpublished, drafted, planned, imported]
    assert published.appeal_end and all(m.appeal_end is None for m in drafts)

    area = world.area.slug
    texts = _crawl_texts(client, ["/", reverse("meetings_public:notice_feed", args=[area])])
    showing = {url for url, text in texts.items() if any(label in text for label in APPEAL_LABELS)}
    own = {
        published.get_absolute_url(),
        reverse("meetings_public:version", args=[area, published.pk, 1]),
        reverse("meetings_public:pdf", args=[area, published.pk]),
        reverse("meetings_public:notice_board", args=[area]),
        reverse("meetings_public:notice_feed", args=[area]),
    }
    # The protokollsutdrag of each public § of the published minutes carries the appeal period too.
    own |= {
        reverse("meetings_public:extract", args=[area, published.pk, item.pk])
        for item in published.items.filter(visibility="public")
    }
    assert own <= set(texts), own - set(texts)  # each of them was reached by a link
    assert showing == own, showing ^ own
    assert published.appeal_end.isoformat() in texts[published.get_absolute_url()]
    for meeting in drafts:
        for url in (meeting.get_absolute_url(), reverse("meetings_public:pdf", args=[area, meeting.pk])):
            response = client.get(url)
            text = _pdf_text(response) if response["Content-Type"] == "application/pdf" else response.content.decode()
            assert response.status_code == 404 or not any(label in text for label in APPEAL_LABELS), url
    assert imported.get_absolute_url() not in texts and planned.get_absolute_url() in texts
