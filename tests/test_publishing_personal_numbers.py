"""Issue 10: an agenda, minutes or a document with a personal identity number is not published until the number is
removed or the item or document is made confidential; the import preview warns."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverkan.lib.forms import VERSION_FIELD
from samverkan.meetings import actions
from samverkan.meetings.invitations import NotInvitable
from samverkan.meetings.models import AgendaItem, Invitation, Meeting
from tests import sample_files
from tests.importer_helpers import MADE_UP, upload
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.minutes_helpers import held_meeting, seat_group
from tests.test_meetings_documents import upload as upload_document

NUMBER = "640823-3234"  # Skatteverket's example; passes the Luhn check


def test_publishing_minutes_stops_until_the_number_is_corrected_away(client, world):
    seats = seat_group(world)
    meeting = held_meeting(world, seats)
    AgendaItem.objects.filter(meeting=meeting, number="1").update(minutes=f"Ansökan från {NUMBER} behandlades.")
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=seats.secretary, adjusters=[])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    actions.sign_minutes(meeting, seats.chair_user)
    client.force_login(world.coordinator)

    response = client.post(reverse("meetings:step", args=[meeting.pk]), {"step": "published"}, follow=True)
    page = response.content.decode()
    assert "Publiceringen stoppades: personnummer eller samordningsnummer finns i §\xa01 Lägesbild" not in page
    assert "Publiceringen stoppades: personnummer eller samordningsnummer finns i § 1 Lägesbild äldreomsorg." in page
    assert Meeting.objects.get(pk=meeting.pk).status == "adjusted"
    # The confidential item 3 is not named even if it held one; correcting item 1 lets the minutes out.
    item = meeting.items.get(number="1")
    actions.correct_minutes(item, world.secretary, minutes="Ansökan behandlades.", decision=item.decision,
                            reason="Personnummer borttaget")  # fmt: skip
    actions.take_step(Meeting.objects.get(pk=meeting.pk), actions.PUBLISH, world.coordinator)
    assert Meeting.objects.get(pk=meeting.pk).is_published


def test_notes_publish_once_the_item_is_confidential(world):
    meeting = make_meeting(world.group, timezone.localdate() - timedelta(days=1), kind="notes", status="drafted")
    item = make_item(meeting, "1", "Enskilt ärende", decision=f"att bevilja {NUMBER.replace('-', '')} stöd")
    make_item(meeting, "2", "Övrigt", background="Mötet 2026-11-24, ring 070-123 45 67.")  # no number here
    with pytest.raises(ValidationError) as error:
        actions.take_step(meeting, actions.PUBLISH, world.secretary)
    assert "finns i § 1 Enskilt ärende." in error.value.messages[0] and "Övrigt" not in error.value.messages[0]
    AgendaItem.objects.filter(pk=item.pk).update(visibility="confidential")
    assert actions.take_step(meeting, actions.PUBLISH, world.secretary).is_published


def test_the_invitation_does_not_publish_an_agenda_or_document_with_a_number(world):
    meeting = make_meeting(world.forum, date(2027, 2, 10))
    item = make_item(meeting, "1", "Ansökan", background=f"Sökande 19{NUMBER}.")
    document = make_document(meeting, "Ansökan från enskild")
    document.text = "Samordningsnummer 701063-2391"
    document.save()
    with pytest.raises(NotInvitable) as error:
        actions.send_invitation(meeting, world.coordinator)
    assert "finns i § 1 Ansökan; handlingen ”Ansökan från enskild”." in str(error.value)
    assert not Invitation.objects.filter(meeting=meeting).exists()
    AgendaItem.objects.filter(pk=item.pk).update(visibility="confidential")
    document.visibility = "confidential"
    document.save()
    assert actions.send_invitation(meeting, world.coordinator).invitation.pk


def test_a_document_added_after_the_invitation_is_checked(client, world):
    meeting = make_meeting(world.forum, date(2027, 2, 10), invited_at=timezone.now(), status="invited")
    client.force_login(world.coordinator)
    response = upload_document(client, meeting, "ansokan.docx", sample_files.docx(f"Sökande {NUMBER}"))
    assert response.status_code == 400 and "handlingen ”ansokan”" in response.content.decode()
    assert not meeting.documents.exists()
    hidden = upload_document(client, meeting, "ansokan.docx", sample_files.docx(f"Sökande {NUMBER}"),
                             visibility="confidential")  # fmt: skip
    assert hidden.status_code == 302 and meeting.documents.count() == 1


def test_the_import_preview_warns(client, world):
    client.force_login(world.secretary)
    text = MADE_UP.read_text().replace("Anna Berg informerade", f"Anna Berg informerade om {NUMBER}")
    response = upload(client, world.group, "chefsgruppen.txt", text.encode())
    page = client.get(response.url).content.decode() if response.status_code == 302 else response.content.decode()
    assert "Personnummer eller samordningsnummer finns i: 2 Lägesbild." in page


def test_publishing_the_agenda_stops_on_a_number(world):
    meeting = make_meeting(world.forum, date(2027, 2, 10))
    make_item(meeting, "1", "Ansökan", presenters=f"Handläggare för {NUMBER}")
    with pytest.raises(ValidationError) as error:
        actions.take_step(meeting, actions.AGENDA, world.secretary)
    assert "finns i § 1 Ansökan" in error.value.messages[0]
    assert Meeting.objects.get(pk=meeting.pk).agenda_published_at is None


def test_an_item_saved_once_the_agenda_is_out_is_checked(client, world):
    meeting = make_meeting(world.forum, date(2027, 2, 10), status="invited", invited_at=timezone.now())
    item = make_item(meeting, "1", "Lägesbild")
    client.force_login(world.coordinator)
    new = {"number": "2", "position": "2", "title": f"Ny punkt om {NUMBER}", "visibility": "public", "kind": "decision"}
    response = client.post(reverse("meetings:item_create", args=[meeting.pk]), new)
    assert response.status_code == 400 and "personnummer" in response.content.decode()
    assert meeting.items.count() == 1
    edit = client.get(reverse("meetings:item_edit", args=[item.pk])).context["form"]
    data = {k: v for k, v in edit.initial.items() if v is not None and k != "readers"}
    data.update(background=f"Sökande {NUMBER}", form_version=edit[VERSION_FIELD].value())
    response = client.post(reverse("meetings:item_edit", args=[item.pk]), data)
    assert response.status_code == 400 and "personnummer" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).background == ""
    # Confidential, it may hold one: it is not published.
    new.update(visibility="confidential")
    assert client.post(reverse("meetings:item_create", args=[meeting.pk]), new).status_code == 302


def test_the_invitation_reads_documents_the_worker_has_not_read_and_checks_them(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = make_meeting(world.forum, date(2027, 2, 10))
    make_item(meeting, "1", "Lägesbild")
    client.force_login(world.coordinator)
    assert upload_document(client, meeting, "plan.docx", sample_files.docx("Handlingsplan")).status_code == 302
    assert upload_document(client, meeting, "ansokan.docx", sample_files.docx(f"Sökande {NUMBER}")).status_code == 302
    assert set(meeting.documents.values_list("text_state", flat=True)) == {"waiting"}  # planned: for the worker
    send = reverse("meetings:invitation_send", args=[meeting.pk])

    page = client.post(send).content.decode()
    assert "handlingen ”ansokan”" in page and "handlingen ”plan”" not in page  # read now, in the sandbox, and checked
    assert set(meeting.documents.values_list("text_state", flat=True)) == {"read"}
    assert not Invitation.objects.filter(meeting=meeting).exists()

    meeting.documents.filter(title="ansokan").update(visibility="confidential")
    assert client.post(send).status_code == 302
    assert Invitation.objects.filter(meeting=meeting).exists()


def test_locked_minutes_with_a_number_are_published_once_a_correction_makes_the_item_confidential(client, world):
    seats = seat_group(world)
    meeting = held_meeting(world, seats)
    item = meeting.items.get(number="1")
    AgendaItem.objects.filter(pk=item.pk).update(minutes=f"Ansökan från {NUMBER} behandlades.")
    item = AgendaItem.objects.get(pk=item.pk)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=seats.secretary, adjusters=[])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    actions.sign_minutes(meeting, seats.chair_user)
    meeting = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(ValidationError):
        actions.take_step(meeting, actions.PUBLISH, world.secretary)  # locked, and the number is in its minutes

    client.force_login(world.secretary)
    correct = reverse("meetings:item_correct", args=[item.pk])
    form = client.get(correct).context["form"]
    assert [value for value, _label in form.fields["visibility"].choices] == ["public", "internal", "confidential"]
    data = {"minutes": item.minutes, "decision": item.decision, "visibility": "confidential", "reason": "Personnummer"}
    data["form_version"] = form[VERSION_FIELD].value()
    assert client.post(correct, data).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).visibility == "confidential"
    # Opening it again is refused: what the lock tightened stays tight.
    with pytest.raises(ValidationError, match="bara skärpas"):
        actions.correct_minutes(
            AgendaItem.objects.get(pk=item.pk),
            world.secretary,
            minutes="",
            decision="",
            reason="x",
            visibility="public",
        )

    meeting = actions.take_step(Meeting.objects.get(pk=meeting.pk), actions.PUBLISH, world.secretary)
    assert meeting.is_published
    client.logout()
    for version in meeting.versions.all():  # the first version, stored before the correction, hides it too
        page = client.get(reverse("meetings_public:version", args=[world.area.slug, meeting.pk, version.number]))
        assert page.status_code == 200 and "640823" not in page.content.decode()
    assert "640823" not in client.get(meeting.get_absolute_url()).content.decode()


def test_a_correction_of_published_minutes_is_checked_as_publishing_is(client, world):
    """A correction of published minutes shows at once on the public pages, the PDF, search and the API: a
    number it would put in an item that is not confidential is refused, and nothing is saved (it was published)."""
    seats = seat_group(world)
    meeting = held_meeting(world, seats)
    actions.set_signatories(meeting, world.secretary, chair=seats.chair, secretary=seats.secretary, adjusters=[])
    actions.take_step(meeting, actions.DRAFTED, world.secretary)
    actions.sign_minutes(meeting, seats.chair_user)
    meeting = actions.take_step(Meeting.objects.get(pk=meeting.pk), actions.PUBLISH, world.secretary)
    item = meeting.items.get(number="1")
    client.force_login(world.secretary)
    correct = reverse("meetings:item_correct", args=[item.pk])
    versions = meeting.versions.count()
    for field in ("minutes", "decision"):
        data = {"minutes": item.minutes, "decision": item.decision, "visibility": item.visibility, "reason": "Rättelse"}
        data[field] = f"Tolvan Tolvansson {NUMBER} hördes."
        response = client.post(correct, data)
        assert response.status_code == 400, field
        assert "Rättelsen stoppades: personnummer eller samordningsnummer finns i § 1" in response.content.decode()
        assert AgendaItem.objects.get(pk=item.pk).minutes == item.minutes
        assert meeting.versions.count() == versions
    # Made confidential in the same correction, the number is kept out of everything published.
    data = {"minutes": f"Tolvan {NUMBER}", "decision": item.decision, "visibility": "confidential", "reason": "OSL"}
    assert client.post(correct, data).status_code == 302
    client.logout()
    assert NUMBER not in client.get(meeting.get_absolute_url()).content.decode()


PUBLISHED = "Skriv inga personnummer eller samordningsnummer här: texten publiceras."


def test_the_forms_whose_texts_are_published_as_typed_check_every_text_field():
    """The forms of texts the public pages show with no confidential level all have PublishedTextMixin, which
    checks every visible text field (a list of fields missed a matter's "raised by", a goal's unit and a
    decision's link)."""
    from samverkan.lib.forms import PublishedTextMixin
    from tests.test_control_characters import FORMS

    checked = {cls.__qualname__ for cls in FORMS if issubclass(cls, PublishedTextMixin)}
    expected = {"AgreementForm", "AdoptionForm", "VersionForm", "FollowUpForm", "MatterForm", "NewMatterForm"}
    expected |= {"AssignmentForm", "AssignmentStatusForm", "RecommendationForm", "RecommendationEditForm"}
    expected |= {"PrincipalDecisionForm", "GoalForm", "MeasurementForm"}
    assert expected <= checked, expected - checked


def test_an_agreement_follow_up_recommendation_and_principal_decision_refuse_a_number(client, world):
    """The texts the public pages show as typed, with no confidential level to hide them: a number is refused at
    its field, in Swedish, and nothing is saved (a follow-up's finding with a number was published)."""
    from samverkan.agreements.models import FollowUp
    from samverkan.followthrough.models import Recommendation
    from tests.followthrough_helpers import decision_item, recommend
    from tests.test_agreements import make_agreement

    today = timezone.localdate().isoformat()
    agreement = make_agreement(world)
    client.force_login(world.coordinator)
    follow_up = reverse("agreements:follow_up_create", args=[agreement.pk])
    response = client.post(follow_up, {"held_on": today, "finding": f"Patient {NUMBER} hade problem."})
    assert response.status_code == 400 and PUBLISHED in response.content.decode()
    assert not FollowUp.objects.exists()
    assert client.post(follow_up, {"held_on": today, "finding": "Patienterna hade problem."}).status_code == 302

    item = decision_item(world.forum)
    create = reverse("followthrough:recommendation_create", args=[item.pk])
    data = {"title": "Plan", "text": f"Gäller {NUMBER}.", "principals": [world.town.pk], "decided_on": today}
    response = client.post(create, {**data, "deadline": "2099-03-01"})
    assert response.status_code == 400 and PUBLISHED in response.content.decode()
    assert not Recommendation.objects.filter(item=item).exists()

    matters = reverse("followthrough:matter_create", args=[world.area.slug])
    for raised_by in (f"Anna {NUMBER}", "Anna 640823\u20133234", "Anna 640823\u200b-3234", "Anna 64 08 23-32 34"):
        response = client.post(
            matters, {"year": "2026", "title": "Ärende", "raised_by": raised_by, "visibility": "public"}
        )
        assert response.status_code == 400 and PUBLISHED in response.content.decode(), raised_by

    decision = recommend(item).decisions.get(principal=world.town)
    client.force_login(world.contact)
    record = reverse("followthrough:decision_record", args=[decision.pk])
    post = {"outcome": "adopted", "deciding_body": "KF", "decided_on": today, "reference": f"KF § 12 ({NUMBER})"}
    response = client.post(record, post)
    assert response.status_code == 400 and PUBLISHED in response.content.decode()
    link = {**post, "reference": "KF § 12", "link": f"https://kommun.example/beslut?pnr={NUMBER}"}
    response = client.post(record, link)
    assert response.status_code == 400 and PUBLISHED in response.content.decode()
    decision.refresh_from_db()
    assert decision.outcome == "pending" and NUMBER not in decision.reference
