"""Issue 10: a document of locked minutes that should not be public (wrongly attached, or holding a personal
identity number) is made internal or confidential through a recorded correction: a reason, the document's
history and a new version of the minutes. Only tightening, never opening."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samverkan.meetings import actions
from samverkan.meetings.lock import correcting_minutes
from samverkan.meetings.models import Document
from tests.meetings_helpers import make_document
from tests.minutes_helpers import adjusted_meeting, seat_group

REASON = "Handlingen innehöll ett personnummer"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published(world):
    meeting = adjusted_meeting(world, seat_group(world))
    with correcting_minutes():  # attached before the minutes were locked
        document = make_document(meeting, "Ansökan", item=meeting.items.get(number="1"))
    Document.objects.filter(pk=document.pk).update(text_state="read", text="Ansökan om medel")
    actions.take_step(meeting, actions.PUBLISH, world.secretary)
    meeting.refresh_from_db()
    return meeting, document


def download_url(meeting, document):
    return reverse("meetings_public:document", args=[meeting.body.area.slug, meeting.pk, document.pk])


def test_a_public_document_of_locked_minutes_is_made_confidential_by_a_recorded_correction(client, world, published):
    meeting, document = published
    public_url = download_url(meeting, document)
    assert client.get(public_url).status_code == 200
    client.force_login(world.secretary)
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    url = reverse("meetings:document_correct", args=[document.pk])
    assert url in page

    form = client.get(url).content.decode()
    assert 'value="confidential"' in form and 'value="public"' not in form  # only stricter levels are offered
    assert client.post(url, {"visibility": "public", "reason": REASON}).status_code == 400
    assert client.post(url, {"visibility": "confidential", "reason": " "}).status_code == 400
    response = client.post(url, {"visibility": "confidential", "reason": REASON}, follow=True)
    assert "Rättelsen är sparad som version 2." in response.content.decode()

    document.refresh_from_db()
    assert document.visibility == "confidential"
    assert document.history.first().history_change_reason == REASON
    version = meeting.versions.get(number=2)
    assert (version.document_id, version.item_id, version.reason) == (document.pk, document.item_id, REASON)
    staff_version = client.get(reverse("meetings:version", args=[meeting.pk, 2])).content.decode()
    assert REASON in staff_version

    client.logout()
    assert client.get(public_url).status_code == 404
    public_version = reverse("meetings_public:version", args=[meeting.body.area.slug, meeting.pk, 2])
    html = client.get(public_version).content.decode()
    assert REASON not in html and "Ansökan" not in client.get(meeting.get_absolute_url()).content.decode()


def test_a_correction_only_tightens_and_needs_locked_minutes_and_a_reason(world, published):
    meeting, document = published
    actions.correct_document(document, world.secretary, visibility="internal", reason="Fel bilaga")
    for visibility in ("public", "internal"):
        with pytest.raises(ValidationError) as error:
            actions.correct_document(document, world.secretary, visibility=visibility, reason="Öppna")
        assert error.value.messages == ["Synligheten kan bara skärpas i ett låst protokoll, aldrig öppnas."]
    with pytest.raises(ValidationError):
        actions.correct_document(document, world.secretary, visibility="confidential", reason="")
    assert meeting.versions.count() == 2
    document.refresh_from_db()
    assert document.visibility == "internal"
