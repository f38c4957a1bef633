"""Search (samverkan/search): Swedish recall, what each actor finds (compared with the records' own page rules),
canary words that must not leak through results, snippets, facets or counts, the index following changes, and
the search page's queries. Runs on SQLite (FTS5) and PostgreSQL (tsvector/GIN) alike: the same expectations on
both, so the same query finds the same things on both."""

import random
import re
import unicodedata
from dataclasses import replace
from datetime import date
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough.access import visible_assignments, visible_recommendations
from samverkan.followthrough.models import Assignment, Recommendation
from samverkan.meetings.access import can_read_document, can_read_item, listed_meetings, readable_items_rule
from samverkan.meetings.models import AgendaItem, Document
from samverkan.portal.page_cache import bump_generation
from samverkan.search import backends, index
from samverkan.search import query as search_query
from samverkan.search.models import SearchEntry
from samverkan.search.query import FACET_SHOWN, PER_PAGE, Filters, matching, search, snippet, visible_entries
from samverkan.search.related import rarest, related_items
from samverkan.search.text import MAX_TERMS, Term, fold, parse, read, stem, stems
from samverkan.structure.access import visible_bodies, visible_people
from samverkan.structure.models import Body, Membership, Person
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.plans import rows_read

ACTORS = ["anonymous", "admin", "coordinator", "secretary", "member", "contact", "outsider", "reader"]
SENT = {"status": "invited", "invited_at": timezone.now()}


def fresh(world, actor):
    if actor == "anonymous":
        return AnonymousUser()
    return get_user_model().objects.get(pk=getattr(world, actor).pk)


def found(user, query, **filters):
    results = search(user, query, Filters(**filters), 1)
    return {(h.kind, h.title) for h in results.page or []}, results


# --- Words -----------------------------------------------------------------------------------------------------


def test_folding_keeps_swedish_letters_and_drops_other_accents():
    assert fold("ÅBERG Öberg Ärlig") == "åberg öberg ärlig"
    assert fold("André Müller Øster Ærø") == "andre muller öster ärö"


def _fold_by_character(text):
    """The folding rule written out a character at a time (what `fold` does in one pass with a table)."""
    out = []
    for ch in unicodedata.normalize("NFC", text.lower()).translate(str.maketrans({"æ": "ä", "ø": "ö"})):
        if ch in "åäö" or ch.isascii():
            out.append(ch)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return "".join(out)


def test_folding_follows_the_rule_for_every_letter_of_european_scripts():
    """Latin, its extensions and combining marks, Greek, Cyrillic, ligatures and letterlike symbols, alone, between
    letters, before a combining accent and after upper-case Nordic letters."""
    blocks = [range(0x0000, 0x0530), range(0x1E00, 0x2000), range(0x2100, 0x2150), range(0xFB00, 0xFB07)]
    for code in (c for block in blocks for c in block):
        ch = chr(code)
        for text in (ch, f"A{ch}é", f"{ch}\u0301", f"ÆØÅ{ch}"):
            assert fold(text) == _fold_by_character(text), (hex(code), text)
    assert stems("Överenskommelsen") == stems("överenskommelse") == stems("ÖVERENSKOMMELSER")


def test_a_query_is_words_phrases_and_a_prefix_at_the_end():
    assert parse("") == [] and parse('  " , ') == []
    assert parse('"nära vård" hemsj') == [Term(("när", "vård")), Term(("hemsj",), prefix="hemsj")]
    assert parse('hemsjukvård "nära vård"') == [Term(("hemsjukvård",)), Term(("när", "vård"))]
    assert len(parse(" ".join(["ord"] * 50))) == 8  # bounded
    # The quotation marks of smart punctuation and Swedish typography make a phrase as '"' does.
    for quoted in ("”nära vård”", "“nära vård”", "„nära vård“", "»nära vård«", "«nära vård»"):
        assert parse(quoted) == [Term(("när", "vård"))], quoted
    # A word of one or two letters is itself only: as a beginning it matched most of a county's entries.
    assert parse("vård ko") == [Term(("vård",)), Term(("ko",))] and parse("kom")[0].prefix == "kom"


def test_a_short_last_word_finds_itself_not_every_word_it_begins(world, db):
    """A search for "ko" found every entry with a word beginning "ko" (kommun, kontakt): most of a county, 0.4-0.8 s."""
    world.forum.name = "Kommunförbundets ko-grupp"
    world.forum.save()
    anonymous = AnonymousUser()
    assert search(anonymous, "kommunf").total >= 1  # three letters and more: a beginning
    found = search(anonymous, "ko")
    assert world.forum.get_absolute_url() in [h.url for h in found.page]  # "ko" is a word of the name
    world.forum.name = "Kommunförbundets grupp"
    world.forum.save()
    assert world.forum.get_absolute_url() not in [h.url for h in search(anonymous, "ko").page]


def test_the_page_says_when_the_last_word_is_too_short_to_be_a_beginning(client, db):
    said = "söks bara som helt ord"
    assert read("vård ko").whole_word == "ko" and read('"ko"').whole_word == read("kom").whole_word == ""
    assert said in client.get("/sok/", {"q": "vård ko"}).content.decode()
    assert said not in client.get("/sok/", {"q": "ko vård"}).content.decode()
    # Past the eighth word a word is not searched at all, and the page says that instead.
    many = " ".join(["vård"] * MAX_TERMS + ["ko"])
    assert read(many).whole_word == "" and read(many).ignored == 1 and MAX_TERMS == 8  # "de första åtta orden"
    html = client.get("/sok/", {"q": many}).content.decode()
    assert said not in html and "Bara de första åtta orden söks: 1 ord till räknades inte." in html
    english = client.get("/en/sok/", {"q": "ko"}).content.decode()
    assert "is searched as a whole word only" in english
    # The note names the word as the reader wrote it, not its folded form ("Ål", not "ål"); "é" made of two code
    # points still reads as one word.
    assert read("vård Ål").whole_word == "Ål" and read("under_Öl").whole_word == "Öl"
    assert read("Cafe\u0301").whole_word == "" and read("E\u0301").whole_word == "É"
    assert "”Ål” söks bara som helt ord" in client.get("/sok/", {"q": "vård Ål"}).content.decode()


