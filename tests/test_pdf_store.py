"""Stored PDFs of locked minutes (issue 11): rendered once, served from the store after; a correction makes a new
version and so a new PDF; the public's redacted PDF never shares a key with a staff PDF."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from samverkan.meetings.models import correcting_minutes
from samverkan.meetings.pdf import RENDERED
from samverkan.meetings.snapshot import minutes_snapshot
from tests.test_meetings_pdf import CONFIDENTIAL_TEXT, INTERNAL_TEXT, flat, minutes, pdf_text, public_url, staff_url
from tests.test_meetings_pdf import store as store_version

__all__ = ["minutes"]  # the shared fixture, imported to be used here


@pytest.fixture(autouse=True)
def _empty_store(settings, tmp_path):
    """Each test starts with an empty store (the session's media folder is shared by the tests)."""
    settings.MEDIA_ROOT = tmp_path


def _stored_files():
    return sorted((Path(settings.MEDIA_ROOT) / "minutes-pdf").rglob("*.pdf"))


def test_a_locked_versions_public_pdf_is_rendered_once(client, world, minutes):
    store_version(minutes)
    before = RENDERED["pdfs"]
    first = client.get(public_url(minutes))
    assert RENDERED["pdfs"] == before + 1
    second = client.get(public_url(minutes))
    assert RENDERED["pdfs"] == before + 1, "the second request rendered again"
    assert second.content == first.content
    assert _stored_files()


def test_a_correction_changes_the_pdf(client, world, minutes):
    snapshot = minutes_snapshot(minutes)
    store_version(minutes, content=snapshot)
    old = flat(pdf_text(client.get(public_url(minutes)))[0])
    snapshot["items"][1]["decision"] = "att anta den rättade handlingsplanen"
    store_version(minutes, 2, content=snapshot, reason="Fel i beslutet")
    before = RENDERED["pdfs"]
    new = flat(pdf_text(client.get(public_url(minutes)))[0])
    assert RENDERED["pdfs"] == before + 1
    assert "att anta den rättade handlingsplanen" in new and "Version 2" in new
    assert "rättade" not in old


def test_the_public_never_gets_the_staff_pdf_from_the_store(client, world, minutes):
    store_version(minutes)
    coordinator = world.client_for(client, "coordinator")
    staff = flat(pdf_text(coordinator.get(staff_url(minutes)))[0])
    assert "Känslig protokollstext" in staff
    before = RENDERED["pdfs"]
    assert flat(pdf_text(coordinator.get(staff_url(minutes)))[0]) == staff
    assert RENDERED["pdfs"] == before, "the staff PDF of locked minutes comes from the store"
    client.logout()
    public = flat(pdf_text(client.get(public_url(minutes)))[0])
    assert RENDERED["pdfs"] == before + 1, "the public PDF is its own"
    for secret in INTERNAL_TEXT + CONFIDENTIAL_TEXT:
        assert secret not in public, secret


def test_an_item_hidden_later_gives_a_new_public_pdf(client, world, minutes):
    store_version(minutes)
    assert "Regional handlingsplan" in flat(pdf_text(client.get(public_url(minutes)))[0])
    with correcting_minutes():  # the test changes locked minutes behind the workflow's back
        minutes.items.filter(number="13").update(visibility="confidential")
    text = flat(pdf_text(client.get(public_url(minutes)))[0])
    assert "§ 13 Sekretess" in text and "Regional handlingsplan" not in text


def test_drafts_are_rendered_each_time(client, world, minutes):
    with correcting_minutes():
        type(minutes).objects.filter(pk=minutes.pk).update(locked_at=None, status="drafted")
    coordinator = world.client_for(client, "coordinator")
    before = RENDERED["pdfs"]
    coordinator.get(staff_url(minutes))
    coordinator.get(staff_url(minutes))
    assert RENDERED["pdfs"] == before + 2
    assert reverse("meetings:pdf", args=[minutes.pk]) == staff_url(minutes)
