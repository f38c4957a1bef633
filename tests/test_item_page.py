"""Search part 2, point 1: the item's public page (search results for items and assignments link to it, the
meeting page has its `#punkt-<id>` anchors), "Related" on it (same matter, rare shared words, only what the reader
may find, constant queries), and renumbering keeping the index's § numbers true."""

import re
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from samverkan.meetings import actions
from samverkan.meetings.matters import Matter
from samverkan.search.models import SearchEntry
from samverkan.search.query import Filters, search
from samverkan.search.related import rarest, related_items, title_terms
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting, sent
from tests.minutes_helpers import adjusted_meeting, seat_group


def item_url(item):
    return reverse("search:item", args=[item.meeting.body.area.slug, item.meeting_id, item.pk])


@shared_fixture
def published(world):
    meeting = adjusted_meeting(world, seat_group(world))
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    return meeting


@shared_fixture
def related(world):
    """Items on one matter and items sharing the rare word "flamingovård" across bodies and years, one internal."""
    matter = Matter.objects.create(area=world.area, year=2025, serial=7, title="Flamingovård i länet")
    first = make_meeting(world.forum, date(2025, 3, 3), **sent())
    later = make_meeting(world.forum, date(2026, 3, 3), **sent())
    other_body = make_meeting(world.group, date(2024, 5, 5), **sent())
    secret = make_meeting(world.secret, date(2026, 4, 4), **sent())
    main = make_item(first, "1", "Flamingovård och information", matter=matter)
    return {
        "main": main,
        "matter": make_item(later, "1", "Uppföljning av handlingsplanen", matter=matter),
        "words": make_item(other_body, "4", "Flamingovård inom hemtjänsten"),
        "internal": make_item(later, "2", "Flamingovård kanarieintern", visibility="internal"),
        "secret": make_item(secret, "1", "Flamingovård i hemlighet"),
        "unrelated": make_item(later, "3", "Information om budget"),
    }


def test_the_agenda_has_an_anchor_and_a_link_per_item(client, world, related):
    main = related["main"]
    html = client.get(main.meeting.get_absolute_url()).content.decode()
    assert f'id="punkt-{main.pk}"' in html and f'href="{item_url(main)}"' in html


def test_published_minutes_have_an_anchor_per_item_and_links_to_readable_ones(client, world, published):
    html = client.get(published.get_absolute_url()).content.decode()
    for item in published.items.all():
        assert f'id="punkt-{item.pk}"' in html  # hidden items keep their anchor, as their number shows
    public = published.items.get(visibility="public")
    hidden = published.items.exclude(visibility="public")
    assert f'href="{item_url(public)}"' in html
    assert not any(item_url(item) in html for item in hidden)


def test_every_item_hit_opens_a_page(client, world, related):
    for actor in ("anonymous", "admin", "member"):
        user = AnonymousUser() if actor == "anonymous" else getattr(world, actor)
        page = search(user, "flamingovård", Filters(kind="item"), 1).page
        assert page is not None and len(page.object_list) > 0
        c = world.client_for(client, actor)
        for hit in page.object_list:
            assert c.get(hit.url).status_code == 200, (actor, hit.url)


def test_the_item_page_shows_published_minutes_and_hides_what_the_reader_may_not_read(client, world, published):
    public = published.items.get(visibility="public")
    html = client.get(item_url(public)).content.decode()
    assert "Lägesbild äldreomsorg" in html and "Läget redovisades." in html and "att notera lägesbilden" in html
    hidden = published.items.exclude(visibility="public")
    assert [client.get(item_url(item)).status_code for item in hidden] == [404, 404]
    member = world.client_for(client, "member")  # Maja sits in the group: internal, not confidential
    assert [member.get(item_url(item)).status_code for item in hidden.order_by("number")] == [200, 404]
    coordinator = world.client_for(client, "coordinator")
    assert [coordinator.get(item_url(item)).status_code for item in hidden] == [200, 200]


def test_the_item_page_answers_404_for_wrong_and_hidden_addresses(client, world, related):
    main, secret = related["main"], related["secret"]
    wrong_meeting = reverse("search:item", args=[world.area.slug, related["words"].meeting_id, main.pk])
    assert client.get(wrong_meeting).status_code == 404
    assert client.get(reverse("search:item", args=["nowhere", main.meeting_id, main.pk])).status_code == 404
    assert client.get(item_url(secret)).status_code == 404  # a meeting of an internal body
    assert client.get(item_url(related["internal"])).status_code == 404
    draft = make_meeting(world.forum, date(2026, 9, 9))
    assert client.get(item_url(make_item(draft, "1", "Utkast"))).status_code == 404  # a draft agenda
    assert client.get(item_url(main)).status_code == 200