def test_a_snippet_is_escaped_and_marks_only_the_matches():
    text = "<script>alert(1)</script> Överenskommelsen om hemsjukvård & annat"
    shown = snippet(text, parse("överenskommelse"))
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "<mark>Överenskommelsen</mark>" in shown and "&amp;" in shown
    assert shown.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def _snippet_word_by_word(text, terms, size=search_query.SNIPPET_CHARS):
    """The snippet as first written: every word of the text folded and stemmed (the oracle for `snippet`)."""
    wanted = {s for term in terms for s in term.stems}

    def matches(word):
        folded = fold(word)
        return stem(folded) in wanted or any(term.prefix and folded.startswith(term.prefix) for term in terms)

    found = [m for m in re.finditer(r"\w+", text) if matches(m.group())]
    start = 0
    if found:
        start = max(0, found[0].start() - size // 4)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < found[0].start() else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    out, position = [], start
    for m in found:
        if m.start() >= start and m.end() <= end:
            out += [escape(text[position : m.start()]), "<mark>", escape(m.group()), "</mark>"]
            position = m.end()
    out.append(escape(text[position:end]))
    return ("… " if start else "") + " ".join("".join(out).split()) + (" …" if end < len(text) else "")


def test_a_snippet_marks_what_folding_and_stemming_every_word_would_and_stems_only_likely_words(monkeypatch):
    """The snippet finds its words with one regular expression of the ways the stems and prefix can be written
    (case, diacritics, ligatures) and stems those only: the same snippet, marks and all, as stemming every word, for
    words written in upper case, with accents, Nordic letters, ligatures (as a typeset PDF's text keeps them),
    digits and underscores, across many random texts; and a
    document's 200,000 characters without a match (a hit found by its title) are never stemmed word by word."""
    pool = (
        "Överenskommelsen ÖVERENSKOMMELSE överénskommelse överens idé Idéer IDÉ café Cafeterian kommun Kommunerna"
        " landskommun kommun3 3kommun x_kommun kommun_x Ægir ærø Ørsted ØRSTED naïve NAÏVE İdé regional Regionala"
        " utveckling UTVECKLINGEN utvecklades och att i den, det. – (bilaga) 2026 §12"
        " ﬁnansiering Finansieringen ﬂera FLERA oﬀentlig oﬃciell ofﬁciell Ĳssel ĳssel ǆungel ﬆadga"
    ).split()
    queries = ["överenskommelse", "kommun", "idé", "cafe", "örsted", "regional utveckl", '"kommun idé"', "naive", "ärö"]
    queries += ["finansiering", "flera", "offentlig", "officiell", "ijssel", "dzungel", "stadga", "fin", "off"]
    rng = random.Random(20261207)
    for _ in range(400):
        text = "".join(rng.choice(pool) + rng.choice([" ", " ", "\n", ", ", ". "]) for _ in range(rng.randint(1, 120)))
        terms = parse(rng.choice(queries))
        assert snippet(text, terms) == _snippet_word_by_word(text, terms), (text, terms)
    ligatures = "Inledning. " * 40 + "Beslut om ﬁnansiering."
    assert "<mark>ﬁnansiering</mark>" in snippet(ligatures, parse("finansiering"))
    long = " ".join(["Regionen beslutar om budget och vård"] * 6000)[: index.MAX_TEXT]
    stemmed = []
    monkeypatch.setattr(search_query, "stem", lambda word: stemmed.append(word) or stem(word))
    assert snippet(long, parse("kolibri")) == _snippet_word_by_word(long, parse("kolibri"))
    assert stemmed == []


# --- Records at every level, with canary words -----------------------------------------------------------------


@shared_fixture
def corpus(world):
    """Public, internal and confidential items and documents in the public forum, the internal body and an
    internal meeting, each with the word "zebrafink" and its own canary; people with Swedish names; a follow-up."""
    reader_user = get_user_model().objects.create_user("reader", "reader@test.example", "x")
    reader = Person.objects.create(first_name="Nils", last_name="Namngiven", slug="nils-n", user=reader_user)
    world.reader = reader_user
    for first, last, slug in (("Camilla", "Öberg", "camilla-oberg"), ("Åsa", "Åberg", "asa-aberg")):
        person = Person.objects.create(first_name=first, last_name=last, slug=slug)
        Membership.objects.create(person=person, body=world.forum, role="member", principal=world.town)
    public = make_meeting(world.forum, date(2026, 3, 3), **SENT)
    secret = make_meeting(world.secret, date(2026, 3, 4), **SENT)
    internal = make_meeting(world.forum, date(2026, 3, 5), visibility="internal", **SENT)
    draft = make_meeting(world.forum, date(2026, 5, 5))  # agenda not sent: a draft
    items = []
    for meeting, where in ((public, "forum"), (secret, "secret"), (internal, "intern"), (draft, "utkast")):
        for n, level in enumerate(["public", "internal", "confidential"], start=1):
            canary = f"kanarie{where}{level}"
            items.append(
                make_item(meeting, str(n), f"Zebrafink {canary}", visibility=level, background=f"Om {canary} här.")
            )
    named = make_item(public, "9", "Zebrafink namngiven kanarienamngiven", visibility="confidential")
    named.readers.add(reader)
    items.append(named)
    documents = [
        make_document(public, "Zebrafink kanariedokument", visibility="confidential"),
        make_document(public, "Zebrafink bilaga kanariebilaga", item=named),
        make_document(public, "Zebrafink öppen handling"),
    ]
    documents[0].readers.add(reader)
    Document.objects.filter(pk=documents[2].pk).update(text="Överenskommelsen om hemsjukvård i länet")
    call_command("reindex", stdout=open("/dev/null", "w"))  # the update above sends no signal
    make_item(public, "5", "Överenskommelse om hemsjukvård", background="Ett förslag till överenskommelse.")
    Assignment.objects.create(
        item=items[1],
        description="Zebrafink uppdrag kanarieuppdrag",
        assignee_principal=world.town,
        report_to=world.forum,
    )
    Recommendation.objects.create(
        item=items[0],
        title="Zebrafink rekommendation",
        text="Rekommendera",
        decided_on=date(2026, 3, 3),
        deadline=date(2026, 6, 1),
    )
    return items, documents


@pytest.mark.parametrize(
    "query, title",
    [
        ("överenskommelsen", "Överenskommelse om hemsjukvård"),
        ("ÖVERENSKOMMELSER", "Överenskommelse om hemsjukvård"),
        ("hemsjukvården", "Överenskommelse om hemsjukvård"),
        ("hemsj", "Överenskommelse om hemsjukvård"),  # prefix on the last word
        ('"överenskommelse om hemsjukvård"', "Överenskommelse om hemsjukvård"),
        ("åberg", "Åsa Åberg"),
        ("ÅBERG", "Åsa Åberg"),
        ("Öberg, Camilla", "Camilla Öberg"),
        ("camilla öberg", "Camilla Öberg"),
    ],
)
def test_swedish_recall(world, corpus, query, title):
    titles = {t for _kind, t in found(None, query)[0]}
    assert any(t.endswith(title) for t in titles), (query, titles)


@pytest.mark.parametrize("space", ["\xa0", "\t", "\n", "\u2009", "\u202f", "\u3000"])
def test_any_space_between_words_of_the_search_box_separates_them(client, world, corpus, space):
    """A no-break space (pasted from Word or a PDF; Option+Space on a Mac), a tab or a line break was taken out,
    which joined the two words into one that matched nothing."""
    html = client.get(reverse("search:search"), {"q": f"Camilla{space}Öberg"}).content.decode()
    assert "<strong>1 träff</strong>" in html and "/person/camilla-oberg/" in html and "Inget hittades" not in html


def test_several_words_must_all_match_the_last_as_a_word_or_the_beginning_of_one(world, corpus):
    """Every word must match; the last one as itself (its stem) or as the beginning of a word. On PostgreSQL the
    words are asked of the index together (one tsquery of every stem, or the others' and the last one's prefix), so
    the GIN indexes intersect their postings instead of checking every word after the first on each row."""
    meeting = make_meeting(world.forum, date(2024, 3, 1), **SENT)
    make_item(meeting, "1", "Regional utveckling", background="Om tapirer.")
    make_item(meeting, "2", "Regionala utvecklingsfrågor", background="Om tapirer.")
    make_item(meeting, "3", "Regional plan", background="Om tapirer.")
    make_item(meeting, "4", "Utveckling av tapirer")
    user = fresh(world, "anonymous")
    for query, titles in [
        ("tapir regional utveckling", {"§ 1 Regional utveckling", "§ 2 Regionala utvecklingsfrågor"}),
        ("tapir regional utvec", {"§ 1 Regional utveckling", "§ 2 Regionala utvecklingsfrågor"}),
        ("tapir regional plan", {"§ 3 Regional plan"}),
        (
            "utveckling tapir",
            {"§ 1 Regional utveckling", "§ 4 Utveckling av tapirer"},  # only the last word is also a prefix
        ),
        ('"regional plan" tapir', {"§ 3 Regional plan"}),
    ]:
        hits, results = found(user, query)
        assert {title for _kind, title in hits} == titles, query
        assert results.total == len(titles), query
    if connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as captured:
            search(user, "tapir regional utvec")
        (one_pass,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH hits")]
        # One tsquery of every stem, and one of the others' stems beside the last word's prefix: what the planner
        # intersects in the index (BitmapAnd, on the nation; a table of a few rows is planned otherwise).
        every, others = "(''@tapir'') & (''@regional'') & (''@utvec'')", "(''@tapir'') & (''@regional'')'"
        assert every in one_pass and others in one_pass, one_pass


def test_what_is_not_the_same_word_is_not_found(world, corpus):
    assert not any("Åberg" in t for _k, t in found(None, "aberg")[0])  # å is not a
    assert not any("Öberg" in t for _k, t in found(None, "oberg")[0])
    assert not found(None, '"hemsjukvård om överenskommelse"')[0]  # a phrase keeps its order
    assert not found(None, "zebrafink pelikan")[0]  # every word must match


def test_document_text_is_found_with_a_marked_snippet(world, corpus):
    hits, results = found(None, "överenskommelsen hemsjukvård", kind="document")
    assert hits == {("document", "Zebrafink öppen handling")}
    assert "<mark>Överenskommelsen</mark> om <mark>hemsjukvård</mark>" in results.page[0].snippet


def _expected(world, actor, items, documents):
    """What each actor may read of the corpus by the records' own rules (the pages' functions)."""
    user = fresh(world, actor)
    listed = set(listed_meetings(user).values_list("pk", flat=True))
    expected = set()
    for item in AgendaItem.objects.filter(pk__in=[i.pk for i in items]).select_related("meeting__body"):
        if item.meeting_id in listed and can_read_item(fresh(world, actor), item, item.meeting.body):
            expected.add(("item", item.pk))
    assert expected == {
        ("item", pk)
        for pk in AgendaItem.objects.filter(readable_items_rule(user), pk__in=[i.pk for i in items]).values_list(
            "pk", flat=True
        )
    }
    for document in Document.objects.filter(pk__in=[d.pk for d in documents]).select_related("item", "meeting__body"):
        if document.meeting_id in listed and can_read_document(fresh(world, actor), document, document.meeting.body):
            expected.add(("document", document.pk))
    for pk in visible_assignments(user).filter(description__startswith="Zebrafink").values_list("pk", flat=True):
        expected.add(("assignment", pk))
    for pk in visible_recommendations(user).filter(title__startswith="Zebrafink").values_list("pk", flat=True):
        expected.add(("recommendation", pk))
    return expected


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_finds_exactly_what_the_pages_let_them_read(world, corpus, actor):
    items, documents = corpus
    user = fresh(world, actor)
    results = search(user, "zebrafink", Filters(), 1)
    got = {(e.kind, e.object_id) for e in _entries(results)}
    assert got == _expected(world, actor, items, documents)
    assert results.total == len(got)
    assert sum(v.count for v in results.facets["kind"]) == len(got)


def _entries(results):
    by_url = {}
    for entry in SearchEntry.objects.all():
        by_url.setdefault((entry.kind, entry.url, entry.title), entry)
    return [by_url[(h.kind, h.url, h.title)] for h in results.page or []]


def test_people_and_bodies_follow_the_structure_rules(world, corpus):
    for actor in ACTORS:
        user = fresh(world, actor)
        bodies = {e.object_id for e in _entries(search(user, "ledningsforum grannforum beredningsgrupp", None, 1))}
        people = {e.object_id for e in SearchEntry.objects.filter(kind="person")}
        seen = {e.object_id for e in _entries(search(user, "insider", None, 1))}
        assert seen <= set(visible_people(user).values_list("pk", flat=True)), actor
        assert bodies <= set(visible_bodies(user).values_list("pk", flat=True)), actor
        assert people


def test_canaries_never_reach_the_anonymous_page(client, world, corpus):
    html = client.get(reverse("search:search"), {"q": "zebrafink"}).content.decode()
    assert "kanarieforumpublic" in html
    for canary in [
        "kanarieforuminternal",
        "kanarieforumconfidential",
        "kanariesecret",
        "kanarieintern",
        "kanarieutkast",
        "kanarienamngiven",
        "kanariedokument",
        "kanariebilaga",
        "kanarieuppdrag",
    ]:
        assert canary not in html, canary
        page = client.get(reverse("search:search"), {"q": canary}).content.decode()
        assert "Inget hittades" in page and "träff" not in page.split("Inget hittades")[0].split("<main")[-1]
        _hits, results = found(None, canary)
        assert results.total == 0 and not any(results.facets.values()), canary
    # The internal body's name never appears as a facet for the public.
    assert "Hemlig" not in html and world.secret.name not in html


def test_a_named_reader_finds_their_confidential_item_and_document(world, corpus):
    hits, _ = found(fresh(world, "reader"), "zebrafink")
    titles = {t for _k, t in hits}
    assert any("kanarienamngiven" in t for t in titles)
    assert "Zebrafink kanariedokument" in titles
    assert "Zebrafink bilaga kanariebilaga" in titles  # a public document on the item they are named on
    assert not found(fresh(world, "member"), "kanarienamngiven")[0]


# --- The index follows every change ----------------------------------------------------------------------------


def test_the_index_follows_edits_visibility_and_deletes(world, corpus, monkeypatch):
    monkeypatch.setattr(index, "BATCH", 2)  # a body's change rebuilds its items a few at a time
    items, documents = corpus
    item = AgendaItem.objects.get(pk=items[0].pk)
    item.title = "Kolibri ny rubrik"
    item.save()
    assert found(None, "kolibri")[0] and not found(None, "kanarieforumpublic zebrafink")[0]
    item.visibility = "internal"
    item.save()
    assert not found(None, "kolibri")[0]
    assert found(fresh(world, "member"), "kolibri")[0]
    third = AgendaItem.objects.get(pk=items[2].pk)
    assert found(fresh(world, "admin"), "kanarieforumconfidential")[0]
    third.delete()
    assert not found(fresh(world, "admin"), "kanarieforumconfidential")[0]
    document = documents[2]
    document.visibility = "internal"
    document.save()
    assert not found(None, "hemsjukvård", kind="document")[0]
    body = world.forum
    body.visibility = "internal"
    body.save()
    assert not found(None, "överenskommelse")[0]


def test_minutes_are_found_once_published_and_the_text_read_by_the_worker(world, corpus):
    items, _ = corpus
    item = AgendaItem.objects.get(pk=items[0].pk)
    AgendaItem.objects.filter(pk=item.pk).update(minutes="Diskussion om pelikaner")
    meeting = item.meeting
    meeting.save()
    assert not found(None, "pelikan")[0]  # the minutes are not published
    meeting.status = "published"
    meeting.save()
    assert found(None, "pelikanerna")[0]


def test_reindex_rebuilds_the_index(world, corpus, monkeypatch):
    def entries():
        return set(SearchEntry.objects.values_list("kind", "object_id", "title", "visibility", "container", "stems"))

    before = entries()
    SearchEntry.objects.all().delete()
    assert not found(None, "zebrafink")[0]
    monkeypatch.setattr(index, "BATCH", 3)  # a few records at a time, as a county's are thousands
    call_command("reindex", stdout=open("/dev/null", "w"))
    assert entries() == before and found(None, "zebrafink")[0]
    # Over a full index too; each kind is emptied once, and no batch looks for old entries of its records.
    with CaptureQueriesContext(connection) as captured:
        call_command("reindex", stdout=open("/dev/null", "w"))
    assert entries() == before
    looked_up = [q["sql"] for q in captured.captured_queries if '"search_searchentry"."object_id" IN' in q["sql"]]
    assert not looked_up, looked_up[:2]


# --- The page ------------------------------------------------------------------------------------------------


def test_the_header_has_a_labelled_search_box_on_every_public_page(client, world):
    html = client.get(reverse("portal:home")).content.decode()
    assert 'role="search"' in html and 'for="site-search"' in html and 'name="q"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "zebrafink", "sida": "abc"},
        {"q": "zebrafink", "sida": "999999999999"},
        {"q": "zebrafink", "organ": "x", "typ": "ingen", "ar": "-1", "huvudman": "99999999999999999999"},
        {"q": '"""'},
        {"q": "x" * 5000},
        {"q": "\x00 NEAR( OR AND * : ^"},
        {"q": "'; DROP TABLE x; --:*&|!<->"},
        {},
    ],
)
def test_bad_input_never_fails(client, world, corpus, params):
    assert client.get(reverse("search:search"), params).status_code == 200


