"""Input that passes a browser's own checks and still makes no sense is refused where it comes in, for every form:
dates outside the years Samverkan takes (lib.years, lib.forms.PlausibleDatesMixin), and text made only of
characters that show as nothing or that reorder what follows (lib.text.trimmed, through CleanTextMixin).

Found by a session that used the demo as its users would: a meeting day of 0001-01-01 saved and then every iCal
feed of the area answered 500; a body's name of one zero-width space saved and became the public page's heading; a
principal's reference typed after a right-to-left override showed reversed on the public recommendation page."""

from datetime import date, time

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from samverkan.lib.forms import PlausibleDatesMixin
from samverkan.meetings.models import MeetingDay
from tests.followthrough_helpers import decision_item, recommend
from tests.form_fields import form_data
from tests.meetings_helpers import make_meeting
from tests.test_control_characters import FORMS

REFUSED_DATE = "Ange ett datum mellan 1900-01-01 och 2200-12-31."
REQUIRED = "Detta fält måste fyllas i."


def _date_fields(cls):
    return [name for name, f in cls.base_fields.items() if isinstance(f, forms.DateField | forms.DateTimeField)]


def test_every_form_with_a_date_field_checks_its_years():
    dated = [cls for cls in FORMS if _date_fields(cls)]
    assert len(dated) > 10
    missing = [f"{cls.__module__}.{cls.__qualname__}" for cls in dated if not issubclass(cls, PlausibleDatesMixin)]
    assert missing == []


@pytest.mark.parametrize("typed", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_a_meeting_day_outside_the_years_is_refused_and_nothing_is_saved(client, world, typed):
    meeting = make_meeting(world.group, date(2026, 3, 1))
    client.force_login(world.secretary)
    response = client.post(
        reverse("meetings:day_create", args=[meeting.pk]), {"date": typed, "start": "00:10", "end": "00:20"}
    )
    assert response.status_code == 400
    assert REFUSED_DATE in response.content.decode()
    assert [d.date for d in meeting.days.all()] == [date(2026, 3, 1)]
    edit = reverse("meetings:day_edit", args=[meeting.days.get().pk])
    assert client.post(edit, {"date": typed, "start": "10:00"}).status_code == 400
    assert [d.date for d in meeting.days.all()] == [date(2026, 3, 1)]
    # The years' ends are taken.
    for kept in ("1900-01-01", "2200-12-31"):
        assert (
            client.post(reverse("meetings:day_create", args=[meeting.pk]), {"date": kept, "start": "09:00"}).status_code
            == 302
        )


def test_a_body_established_in_year_one_is_refused_in_english_too(client, world):
    client.force_login(world.coordinator)
    url = reverse("structure:body_edit", args=[world.forum.pk])
    data = form_data(client.get(url).content.decode())
    data["established"] = ["0001-01-01"]
    response = client.post(url, data)
    assert response.status_code == 400 and REFUSED_DATE in response.content.decode()
    world.forum.refresh_from_db()
    assert world.forum.established != date(1, 1, 1)
    client.cookies["django_language"] = "en"
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enter a date between 1900-01-01 and 2200-12-31." in english


def test_the_feeds_leave_out_a_day_of_year_one_an_older_row_holds(client, world):
    """A row saved before the forms checked the years (or through the admin) no longer breaks the feeds."""
    meeting = make_meeting(world.forum, date(2026, 5, 4))
    MeetingDay.objects.create(meeting=meeting, date=date(1, 1, 1), start=time(0, 10), end=time(0, 20))
    area = world.area.slug
    for url in (f"/omrade/{area}/moten.ics", f"/omrade/{area}/organ/{world.forum.slug}/moten.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "DTSTART:20260504T070000Z" in body and "DTSTART:0001" not in body


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u2060", "\u00ad", " \u3164 ", "\u202e", "\ufeff\u2800", "\u17b4\u17b4", "\ufe0f"]
)
def test_a_name_that_shows_as_nothing_is_no_name(client, world, name):
    client.force_login(world.coordinator)
    url = reverse("structure:body_edit", args=[world.forum.pk])
    data = form_data(client.get(url).content.decode())
    before = world.forum.name
    data["name"] = [name]
    response = client.post(url, data)
    assert response.status_code == 400 and REQUIRED in response.content.decode()
    world.forum.refresh_from_db()
    assert world.forum.name == before
    # A name with such characters at its ends is saved without them; one inside a word stays.
    data["name"] = ["\u200b Sam\u00adverkansrådet\u2060 "]
    assert client.post(url, data).status_code == 302
    world.forum.refresh_from_db()
    assert world.forum.name == "Sam\u00adverkansrådet"


def test_a_reference_typed_after_an_override_is_saved_as_it_reads(client, world):
    recommendation = recommend(decision_item(world.forum))
    decision = recommendation.decisions.get(principal=world.town)
    client.force_login(world.contact)
    url = reverse("followthrough:decision_record", args=[decision.pk])
    data = {"outcome": "adopted", "decided_on": timezone.localdate().isoformat()}
    blank = client.post(url, {**data, "deciding_body": "\u200b\u2060", "reference": "KF § 12"})
    assert blank.status_code == 400 and "Ange vilket organ som fattade beslutet." in blank.content.decode()
    response = client.post(
        url, {**data, "deciding_body": "Kommun\u2066fullmäktige\u2069", "reference": "\u202eKF § 12"}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.deciding_body, decision.reference) == ("Kommunfullmäktige", "KF § 12")
    page = client.get(reverse("followthrough_public:recommendation", args=[world.area.slug, recommendation.pk]))
    assert "KF § 12" in page.content.decode() and "\u202e" not in page.content.decode()


def test_a_password_keeps_what_it_was_typed_with():
    """A password field does not strip, so the invisible characters at its ends are part of it."""
    from samverkan.lib.forms import clean_text_data
    from samverkan.structure.forms import ChoosePasswordForm

    fields = ChoosePasswordForm.base_fields
    data = clean_text_data({"new_password1": "\u200blösen\u202e "}, fields, lambda name: name)
    assert data["new_password1"] == "\u200blösen\u202e "
