"""Locked minutes cannot change by any route — staff forms, staff buttons, the Django admin, the ORM — except
a correction, which is a new version."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings import actions
from samverkan.meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Meeting,
    MeetingDay,
    MinutesVersion,
    Signatory,
    correcting_minutes,
)
from tests.conftest import shared_fixture
from tests.form_fields import form_data
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, seat_group

LOCKED = "Protokollet är låst"


@shared_fixture
def locked(world):
    seats = seat_group(world)
    meeting = adjusted_meeting(world, seats)
    meeting.seats = seats
    return meeting


def _snapshot(meeting):
    """Everything the minutes consist of, read straight from the database."""
    m = Meeting.objects.filter(pk=meeting.pk)
    return (
        list(m.values_list("title", "kind", "place", "status", "chair", "secretary", "locked_at", "notice_date")),
        list(MeetingDay.objects.filter(meeting=meeting).order_by("pk").values_list("date", "start", "end")),
        list(
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("pk")
            .values_list("number", "title", "minutes", "decision", "outcome", "visibility")
        ),
        list(
            Attendance.objects.filter(meeting=meeting)
            .order_by("pk")
            .values_list("person", "status", "group", "note", "days", "not_during")
        ),
        list(Signatory.objects.filter(meeting=meeting).order_by("pk").values_list("person", "role", "signed_at")),
        list(MinutesVersion.objects.filter(meeting=meeting).values_list("number", "reason")),
    )


# Staff forms and buttons ---------------------------------------------------------------------------------


def test_every_staff_form_refuses_locked_minutes_and_says_why(client, world, locked):
    before = _snapshot(locked)
    item = locked.items.get(number="1")
    row = locked.attendance.first()
    day = locked.days.get()
    posts = {
        "day_create": (locked.pk, {"date": "2030-01-01", "start": "09:00"}),
        "day_edit": (day.pk, {"date": day.date.isoformat(), "start": "10:00"}),
        "item_create": (locked.pk, {"number": "9", "position": "9", "title": "Tillagt", "kind": "information"}),
        "item_edit": (
            item.pk,
            {"number": "1", "position": "1", "title": "Ändrad", "kind": "information", "visibility": "public"},
        ),
        "item_minutes": (item.pk, {"minutes": "Ändrad text", "decision": "att ändra", "outcome": "handled"}),
        "attendance_edit": (row.pk, {"status": "absent", "group": "voting"}),
        "attendance_create": (locked.pk, {"person": world.insider.pk, "status": "present", "group": "other"}),
        "signatories": (locked.pk, {"chair": locked.seats.adjuster.pk}),
    }
    client.force_login(world.secretary)
    for name, (pk, data) in posts.items():
        data.setdefault("visibility", "public")
        response = client.post(reverse(f"meetings:{name}", args=[pk]), data)
        html = response.content.decode()
        assert response.status_code == 400, name
        assert "Inget har sparats" in html and LOCKED in html, name
    assert _snapshot(locked) == before


def test_the_meeting_form_of_locked_minutes_offers_only_the_visibility(client, world, locked):
    client.force_login(world.secretary)
    url = reverse("meetings:meeting_edit", args=[locked.pk])
    html = client.get(url).content.decode()
    assert 'name="visibility"' in html and 'name="place"' not in html and 'name="title"' not in html
    data = {"title": "Nytt", "kind": "notes", "place": "Annat", "visibility": "internal"}
    assert client.post(url, data).status_code == 302
    locked.refresh_from_db()
    assert (locked.visibility, locked.place, locked.title, locked.kind) == ("internal", "Regionhuset", "", "minutes")


def test_every_staff_button_refuses_locked_minutes(client, world, locked):
    deferred = make_item(
        make_meeting(world.group, locked.days.get().date - timedelta(days=20)), "7", "Bordlagt", outcome="deferred"
    )
    before = _snapshot(locked)
    item = locked.items.get(number="2")
    buttons = [
        reverse("meetings:attendance_fetch", args=[locked.pk]),
        reverse("meetings:attendance_remove", args=[locked.attendance.first().pk]),
        reverse("meetings:item_file", args=[item.pk]),
        reverse("meetings:take_up", args=[locked.pk, deferred.pk]),
        reverse("meetings:day_remove", args=[locked.days.get().pk]),
    ]
    client.force_login(world.secretary)
    for url in buttons:
        response = client.post(url, follow=True)
        assert response.status_code == 200, url
        assert LOCKED in response.content.decode() and "Inget har ändrats." in response.content.decode(), url
    assert _snapshot(locked) == before


# The Django admin ----------------------------------------------------------------------------------------


def _admin_post(client, model, obj, **changes):
    url = reverse(f"admin:meetings_{model}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode())  # the admin's change form
    data.update({k: [str(v)] for k, v in changes.items()})
    return client.post(url, data)


@pytest.mark.parametrize(
    ("model", "change"),
    [
        ("agendaitem", {"minutes": "Ändrat i admin"}),
        ("agendaitem", {"title": "Ny rubrik"}),
        ("attendance", {"status": "absent"}),
        ("signatory", {"role": "adjuster"}),
        ("meeting", {"place": "Någon annanstans"}),
        ("meeting", {"status": "drafted"}),
    ],
)
def test_the_admin_change_view_shows_the_lock_and_changes_nothing(client, world, locked, model, change):
    obj = {
        "agendaitem": locked.items.get(number="1"),
        "attendance": locked.attendance.first(),
        "signatory": locked.signatories.get(role="chair"),
        "meeting": locked,
    }[model]
    before = _snapshot(locked)
    client.force_login(world.admin)
    response = _admin_post(client, model, obj, **change)
    assert response.status_code == 200  # the form again, with the error
    assert LOCKED in response.content.decode()
    assert _snapshot(locked) == before


def test_the_admin_still_saves_what_is_not_part_of_the_minutes(client, world, locked):
    client.force_login(world.admin)
    response = _admin_post(client, "meeting", locked, visibility="internal")
    assert response.status_code == 302, response.content.decode()[:3000]
    locked.refresh_from_db()
    assert locked.visibility == "internal"


def test_the_admin_offers_no_delete_for_locked_minutes(client, world, locked):
    client.force_login(world.admin)
    item = locked.items.get(number="1")
    for model, obj in (("agendaitem", item), ("meeting", locked), ("attendance", locked.attendance.first())):
        assert client.get(reverse(f"admin:meetings_{model}_delete", args=[obj.pk])).status_code == 403
        assert client.post(reverse(f"admin:meetings_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:meetings_agendaitem_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"})
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    version = locked.versions.get()
    assert client.get(reverse("admin:meetings_minutesversion_change", args=[version.pk])).status_code == 200
    response = client.post(reverse("admin:meetings_minutesversion_change", args=[version.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert client.get(reverse("admin:meetings_minutesversion_delete", args=[version.pk])).status_code == 403


@pytest.fixture
def locked_documents(locked):
    """A document of an item of the locked minutes and one of the meeting as a whole (made through the one
    sanctioned way past the lock, as a correction would)."""
    with correcting_minutes():
        on_item = make_document(locked, "Bilaga till beslutet", item=locked.items.get(number="1"))
    whole = make_document(locked, "Presentation")
    return on_item, whole


def _documents(meeting):
    return list(Document.objects.filter(meeting=meeting).order_by("pk").values_list("pk", "title", "item", "number"))


def test_the_admin_keeps_documents_of_locked_items(client, world, locked, locked_documents):
    """A superuser in /admin/ can neither change nor delete (one by one or in bulk, nor move off its item) a
    document of an item of locked minutes; a document of the meeting as a whole stays free."""
    on_item, whole = locked_documents
    before = _documents(locked)
    client.force_login(world.admin)
    for change in ({"title": "Ändrad i admin"}, {"item": ""}, {"number": "Bilaga 9"}):
        response = _admin_post(client, "document", on_item, uploaded_by=world.admin.pk, **change)
        assert response.status_code == 200, change  # the form again, with the lock's message
        assert LOCKED in response.content.decode()
    delete = reverse("admin:meetings_document_delete", args=[on_item.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:meetings_document_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [on_item.pk, whole.pk], "post": "yes"}
    )
    assert response.status_code == 403  # Django's bulk delete refuses when any object may not be deleted
    assert _documents(locked) == before
    # Moving a free document onto a locked item is refused too; changing it otherwise is not.
    response = _admin_post(client, "document", whole, item=on_item.item_id, uploaded_by=world.admin.pk)
    assert LOCKED in response.content.decode()
    assert _admin_post(client, "document", whole, title="Ny titel", uploaded_by=world.admin.pk).status_code == 302
    assert Document.objects.get(pk=whole.pk).title == "Ny titel"
    assert client.post(reverse("admin:meetings_document_delete", args=[whole.pk]), {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(pk=whole.pk).exists()


def test_documents_of_locked_items_refuse_the_orm(world, locked, locked_documents):
    on_item, whole = locked_documents
    on_item.title = "Ändrad direkt"
    _refused(on_item.save)
    _refused(on_item.delete)
    _refused(lambda: Document.objects.filter(pk=on_item.pk).delete())
    _refused(lambda: Document.objects.filter(meeting=locked).update(title="x"))
    _refused(lambda: on_item.readers.add(world.insider))
    whole.item = on_item.item
    _refused(whole.save)
    Document.objects.filter(pk=on_item.pk).update(text="omläst text")  # the search text stays free


# The ORM -------------------------------------------------------------------------------------------------


def _refused(action):
    # A savepoint per attempt: a refused QuerySet.delete() spoils the transaction it ran in.
    with pytest.raises(ValidationError) as error, transaction.atomic():
        action()
    assert LOCKED in " ".join(error.value.messages)


def test_direct_saves_and_deletes_are_refused(world, locked):
    before = _snapshot(locked)
    item = locked.items.get(number="1")
    row = locked.attendance.first()
    signatory = locked.signatories.first()
    day = locked.days.get()

    item.minutes = "Ändrad direkt"
    _refused(item.save)
    _refused(item.delete)
    _refused(lambda: AgendaItem.objects.filter(meeting=locked).delete())
    _refused(lambda: AgendaItem(meeting=locked, number="9", title="Ny").save())
    row.status = "absent"
    _refused(row.save)
    _refused(row.delete)
    _refused(lambda: row.days.add(day))
    _refused(lambda: row.not_during.add(item))
    _refused(lambda: Attendance(meeting=locked, person=world.insider).save())
    signatory.signed_at = None
    _refused(signatory.save)
    _refused(signatory.delete)
    day.start = "13:00"
    _refused(day.save)
    _refused(day.delete)
    _refused(lambda: MeetingDay(meeting=locked, date="2031-01-01", start="09:00").save())
    fresh = Meeting.objects.get(pk=locked.pk)
    fresh.place = "Annan plats"
    _refused(fresh.save)
    fresh = Meeting.objects.get(pk=locked.pk)
    fresh.locked_at = None
    _refused(fresh.save)
    _refused(Meeting.objects.get(pk=locked.pk).delete)
    # Bulk updates pass by save(), and are refused too.
    _refused(lambda: AgendaItem.objects.filter(meeting=locked).update(minutes="Ändrad i bulk"))
    _refused(lambda: Attendance.objects.filter(meeting=locked).update(status="absent"))
    _refused(lambda: Signatory.objects.filter(meeting=locked).update(signed_at=None))
    _refused(lambda: MeetingDay.objects.filter(meeting=locked).update(start="13:00"))
    _refused(lambda: Meeting.objects.filter(pk=locked.pk).update(place="Annan plats"))
    _refused(lambda: Meeting.objects.filter(pk=locked.pk).update(locked_at=None))
    _refused(lambda: Meeting.objects.filter(pk=locked.pk).update(status="held"))
    # Moving an item out of locked minutes is a change to them too.
    item = AgendaItem.objects.get(pk=item.pk)
    item.meeting = make_meeting(world.group, timezone.localdate())
    _refused(item.save)
    assert _snapshot(locked) == before


def test_versions_never_change(world, locked):
    version = locked.versions.get()
    version.reason = "Ändrat"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError), transaction.atomic():
        version.delete()
    with pytest.raises(ValidationError), transaction.atomic():
        MinutesVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ValidationError):
        MinutesVersion.objects.filter(pk=version.pk).update(reason="Ändrat i bulk")
    assert MinutesVersion.objects.get(pk=version.pk).reason == ""


def test_publishing_locked_minutes_is_allowed_and_changes_nothing_in_them(world, locked):
    before = _snapshot(locked)
    actions.take_step(locked, actions.PUBLISH, world.secretary)
    locked.refresh_from_db()
    assert locked.status == "published"
    after = _snapshot(locked)
    assert after[0][0][3] == "published" and after[1:] == before[1:]


def test_the_correction_path_is_the_only_way_through(world, locked):
    item = locked.items.get(number="1")
    with correcting_minutes():
        item.minutes = "Rättad"
        item.save()
    item.minutes = "Igen"
    _refused(item.save)  # the permission ended with the block
    actions.correct_minutes(item, world.secretary, minutes="Rättad två", decision="", reason="Skäl")
    assert locked.versions.count() == 2


def test_unlocked_minutes_change_freely(world):
    meeting = make_meeting(world.group, timezone.localdate())
    item = make_item(meeting, "1", "Öppet")
    item.minutes = "Text"
    item.save()
    item.delete()
    meeting.place = "Ny plats"
    meeting.save()


def test_a_form_checked_before_the_minutes_closed_saves_nothing(world):
    """The staff form saves run under the meeting's row lock and check again there: minutes that became drafted
    (or locked) between the form's validation and the save are not changed."""
    from samverkan.meetings.forms import ItemMinutesForm

    meeting = make_meeting(world.group, timezone.localdate() - timedelta(days=1), status="held")
    item = make_item(meeting, "1", "Lägesbild")
    data = {"minutes": "Ny text", "outcome": "handled"}
    form = ItemMinutesForm(data, instance=item, meeting=meeting, user=world.secretary)
    assert form.is_valid(), form.errors
    Meeting.objects.filter(pk=meeting.pk).update(status="drafted")  # someone else took the step meanwhile
    with pytest.raises(ValidationError, match="väntar på justering"):
        actions.save_item(meeting, form, world.secretary)
    item.refresh_from_db()
    assert item.minutes == "" and not item.history.filter(history_user=world.secretary).exists()
