"""Who may import minutes and see imports; odd addresses; a constant number of queries on the list page."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.meetings.models import Meeting
from tests.access_helpers import ACTORS, assert_access
from tests.importer_helpers import MADE_UP, confirm, last_record, upload, upload_path, zip_of
from tests.meetings_helpers import make_meeting

STAFF = {"secretary", "coordinator", "admin"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pending(client, world):
    """A pending import and a ZIP batch of the group's secretary, and a finished import."""
    world.client_for(client, "secretary")
    upload_path(client, world.group, MADE_UP)
    done = last_record()
    confirm(client, done)
    upload(client, world.group, "andra.txt", MADE_UP.read_text().replace("12 mars", "19 mars").encode())
    record = last_record()
    upload(client, world.group, "arkiv.zip", zip_of([("a.txt", b"Pannkakor med sylt.")]))
    client.logout()
    return {"record": record, "batch": ImportBatch.objects.get(), "done": done}


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_open_the_import_page(client, world, actor):
    response = world.client_for(client, actor).get(reverse("importer:body", args=[world.group.pk]))
    assert_access(response, actor, STAFF)


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_upload_for_the_forum(client, world, actor):
    # The group's secretary has no say over the forum; members, contacts and outsiders import nothing.
    response = world.client_for(client, actor).post(
        reverse("importer:body", args=[world.forum.pk]), {"file": MADE_UP.open("rb")}
    )
    assert_access(response, actor, {"coordinator", "admin"}, ok=302)
    if actor not in {"coordinator", "admin"}:
        assert not ImportRecord.objects.exists()


@pytest.mark.parametrize("actor", ["outsider", "contact", "member", "coordinator", "admin"])
def test_another_users_pending_import_is_not_found(client, world, pending, actor):
    world.client_for(client, actor)
    record, batch = pending["record"], pending["batch"]
    for url in (
        reverse("importer:preview", args=[record.pk]),
        reverse("importer:batch", args=[batch.pk]),
        reverse("importer:preview", args=[batch.records.get().pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("importer:confirm", args=[record.pk]),
        reverse("importer:discard", args=[record.pk]),
        reverse("importer:batch", args=[batch.pk]),
        reverse("importer:batch_discard", args=[batch.pk]),
    ):
        assert client.post(url, {"date": "2025-03-19", "start": "09:00", "kind": "minutes"}).status_code == 404, url
    assert ImportRecord.objects.filter(status="pending").count() == 1 and Meeting.objects.count() == 1
    html = client.get(reverse("importer:body", args=[world.group.pk])).content.decode()
    if actor in STAFF:
        assert "andra.txt" not in html and "arkiv.zip" not in html
        assert MADE_UP.name in html  # a finished import is the body's record, seen by its staff


@pytest.mark.parametrize("actor", ["outsider", "member", "contact"])
def test_a_finished_import_is_not_shown_to_people_without_import_rights(client, world, pending, actor):
    world.client_for(client, actor)
    assert client.get(reverse("importer:preview", args=[pending["done"].pk])).status_code == 404


def test_a_finished_import_is_shown_to_the_coordinator(client, world, pending):
    client.force_login(world.coordinator)
    response = client.get(reverse("importer:preview", args=[pending["done"].pk]))
    assert response.status_code == 200 and "Importerat" in response.content.decode()
    # ... who may not discard it: it is the record of the import.
    assert client.post(reverse("importer:discard", args=[pending["done"].pk])).status_code == 404


def test_a_secretary_who_lost_the_role_cannot_confirm(client, world, pending):
    from samverkan.structure.models import Role

    Role.objects.filter(user=world.secretary).delete()
    client.force_login(world.secretary)
    response = confirm(client, pending["record"])
    assert response.status_code == 403 and Meeting.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/hantera/organ/999999/importera/",
        "/hantera/import/999999/",
        "/hantera/import/999999/spara/",
        "/hantera/import/999999/ta-bort/",
        "/hantera/import/zip/999999/",
        "/hantera/import/zip/999999/ta-bort/",
        "/hantera/import/99999999999999999999999/",
        "/hantera/organ/99999999999999999999999/importera/",
        "/hantera/import/zip/99999999999999999999999/",
    ],
)
def test_odd_addresses_answer_404(client, world, path):
    client.force_login(world.admin)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_post_only_addresses_refuse_get(client, world, pending):
    client.force_login(world.secretary)
    for name, pk in (("confirm", pending["record"].pk), ("discard", pending["record"].pk)):
        assert client.get(reverse(f"importer:{name}", args=[pk])).status_code == 405
    assert client.get(reverse("importer:batch_discard", args=[pending["batch"].pk])).status_code == 405


def test_garbage_posts_to_the_batch_page_save_nothing(client, world, pending):
    client.force_login(world.secretary)
    url = reverse("importer:batch", args=[pending["batch"].pk])
    for data in ({"start": "99:99", "visibility": "x"}, {"visibility": "\x00"}, {}):
        response = client.post(url, data)
        assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_the_import_list_has_a_constant_number_of_queries(client, world, queries):
    client.force_login(world.secretary)
    url = reverse("importer:body", args=[world.group.pk])

    def add(n):
        meeting = make_meeting(world.group, date(2024, 1, n), date(2024, 2, n))
        batch = ImportBatch.objects.create(body=world.group, user=world.coordinator, original_name=f"{n}.zip")
        owners = (("imported", world.coordinator), ("pending", world.secretary), ("failed", world.secretary))
        for status, user in owners:
            ImportRecord.objects.create(
                body=world.group,
                user=user,
                batch=batch,
                status=status,
                original_name=f"{n}.txt",
                sha256=str(n),
                meeting=meeting if status == "imported" else None,
                imported_at=timezone.now(),
            )

    add(1)
    queries.assert_constant(client, url, lambda: [add(n) for n in range(2, 8)], at_most=7)
