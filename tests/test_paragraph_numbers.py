"""Issue 10, paragraph numbers: continuous § numbers follow the meetings' dates and stay unique per body and year.

The dates are the issue's: an extra meeting on 2026-11-26 after the 2026-12-29 agenda was numbered, a second
§ 28 in 2027, and a cancelled meeting's §§ 6–12."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings import actions, numbering
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.meetings.pdf import _item_label
from tests.meetings_helpers import make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, seat_group

FORUM_MIGRATION = __import__("samverkan.meetings.migrations.0006_paragraph_series", fromlist=["x"])


def numbers(meeting):
    return list(meeting.items.order_by("position", "pk").values_list("number", flat=True))


def agenda(body, day, first, count, **fields):
    meeting = make_meeting(body, day, **fields)
    for n in range(first, first + count):
        make_item(meeting, str(n), f"Ärende {n}")
    return meeting


def sent_for_adjustment(meeting, user):
    """Notes of a held meeting made ready (the step that fixes the numbers, without signatories)."""
    Meeting.objects.filter(pk=meeting.pk).update(status="held", kind="notes")
    meeting.refresh_from_db()
    return actions.take_step(meeting, actions.DRAFTED, user)


def test_an_extra_meeting_takes_the_numbers_after_the_earlier_meetings_and_later_agendas_move_on(world):
    forum, user = world.forum, world.secretary
    october = agenda(forum, date(2026, 10, 20), 62, 8)
    sent_for_adjustment(october, user)
    december = agenda(forum, date(2026, 12, 29), 70, 8)  # provisional §§ 70–77
    extra = make_meeting(forum, date(2026, 11, 26), title="Extra möte")

    assert numbering.propose_number(extra) == "70"  # not 78: it follows the meetings before it
    for n in range(4):
        actions.add_item(extra, user, number=numbering.propose_number(extra), title=f"Extra {n}")
    assert numbers(extra) == ["70", "71", "72", "73"]
    assert numbers(december) == [str(n) for n in range(74, 82)]  # renumbered after the extra meeting
    assert december.items.first().history.first().history_change_reason == "Omnumrerat från 73 till 74"

    sent_for_adjustment(extra, user)
    assert set(extra.items.values_list("series_body", "series_year")) == {(forum.pk, 2026)}
    assert not december.items.exclude(series_year=None).exists()  # still provisional
    assert numbering.propose_number(december) == "82"


def test_fixing_renumbers_provisional_numbers_and_refuses_to_overtake_a_later_fixed_meeting(world):
    forum, user = world.forum, world.secretary
    sent_for_adjustment(agenda(forum, date(2026, 10, 20), 62, 8), user)
    typed_badly = agenda(forum, date(2026, 11, 3), 78, 2)  # typed as the old code proposed
    sent_for_adjustment(typed_badly, user)
    assert numbers(typed_badly) == ["70", "71"]  # on from § 69, no gap

    december = agenda(forum, date(2026, 12, 29), 72, 3)
    sent_for_adjustment(december, user)
    late_entry = agenda(forum, date(2026, 11, 26), 72, 2)  # entered after December's numbers were fixed
    with pytest.raises(ValidationError) as error:
        sent_for_adjustment(late_entry, user)
    assert "mötet 2026-12-29 har redan fastställt § 72" in error.value.messages[0]
    assert not late_entry.items.exclude(series_year=None).exists()


def test_a_fixed_number_is_used_once_per_body_and_year(world):
    forum, user = world.forum, world.secretary
    february = agenda(forum, date(2027, 2, 10), 27, 2)
    numbering.fix_numbers(february, user)
    april = agenda(forum, date(2027, 4, 14), 28, 1)  # a second § 28, typed on a provisional agenda
    numbering.fix_numbers(april, user)
    assert numbers(april) == ["29"]

    second = AgendaItem(meeting=april, number="28", title="Igen", series_body=forum, series_year=2027, position=9)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.message_dict["number"] == ["§ 28 är redan använd i organets protokoll för 2027."]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=april, number="28", title="Förbi formuläret", position=9,
                                  series_body=forum, series_year=2027)  # fmt: skip
    # The same number in another body, or in another year, is another paragraph.
    other = agenda(world.group, date(2027, 2, 10), 28, 1)
    numbering.fix_numbers(other, user)
    next_year = agenda(forum, date(2028, 2, 10), 28, 1)
    numbering.fix_numbers(next_year, user)
    assert numbers(other) == numbers(next_year) == ["28"]


def test_a_cancelled_meeting_releases_its_numbers(client, world):
    forum, user = world.forum, world.secretary
    agenda(forum, date(2027, 1, 20), 1, 5)
    march = agenda(forum, date(2027, 3, 3), 6, 7)  # §§ 6–12
    may = agenda(forum, date(2027, 5, 5), 13, 3)
    actions.take_step(march, actions.CANCEL, user)
    assert numbers(may) == ["6", "7", "8"]
    client.force_login(world.coordinator)
    for url in (reverse("meetings:meeting", args=[march.pk]), march.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Ärende 6" in html and "§\xa06" not in html  # the released numbers are not shown any more
    assert numbering.propose_number(make_meeting(forum, date(2027, 6, 9))) == "9"

    actions.take_step(Meeting.objects.get(pk=march.pk), actions.PLAN, user)  # planned again: back in line
    assert numbers(march) == [str(n) for n in range(6, 13)]
    assert numbers(may) == ["13", "14", "15"]


def test_per_meeting_numbering_has_no_series(world):
    group = world.group
    group.numbering = "per_meeting"
    group.save()
    meeting = agenda(group, date(2026, 11, 26), 1, 2)
    make_item(meeting, "2.1", "Underpunkt")
    numbering.fix_numbers(meeting, world.secretary)
    assert numbers(meeting) == ["1", "2", "2.1"] and not meeting.items.exclude(series_year=None).exists()


@pytest.mark.parametrize(
    ("typed", "continuous", "stored"),
    [("§ 40", True, "40"), ("§§40.", True, "40"), (" 040 ", True, "40"), ("2.1", False, "2.1"), ("12a", False, "12a")],
)
def test_numbers_are_stored_as_digits(typed, continuous, stored):
    assert numbering.clean_number(typed, continuous=continuous) == stored


@pytest.mark.parametrize(
    ("typed", "continuous"), [("abc", True), ("12a", True), ("0", True), ("4-5", False), ("", False)]
)
def test_anything_else_is_refused_in_swedish(typed, continuous):
    with pytest.raises(ValidationError) as error:
        numbering.clean_number(typed, continuous=continuous)
    assert error.value.messages[0].startswith(("Paragrafnumret ska vara ett heltal", "Numret ska vara siffror"))


def test_the_staff_form_takes_paragraph_40_as_40_and_refuses_abc(client, world):
    meeting = make_meeting(world.forum, date(2026, 11, 26))
    december = agenda(world.forum, date(2026, 12, 29), 40, 2)
    client.force_login(world.coordinator)
    url = reverse("meetings:item_create", args=[meeting.pk])
    # December comes after and starts the year's series at § 40 (taken into use mid-year), so § 40 is offered.
    assert 'name="number" value="40"' in client.get(url).content.decode()
    data = {"position": "1", "title": "Lägesbild", "kind": "information", "visibility": "public"}
    assert client.post(url, {**data, "number": "§ 40"}).status_code == 302
    refused = client.post(url, {**data, "number": "abc", "title": "Annat"})
    assert refused.status_code == 400 and "Paragrafnumret ska vara ett heltal" in refused.content.decode()
    assert "Numret ska vara siffror" not in refused.content.decode()  # one clear message, not two
    assert numbers(meeting) == ["40"]
    assert numbers(december) == ["41", "42"]  # moved on by the new item before it
    assert client.post(url, {**data, "number": "41", "title": "Som föreslaget"}).status_code == 302
    assert numbers(december) == ["42", "43"]


def test_a_number_is_never_shown_with_two_paragraph_signs(client, world):
    assert numbering.paragraph_label("§ 40", True) == numbering.paragraph_label("40", True) == "§ 40"
    assert numbering.paragraph_label("2.1", False) == "2.1"
    assert _item_label("§ 40", "continuous") == "§ 40"  # the PDF, also from a stored version with "§ 40"
    meeting = make_meeting(world.forum, date(2026, 11, 26))
    make_item(meeting, "§ 40", "Gammalt nummer")  # as old data may hold it
    client.force_login(world.coordinator)
    pages = [
        client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode(),
        client.get(meeting.get_absolute_url()).content.decode(),
    ]
    for html in pages:
        assert "§\xa040" in html and "§\xa0§" not in html and "§&nbsp;§" not in html


def test_an_item_is_deleted_with_confirmation_until_the_minutes_are_locked(client, world):
    forum = world.forum
    meeting = agenda(forum, date(2026, 11, 26), 70, 3)
    december = agenda(forum, date(2026, 12, 29), 73, 2)
    middle = meeting.items.get(number="71")
    client.force_login(world.coordinator)
    url = reverse("meetings:item_remove", args=[middle.pk])
    page = client.get(url).content.decode()
    assert "Ta bort ärende §\xa071 Ärende 71?" in page and 'method="post"' in page
    response = client.post(url, follow=True)
    assert "är borttaget; dess nummer är frigjort" in response.content.decode()
    assert numbers(meeting) == ["70", "72"] and numbers(december) == ["73", "74"]
    assert numbering.propose_number(december) == "75"
    assert AgendaItem.history.filter(id=middle.pk, history_type="-").exists()


def test_an_item_of_locked_minutes_is_not_deleted(client, world):
    locked = adjusted_meeting(world, seat_group(world))
    item = locked.items.first()
    client.force_login(world.coordinator)
    url = reverse("meetings:item_remove", args=[item.pk])
    assert "Protokollet är låst" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    said = page_messages(response)
    assert said == ["Protokollet är låst, så ärendet kan inte tas bort. Inget har ändrats."]  # said once
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_migration_fixes_sent_minutes_once_per_number(world):
    forum = world.forum
    first = agenda(forum, date(2027, 2, 10), 27, 2, status="adjusted")
    make_item(first, "§ 30", "Med tecken")
    again = agenda(forum, date(2027, 4, 14), 28, 2, status="published")  # a second § 28 in old data
    planned = agenda(forum, date(2027, 5, 5), 30, 1)
    AgendaItem.objects.filter(meeting__in=[first, again]).update(series_body=None, series_year=None)
    FORUM_MIGRATION.fix_existing_numbers(apps, None)
    fixed = dict(AgendaItem.objects.exclude(series_year=None).values_list("pk", "meeting"))
    assert numbers(first) == ["27", "28", "30"]
    assert sorted(fixed.values()) == [first.pk] * 3 + [again.pk]  # § 28 stays fixed at February only
    assert again.items.get(number="29").pk in fixed and planned.pk not in fixed.values()


def test_imported_minutes_keep_their_numbers_unless_the_series_has_them(world):
    forum = world.forum
    numbering.fix_numbers(agenda(forum, date(2026, 3, 1), 1, 5), world.secretary)
    imported = agenda(forum, date(2026, 4, 1), 6, 3, status="drafted")
    make_item(imported, "8a", "Tilläggsärende")
    numbering.claim_numbers(imported)
    assert dict(imported.items.values_list("number", "series_year")) == {"6": 2026, "7": 2026, "8": 2026, "8a": None}
    clash = agenda(forum, date(2026, 5, 1), 7, 2, status="drafted")
    with pytest.raises(ValidationError) as error:
        numbering.claim_numbers(clash)
    assert error.value.messages == ["§ 7, § 8 finns redan i organets protokoll för 2026. Inget har sparats."]


def test_a_cancelled_first_meeting_of_the_year_leaves_the_series_starting_at_1(world):
    """The demo's CGH: the year's first meeting (§§ 1–8 on its draft agenda) is cancelled; the next one starts at
    § 1, not on after the cancelled numbers, whichever path numbers it (settling, proposing, fixing)."""
    forum, user = world.forum, world.secretary
    february = agenda(forum, date(2027, 2, 2), 1, 8)
    march = agenda(forum, date(2027, 3, 16), 9, 7)
    actions.take_step(february, actions.CANCEL, user)
    assert numbers(march) == [str(n) for n in range(1, 8)]
    assert numbering.propose_number(make_meeting(forum, date(2027, 2, 20))) == "1"

    # Numbers typed before the cancellation and never settled are fixed from § 1 too.
    april = agenda(forum, date(2027, 4, 20), 30, 2)
    AgendaItem.objects.filter(meeting=march).delete()
    sent_for_adjustment(april, user)
    assert numbers(april) == ["1", "2"]


def test_the_series_may_start_mid_year_once_when_samverkan_is_taken_into_use(world):
    forum, user = world.forum, world.secretary
    go_live = agenda(forum, date(2026, 5, 26), 23, 3)  # the minutes before were kept elsewhere
    june = agenda(forum, date(2026, 6, 23), 40, 2)
    actions.take_step(go_live, actions.CANCEL, user)
    assert numbers(june) == ["23", "24"]
    assert numbering.propose_number(make_meeting(forum, date(2026, 6, 1))) == "23"


def test_imported_minutes_move_the_later_provisional_agendas_on(world):
    forum = world.forum
    march = agenda(forum, date(2027, 3, 3), 1, 3)  # planned while the year's earlier minutes were on paper
    imported = agenda(forum, date(2027, 1, 20), 1, 5, status="drafted")
    numbering.claim_numbers(imported, world.secretary)
    assert numbers(imported) == ["1", "2", "3", "4", "5"] and numbers(march) == ["6", "7", "8"]


ITEM = {"title": "Nytt ärende", "kind": "information", "visibility": "public"}


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_a_typed_provisional_number_puts_the_item_at_that_place_and_says_what_moved(client, world):
    forum = world.forum
    january = agenda(forum, date(2027, 1, 20), 1, 4)
    march = agenda(forum, date(2027, 3, 3), 5, 8)  # §§ 5–12
    may = agenda(forum, date(2027, 5, 5), 13, 2)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("meetings:item_create", args=[march.pk]), {**ITEM, "number": "§ 7", "position": "99"}, follow=True
    )
    assert response.status_code == 200
    titles = list(march.items.order_by("position").values_list("number", "title"))
    assert titles[2] == ("7", "Nytt ärende") and numbers(march) == [str(n) for n in range(5, 14)]
    assert numbers(may) == ["14", "15"] and numbers(january) == ["1", "2", "3", "4"]
    said = page_messages(response)
    assert "Omnumrerat på dagordningen för mötet 2027-03-03: § 7–12 är nu § 8–13." in said
    assert "Omnumrerat på dagordningen för mötet 2027-05-05: § 13–14 är nu § 14–15." in said
    moved = march.items.get(title="Ärende 7")
    assert moved.history.first().history_change_reason == "Omnumrerat från 7 till 8"

    # Changing an item's number moves it there: § 5 typed as 9 goes after the old §§ 6–9.
    first = march.items.get(number="5")
    data = {**ITEM, "title": first.title, "number": "9", "position": first.position}
    assert client.post(reverse("meetings:item_edit", args=[first.pk]), data).status_code == 302
    assert march.items.order_by("position").values_list("title", flat=True)[4] == "Ärende 5"
    assert numbers(march) == [str(n) for n in range(5, 14)]


def test_a_number_of_another_meeting_is_refused_with_the_numbers_this_one_may_take(client, world):
    forum = world.forum
    agenda(forum, date(2027, 1, 20), 1, 4)
    march = agenda(forum, date(2027, 3, 3), 5, 3)
    agenda(forum, date(2027, 5, 5), 8, 2)
    client.force_login(world.coordinator)
    url = reverse("meetings:item_create", args=[march.pk])
    for typed, said in [
        ("2", "§ 2 hör till mötet 2027-01-20. Paragraferna följer mötenas datum, så ärendet kan här få § 5–8"),
        ("9", "§ 9 hör till mötet 2027-05-05."),
        ("40", "§ 40 skulle lämna en lucka i numreringen. Ärendet kan här få § 5–8"),
    ]:
        response = client.post(url, {**ITEM, "number": typed, "position": "1"})
        assert response.status_code == 400 and said in response.content.decode(), typed
    assert numbers(march) == ["5", "6", "7"]


def test_moving_an_item_renumbers_the_provisional_agenda_in_its_new_order(client, world):
    march = agenda(world.forum, date(2027, 3, 3), 1, 3)
    last = march.items.get(number="3")
    client.force_login(world.coordinator)
    data = {**ITEM, "title": last.title, "number": "3", "position": "0"}
    assert client.post(reverse("meetings:item_edit", args=[last.pk]), data).status_code == 302
    assert list(march.items.order_by("position", "pk").values_list("title", "number")) == [
        ("Ärende 3", "1"), ("Ärende 1", "2"), ("Ärende 2", "3"),
    ]  # fmt: skip


def test_renumbering_a_sent_agenda_warns_the_secretary_and_the_meeting_page_keeps_saying_so(client, world):
    forum = world.forum
    november = agenda(forum, date(2026, 11, 10), 60, 2)
    december = agenda(forum, date(2026, 12, 29), 62, 3)
    Meeting.objects.filter(pk=december.pk).update(status="invited", invited_at=timezone.now())
    client.force_login(world.coordinator)
    page = reverse("meetings:meeting", args=[december.pk])
    assert "omnumrerats" not in client.get(page).content.decode()
    response = client.post(
        reverse("meetings:item_create", args=[november.pk]), {**ITEM, "number": "62", "position": "3"}, follow=True
    )
    assert numbers(december) == ["63", "64", "65"]
    assert (
        "Dagordningen för mötet 2026-12-29 har omnumrerats efter utskicket: § 62–64 är nu § 63–65. Ledamöterna "
        "har kallelsen med de gamla numren; skicka en ny kallelse från mötets sida." in page_messages(response)
    )
    html = client.get(page).content.decode()
    assert "Dagordningen har omnumrerats efter utskicket: § 62–64 är nu § 63–65." in html
    assert reverse("meetings:invitation_send", args=[december.pk]) in html
    # A new invitation sends the new numbers: the warning goes.
    Meeting.objects.filter(pk=december.pk).update(invited_at=timezone.now())
    assert "omnumrerats" not in client.get(page).content.decode()


def test_describe_folds_runs():
    assert numbering.describe([("5", "6"), ("6", "7"), ("9", "8")]) == "§ 5–6 är nu § 6–7, § 9 är nu § 8"


def test_workflow_steps_that_renumber_say_so_like_the_item_save(client, world):
    """Cancelling, planning again and sending for adjustment (which fixes the numbers) name what moved."""
    forum = world.forum
    agenda(forum, date(2027, 1, 20), 1, 5)
    march = agenda(forum, date(2027, 3, 3), 6, 7)  # §§ 6–12
    agenda(forum, date(2027, 5, 5), 13, 3)
    client.force_login(world.coordinator)
    step = reverse("meetings:step", args=[march.pk])

    said = page_messages(client.post(step, {"step": actions.CANCEL}, follow=True))
    assert said == ["Mötet är inställt.", "Omnumrerat på dagordningen för mötet 2027-05-05: § 13–15 är nu § 6–8."]
    said = page_messages(client.post(step, {"step": actions.PLAN}, follow=True))
    assert said == ["Mötet är planerat igen.", "Omnumrerat på dagordningen för mötet 2027-05-05: § 6–8 är nu § 13–15."]

    sent_for_adjustment(agenda(forum, date(2026, 10, 20), 62, 8), world.secretary)
    typed_badly = agenda(forum, date(2026, 11, 3), 78, 2, status="held", kind="notes")
    december = agenda(forum, date(2026, 12, 29), 80, 1)
    Meeting.objects.filter(pk=december.pk).update(invited_at=timezone.now())  # its agenda has gone out
    response = client.post(reverse("meetings:step", args=[typed_badly.pk]), {"step": actions.DRAFTED}, follow=True)
    assert page_messages(response) == [
        "Anteckningarna är klara att publicera.",
        "Omnumrerat på dagordningen för mötet 2026-11-03: § 78–79 är nu § 70–71.",
        "Dagordningen för mötet 2026-12-29 har omnumrerats efter utskicket: § 80 är nu § 72. Ledamöterna har "
        "kallelsen med de gamla numren; skicka en ny kallelse från mötets sida.",
    ]