def test_facets_filter_and_page(client, world, corpus):
    client.force_login(world.admin)
    html = client.get(reverse("search:search"), {"q": "zebrafink"}).content.decode()
    assert "Handlingar" in html and "Ärenden och beslut" in html
    hits, _ = found(fresh(world, "admin"), "zebrafink", kind="document")
    assert {k for k, _t in hits} == {"document"}
    hits, _ = found(fresh(world, "admin"), "zebrafink", body=world.secret.pk)
    assert hits and all("kanariesecret" in t for _k, t in hits)
    hits, _ = found(fresh(world, "admin"), "zebrafink", year=2025)
    assert not hits


def test_facet_counts_are_the_hits_each_choice_would_give(world, corpus):
    """Every facet value's count is the number of hits that choosing it gives, with the other facets' choices kept
    (counted here one search per value), and the total is the sum over the chosen kind."""
    user = fresh(world, "admin")
    _neighbour_hits(world)
    for chosen in (
        Filters(),
        Filters(kind="item"),
        Filters(body=world.forum.pk),
        Filters(year=2026),
        Filters(area=world.other_area.pk),
    ):
        results = search(user, "zebrafink", chosen, 1)
        assert results.total == len(list(results.page)) == results.page.paginator.count  # under a page here
        assert results.facets["kind"] and results.facets["body"] and results.facets["year"]
        # Hits of two areas, unless a body (in one area) or an area is chosen, which the page names instead.
        assert ("area" in results.facets) == (chosen.body is None and chosen.area is None)
        for name, values in results.facets.items():
            for value in values:
                narrowed = replace(chosen, **{name: value.value if name == "kind" else int(value.value)})
                assert value.count == search(user, "zebrafink", narrowed, 1).total, (name, value)
                assert value.selected == (
                    getattr(chosen, name) == (value.value if name == "kind" else int(value.value))
                )


