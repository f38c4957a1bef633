"""Meeting documents: uploads checked by content, text kept, visibility per document and item, downloads, 404s."""

import hashlib
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.models import Document, Meeting
from samverkan.meetings.tasks import read_document_text
from tests import sample_files
from tests.access_helpers import ACTORS, assert_access
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_document, make_item, make_meeting, sent
from tests.test_bad_input import GARBAGE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@shared_fixture
def meetings(world):
    group = make_meeting(world.group, date(2026, 3, 1), **sent())
    forum = make_meeting(world.forum, date(2026, 3, 2), **sent())
    return {
        "group": group,
        "forum": forum,
        "group_item": make_item(group, "1", "Lägesbild"),
        "public_item": make_item(forum, "1", "Budget"),
        "internal_item": make_item(forum, "2", "Personalfrågor", visibility="internal"),
        "secret_item": make_item(forum, "3", "Hälsodata om en brukare", visibility="confidential"),
    }


def upload(client, meeting, name, data, **fields):
    fields.setdefault("visibility", "public")
    fields["file"] = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("meetings:document_create", args=[meeting.pk]), fields)


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    "name, make, kind, text",
    [
        ("Budget 2026.pdf", sample_files.pdf, "application/pdf", "Budget för samverkan 2026"),
        ("plan.docx", sample_files.docx, "wordprocessingml", "Handlingsplan för äldreomsorgen"),
        ("avtal.odt", sample_files.odt, "opendocument.text", "Överenskommelse om hemsjukvård"),
        ("matt.XLSX", sample_files.xlsx, "spreadsheetml", "Uppföljning kvartal"),
        ("karta.png", sample_files.png, "image/png", ""),
        ("foto.jpeg", sample_files.jpeg, "image/jpeg", ""),
    ],
)
@pytest.mark.parametrize("agenda_out", [False, True], ids=["planned", "invited"])
def test_secretary_uploads_each_kind_and_its_text_is_kept(
    client, world, meetings, media, name, make, kind, text, agenda_out
):
    client.force_login(world.secretary)
    if not agenda_out:
        Meeting.objects.filter(pk=meetings["group"].pk).update(status="planned", invited_at=None)
    data = make()
    item = meetings["group_item"]
    response = upload(client, meetings["group"], name, data, title="", number="Bilaga 1.1", item=item.pk)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.item == item and document.number == "Bilaga 1.1"
    assert document.title == name.rsplit(".", 1)[0]
    assert document.original_name == name
    assert kind in document.content_type
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    if agenda_out:  # public the moment it is stored: read in the request (a limited child) and checked
        assert document.text_state == "read"
    else:
        assert document.text == "" and document.text_state == "waiting"  # read by the worker, not the request
        assert read_document_text(document.pk) == "read"  # the worker's code: a limited child process reads it
        document.refresh_from_db()
    assert (text in document.text) if text else document.text == ""
    assert default_storage.open(document.file.name).read() == data
    assert str(media) in default_storage.path(document.file.name)
    assert name not in document.file.name  # stored under a random name, never the user's
    assert document.history.get().history_user == world.secretary


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("program.pdf", sample_files.exe(), "Filtypen stöds inte"),
        ("program.exe", sample_files.exe(), "Filtypen stöds inte"),
        ("rapport.pdf", sample_files.docx(), "namnet ”rapport.pdf” säger något annat"),
        ("bild.pdf", sample_files.png(), "Ge filen rätt filändelse (.png)"),
        ("utan-andelse", sample_files.pdf(), "Ge filen rätt filändelse (.pdf)"),
        ("tom.pdf", b"", "Filen är tom"),
        ("trasig.pdf", sample_files.pdf()[:70], "är skadad och kunde inte läsas"),
        ("trasig.docx", sample_files.docx()[:800], "skadat paket"),
        ("trasig.png", sample_files.png()[:30], "är skadad"),
        ("trasig.jpg", sample_files.jpeg()[:20], "är skadad"),
        ("text.txt", b"Bara lite text", "Filtypen stöds inte"),
        ("paket.zip", b"PK\x03\x04" + b"\x00" * 100, "skadat paket"),
    ],
)
def test_bad_uploads_are_refused_in_swedish_and_nothing_is_saved(client, world, meetings, media, name, data, message):
    client.force_login(world.secretary)
    response = upload(client, meetings["group"], name, data, title="Något")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Inget har sparats" in html
    assert message in html
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_zip_that_is_not_an_office_file_is_refused(client, world, meetings):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "hej")
    client.force_login(world.secretary)
    response = upload(client, meetings["group"], "dokument.docx", out.getvalue())
    assert response.status_code == 400 and "Filtypen stöds inte" in response.content.decode()


