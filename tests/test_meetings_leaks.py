"""Issue 9's leaks in the minutes: a correction's reason follows its item, a signer reads everything only while
their signature is awaited, and locked minutes are what was stored, whatever is renamed later."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from samverkan.meetings import actions
from samverkan.meetings.models import Meeting, MinutesVersion
from samverkan.structure.models import Person
from tests.minutes_helpers import _person, adjusted_meeting, held_meeting, seat_group
from tests.test_meetings_pdf import flat, pdf_text

CONFIDENTIAL_REASON = "Felskrivet personnummer i patientärendet"
INTERNAL_REASON = "Fel antal tjänster i personalärendet"
PUBLIC_REASON = "Stavfel i lägesbilden"


@pytest.fixture
def seats(world):
    return seat_group(world)


@pytest.fixture
def corrected(world, seats):
    """Published minutes of the group, corrected once per item: public (v2), internal (v3), confidential (v4)."""
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    for number, reason in (("1", PUBLIC_REASON), ("2", INTERNAL_REASON), ("3", CONFIDENTIAL_REASON)):
        item = meeting.items.get(number=number)
        actions.correct_minutes(item, world.secretary, minutes=item.minutes + " Rättat.", decision="", reason=reason)
    meeting.refresh_from_db()
    return meeting


def _pages(client, meeting, *, staff=False):
    """The public meeting page and every public version page (and the staff ones when `staff`), as one text."""
    area = meeting.body.area.slug
    urls = [meeting.get_absolute_url()]
    for number in meeting.versions.values_list("number", flat=True):
        urls.append(reverse("meetings_public:version", args=[area, meeting.pk, number]))
        if staff:
            urls.append(reverse("meetings:version", args=[meeting.pk, number]))
    if staff:
        urls.append(reverse("meetings:meeting", args=[meeting.pk]))
    texts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    return "\n".join(texts)


# A correction's reason ---------------------------------------------------------------------------------------


def test_each_correction_names_its_item(corrected):
    items = {v.number: v.item for v in corrected.versions.select_related("item")}
    assert items[1] is None  # the version stored at locking corrects nothing
    assert [items[n].number for n in (2, 3, 4)] == ["1", "2", "3"]


@pytest.mark.parametrize(
    "actor, shown",
    [
        ("anonymous", {PUBLIC_REASON}),
        ("outsider", {PUBLIC_REASON}),
        ("contact", {PUBLIC_REASON}),
        ("member", {PUBLIC_REASON, INTERNAL_REASON}),  # Maja sits in the group: internal, not confidential
        ("coordinator", {PUBLIC_REASON, INTERNAL_REASON, CONFIDENTIAL_REASON}),
    ],
)
def test_a_reason_is_shown_only_to_who_may_read_its_item(client, world, corrected, actor, shown):
    html = _pages(world.client_for(client, actor), corrected, staff=actor == "coordinator")
    for reason in (PUBLIC_REASON, INTERNAL_REASON, CONFIDENTIAL_REASON):
        assert (reason in html) == (reason in shown), (actor, reason)
    if len(shown) < 3:
        assert "rättelse i ett ärende som inte visas" in html


def test_a_named_reader_of_the_item_reads_its_reason(client, world, corrected):
    item = corrected.items.get(number="3")
    with actions.correcting_minutes():  # naming a reader of locked minutes, behind the workflow's back
        item.readers.add(world.member_person)
    assert CONFIDENTIAL_REASON in _pages(world.client_for(client, "member"), corrected)


def test_a_reason_whose_item_is_unknown_needs_every_item(client, world, corrected):
    with actions.correcting_minutes():
        MinutesVersion.objects.filter(meeting=corrected, number=2).update(item=None)
    for actor in ("anonymous", "member"):
        assert PUBLIC_REASON not in _pages(world.client_for(client, actor), corrected), actor
    assert PUBLIC_REASON in _pages(world.client_for(client, "coordinator"), corrected)


def test_the_migration_names_the_item_of_stored_corrections(corrected):
    with actions.correcting_minutes():
        MinutesVersion.objects.filter(meeting=corrected).update(item=None)
    migration = importlib.import_module("samverkan.meetings.migrations.0007_minutesversion_item")
    migration.corrected_items(apps, None)
    items = dict(corrected.versions.values_list("number", "item__number"))
    assert items == {1: None, 2: "1", 3: "2", 4: "3"}


def test_the_public_pdf_gives_a_reason_only_when_the_public_reads_its_item(client, world, seats):
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    url = reverse("meetings_public:pdf", args=[meeting.body.area.slug, meeting.pk])
    for number, reason, shown in (("1", PUBLIC_REASON, True), ("3", CONFIDENTIAL_REASON, False)):
        item = meeting.items.get(number=number)
        actions.correct_minutes(item, world.secretary, minutes=item.minutes + " Rättat.", decision="", reason=reason)
        text = flat(pdf_text(client.get(url))[0])
        assert (reason in text) == shown, reason
    assert "Version 3" in text


# The signing page --------------------------------------------------------------------------------------------


def _sign_page(client, meeting):
    return client.get(reverse("meetings:sign", args=[meeting.pk]))


def test_a_signer_reads_everything_only_while_their_signature_is_awaited(client, world, seats):
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[seats.adjuster])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    client.force_login(seats.chair_user)  # a member of the group: internal items, not confidential ones
    page = _sign_page(client, meeting).content.decode()
    assert "Patientärende" in page and "Känsliga uppgifter om patient." in page
    client.post(reverse("meetings:sign", args=[meeting.pk]))
    page = _sign_page(client, meeting).content.decode()
    assert "Du justerade protokollet" in page
    assert "Intern diskussion om bemanning." in page  # still theirs to read as a member
    assert "Patientärende" not in page and "Känsliga uppgifter" not in page and "Sekretess" in page
    actions.sign_minutes(meeting, seats.adjuster_user)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    page = _sign_page(client, meeting).content.decode()
    assert "Patientärende" not in page and "Känsliga uppgifter" not in page


def test_a_signer_outside_the_body_loses_the_minutes_once_signed(client, world, seats):
    meeting = held_meeting(world, seats, visibility="internal")
    guest = _person("Gustav", "Gäst", world.village, "gast")  # no seat anywhere
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=None, adjusters=[guest])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    client.force_login(guest.user)
    page = _sign_page(client, meeting).content.decode()
    assert "Intern diskussion om bemanning." in page and "Känsliga uppgifter om patient." in page
    response = client.post(reverse("meetings:sign", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meetings:to_sign")
    assert _sign_page(client, meeting).status_code == 404
    assert client.get(meeting.get_absolute_url()).status_code == 404
    # Taken back for changes, the signature is awaited again, and so is their reading.
    actions.take_step(meeting, actions.REOPEN, world.secretary)
    assert _sign_page(client, meeting).status_code == 404  # held: nothing to sign
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    assert "Känsliga uppgifter om patient." in _sign_page(client, meeting).content.decode()


# Locked minutes are what was stored ------------------------------------------------------------------------


def test_renaming_later_never_rewrites_locked_minutes(client, world, seats):
    meeting = adjusted_meeting(world, seats)
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    Person.objects.filter(pk=seats.chair.pk).update(last_name="Omdöpt")
    Person.objects.filter(pk=seats.substitute.pk).update(first_name="Sanna")
    world.group.name = "Nya chefsgruppen"
    world.group.save()
    item = meeting.items.get(number="1")
    item.title = "Ny rubrik"
    with pytest.raises(ValidationError):
        item.save()  # the lock keeps an item's title as adjusted
    public = client.get(meeting.get_absolute_url()).content.decode()
    world.client_for(client, "secretary")
    staff = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    staff = staff.split('<section class="history"')[0]  # the record's history names people as they are now
    client.force_login(seats.chair_user)
    signed = _sign_page(client, meeting).content.decode()
    for page in (public, staff, signed):
        assert "Cecilia Chef" in page and "Sara Ersättare" in page
        assert "Omdöpt" not in page and "Sanna" not in page
    for page in (public, staff):
        assert "Möte i Chefsgruppen" in page
    # Minutes not yet locked are live.
    draft = held_meeting(world, seats, days_ago=3)
    world.client_for(client, "secretary")
    assert "Sanna Ersättare" in client.get(reverse("meetings:meeting", args=[draft.pk])).content.decode()
    assert Meeting.objects.get(pk=meeting.pk).is_locked
