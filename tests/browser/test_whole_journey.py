"""One meeting from start to end in the real UI: the secretary plans it, sets the agenda, sends the invitation,
records attendance and minutes; the chair and an adjuster sign; the secretary publishes; a visitor reads the
result and downloads the public PDF. axe-core checks every page the logged-in browser loads."""

from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samverkan.meetings.models import Attendance, Meeting
from tests.minutes_helpers import seat_group
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


def run_worker():
    """The real worker, as `manage.py db_worker --batch` runs it (settings.TASKS is the database backend)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


DECISION = "Beslut om gemensam handlingsplan"
INTERNAL = "Bemanning i kansliet"
INTERNAL_MINUTES = "Kansliet saknar två handläggare under hösten."
FILED = "Information om länets statistik"
CLAUSES = ["att anta handlingsplanen", "att återrapportera i december"]


@pytest.fixture
def live_world(transactional_db):
    """The world with the chief officers' group seated; the chair and the adjuster have e-mail addresses too."""
    world = World.build()
    seats = seat_group(world)
    for person, email in ((seats.chair, "cecilia.chef@region.example"), (seats.adjuster, "adam@byn.example")):
        person.email = email
        person.save(update_fields=["email"])
    return world


class Journey:
    """Drives the page and makes sure no page goes unchecked: every load of the main frame must be followed
    by an axe-core check before the next one."""

    def __init__(self, page):
        self.page = page
        self.unchecked = []  # pages loaded and left without an axe-core check
        self.pending = None
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame.parent_frame is None:
            if self.pending is not None:
                self.unchecked.append(self.pending)
            self.pending = frame.url

    def check(self, text=None):
        main = self.page.inner_text("main")
        if text is not None:
            assert text in main, main[:2000]
        self.page.axe.check(self.page)
        self.pending = None
        return main

    def go(self, path, text=None):
        response = self.page.goto(path)
        assert response.status == 200, (path, response.status)
        return self.check(text)

    def click(self, role, name, text=None, **options):
        self.page.get_by_role(role, name=name, **options).click()
        return self.check(text)

    def log_in(self, username, text):
        self.go(reverse("login"))
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(PASSWORD)
        self.click("button", "Logga in", text)

    def log_out(self):
        self.click("button", "Logga ut")