def test_too_large_a_file_is_refused_with_the_limit(client, world, meetings, settings, media):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    client.force_login(world.secretary)
    response = upload(client, meetings["group"], "stor.pdf", sample_files.pdf() + b"\n%" + b"x" * (1024 * 1024))
    assert response.status_code == 400
    assert "Filen är för stor (1 MB). Största tillåtna storlek är 1 MB." in response.content.decode()
    assert not Document.objects.exists() and stored_files(media) == []


def test_the_default_limit_is_25_mb(client, world, meetings):
    client.force_login(world.secretary)
    response = client.get(reverse("meetings:document_create", args=[meetings["group"].pk]))
    assert "Högst 25 MB" in response.content.decode()


def test_an_upload_without_a_file_or_with_an_item_of_another_meeting_saves_nothing(client, world, meetings):
    client.force_login(world.secretary)
    url = reverse("meetings:document_create", args=[meetings["group"].pk])
    response = client.post(url, {"title": "Ingen fil", "visibility": "public"})
    assert response.status_code == 400 and "Välj en fil" in response.content.decode()
    response = upload(client, meetings["group"], "a.pdf", sample_files.pdf(), item=meetings["public_item"].pk)
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_no_item_documents_on_locked_minutes(client, world, meetings, media):
    meeting = meetings["group"]
    item_document = make_document(meeting, "Före justering", item=meetings["group_item"])
    meeting.locked_at = timezone.now()
    meeting.save()
    client.force_login(world.secretary)
    response = upload(client, meeting, "a.pdf", sample_files.pdf(), item=meetings["group_item"].pk)
    assert response.status_code == 400
    assert "Protokollet är justerat och låst" in response.content.decode()
    assert Document.objects.count() == 1
    # The whole meeting may still get a document, e.g. the signed minutes.
    assert upload(client, meeting, "a.pdf", sample_files.pdf(), title="Justerat protokoll").status_code == 302
    response = client.post(
        reverse("meetings:document_edit", args=[item_document.pk]), {"title": "Ändrad", "visibility": "public"}
    )
    assert response.status_code == 400 and "låst" in response.content.decode()
    response = client.post(reverse("meetings:document_remove", args=[item_document.pk]), follow=True)
    assert "låst" in response.content.decode()
    item_document.refresh_from_db()
    assert item_document.title == "Före justering"


