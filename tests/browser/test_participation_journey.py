"""Issue 12, shown by: everyone in the structure takes part, with no administrator involved. A coordinator invites a
chair and an adjuster to logins; they choose passwords from the links in their mails (read from the test outbox); a
member answers an invitation from the link in its mail without logging in; the secretary sends the minutes for
adjustment; the signers get mails, log in and sign; the minutes are published and the members told; a recommendation
of the published § is dispatched to three principals, one registrar records the decision through the link in its
mail without an account, and the board shows it. axe-core on every page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samverkan.followthrough.models import Dispatch, PrincipalDecision
from samverkan.meetings.models import InvitationAnswer, Meeting
from samverkan.structure.models import Membership, Person, Principal, Role
from tests.meetings_helpers import make_item, make_meeting
from tests.worker_helpers import run_worker
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Ett-långt-lösenord-42"


@pytest.fixture
def live_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = World.build()
    Role.objects.create(user=world.secretary, kind="secretary", body=world.forum)
    ada = Person.objects.create(
        first_name="Ada", last_name="Justerare", slug="ada-justerare", employer=world.village, email="ada@byn.example"
    )
    Membership.objects.create(person=ada, body=world.forum, role="member", principal=world.village, party="C")
    return world


def log_in(page, username, password=PASSWORD):
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def log_out(page):
    page.get_by_role("button", name="Logga ut").click()


def check(page, text=None):
    if text is not None:
        assert text in page.inner_text("main"), page.inner_text("main")[:2000]
    page.axe.check(page)


def link_in(message, part):
    """The path of the first link in `message` whose address contains `part`."""
    found = [path for path in re.findall(r"https?://[^/\s]+(/\S*)", message.body) if part in path]
    assert found, message.body
    return found[0]


def mail_to(address, subject_part=""):
    found = [m for m in mail.outbox if m.to == [address] and subject_part in m.subject]
    assert found, [(m.to, m.subject) for m in mail.outbox]
    return found[-1]


def invite_and_accept(page, w):
    """The coordinator invites the chair and the adjuster from their pages; each chooses a password."""
    log_in(page, "coordinator")
    for slug, name in (("olle-ordforande", "Olle Ordförande"), ("ada-justerare", "Ada Justerare")):
        person = Person.objects.get(slug=slug)
        page.goto(reverse("structure:person", args=[w.area.slug, person.pk]))
        check(page, "Ingen inloggning")
        page.get_by_role("button", name=f"Bjud in {name}").click()
        check(page, "Inbjuden")
    log_out(page)
    run_worker()
    for address in ("olle@region.example", "ada@byn.example"):
        page.goto(link_in(mail_to(address), "/konto/inbjudan/"))
        check(page, "Välj ett lösenord")
        page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
        page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Skapa inloggningen").click()
        check(page, "Din inloggning är klar")
        log_out(page)


def answer_by_link(page, w):
    """The coordinator sends an invitation; Ada answers from her mail's link without logging in."""
    meeting = make_meeting(w.forum, timezone.localdate() + timedelta(days=20), place="Regionhuset")
    make_item(meeting, "1", "Budget för samverkan")
    log_in(page, "coordinator")
    page.goto(reverse("meetings:invitation_send", args=[meeting.pk]))
    check(page, "Ada Justerare")
    page.get_by_role("button", name="Skicka kallelse").click()
    check(page, "Kallelsen är skickad till 3 mottagare.")
    log_out(page)
    run_worker()
    page.goto(link_in(mail_to("ada@byn.example", "Kallelse"), "/kallelse/svar/"))
    check(page, "Kallelse till möte i Ledningsforum")
    assert page.get_by_role("button", name="Logga ut").count() == 0  # not logged in
    page.get_by_label("Kommer").check()
    page.get_by_role("button", name="Spara svaret").click()
    check(page, "Ditt svar är sparat: Kommer.")
    assert InvitationAnswer.objects.get(meeting=meeting, person__slug="ada-justerare").answer == "attend"