def _neighbour_hits(world):
    """A public meeting in the other area with two items of the word "zebrafink"."""
    meeting = make_meeting(world.other_body, date(2026, 4, 4), **SENT)
    return [make_item(meeting, str(n), f"Zebrafink granne {n}", background="grannens zebrafink") for n in (1, 2)]


def test_a_search_can_stay_in_one_area_and_says_where_it_searched(client, world, corpus):
    """With hits in two areas the area facet counts each; choosing one keeps every hit, count and other facet in
    it, and the page names the area with a way back to all areas (a deployment may host many, DESIGN.md)."""
    _neighbour_hits(world)
    user = fresh(world, "anonymous")
    everywhere = search(user, "zebrafink", Filters(), 1)
    areas = {value.label: value.count for value in everywhere.facets["area"]}
    assert areas == {"Annat län": 2, "Testlän": everywhere.total - 2}
    hits, results = found(user, "zebrafink", area=world.other_area.pk)
    assert hits == {("item", "§ 1 Zebrafink granne 1"), ("item", "§ 2 Zebrafink granne 2")} and results.total == 2
    assert [v.label for v in results.facets["body"]] == [world.other_body.name]
    hits, results = found(user, "zebrafink", area=world.area.pk)
    assert hits and all("granne" not in title for _kind, title in hits)
    html = client.get(reverse("search:search"), {"q": "zebrafink", "omrade": world.other_area.pk}).content.decode()
    assert "Du söker i Annat län." in html and "Sök i alla områden" in html
    assert f'name="omrade" value="{world.other_area.pk}"' in html  # the page's own form stays in the area
    assert "Zebrafink granne 1" in html and "kanarieforumpublic" not in html
    # An area without hits is still named; an unknown one finds nothing and names nothing.
    html = client.get(reverse("search:search"), {"q": "hemsjukvård", "omrade": world.other_area.pk}).content.decode()
    assert "Du söker i Annat län." in html and "Inget hittades" in html
    # An unknown area is ignored, as a malformed one is: every area is searched.
    html = client.get(reverse("search:search"), {"q": "zebrafink", "omrade": "999999"}).content.decode()
    assert "Du söker i" not in html and "Zebrafink granne 1" in html and 'name="omrade"' not in html
    # A query without words still keeps the area, in the page's form and the header's.
    html = client.get(reverse("search:search"), {"q": "!!!", "omrade": world.other_area.pk}).content.decode()
    assert html.count(f'<input type="hidden" name="omrade" value="{world.other_area.pk}">') == 2


def test_an_area_is_searched_through_its_own_keys_of_the_index(world, corpus):
    """On PostgreSQL each lexeme is keyed by its entry's area and year (migrations 0007, 0008): a search in one
    area asks the GIN indexes for that area's keys only, and a search of all areas for every area's (and of no
    area's); both find through the indexes, with the same hits as SQLite's FTS5 plus an area filter."""
    neighbours = _neighbour_hits(world)
    user = fresh(world, "anonymous")
    for area in (world.other_area.pk, None):
        found = matching(visible_entries(user), parse("granne"), area=area)
        assert sorted(found.values_list("object_id", flat=True)) == sorted(item.pk for item in neighbours)
        assert not matching(visible_entries(user), parse("granne"), area=world.area.pk).exists()
        if connection.vendor != "postgresql":
            continue
        sql, params = found.values_list("pk").query.sql_with_params()
        assert "area_stems_vector @@" in sql and "area_words_vector @@" in sql
        assert (area in params) == (area is not None)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table of a few rows is otherwise read whole
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        # Through the whole GIN indexes or the public entries' own (migration 0010), never a scan of the table.
        assert re.search("search_entry_(area|public)_stems", plan), plan
        assert re.search("search_entry_(area|public)_words", plan), plan


def test_the_pages_of_a_search_link_to_each_other_with_its_query_and_filters(client, world, corpus):
    """The pager's links keep the query and every filter (the search's page is made in `query.search` and given
    the links of `lib.paging`)."""
    meeting = make_meeting(world.forum, date(2025, 2, 2), **SENT)
    for n in range(PER_PAGE + 5):
        make_item(meeting, str(n), f"Zebrafink sida {n}")
    params = {"q": "zebrafink sida", "omrade": world.area.pk, "typ": "item"}
    html = client.get(reverse("search:search"), params).content.decode()
    second = f'href="?sida=2&amp;q=zebrafink+sida&amp;omrade={world.area.pk}&amp;typ=item"'
    assert second in html and "Sida 1 av 2" in html
    html = client.get(reverse("search:search"), {**params, "sida": 2}).content.decode()
    assert "Sida 2 av 2" in html and html.count('class="search-hit"') == 5 and "Du söker i Testlän." in html


def test_the_search_box_on_an_area_page_searches_that_area(client, world, corpus):
    """An area's pages send their search to that area (a hidden field, named for screen readers); pages outside
    any area search everything."""
    html = client.get(reverse("portal:area", args=[world.area.slug])).content.decode()
    assert f'<input type="hidden" name="omrade" value="{world.area.pk}">' in html
    assert '<span class="visually-hidden"> i Testlän</span>' in html
    html = client.get(reverse("portal:body", args=[world.other_area.slug, world.other_body.slug])).content.decode()
    assert f'name="omrade" value="{world.other_area.pk}"' in html
    html = client.get(reverse("portal:home")).content.decode()
    assert 'name="omrade"' not in html