def test_title_number_and_visibility_can_be_changed_and_the_document_removed(
    client, world, meetings, django_capture_on_commit_callbacks
):
    document = make_document(meetings["group"], "Gammal titel", item=meetings["group_item"])
    stored = document.file.name
    client.force_login(world.secretary)
    response = client.post(
        reverse("meetings:document_edit", args=[document.pk]),
        {"title": "Ny titel", "number": "Bilaga 1.2", "visibility": "internal", "change_reason": "Rättat namn"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.number, document.visibility) == ("Ny titel", "Bilaga 1.2", "internal")
    latest = document.history.first()
    assert latest.history_user == world.secretary and latest.history_change_reason == "Rättat namn"
    page = client.get(reverse("meetings:document_edit", args=[document.pk])).content.decode()
    assert "Rättat namn" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:document_remove", args=[document.pk]))
    assert response.status_code == 302
    assert not Document.objects.exists()
    removed = Document.history.filter(id=document.pk, history_type="-").get()
    assert removed.history_user == world.secretary
    assert not default_storage.exists(stored)


def test_removing_needs_a_post(client, world, meetings):
    document = make_document(meetings["group"], "Bilaga")
    client.force_login(world.secretary)
    assert client.get(reverse("meetings:document_remove", args=[document.pk])).status_code == 405
    assert Document.objects.exists()


GROUP_STAFF = {"secretary", "coordinator", "admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_upload_change_and_remove(client, world, meetings, actor):
    group_document = make_document(meetings["group"], "Gruppens bilaga")
    forum_document = make_document(meetings["forum"], "Forumets bilaga")
    world.client_for(client, actor)
    for meeting, document, allowed in [
        (meetings["group"], group_document, GROUP_STAFF),
        (meetings["forum"], forum_document, {"coordinator", "admin"}),
    ]:
        pages = [
            reverse("meetings:document_create", args=[meeting.pk]),
            reverse("meetings:document_edit", args=[document.pk]),
        ]
        for url in pages:
            assert_access(client.get(url), actor, allowed, what=url)
        if actor not in allowed:
            assert_access(upload(client, meeting, "a.pdf", sample_files.pdf()), actor, (), what="upload")
            client.post(
                reverse("meetings:document_edit", args=[document.pk]), {"title": "Kapad", "visibility": "public"}
            )
            client.post(reverse("meetings:document_remove", args=[document.pk]))
    assert not Document.objects.filter(title="Kapad").exists()
    if actor not in GROUP_STAFF:
        assert Document.objects.count() == 2


@pytest.fixture
def documents(meetings):
    forum = meetings["forum"]
    return {
        "public": make_document(forum, "Offentlig budgetbilaga", item=meetings["public_item"], name="Budget 2026.pdf"),
        "internal": make_document(forum, "Intern personalbilaga", item=meetings["public_item"], visibility="internal"),
        "on_internal_item": make_document(forum, "Offentlig men på internt ärende", item=meetings["internal_item"]),
        "on_secret_item": make_document(forum, "Bilaga om brukaren", item=meetings["secret_item"]),
        "confidential": make_document(forum, "Hemlig utredning", visibility="confidential"),
        "general": make_document(forum, "Mötets presentation"),
    }


READERS = {
    # who may open which document of the forum's meeting (the member sits in the forum)
    "public": set(ACTORS),
    "general": set(ACTORS),
    "internal": {"member", "coordinator", "admin"},
    "on_internal_item": {"member", "coordinator", "admin"},
    "on_secret_item": {"coordinator", "admin"},
    "confidential": {"coordinator", "admin"},
}


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_download_each_document(client, world, documents, actor):
    world.client_for(client, actor)
    for key, document in documents.items():
        response = client.get(reverse("meetings_public:document", args=["testlan", document.meeting_id, document.pk]))
        if actor in READERS[key]:
            assert response.status_code == 200, (actor, key)
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        else:
            assert response.status_code == 404, (actor, key)
            assert document.title not in response.content.decode()


def test_download_keeps_the_original_name(client, world, documents):
    document = documents["public"]
    response = client.get(reverse("meetings_public:document", args=["testlan", document.meeting_id, document.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="Budget 2026.pdf"'


def test_member_link_asks_a_logged_out_member_to_log_in_first(client, world, documents):
    url = reverse("meetings:document_file", args=[documents["internal"].pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.member)
    assert client.get(url).status_code == 200
    assert client.get(reverse("meetings:document_file", args=[documents["confidential"].pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_documents_of_internal_meetings_are_404_for_visitors(client, world, meetings):
    internal_meeting = make_meeting(world.forum, date(2026, 4, 1), visibility="internal")
    document = make_document(internal_meeting, "Offentlig bilaga i internt möte")
    url = reverse("meetings_public:document", args=["testlan", internal_meeting.pk, document.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.member)
    assert client.get(url).status_code == 200


def test_document_addresses_must_match_area_and_meeting(client, world, meetings, documents):
    document = documents["public"]
    other = meetings["group"]
    elsewhere = reverse("meetings_public:document", args=["annat", document.meeting_id, document.pk])
    assert client.get(elsewhere).status_code == 404
    assert client.get(reverse("meetings_public:document", args=["testlan", other.pk, document.pk])).status_code == 404


def test_a_missing_file_is_404_not_500(client, world, documents):
    document = documents["public"]
    default_storage.delete(document.file.name)
    response = client.get(reverse("meetings_public:document", args=["testlan", document.meeting_id, document.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "actor, shown",
    [
        ("anonymous", {"public", "general"}),
        ("outsider", {"public", "general"}),
        ("member", {"public", "general", "internal", "on_internal_item"}),
        ("coordinator", set(READERS)),
    ],
)
def test_public_meeting_page_lists_only_documents_the_visitor_may_open(
    client, world, meetings, documents, actor, shown
):
    world.client_for(client, actor)
    html = client.get(meetings["forum"].get_absolute_url()).content.decode()
    for key, document in documents.items():
        assert (document.title in html) == (key in shown), (actor, key)


def test_staff_meeting_page_lists_documents_with_their_effective_visibility(client, world, meetings, documents):
    client.force_login(world.coordinator)
    html = client.get(reverse("meetings:meeting", args=[meetings["forum"].pk])).content.decode()
    for document in documents.values():
        assert document.title in html
    assert "begränsad av ärendet eller mötet" in html
    assert reverse("meetings:document_create", args=[meetings["forum"].pk]) in html


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_the_document_forms_changes_nothing(client, world, meetings, value):
    document = make_document(meetings["group"], "Bilaga", item=meetings["group_item"])
    client.force_login(world.admin)
    fields = {"title": value, "number": value, "item": value, "visibility": value, "file": value}
    for url in (
        reverse("meetings:document_create", args=[meetings["group"].pk]),
        reverse("meetings:document_edit", args=[document.pk]),
    ):
        response = client.post(url, fields)
        assert response.status_code == 400, url
        assert "Inget har sparats" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "Bilaga" and Document.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/hantera/moten/999999/handlingar/ny/",
        "/hantera/handling/999999/andra/",
        "/hantera/handling/999999/ta-bort/",
        "/hantera/handling/999999/fil/",
        "/hantera/handling/99999999999999999999999/fil/",
        "/omrade/testlan/moten/1/handlingar/999999/",
        "/omrade/finns-inte/moten/1/handlingar/1/",
    ],
)
def test_odd_document_addresses_answer_404(client, world, meetings, path):
    client.force_login(world.admin)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_public_meeting_page_has_a_constant_number_of_queries(client, world, meetings, queries):
    forum = meetings["forum"]
    make_document(forum, "Första", item=meetings["public_item"])

    def grow():
        for n in range(5):
            make_document(forum, f"Bilaga {n}", item=meetings["internal_item"])
            make_document(forum, f"Mötesbilaga {n}")
            make_item(forum, f"1{n}", f"Punkt {n}")

    client.force_login(world.member)
    queries.assert_constant(client, forum.get_absolute_url(), grow, at_most=9)  # 9: named readers, once


def test_staff_meeting_page_documents_have_a_constant_number_of_queries(client, world, meetings, queries):
    group = meetings["group"]
    make_document(group, "Första", item=meetings["group_item"])

    def grow():
        for n in range(5):
            item = make_item(group, f"1{n}", f"Punkt {n}")
            make_document(group, f"Bilaga {n}", item=item)
            make_document(group, f"Mötesbilaga {n}")

    client.force_login(world.secretary)
    # 18: the agenda as it was sent (numbering.renumbered_since_sent) and the meeting's mails
    queries.assert_constant(client, reverse("meetings:meeting", args=[group.pk]), grow, at_most=18)
