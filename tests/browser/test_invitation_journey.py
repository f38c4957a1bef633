"""The coordinator uploads a document and sends the invitation; the member answers from the dashboard; a visitor
sees the public document. axe-core on every page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import Document, InvitationAnswer
from tests import sample_files
from tests.meetings_helpers import make_item, make_meeting
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


def run_worker():
    """The real worker, as `manage.py db_worker --batch` runs it (settings.TASKS is the database backend)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


@pytest.fixture
def live_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World.build()


def log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_documents_invitation_and_answer(page, static_page, live_world):
    w = live_world
    meeting = make_meeting(w.forum, timezone.localdate() + timedelta(days=20), place="Regionhuset")
    make_item(meeting, "1", "Budget för samverkan")
    make_item(meeting, "2", "Uppgifter om en enskild", visibility="confidential")

    log_in(page, "coordinator")
    page.goto(reverse("meetings:meeting", args=[meeting.pk]))
    page.axe.check(page)
    page.get_by_role("link", name="Ladda upp handling").click()
    page.axe.check(page)

    # A program renamed to .pdf is refused, and the error is announced.
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "budget.pdf", "mimeType": "application/pdf", "buffer": sample_files.exe()}
    )
    page.get_by_role("button", name="Ladda upp").click()
    assert "Filtypen stöds inte" in page.get_by_role("alert").inner_text()
    page.axe.check(page)
    assert not Document.objects.exists()

    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "budget.pdf", "mimeType": "application/pdf", "buffer": sample_files.pdf("Budget 2026")}
    )
    page.get_by_label("Titel").fill("Budgetunderlag")
    page.get_by_label("Bilagenummer").fill("Bilaga 1.1")
    page.get_by_label("Hör till ärende").select_option(label="1 Budget för samverkan")
    page.get_by_role("button", name="Ladda upp").click()
    assert page.get_by_role("link", name="Budgetunderlag", exact=True).is_visible()
    page.axe.check(page)

    page.get_by_role("link", name="Skicka kallelse").click()
    assert "Maja Ledamot" in page.inner_text("main")
    page.axe.check(page)
    page.get_by_role("button", name="Skicka kallelse").click()
    assert "Kallelsen är skickad till 2 mottagare." in page.inner_text("main")
    page.axe.check(page)
    run_worker()  # the request queued one task per e-mail; the real worker sends them
    assert sorted(m.to[0] for m in mail.outbox) == ["maja.ledamot@stadby.example", "olle@region.example"]
    page.get_by_role("button", name="Logga ut").click()

    log_in(page, "member")
    page.goto(reverse("dashboard"))
    assert page.get_by_role("heading", name="Kallelser att svara på").is_visible()
    page.axe.check(page)
    page.get_by_role("link", name="Ledningsforum").first.click()
    page.axe.check(page)
    page.get_by_label("Kommer").check()
    page.get_by_label("Kommentar till sekreteraren").fill("Kommer från kl. 10")
    page.get_by_role("button", name="Spara svaret").click()
    assert "Ditt svar är sparat: Kommer." in page.inner_text("main")
    page.axe.check(page)
    assert InvitationAnswer.objects.get().comment == "Kommer från kl. 10"

    # The visitor, without JavaScript: the public document is listed, the confidential item is not named.
    static_page.goto(meeting.get_absolute_url())
    main = static_page.inner_text("main")
    assert "Bilaga 1.1: Budgetunderlag" in main and "Uppgifter om en enskild" not in main
    page.goto(meeting.get_absolute_url())
    page.axe.check(page)