def test_a_long_facet_shows_its_largest_values_and_links_to_all(client, world, corpus):
    """A facet of more than FACET_SHOWN values shows the ones with most hits (and the chosen one), with a link that
    shows them all; the counts are the same either way. Years are never cut: few, in order, the newest first."""
    bodies = [
        Body.objects.create(area=world.area, name=f"Zebrafinkråd {n:02}", slug=f"zebrafinkrad-{n}")
        for n in range(FACET_SHOWN + 2)
    ]
    for n, body in enumerate(bodies):
        meeting = make_meeting(body, date(2010 + n, 2, 2), **SENT)
        for k in range(1 + n % 3):
            make_item(meeting, str(k + 1), f"Zebrafink råd {n} {k}")
    user = fresh(world, "anonymous")
    results = search(user, "zebrafink", Filters(), 1)
    shown = results.facets["body"]
    whole = search(user, "zebrafink", Filters(every="body"), 1)
    every = len(whole.facets["body"])
    assert len(shown) == FACET_SHOWN and results.complete["body"] == every >= FACET_SHOWN + 2
    assert "body" not in whole.complete
    counts = {v.value: v.count for v in whole.facets["body"]}
    assert all(counts[v.value] == v.count for v in shown)
    assert min(v.count for v in shown) >= max(counts[b] for b in set(counts) - {v.value for v in shown})
    rare = min(whole.facets["body"], key=lambda v: (v.count, v.label))
    chosen = search(user, "zebrafink", Filters(body=int(rare.value)), 1)
    assert any(v.selected and v.value == rare.value for v in chosen.facets["body"])  # kept though small
    assert "year" not in results.complete and len(results.facets["year"]) >= FACET_SHOWN + 2
    html = client.get(reverse("search:search"), {"q": "zebrafink"}).content.decode()
    assert f'Visa alla {every}<span class="visually-hidden"> – Organ</span>' in html
    assert "visa=organ#facett-organ" in html
    assert '<h3 id="facett-organ" tabindex="-1">Organ</h3>' in html
    html = client.get(reverse("search:search"), {"q": "zebrafink", "visa": "organ"}).content.decode()
    assert "Visa alla" not in html and all(f">{body.name} <" in html for body in bodies)


def test_a_common_word_ranks_its_newest_hits_and_counts_them_all(client, world, corpus, monkeypatch):
    """More hits than RANK_WINDOW: every hit is counted (total and facets), the newest RANK_WINDOW that pass the
    filters are ranked and paged, best match first, undated hits (a body) counting as newest; the page says so."""
    monkeypatch.setattr(search_query, "RANK_WINDOW", 4)
    Body.objects.create(area=world.area, name="Zebrafinkgruppen", slug="zebrafinkgruppen")
    meetings = [make_meeting(world.forum, date(2020 + n, 1, 1), **SENT) for n in range(6)]
    for n, meeting in enumerate(meetings):
        make_item(meeting, "1", f"Zebrafink år {2020 + n}", background="zebrafink " * (1 + n % 2))
    user = fresh(world, "anonymous")
    everything = search(user, "zebrafink", Filters(every="year"), 1)
    assert everything.total == sum(v.count for v in everything.facets["kind"]) > 4 + 1
    assert everything.ranked == 4 and len(everything.page) == 4 and everything.page.paginator.num_pages == 1
    assert "Zebrafinkgruppen" in [hit.title for hit in everything.page]  # undated: counts as newest

    def newest(**only):
        hits = matching(visible_entries(user), parse("zebrafink")).filter(**only).values_list("title", "date", "pk")
        ordered = sorted(hits, key=lambda hit: (hit[1] is not None, hit[1] or date.min, hit[2]), reverse=True)
        ordered = [hit for hit in ordered if hit[1] is None] + [hit for hit in ordered if hit[1] is not None]
        return {title for title, _day, _pk in ordered[:4]}

    assert {hit.title for hit in everything.page} == newest()
    items = search(user, "zebrafink", Filters(kind="item"), 1)  # the window is taken after the filters
    assert items.ranked == 4 and {hit.title for hit in items.page} == newest(kind="item")
    html = client.get(reverse("search:search"), {"q": "zebrafink"}).content.decode()
    assert f"{everything.total} träffar</strong>. De 4 nyaste visas" in html


def test_a_search_narrowed_to_a_kind_examines_a_bounded_number_of_hits_and_dated_ones_first(
    client, world, corpus, monkeypatch
):
    """A kind (body, principal) is no key of the index: a narrowed search, read again alone, examines at most
    EXAMINE_CEILING of the hits, the newest first, and finds the chosen ones among them ("kommun" narrowed to a kind
    with none read every hit of the nation: 10 s). For a dated kind the undated entries (people) come last, not
    first. When none is found among those examined the page says so and offers the years; a chosen year is read
    through its own keys."""
    monkeypatch.setattr(search_query, "HIT_CEILING", 2)
    monkeypatch.setattr(search_query, "EXAMINE_CEILING", 3)
    meetings = {year: make_meeting(world.forum, date(year, 3, 1), **SENT) for year in range(2019, 2025)}
    for year, meeting in meetings.items():
        make_item(meeting, "1", f"Kolibri {year}", background="kolibri")
    make_document(meetings[2019], "Kolibri handling 2019")
    for n in range(3):  # undated entries, read first by a search of every kind
        person = Person.objects.create(first_name="Kolibri", last_name=f"Svensson {n}", slug=f"kolibri-{n}")
        Membership.objects.create(person=person, body=world.forum)
    user = fresh(world, "anonymous")
    assert search(user, "kolibri").at_least

    items = search(user, "kolibri", Filters(kind="item"))  # the undated people last: the newest items examined
    assert {hit.title for hit in items.page} == {"§ 1 Kolibri 2024", "§ 1 Kolibri 2023"} and items.at_least
    people = search(user, "kolibri", Filters(kind="person"))
    assert len(people.page) == 2 and people.at_least
    documents = search(user, "kolibri", Filters(kind="document"))  # 2019's is beyond the three examined
    assert documents.total == 0 and documents.at_least and not list(documents.page)
    years = [value.value for value in documents.facets["year"]]
    assert "2019" in years, documents.facets
    html = client.get(reverse("search:search"), {"q": "kolibri", "typ": "document"}).content.decode()
    assert "Inget bland de nyaste träffarna för ”kolibri” med de valda avgränsningarna." in html
    assert re.search(r'href="\?q=kolibri&amp;typ=document&amp;ar=2019"', html), html
    old = search(user, "kolibri", Filters(kind="document", year=2019))
    assert [hit.title for hit in old.page] == ["Kolibri handling 2019"] and old.total == 1 and not old.at_least