def test_related_items_share_the_matter_or_rare_words_and_only_what_the_reader_may_find(world, related):
    shown = related_items(AnonymousUser(), related["main"].pk)
    titles = [r.title.split(" ", 1)[1] if r.title.startswith("§") else r.title for r in shown]
    assert titles[0] == "1 Uppföljning av handlingsplanen" and shown[0].same_matter  # the same matter first
    assert "4 Flamingovård inom hemtjänsten" in titles and not shown[1].same_matter  # another body and year
    assert not any("kanarieintern" in t or "hemlighet" in t or "budget" in t for t in titles)
    assert not any("Flamingovård och information" in t for t in titles)  # never itself
    admin_titles = " | ".join(r.title for r in related_items(world.admin, related["main"].pk))
    assert "2 Flamingovård kanarieintern" in admin_titles and "1 Flamingovård i hemlighet" in admin_titles
    assert "Information om budget" not in admin_titles  # "information" is a stock word


def test_related_items_stay_in_the_items_area(world, related):
    """Another area's public item with the same rare word is never related (and bounds the work by one area)."""
    elsewhere = make_meeting(world.other_body, date(2025, 6, 6), **sent())
    make_item(elsewhere, "1", "Flamingovård i grannlänet")
    titles = " | ".join(r.title for r in related_items(AnonymousUser(), related["main"].pk))
    assert "Flamingovård inom hemtjänsten" in titles and "grannlänet" not in titles


def test_the_rarest_title_words_are_chosen_among_public_items_only(world, related):
    terms = title_terms("Flamingovård, budget och information 2026")
    assert [t.stems[0] for t in terms] == ["flamingovård", "budget"]
    for n in range(3):
        make_item(related["unrelated"].meeting, str(10 + n), f"Budget {n}")
    for n in range(5):  # internal records do not make a word common
        make_item(related["internal"].meeting, str(20 + n), f"Flamingovård {n}", visibility="internal")
    chosen = [t.stems[0] for t in rarest(title_terms("Flamingovård budget hemtjänsten handlingsplanen plus"), 4)]
    assert chosen == ["plus", "hemtjänst", "handlingsplan", "flamingovård"]  # budget: in four public items


def test_the_item_page_makes_a_constant_number_of_queries(client, world, related, queries):
    def grow():
        for year in (2021, 2022, 2023):
            meeting = make_meeting(world.group, date(year, 2, 2), **sent())
            for n in range(8):
                make_item(meeting, str(n), f"Flamingovård {year} {n}", matter=related["main"].matter)

    queries.assert_constant(client, item_url(related["main"]), grow, at_most=14)


def test_renumbering_keeps_the_indexed_numbers_true(world):
    forum, user = world.forum, world.secretary
    december = make_meeting(forum, date(2026, 12, 29))
    for n in range(70, 73):
        make_item(december, str(n), f"Pelikanärende {n}")
    extra = make_meeting(forum, date(2026, 11, 26), title="Extra möte")
    actions.add_item(extra, user, number="70", title="Extra pelikan")
    entries = SearchEntry.objects.filter(kind="item", title__contains="Pelikanärende")
    titles = set(entries.values_list("title", flat=True))
    assert titles == {"§ 71 Pelikanärende 70", "§ 72 Pelikanärende 71", "§ 73 Pelikanärende 72"}


def test_the_search_page_links_items_to_their_page(client, world, related):
    html = client.get(reverse("search:search"), {"q": "flamingovård"}).content.decode()
    assert item_url(related["main"]) in html and "#punkt-" not in html


def test_an_item_page_links_a_protokollsutdrag_only_where_one_exists(client, demo):
    """Minnesanteckningar have no protokollsutdrag: their items' pages link none (the link answered 404); minutes'
    items link one that answers with the PDF, to the public and to staff alike."""
    from django.contrib.auth import get_user_model

    from samverkan.meetings.models import AgendaItem, Meeting

    public = AgendaItem.objects.filter(
        visibility="public",
        meeting__status="published",
        meeting__visibility="public",
        meeting__body__visibility="public",
    ).select_related("meeting__body__area")
    for kind, linked in [(Meeting.Kind.NOTES, False), (Meeting.Kind.MINUTES, True)]:
        item = public.filter(meeting__kind=kind).first()
        assert item is not None, f"the demo must have published {kind} with a public item"
        for user in [None, get_user_model().objects.get(username="admin")]:
            if user is not None:
                client.force_login(user)
            page = client.get(item_url(item)).content.decode()
            links = re.findall(r'href="([^"]*protokollsutdrag[^"]*)"', page)
            assert bool(links) == linked, (kind, user, links)
            for link in links:
                assert client.get(link).status_code == 200, link