def test_whole_meeting_from_plan_to_published_minutes(page, static_page, live_world):
    w = live_world
    today = timezone.localdate()
    other = date(today.year, 12, 31) if today != date(today.year, 12, 31) else date(today.year, 1, 2)
    journey = Journey(page)
    field = page.get_by_label

    # 1. The secretary plans the year, today's meeting among them.
    journey.log_in("secretary", "Chefsgruppen")
    journey.go(reverse("structure:body", args=[w.group.pk]))
    journey.click("link", "Möten", exact=True)
    journey.click("link", "Skapa årsplan")
    field("År").fill(str(today.year))
    field("Mötesdatum").fill(f"{today:%Y-%m-%d}\n{other:%Y-%m-%d}")
    field("Starttid").fill("09:00")
    field("Sluttid").fill("12:00")
    field("Plats").fill("Regionhuset")
    journey.click("button", "Skapa mötena", "2 möten är planerade.")
    meeting = Meeting.objects.all().get(first_day=today)
    assert meeting.status == "planned" and meeting.kind == "minutes" and meeting.is_public

    # 2. The agenda: a public decision, an internal item, and information to be filed.
    journey.click("link", f"{today:%Y-%m-%d}", "Dagordningen är tom.")
    staff_url = page.url
    for title, kind, visibility in (
        (DECISION, "decision", "public"),
        (INTERNAL, "discussion", "internal"),
        (FILED, "information", "public"),
    ):
        journey.click("link", "Nytt ärende")
        field("Rubrik").fill(title)
        field("Typ", exact=True).select_option(kind)
        field("Synlighet").select_option(visibility)
        journey.click("button", "Spara", title)
    assert list(meeting.items.order_by("position").values_list("number", "title")) == [
        ("1", DECISION),
        ("2", INTERNAL),
        ("3", FILED),
    ]

    # 3. The invitation goes to members and the substitute who have an e-mail address.
    journey.click("link", "Skicka kallelse", "Maja Ledamot")
    journey.click("button", "Skicka kallelse", "Kallelsen är skickad till 3 mottagare.")
    assert "Saknar e-postadress och har inte fått kallelsen: Sara Ersättare." in page.inner_text("main")
    run_worker()  # the request queued one task per e-mail; the real worker sends them
    assert sorted(m.to[0] for m in mail.outbox) == [
        "adam@byn.example",
        "cecilia.chef@region.example",
        "maja.ledamot@stadby.example",
    ]
    assert all(DECISION in m.body and INTERNAL in m.body for m in mail.outbox)
    assert Meeting.objects.get(pk=meeting.pk).status == "invited"

    # 4–5. Held today; attendance from the seats, and Maja sent word that she could not come.
    journey.click("button", "Markera som genomfört", "Mötet är markerat som genomfört.")
    journey.click("button", "Hämta ledamöter och ersättare", "5 personer har lagts till i närvarolistan.")
    journey.click("link", "Ändra närvaro för Maja Ledamot")
    field("Närvaro", exact=True).select_option("absent_notice")
    journey.click("button", "Spara", "Närvaron är sparad.")
    assert Attendance.objects.get(meeting=meeting, person=w.member_person).status == "absent_notice"

    # 6. Minutes: a decision in att-clauses, an internal discussion, and item 3 filed in one click.
    journey.click("link", "Protokoll för ärende 1")
    field("Protokollstext").fill("Förvaltningen presenterade förslaget till handlingsplan.")
    field("Beslut", exact=True).fill("\n".join(CLAUSES))
    field("Utfall").select_option("handled")
    journey.click("button", "Spara", "Protokollet för ärendet är sparat.")
    journey.click("link", "Protokoll för ärende 2")
    field("Protokollstext").fill(INTERNAL_MINUTES)
    field("Utfall").select_option("handled")
    journey.click("button", "Spara", "Protokollet för ärendet är sparat.")
    journey.click("button", "Läggs till handlingarna (ärende 3)", "Ärende 3 läggs till handlingarna.")

    # 7. Chair, secretary and adjuster; the minutes wait for adjustment.
    journey.click("link", "Välj ordförande, sekreterare och justerare")
    field("Ordförande").select_option(label="Cecilia Chef")
    field("Sekreterare").select_option(label="Stina Skrivare")
    field("Adam Justerare").check()
    journey.click("button", "Spara", "Ordförande, sekreterare och justerare är sparade.")
    journey.click("button", "Protokollet är klart för justering", "Protokollet är klart och väntar på justering.")
    journey.log_out()

    # 8. The chair, then the adjuster, log in and sign; then the minutes are locked.
    for username, done in (("ordf", "Du har justerat protokollet."), ("justerare", "Alla har nu justerat")):
        journey.log_in(username, "Att justera")
        journey.click("link", f"Protokoll från Chefsgruppen {today:%Y-%m-%d}", CLAUSES[0])
        journey.click("button", "Justera", done, exact=True)
        journey.log_out()
    meeting.refresh_from_db()
    assert meeting.status == "adjusted" and meeting.is_locked and meeting.versions.count() == 1

    # 9. The secretary publishes.
    journey.log_in("secretary", "Chefsgruppen")
    journey.go(staff_url, "Publiceras senast")  # the notice goes up when published (KL 8:12), not before
    journey.click("button", "Publicera", "Protokollet är publicerat i portalen.")
    assert Meeting.objects.get(pk=meeting.pk).status == "published"
    journey.log_out()

    # 10. A visitor, without JavaScript, finds the meeting in the calendar and reads the minutes.
    static_page.goto(reverse("portal:area", args=[w.area.slug]))
    static_page.get_by_role("link", name="Möteskalender").click()
    static_page.get_by_role("link", name=f"Möte Chefsgruppen {today:%Y-%m-%d}").click()
    public_url = static_page.url
    main = static_page.inner_text("main")
    for text in (DECISION, *CLAUSES, "Anmält förhinder", "Maja Ledamot", "Internt", FILED, "Cecilia Chef"):
        assert text in main, text
    assert "att lägga informationen till handlingarna" in main
    assert INTERNAL not in main and INTERNAL_MINUTES not in main
    assert static_page.locator("ul.clauses li").all_inner_texts()[:2] == CLAUSES

    # The public PDF, fetched in the visitor's own (anonymous) browser context.
    href = static_page.get_by_role("link", name="Protokollet som PDF").get_attribute("href")
    response = static_page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages).split())
    assert DECISION in text and CLAUSES[0] in text
    assert INTERNAL not in text and INTERNAL_MINUTES not in text

    # The pages the visitor saw pass axe-core too (in the JavaScript-enabled browser, now logged out).
    journey.go(reverse("portal:area", args=[w.area.slug]))
    journey.go(reverse("meetings_public:area", args=[w.area.slug]))
    journey.go(public_url, CLAUSES[1])
    assert journey.pending is None and journey.unchecked == [], journey.unchecked
    assert len(page.axe.checked) >= 35