def test_a_common_word_is_read_up_to_the_ceiling_newest_years_first(client, world, corpus, monkeypatch):
    """More hits than HIT_CEILING: the search reads that many, the newest years first, and says "at least"; the
    facets count what was read and list the years not reached without a count, so any of them can be chosen; a
    chosen year or kind is read again alone and counted exactly (PostgreSQL through that year's keys)."""
    monkeypatch.setattr(search_query, "HIT_CEILING", 5)
    monkeypatch.setattr(search_query, "FACET_SHOWN", 2)  # the year facet is still shown whole
    meetings = {year: make_meeting(world.forum, date(year, 3, 1), **SENT) for year in range(2019, 2025)}
    for year, meeting in meetings.items():
        for n in range(2):
            make_item(meeting, str(n + 1), f"Kolibri {year} nummer {n}", background="kolibri")
    make_document(meetings[2019], "Kolibri handling 2019")
    user = fresh(world, "anonymous")
    with CaptureQueriesContext(connection) as captured:
        results = search(user, "kolibri")
    assert results.total == 5 and results.at_least
    years = {int(value.value): value.count for value in results.facets["year"]}
    assert years[2024] == years[2023] == 2
    assert years[2022] is None  # read in part: its count would be a part
    assert years[2021] is years[2020] is years[2019] is None  # not reached: listed, not counted
    assert 2025 not in years and 2026 not in years  # read (the index has entries of those years): no hits
    assert "year" not in results.complete
    shown = {f"§ {n + 1} Kolibri {y} nummer {n}" for y in (2024, 2023, 2022) for n in (0, 1)}
    assert len(results.page) == 5 and {hit.title for hit in results.page} <= shown
    (one_pass,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH hits")]
    assert "keyed_years" in one_pass  # a year at a time, newest first, through each year's keys
    if connection.vendor == "sqlite":  # each year's FTS5 matches, read until the ceiling; the hits are never sorted
        with connection.cursor() as cursor:
            steps = [row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {one_pass}").fetchall()]
        fts = steps.index("SCAN search_fts VIRTUAL TABLE INDEX 0:M2")
        assert steps[fts - 1] == "SCAN keyed_years", steps  # the years are the outer loop, FTS5 asked per year
        assert any("INDEX search_entry_short (id=?" in step for step in steps[fts:]), steps  # then each hit's entry
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table of a few rows is otherwise read whole
            cursor.execute(f"EXPLAIN {one_pass}")
            plan = " ".join(row[0] for row in cursor.fetchall())
        # Through a GIN index: the whole one or, the reader being anonymous, the public entries' own (migration
        # 0010), as the planner's figures for a table of a few rows make it choose.
        assert "Nested Loop" in plan and "Limit" in plan, plan
        assert re.search("search_entry_(area|public)_stems", plan), plan

    old = search(user, "kolibri", Filters(year=2019))
    assert old.total == 3 and not old.at_least  # read again alone: two items and the document
    titles = {"§ 1 Kolibri 2019 nummer 0", "§ 2 Kolibri 2019 nummer 1", "Kolibri handling 2019"}
    assert {hit.title for hit in old.page} == titles
    assert [v.value for v in old.facets["year"] if v.selected] == ["2019"]
    assert {v.value: v.count for v in old.facets["kind"]} == {"item": 2, "document": 1}  # counted in 2019's hits
    assert not old.at_least and [v.value for v in old.facets["year"]] == ["2019"]  # exact: the chosen year only
    documents = search(user, "kolibri", Filters(kind="document"))
    assert documents.total == 1 and not documents.at_least
    assert [hit.title for hit in documents.page] == ["Kolibri handling 2019"]

    html = client.get(reverse("search:search"), {"q": "kolibri"}).content.decode()
    assert "<strong>Minst 5 träffar</strong>" in html and "år och områden utan antal har inte räknats" in html
    shown = render_to_string("search/search.html", {"query": "kolibri", "results": replace(results, total=3000)})
    assert "Minst 3\xa0000 träffar" in shown  # grouped as Swedish writes it
    assert re.search(r'href="\?q=kolibri&amp;ar=2019">\s*2019</a>', html), html
    assert '2024 <span class="count">(2)</span>' in html
    # On a phone the facets come first: a link leads past them to the results (WCAG 2.4.1).
    assert '<a href="#traffar">Till träffarna</a>' in html and '<ol class="search-results" id="traffar"' in html
    html = client.get(reverse("search:search"), {"q": "kolibri", "typ": "person", "ar": 2019}).content.decode()
    assert "Inget hittades för ”kolibri” med de valda avgränsningarna." in html  # no facet lists a value to remove
    assert '<a href="?q=kolibri">Sök utan avgränsningar</a>' in html


def test_a_common_word_of_every_area_is_read_an_area_at_a_time_and_offers_every_area(
    client, world, corpus, monkeypatch
):
    """Searched in every area, a year's hits are read an area at a time (PostgreSQL: one key of the index each, so
    a word found in 100,000 entries of a nation is read only until the ceiling); when the reading stops there, the
    area facet offers every area of the deployment, those not reached without a count, so the searcher can still
    narrow to their own."""
    monkeypatch.setattr(search_query, "HIT_CEILING", 2)
    monkeypatch.setattr(search_query, "FACET_SHOWN", 1)  # the area facet is still shown whole
    for body in (world.forum, world.other_body):
        meeting = make_meeting(body, date(2024, 3, 1), **SENT)
        for n in range(2):
            make_item(meeting, str(n + 1), f"Kolibri {body.name} {n}", background="kolibri")
    user = fresh(world, "anonymous")
    with CaptureQueriesContext(connection) as captured:
        results = search(user, "kolibri")
    assert results.total == 2 and results.at_least
    areas = {int(value.value): value.count for value in results.facets["area"]}
    assert set(areas) == {world.area.pk, world.other_area.pk} and "area" not in results.complete
    assert sum(count or 0 for count in areas.values()) == 2
    (one_pass,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH hits")]
    if connection.vendor == "postgresql":
        # Each (year, area) a key of its own, the areas in order within the newest year: the first area's two.
        assert backends.AREA_OF_OUTER_ROW in one_pass and "string_agg" not in one_pass
        first, second = sorted([world.area.pk, world.other_area.pk])
        assert areas == {first: 2, second: None}
    html = client.get(reverse("search:search"), {"q": "kolibri"}).content.decode()
    assert "år och områden utan antal har inte räknats" in html
    assert f'href="?q=kolibri&amp;omrade={world.other_area.pk}"' in html
    # Not capped: the areas with hits only, each counted.
    monkeypatch.setattr(search_query, "HIT_CEILING", 3000)
    exact = search(user, "kolibri")
    assert not exact.at_least
    assert {int(v.value): v.count for v in exact.facets["area"]} == {world.area.pk: 2, world.other_area.pk: 2}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's partial GIN indexes (migration 0010)")
def test_a_search_by_a_reader_not_logged_in_can_read_the_public_entries_index_alone(world, corpus):
    """PostgreSQL keeps a second pair of GIN indexes of the public entries in public containers only: an anonymous
    reader's search (one word, several words, a prefix) is answered from them, since its rule implies their
    predicate, and a logged-in reader's, whose rule admits more, never is. Shown by the plans with the whole
    indexes dropped (in this test's transaction) and sequential scans priced out: a statement whose WHERE does not
    imply the predicate cannot use a partial index and falls back to a sequential scan."""
    meeting = make_meeting(world.forum, date(2024, 3, 1), **SENT)
    make_item(meeting, "1", "Kolibri i regional utveckling", background="kolibri")

    def plans(user, query):
        with CaptureQueriesContext(connection) as captured:
            search(user, query)
        (one_pass,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH hits")]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {one_pass}")
            return "\n".join(row[0] for row in cursor.fetchall())

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_entry_area_stems, search_entry_area_words")
        cursor.execute("SET LOCAL enable_seqscan = off")
    anonymous = fresh(world, "anonymous")
    for query in ("kolibri", "regional utveck", '"regional utveckling"'):
        plan = plans(anonymous, query)
        assert "search_entry_public_stems" in plan, (query, plan)
        assert "Seq Scan on search_searchentry" not in plan, (query, plan)
    assert "search_entry_public_words" in plans(anonymous, "kolib")
    member = plans(fresh(world, "member"), "kolibri")
    assert "search_entry_public_" not in member and "Seq Scan on search_searchentry" in member, member


def test_an_entry_is_found_under_its_area_and_year_as_they_change(world, corpus):
    """The index keys every token by its entry's area and year (PostgreSQL's stored vectors, SQLite's FTS5 rows
    kept by triggers): an entry whose year or area changes is found under the new ones only, and a removed one under
    none."""
    meeting = make_meeting(world.forum, date(2021, 5, 4), **SENT)
    item = make_item(meeting, "1", "Pilgrimsfalk flyttas")
    anonymous = fresh(world, "anonymous")

    def years():
        return {hit.year for hit in search(anonymous, "pilgrimsfalk").page}

    assert years() == {2021} and search(anonymous, "pilgrimsfalk", Filters(year=2021)).total == 1
    entry = SearchEntry.objects.filter(kind="item", object_id=item.pk)
    entry.update(year=2019)  # as the index does when a meeting is moved (one UPDATE of the row)
    assert years() == {2019}
    assert search(anonymous, "pilgrimsfalk", Filters(year=2021)).total == 0
    assert search(anonymous, "pilgrimsfalk", Filters(year=2019)).total == 1
    area = world.forum.area_id
    assert search(anonymous, "pilgrimsfalk", Filters(area=area)).total == 1
    entry.update(area=world.other_body.area_id)
    assert search(anonymous, "pilgrimsfalk", Filters(area=area)).total == 0
    assert search(anonymous, "pilgrimsfalk", Filters(area=world.other_body.area_id)).total == 1
    entry.delete()
    assert search(anonymous, "pilgrimsfalk").total == 0


def test_a_stray_year_adds_one_year_to_read_not_every_year_between(world, corpus, monkeypatch):
    """The years a search reads a year at a time (PostgreSQL) and lists unread in its year facet are those entries
    have: an item mistakenly dated 1900 adds 1900, not the 125 years up to the others (each of them a key in every
    search's and digest's query, and a value of the facet)."""
    make_item(make_meeting(world.forum, date(1900, 3, 1), **SENT), "1", "Kolibri för länge sedan")
    for n in range(3):
        make_item(make_meeting(world.forum, date(2024, 3, 1 + n), **SENT), "1", f"Kolibri nummer {n}")
    monkeypatch.setattr(search_query, "HIT_CEILING", 2)
    capped = search(fresh(world, "anonymous"), "kolibri")
    assert capped.at_least
    assert [value.value for value in capped.facets["year"]][-2:] == ["2024", "1900"]  # listed, no year between
    # Through the model first: the transaction's entries are rebuilt before its first query of them.
    dated = sorted(set(SearchEntry.objects.filter(year__gt=0).values_list("year", flat=True)))
    with connection.cursor() as cursor:
        cursor.execute(backends.EVERY_YEAR_SQL)
        read = sorted(row[0] for row in cursor.fetchall())
    assert read == [0, *dated]
    assert 1900 in read and 1901 not in read and len(read) < 10
    assert [hit.title for hit in search(fresh(world, "anonymous"), "kolibri", Filters(year=1900)).page] == [
        "§ 1 Kolibri för länge sedan"
    ]


def test_a_body_the_searcher_may_not_see_is_never_a_facet(client, world, corpus):
    """A contact finds their principal's assignment from an internal body (as the assignments list shows it), but
    neither the hit nor the body facet names that body."""
    secret_item = next(item for item in corpus[0] if item.meeting.body_id == world.secret.pk)
    Assignment.objects.create(
        item=secret_item, description="Zebrafink sluten uppgift", assignee_principal=world.town, report_to=world.secret
    )
    hits, results = found(fresh(world, "contact"), "sluten uppgift")
    assert ("assignment", "Zebrafink sluten uppgift") in hits
    assert all(value.value != str(world.secret.pk) for value in results.facets["body"])
    world.client_for(client, "contact")
    html = client.get(reverse("search:search"), {"q": "sluten uppgift"}).content.decode()
    assert "Zebrafink sluten uppgift" in html and world.secret.name not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's hashed subplans")
def test_a_hit_found_through_a_record_s_own_rule_reads_that_record_alone(world, corpus):
    """A contact finds their principal's assignment of an internal body through the assignments' rule, not the
    entry's levels: the search checks that rule for the hits that need it, each assignment by its id, and never
    reads every assignment the contact may see (a nation's 113,000, 0.74 s, as a hashed list built for one hit).
    Shown by the rows the statement reads from the assignments table (EXPLAIN ANALYZE), with 300 more of the
    principal's assignments, which the contact may see."""
    secret_item = next(item for item in corpus[0] if item.meeting.body_id == world.secret.pk)
    Assignment.objects.create(
        item=secret_item, description="Zebrafink sluten uppgift", assignee_principal=world.town, report_to=world.secret
    )
    Assignment.objects.bulk_create(  # not indexed (no signals): rows of the table only
        [
            Assignment(
                item=secret_item, description=f"Följ upp {n}", assignee_principal=world.town, report_to=world.secret
            )
            for n in range(300)
        ]
    )
    assert visible_assignments(fresh(world, "contact")).count() > 300
    assert ("assignment", "Zebrafink sluten uppgift") in found(fresh(world, "contact"), "sluten uppgift")[0]
    with CaptureQueriesContext(connection) as captured:
        search(fresh(world, "contact"), "sluten uppgift")
    (one_pass,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH hits")]
    read, plan = rows_read(one_pass, None, "followthrough_assignment")
    assert 1 <= read <= 5, plan


def test_analyse_lets_sqlite_join_each_match_through_the_covering_index(world, corpus):
    """After `index.analyse()` (run by reindex and `samverkan serve`), SQLite reads a match's short columns from the
    covering index `search_entry_short`, not the wide row with its text (issue 11: 20 -> 7 ms for 11,000 hits);
    PostgreSQL is not analysed inside a transaction whose rows may roll back."""
    index.analyse()
    found = matching(visible_entries(None), parse("zebrafink"))
    sql, params = found.values_list("kind", "body_id", "principal_id", "year").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
            assert "COVERING INDEX search_entry_short" in plan, plan
        else:  # inside the test's transaction: the planner's row count is left alone (see `analyse`)
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'search_searchentry'")
            before = cursor.fetchone()[0]
            SearchEntry.objects.bulk_create(
                SearchEntry(
                    kind="body", object_id=10_000 + n, title="x", url="/", visibility="public", container="public"
                )
                for n in range(50)
            )
            index.analyse()
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'search_searchentry'")
            assert cursor.fetchone()[0] == before


def test_each_database_session_is_set_up_for_searching_many_hits(db):
    """PostgreSQL sessions get work_mem for an exact bitmap of a common word's hits and no JIT (settings.py: 8 s ->
    0.9 s for a grouped search at national scale); SQLite's get the pragmas of the embedded default."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone()[0] == "64MB"
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW random_page_cost")  # data in memory or on an SSD
            assert cursor.fetchone()[0] == "1.1"
        else:
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_the_search_page_makes_a_constant_number_of_queries(client, world, corpus, queries, monkeypatch):
    def grow():
        for body in (world.forum, world.other_body):  # hits in two areas: the area facet is named too
            meeting = make_meeting(body, date(2025, 2, 2), **SENT)
            for n in range(15 + FACET_SHOWN):
                make_item(meeting, str(n), f"Zebrafink fler {n}", background="zebrafink")
                make_document(meeting, f"Zebrafink handling {n}")

    _neighbour_hits(world)
    url = reverse("search:search") + "?q=zebrafink"
    queries.assert_constant(client, url, grow, at_most=5)
    queries.assert_constant(client, url + "&visa=organ&omrade=" + str(world.area.pk), grow, at_most=5)
    # Past the ceiling: the years of the index for the year facet, and a chosen kind's hits read again alone.
    monkeypatch.setattr(search_query, "HIT_CEILING", 2)
    queries.assert_constant(client, url + "&typ=item", grow, at_most=7)
    monkeypatch.undo()
    client.force_login(world.member)
    queries.assert_constant(client, url + "&sida=2", grow, at_most=9)  # and the session, user and scope


def test_matching_never_joins_the_index_to_itself(client, world, corpus):
    """A full-text match is a condition on each row, never `id IN (SELECT id FROM search_searchentry …)`: on
    PostgreSQL with wrong row counts the planner ran that self-join as a nested loop over every pair of rows."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("search:search") + "?q=protokoll+beslut").status_code == 200
        rarest([Term((stem(word),)) for word in ("protokoll", "beslut", "budget", "skola", "vatten", "avfall")], 2)
    matching = [query["sql"] for query in captured.captured_queries if "search_" in query["sql"]]
    assert matching
    for sql in matching:
        # The years a search reads a year at a time (PostgreSQL) come from probes of the year index, not a join.
        rows_read = sql.replace(backends.EVERY_YEAR_SQL, "")
        assert len(re.findall(r'FROM\s+"?search_searchentry"?\s', rows_read)) <= 1, sql


def test_ranking_reads_each_full_text_match_once(client, world, corpus):
    """The rank comes from the matched full-text rows themselves (SQLite: `bm25()` of the FTS5 rows, in one more
    scan of the match that computes it for the ranked window only), never from a subquery run again for every
    matching entry, which made an item page's related items 10-25 ms on the demo county. PostgreSQL ranks each
    row's own tsvector (no subquery)."""
    item = AgendaItem.objects.filter(visibility="public").first()
    index.analyse()  # with the planner's figures SQLite took the primary key for a query selecting the id
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search:search") + "?q=hemsjukvård")
        assert response.status_code == 200 and "<mark>" in response.content.decode()
        related_items(None, item.pk)
    ranked = [q["sql"] for q in captured.captured_queries if "bm25(" in q["sql"] or "ts_rank(" in q["sql"]]
    assert len(ranked) == 2, [query["sql"] for query in captured.captured_queries]
    for sql in ranked:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                steps = [row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
                plan = " | ".join(steps)
                # FTS5 is asked for a year's matches at a time, never for one entry by rowid ("=" in its index
                # string), which runs the whole full-text query again for each entry; each scan of it follows the
                # years it is keyed by.
                scans = [n for n, step in enumerate(steps) if step.startswith("SCAN search_fts VIRTUAL TABLE")]
                assert scans and all(
                    re.fullmatch(r"SCAN search_fts VIRTUAL TABLE INDEX 0:M\d+", steps[n]) for n in scans
                ), plan
                assert all(steps[n - 1] == "SCAN keyed_years" for n in scans), plan
                if sql.startswith("WITH hits"):  # the search page's one pass finds its entries by id in the index
                    # of their short columns (a county's plan reads that index alone, `USING COVERING INDEX`; on a
                    # few hundred rows SQLite may put a Bloom filter in front and read the rows it lets through).
                    assert re.search(r"USING (COVERING )?INDEX search_entry_short \(id=\?", plan), plan
            else:
                # No subquery run again for each row: the tsqueries are InitPlans, evaluated once per statement (or
                # once per year, when the hits are read a year at a time), or made from the ranked row itself.
                cursor.execute(f"EXPLAIN {sql}")
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "SubPlan" not in plan, plan
                # The stored vector (migrations 0006-0008), never one made again from the text for each ranked row.
                assert re.search(r"ts_rank\((search_searchentry|e)\.area_stems_vector", sql), sql
                assert "stems)" not in sql, sql


# --- Agreements --------------------------------------------------------------------------------------------------


@shared_fixture
def agreements_corpus(world):
    """Agreements with the word "tranbär": a public one (with parties and a version whose file's text was read as
    the worker reads it), an internal one and a public one kept by the internal body."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.agreements import actions as agreement_actions
    from samverkan.agreements.models import Agreement
    from samverkan.agreements.tasks import read_version_text
    from tests import sample_files

    public = Agreement.objects.create(
        area=world.area,
        title="Tranbärsavtalet",
        kind="contract",
        field_of_work="Hälso- och sjukvård",
        owner=world.forum,
    )
    public.parties.set([world.region, world.town])
    version = agreement_actions.add_version(
        public,
        None,
        file=SimpleUploadedFile("avtal.pdf", sample_files.pdf("Om pelargoner i hemmet")),
        dated=date(2026, 1, 2),
        note="Första",
    )
    assert read_version_text(version.pk)
    internal = Agreement.objects.create(
        area=world.area, title="Tranbär kanarieavtalintern", owner=world.forum, visibility="internal"
    )
    by_secret = Agreement.objects.create(area=world.area, title="Tranbär kanarieavtalorgan", owner=world.secret)
    return public, internal, by_secret


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "reader"])  # the corpus's named reader is not here
def test_each_actor_finds_the_agreements_the_register_shows_them(world, agreements_corpus, actor):
    from samverkan.agreements.access import visible_agreements

    user = fresh(world, actor)
    results = search(user, "tranbär", Filters(), 1)
    got = {e.object_id for e in _entries(results) if e.kind == "agreement"}
    assert got == set(visible_agreements(user).filter(title__icontains="tranbär").values_list("pk", flat=True))
    assert results.total == len(got) and len(got) >= 1
    assert [(v.value, v.label, v.count) for v in results.facets["kind"]] == [
        ("agreement", "Överenskommelser", len(got))
    ]


def test_an_agreement_is_found_by_kind_parties_field_and_the_text_of_its_versions(world, agreements_corpus):
    public = agreements_corpus[0]
    for query in ("pelargonerna", "avtal stadby", "hälso tranbär", "Region Test tranbärsavtalet"):
        hits, results = found(None, query, kind="agreement")
        assert hits == {("agreement", "Tranbärsavtalet")}, query
    (hit,) = results.page
    assert hit.url == public.get_absolute_url() and hit.kind_label == "Överenskommelser"
    assert "Avtal · Ledningsforum" == hit.context


def test_the_index_follows_agreements_parties_owners_and_deletes(world, agreements_corpus):
    from samverkan.agreements.tasks import read_version_text

    public, internal, by_secret = agreements_corpus
    world.town.name = "Lingonby kommun"
    world.town.save()
    assert found(None, "lingonby tranbär")[0]
    public.parties.remove(world.town)
    assert not found(None, "lingonby tranbär")[0]
    assert found(None, "region tranbärsavtalet", kind="agreement")[0]
    world.region.agreements.clear()  # from the principal's side
    assert not found(None, "region tranbärsavtalet", kind="agreement")[0]
    assert not found(None, "kanarieavtalintern")[0]
    internal.visibility = "public"
    internal.save()
    assert found(None, "kanarieavtalintern")[0]
    world.forum.visibility = "internal"
    world.forum.save()
    assert not found(None, "kanarieavtalintern")[0] and not found(None, "pelargon")[0]
    assert found(fresh(world, "member"), "pelargon")[0]
    public.delete()
    assert not found(fresh(world, "admin"), "pelargon")[0]
    assert not read_version_text(123456)  # a version that is gone: nothing to read, nothing fails


def test_a_new_versions_text_is_read_by_the_worker_after_commit(
    world, agreements_corpus, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.agreements import actions as agreement_actions
    from samverkan.agreements.tasks import read_version_text
    from tests import sample_files

    public = agreements_corpus[0]
    upload = SimpleUploadedFile("v2.docx", sample_files.docx("Reviderad om blåbärsriset"))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        agreement_actions.add_version(public, None, file=upload, dated=date(2026, 2, 1))
    tasks = [c for c in queued if c is not bump_generation]  # the page cache's own bump comes after every commit
    assert len(tasks) == 1 and not found(None, "blåbärsris")[0]  # queued, not read in the request
    # The worker's run (it closes the connection, so on PostgreSQL it needs a transactional test): the task it runs.
    read_version_text(public.versions.get(number=2).pk)
    assert found(None, "blåbärsriset")[0] == {("agreement", "Tranbärsavtalet")}
