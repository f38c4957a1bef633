"""The cache of rendered public pages (portal/page_cache.py): a change shows on the next request, whatever made it,
and nothing a signed-in user sees is kept or served from it. Runs on SQLite and PostgreSQL like every test; the
page cache is off in other tests (conftest), so these switch it on and run the commit callbacks the rolled-back
test transaction would otherwise never reach."""

import threading

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import reverse

from samverkan.portal import page_cache as module
from samverkan.portal.page_cache import PAGE_CACHE_ALIAS, current_generation
from samverkan.structure.models import Body
from tests.form_fields import form_data


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches[PAGE_CACHE_ALIAS].clear()
    yield
    caches[PAGE_CACHE_ALIAS].clear()


def _body_url(world):
    return reverse("portal:body", args=[world.area.slug, world.forum.slug])


def test_a_public_page_is_served_from_the_cache_with_one_query(client, world, page_cache, queries):
    url = _body_url(world)
    first = client.get(url)
    assert first.status_code == 200 and "X-Page-Cache" not in first.headers
    second = client.get(url)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert queries(client, url)[0] == 1  # the content generation
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert not_modified.status_code == 304
    english = client.get("/en" + url)
    assert "X-Page-Cache" not in english.headers  # the language is part of the address, so of the key


def test_a_change_through_the_staff_form_shows_on_the_next_request(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    url = _body_url(world)
    client.get(url)
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    staff = client.__class__()
    staff.force_login(world.coordinator)
    edit = reverse("structure:body_edit", args=[world.forum.pk])
    data = form_data(staff.get(edit).content.decode())
    data["name"] = ["Forumet med nytt namn"]
    data["reason"] = ["Namnbyte"]
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff.post(edit, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    again = client.get(url)
    assert "X-Page-Cache" not in again.headers
    assert "Forumet med nytt namn" in again.content.decode()


def test_a_write_that_bypasses_model_signals_shows_on_the_next_request(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    url = _body_url(world)
    client.get(url)
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        Body.objects.filter(pk=world.forum.pk).update(name="Omdöpt utan signal")
        Body.objects.filter(pk=world.forum.pk).update(abbreviation="OUS")
    assert current_generation() == before + 1  # once per transaction
    assert "Omdöpt utan signal" in client.get(url).content.decode()


def test_a_signed_in_users_page_is_never_kept_nor_served_from_the_cache(client, world, page_cache):
    url = reverse("portal:area", args=[world.area.slug])
    staff = client.__class__()
    staff.force_login(world.coordinator)
    seen_by_staff = staff.get(url)
    assert world.secret.name in seen_by_staff.content.decode()  # the internal body, for its coordinator
    anonymous = client.get(url)
    assert "X-Page-Cache" not in anonymous.headers
    assert world.secret.name not in anonymous.content.decode()
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    again = staff.get(url)
    assert "X-Page-Cache" not in again.headers
    assert world.secret.name in again.content.decode()
    assert "private" in again.headers["Cache-Control"]


def test_only_cookieless_public_gets_are_kept(client, world, page_cache):
    url = _body_url(world)
    client.cookies["csrftoken"] = "a" * 32
    client.get(url)
    client.cookies.clear()
    assert "X-Page-Cache" not in client.get(url).headers  # the request with a cookie stored nothing
    staff_url = reverse("structure:body", args=[world.forum.pk])
    staff = client.__class__()
    staff.force_login(world.coordinator)
    staff.get(staff_url)
    assert "X-Page-Cache" not in staff.get(staff_url).headers
    assert client.get("/finns-inte/").status_code == 404
    assert "X-Page-Cache" not in client.get("/finns-inte/").headers


def test_the_open_data_api_is_cached_like_a_public_page(client, world, page_cache, django_capture_on_commit_callbacks):
    """An API list is the same public data for everyone: kept, served with one query, public to shared caches,
    and a change shows on the next request. Its errors are never kept."""
    url = reverse("api:organization_list", args=[world.area.pk])
    first = client.get(url)
    assert first.status_code == 200 and "X-Page-Cache" not in first.headers
    assert "public" in first.headers["Cache-Control"] and "Cookie" not in first.headers.get("Vary", "")
    second = client.get(url)
    assert second.headers["X-Page-Cache"] == "hit" and second.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        Body.objects.filter(pk=world.forum.pk).update(name="Forum efter namnbyte")
    assert "Forum efter namnbyte" in client.get(url).content.decode()
    for bad in (url + "?page=0", reverse("api:organization", args=[world.secret.pk])):
        assert client.get(bad).status_code in {400, 404}
        assert "X-Page-Cache" not in client.get(bad).headers
    staff = client.__class__()
    staff.force_login(world.coordinator)
    assert "private" in staff.get(url).headers["Cache-Control"]


def test_a_head_of_the_api_keeps_nothing_and_is_served_from_a_kept_get(client, world, page_cache):
    """The API answers a HEAD as its GET (lib.methods); the page cache keeps GETs only, so a HEAD first leaves
    no empty page behind for the GETs after it, and a HEAD after a GET is answered from what the GET kept."""
    url = reverse("api:organization_list", args=[world.area.pk])
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and "X-Page-Cache" not in head.headers
    got = client.get(url)
    assert "X-Page-Cache" not in got.headers and got.json()["data"]
    again = client.head(url)
    assert again.headers["X-Page-Cache"] == "hit" and again.content == b""
    assert client.get(url).content == got.content


def test_concurrent_misses_of_one_page_render_it_once(rf, page_cache, monkeypatch):
    """Every write makes every page a miss at once; the visitors who ask for a busy page meanwhile wait for the
    one render in progress and are served what it stored, instead of each rendering it anew (the throughput of
    the body page and the board fell to about 1 request/s under eight clients). The generation is fixed here so
    the threads need no database connection of their own."""
    monkeypatch.setattr(module, "current_generation", lambda: 7)
    started, release, renders = threading.Event(), threading.Event(), []

    def slow_page(request):
        renders.append(request.path)
        started.set()
        release.wait(5)
        response = HttpResponse("<p>Sidan</p>")
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        return response

    middleware = module.PageCacheMiddleware(slow_page)
    answers = []
    first = threading.Thread(target=lambda: answers.append(middleware(rf.get("/omrade/a/"))))
    first.start()
    assert started.wait(5)
    waiting = [threading.Thread(target=lambda: answers.append(middleware(rf.get("/omrade/a/")))) for _ in range(3)]
    for thread in waiting:
        thread.start()
    release.set()
    for thread in [first, *waiting]:
        thread.join(10)
    assert renders == ["/omrade/a/"]
    assert sorted(a.headers.get("X-Page-Cache", "") for a in answers) == ["", "hit", "hit", "hit"]
    assert {a.content for a in answers} == {b"<p>Sidan</p>"}


def test_a_page_that_may_not_be_kept_is_rendered_for_each_waiting_request(rf, page_cache, monkeypatch):
    """A waiting request whose page was not stored (here it sets a cookie) renders its own, as before."""
    monkeypatch.setattr(module, "current_generation", lambda: 7)
    renders = []

    def cookie_page(request):
        renders.append(1)
        response = HttpResponse("<p>Sidan</p>")
        response.set_cookie("x", "1")
        return response

    middleware = module.PageCacheMiddleware(cookie_page)
    assert "X-Page-Cache" not in middleware(rf.get("/omrade/a/")).headers
    assert "X-Page-Cache" not in middleware(rf.get("/omrade/a/")).headers
    assert len(renders) == 2