def adjust_and_publish(page, w):
    """The secretary sends the minutes for adjustment; the signers are mailed, log in and sign; published."""
    day = timezone.localdate() - timedelta(days=2)
    meeting = make_meeting(w.forum, day, place="Regionhuset", status="held")
    make_item(meeting, "1", "Samverkansavtal", decision="att anta samverkansavtalet", outcome="decided")
    staff_url = reverse("meetings:meeting", args=[meeting.pk])
    log_in(page, "secretary")
    page.goto(staff_url)
    page.get_by_role("button", name="Hämta ledamöter och ersättare").click()
    check(page, "personer har lagts till i närvarolistan")
    page.get_by_role("link", name="Välj ordförande, sekreterare och justerare").click()
    check(page)
    page.get_by_label("Ordförande", exact=True).select_option(label="Olle Ordförande")
    page.get_by_label("Ada Justerare").check()
    page.get_by_role("button", name="Spara").click()
    check(page, "Ordförande, sekreterare och justerare är sparade.")
    page.get_by_role("button", name="Protokollet är klart för justering").click()
    check(page, "Protokollet är klart och väntar på justering.")
    log_out(page)
    mail.outbox.clear()
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@byn.example", "olle@region.example"]
    for address, done in (("olle@region.example", "Du har justerat protokollet."), ("ada@byn.example", "Alla har nu")):
        sign_path = link_in(mail_to(address), "/justera")
        log_in(page, address, NEW_PASSWORD)
        page.goto(sign_path)
        check(page, "att anta samverkansavtalet")
        page.get_by_role("button", name="Justera", exact=True).click()
        check(page, done)
        log_out(page)
    log_in(page, "secretary")
    page.goto(staff_url)
    page.get_by_role("button", name="Publicera").click()
    check(page, "Protokollet är publicerat i portalen.")
    log_out(page)
    mail.outbox.clear()
    run_worker()
    assert {m.to[0] for m in mail.outbox} >= {"ada@byn.example", "olle@region.example", "maja.ledamot@stadby.example"}
    assert Meeting.objects.get(pk=meeting.pk).status == "published"
    return meeting


def dispatch_and_record(page, static_page, w, meeting):
    """The coordinator gives the village a registry address, recommends the published § to three principals
    (the warning names none), and the region's registrar records its decision through the link."""
    Principal.objects.filter(pk=w.region.pk).update(registry_address="registrator@region.example")
    log_in(page, "coordinator")
    page.goto(reverse("structure:principal_edit", args=[w.village.pk]))
    check(page)
    page.get_by_label("Registratur").fill("registrator@byn.example")
    page.get_by_role("button", name="Spara").click()
    check(page)
    item = meeting.items.get(number="1")
    page.goto(reverse("followthrough:recommendation_create", args=[item.pk]))
    check(page, "Ny rekommendation till huvudmännen")
    assert "Utskick kan inte göras" not in page.inner_text("main")  # all three are reachable
    page.get_by_label("Rekommendationen", exact=True).fill("Huvudmännen rekommenderas att anta samverkansavtalet.")
    page.get_by_role("button", name="Spara").click()
    check(page, "Utskick till 3 huvudmän läggs i kön")
    mail.outbox.clear()
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "contact@test.example",
        "registrator@byn.example",
        "registrator@region.example",
    ]
    assert all(m.attachments and m.attachments[0][0].startswith("protokollsutdrag-") for m in mail.outbox)
    page.reload()
    check(page, "till registrator@region.example")
    log_out(page)

    # The region's registrar, who has no account, records the decision from the link in the mail.
    page.goto(link_in(mail_to("registrator@region.example"), "/rekommendation/svar/"))
    check(page, "Huvudmännen rekommenderas att anta samverkansavtalet.")
    page.get_by_label("Utfall").select_option("adopted")
    page.get_by_label("Beslutande organ").fill("Regionstyrelsen")
    page.get_by_label("Beslutsdatum").fill(timezone.localdate().isoformat())
    page.get_by_label("Paragraf").fill("RS § 12")
    page.get_by_role("button", name="Registrera beslutet").click()
    check(page, "Beslutet för Region Test är registrerat: Bifall.")
    decision = PrincipalDecision.objects.get(principal=w.region)
    assert decision.answered_by_link and decision.outcome == "adopted"
    assert Dispatch.objects.filter(sent_at__isnull=False).count() == 3

    # The board, without JavaScript as a visitor reads it, shows the dispatch and the answer.
    board = reverse("followthrough_public:board", args=[w.area.slug])
    static_page.goto(board)
    text = static_page.inner_text("main")
    today = timezone.localdate().isoformat()
    assert f"Skickad {today} · Svar {today} via länken" in text and "1 av 3 har beslutat" in text
    page.goto(board)
    check(page)


def test_everyone_takes_part_without_an_administrator(page, static_page, live_world):
    w = live_world
    invite_and_accept(page, w)
    answer_by_link(page, w)
    meeting = adjust_and_publish(page, w)
    dispatch_and_record(page, static_page, w, meeting)
    assert len(page.axe.checked) >= 20
