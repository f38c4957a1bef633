"""The secretary takes a held meeting through its minutes; the chair and an adjuster sign; a visitor reads the
published minutes without JavaScript. axe-core on every page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import Meeting
from tests.meetings_helpers import make_item, make_meeting
from tests.minutes_helpers import seat_group
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db):
    return World.build()


def _login(page, username):
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _logout(page):
    page.get_by_role("button", name="Logga ut").click()


def _check(page, text=None):
    if text is not None:
        assert text in page.inner_text("main"), page.inner_text("main")[:2000]
    page.axe.check(page)


def test_secretary_records_minutes_chair_and_adjuster_sign_and_a_visitor_reads_them(page, static_page, live_world):
    w = live_world
    seat_group(w)
    today = timezone.localdate()
    meeting = make_meeting(w.group, today, place="Regionhuset")
    make_item(meeting, "1", "Lägesbild äldreomsorg", kind="report")
    make_item(meeting, "2", "Personalärende", visibility="internal")
    staff_url = reverse("meetings:meeting", args=[meeting.pk])

    _login(page, "secretary")
    page.goto(staff_url)
    _check(page, "Markera som genomfört")
    page.get_by_role("button", name="Markera som genomfört").click()
    _check(page, "Mötet är markerat som genomfört.")

    # Attendance: everyone seated, then Maja has sent word that she cannot come.
    page.get_by_role("button", name="Hämta ledamöter och ersättare").click()
    _check(page, "5 personer har lagts till i närvarolistan.")
    page.get_by_role("link", name="Ändra närvaro för Maja Ledamot").click()
    _check(page)
    page.get_by_label("Närvaro", exact=True).select_option("absent_notice")
    page.get_by_role("button", name="Spara").click()
    _check(page, "Närvaron är sparad.")

    # Minutes and decision of item 1; item 2 is filed in one click.
    page.get_by_role("link", name="Protokoll för ärende 1").click()
    _check(page)
    page.get_by_label("Protokollstext").fill("Förvaltningen redovisade läget i äldreomsorgen.")
    page.get_by_label("Beslut", exact=True).fill("att godkänna lägesbilden\natt återkomma i juni")
    page.get_by_label("Utfall").select_option("handled")
    page.get_by_role("button", name="Spara").click()
    _check(page, "Protokollet för ärendet är sparat.")
    page.get_by_role("button", name="Läggs till handlingarna (ärende 2)").click()
    _check(page, "Ärende 2 läggs till handlingarna.")

    page.get_by_role("link", name="Välj ordförande, sekreterare och justerare").click()
    _check(page)
    page.get_by_label("Ordförande").select_option(label="Cecilia Chef")
    page.get_by_label("Sekreterare").select_option(label="Stina Skrivare")
    page.get_by_label("Adam Justerare").check()
    page.get_by_role("button", name="Spara").click()
    _check(page, "Ordförande, sekreterare och justerare är sparade.")
    page.get_by_role("button", name="Protokollet är klart för justering").click()
    _check(page, "Protokollet är klart och väntar på justering.")
    _logout(page)

    # The chair and the adjuster each log in and sign.
    for username, done in (("ordf", "Du har justerat protokollet."), ("justerare", "Alla har nu justerat")):
        _login(page, username)
        _check(page, "Att justera")
        page.get_by_role("link", name=f"Protokoll från Chefsgruppen {today:%Y-%m-%d}").click()
        _check(page, "att godkänna lägesbilden")
        page.get_by_role("button", name="Justera", exact=True).click()
        _check(page, done)
        _logout(page)

    meeting.refresh_from_db()
    assert meeting.status == "adjusted" and meeting.is_locked and meeting.versions.count() == 1

    _login(page, "secretary")
    page.goto(staff_url)
    _check(page, "Publiceras senast")  # the notice goes up when the minutes are published (KL 8:12), not before
    page.get_by_role("button", name="Publicera").click()
    _check(page, "Protokollet är publicerat i portalen.")
    assert Meeting.objects.get(pk=meeting.pk).status == "published"

    # A visitor, without JavaScript, reads the published minutes; the internal item is only "Internt".
    static_page.goto(reverse("meetings_public:area", args=[w.area.slug]))
    static_page.get_by_role("link", name=f"Möte Chefsgruppen {today:%Y-%m-%d}").click()
    main = static_page.inner_text("main")
    for text in (
        "Beslutande",
        "Cecilia Chef",
        "Anmält förhinder",
        "Förvaltningen redovisade läget i äldreomsorgen.",
        "att godkänna lägesbilden",
        "att återkomma i juni",
        "Adam Justerare",
        "Internt",
        "Anslag om justering",
        "Version 1",
    ):
        assert text in main, text
    assert "Personalärende" not in main and "lägga informationen till handlingarna" not in main
    clauses = static_page.locator("ul.clauses li").all_inner_texts()
    assert clauses == ["att godkänna lägesbilden", "att återkomma i juni"]

    _logout(page)
    page.goto(meeting.get_absolute_url())
    _check(page, "Internt")
    page.get_by_role("link", name="Version 1").click()
    _check(page, "Version 1 av 1")
    assert len(page.axe.checked) >= 18
