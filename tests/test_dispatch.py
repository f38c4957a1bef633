"""Issue 12, dispatch of recommendations (expediering) and protokollsutdrag: each principal's registry address and
contacts get the recommendation, the deadline, the extract of the § and a personal link that records the decision
without a login; the recommendation page and the board show when it went out and when the answer came; the extract
of any § of adjusted minutes is downloadable (public items publicly, 404 otherwise)."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samverkan.followthrough import actions, dispatch
from samverkan.followthrough.models import Dispatch, PrincipalDecision
from samverkan.meetings import actions as meeting_actions
from samverkan.structure.models import Principal
from tests.followthrough_helpers import recommend
from tests.minutes_helpers import adjusted_meeting, seat_group
from tests.worker_helpers import run_worker

mailing = pytest.mark.django_db(transaction=True)
_on_commit = None


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks):
    global _on_commit
    _on_commit = django_capture_on_commit_callbacks


def deliver(request):
    with _on_commit(execute=True):
        response = request()
    run_worker()
    return response


def published(world):
    """Chefsgruppen's adjusted and published minutes: item 1 public (a decision), 2 internal, 3 confidential."""
    meeting = adjusted_meeting(world, seat_group(world))
    meeting_actions.take_step(meeting, "published", world.secretary)
    meeting.refresh_from_db()
    return meeting


def published_and_told(world):
    """`published`, with the meetings' own mails (to sign, published) sent first: they are not tested here."""
    meeting = published(world)
    run_worker()
    mail.outbox.clear()
    return meeting


def registry(world):
    Principal.objects.filter(pk=world.region.pk).update(registry_address="registrator@region.example")


def link_path(message):
    found = re.search(r"https?://[^/\s]+(/rekommendation/svar/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def text_of(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def create_url(item):
    return reverse("followthrough:recommendation_create", args=[item.pk])


def form_data(world, item, **more):
    day = timezone.localdate()
    return {
        "title": "Anta handlingsplanen",
        "text": "Huvudmännen rekommenderas att anta handlingsplanen.",
        "principals": [world.region.pk, world.town.pk, world.village.pk],
        "decided_on": (day - timedelta(days=1)).isoformat(),
        "deadline": (day + timedelta(days=60)).isoformat(),
        "dispatch": "on",
        **more,
    }


@mailing
def test_sending_dispatches_to_registry_and_contacts_with_extract_and_link(client, world):
    meeting = published_and_told(world)
    registry(world)
    item = meeting.items.get(number="1")
    client.force_login(world.coordinator)
    page = client.get(create_url(item)).content.decode()
    assert "Utskick kan inte göras till Byn kommun" in page  # the warning names the unreachable before sending
    response = deliver(lambda: client.post(create_url(item), form_data(world, item)))
    assert response.status_code == 302
    notes = [str(m) for m in response.wsgi_request._messages]
    assert "Rekommendationen är sparad för 3 huvudmän." in notes
    assert "Utskick till 2 huvudmän läggs i kön och skickas strax." in notes
    assert any("Byn kommun" in n for n in notes)
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {("registrator@region.example",), ("contact@test.example",)}
    message = by_to[("registrator@region.example",)]
    assert "Huvudmännen rekommenderas att anta handlingsplanen." in message.body and "Svara senast" in message.body
    ((name, pdf, kind),) = message.attachments
    assert kind == "application/pdf" and name.startswith("protokollsutdrag-chefsgruppen-")
    text = text_of(pdf)
    assert "Protokollsutdrag" in text and "Lägesbild äldreomsorg" in text and "Justerat" in text
    assert "Personalärende" not in text and "Patientärende" not in text
    assert Dispatch.objects.filter(sent_at__isnull=False).count() == 2
    assert (
        not PrincipalDecision.objects.get(principal=world.village)
        .__class__.objects.filter(principal=world.village, dispatch__isnull=False)
        .exists()
    )

    # The registrar records the region's decision through the link, without an account.
    client.logout()
    path = link_path(message)
    assert client.get(path).status_code == 200
    pending = client.post(path, {"outcome": "pending"})
    assert pending.status_code == 400  # "pending" is no answer
    answer = {
        "outcome": "adopted",
        "deciding_body": "Regionstyrelsen",
        "decided_on": timezone.localdate().isoformat(),
        "reference": "RS § 12",
    }
    done = client.post(path, answer)
    assert done.status_code == 200 and "Beslutet är registrerat" in done.content.decode()
    decision = PrincipalDecision.objects.get(principal=world.region)
    assert decision.outcome == "adopted" and decision.answered_by_link and decision.answered_at
    assert decision.history.latest().history_change_reason == "Registrerat via länken i utskicket"
    assert client.get(path).status_code == 404 and client.post(path, answer).status_code == 404  # once

    # The recommendation page and the board show when it went out, where, and when the answer came.
    client.force_login(world.coordinator)
    page = client.get(reverse("followthrough:recommendation", args=[decision.recommendation_id])).content.decode()
    assert "till registrator@region.example" in page and "via länken i utskicket" in page
    assert "Inget utskick" in page  # the village
    client.logout()
    board = client.get(reverse("followthrough_public:board", args=[world.area.slug])).content.decode()
    today = timezone.localdate().isoformat()
    assert f"Skickad {today} · Svar {today} via länken" in board
    assert "registrator@region.example" not in board and "contact@test.example" not in board


@pytest.mark.django_db
def test_links_are_bound_to_their_dispatch_and_expire(client, world):
    meeting = published(world)
    registry(world)
    recommendation = recommend(meeting.items.get(number="1"), world.coordinator, dispatch=True)
    rows = list(Dispatch.objects.order_by("pk"))
    assert len(rows) == 2
    first, second = rows
    good = dispatch.token_for(first)
    assert client.get(reverse("followthrough_public:record_by_link", args=[good])).status_code == 200
    data = signing.loads(good, salt=dispatch.SALT)
    forged = [
        good[:-2] + ("AA" if good[-2:] != "AA" else "BB"),  # tampered
        signing.dumps({**data, "d": second.pk}, salt=dispatch.SALT),  # another dispatch with this nonce
        signing.dumps(data, salt="samverkan.meetings.answer-link"),  # another purpose's signature
        signing.dumps({**data, "u": (timezone.localdate() - timedelta(days=1)).isoformat()}, salt=dispatch.SALT),
        "nonsense",
    ]
    for token in forged:
        response = client.get(reverse("followthrough_public:record_by_link", args=[token]))
        assert response.status_code == 404, token
    # Past the deadline plus the grace period the link stops.
    recommendation.deadline = timezone.localdate() - timedelta(days=dispatch.LINK_DAYS_AFTER_DEADLINE + 1)
    recommendation.decided_on = recommendation.deadline - timedelta(days=10)
    recommendation.save()
    stale = dispatch.token_for(Dispatch.objects.get(pk=first.pk))
    assert client.get(reverse("followthrough_public:record_by_link", args=[stale])).status_code == 404
    # A contact recording the decision spends the link too.
    second.refresh_from_db()
    link = dispatch.token_for(second)
    decision = second.decision
    decision.outcome, decision.deciding_body, decision.decided_on = "rejected", "KF", timezone.localdate()
    decision.save()
    assert client.get(reverse("followthrough_public:record_by_link", args=[link])).status_code == 404


def recommend_while_mail_fails(world, settings, principals):
    """A recommendation of the published § 1 dispatched to `principals` while no mail server answers (a closed
    local port): every dispatch is left unsent with its error. The mail backend is the test outbox again after."""
    meeting = published_and_told(world)
    registry(world)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with _on_commit(execute=True):
        item = meeting.items.get(number="1")
        recommendation = recommend(item, world.coordinator, principals=principals, dispatch=True)
    run_worker()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return recommendation


@mailing
def test_a_failed_dispatch_is_not_called_sent_and_is_retried(client, world, settings):
    recommendation = recommend_while_mail_fails(world, settings, [world.region])
    row = Dispatch.objects.get()
    assert row.sent_at is None and row.error
    client.force_login(world.coordinator)
    page = client.get(reverse("followthrough:recommendation", args=[recommendation.pk])).content.decode()
    assert "Inte skickad" in page and "Skickad " not in page
    board = client.get(reverse("followthrough_public:board", args=[world.area.slug])).content.decode()
    assert "Skickad" not in board
    with _on_commit(execute=True):
        call_command("send_reminders", verbosity=0)
    run_worker()
    assert len(mail.outbox) == 1 and Dispatch.objects.get().sent_at is not None
    run_worker()
    assert len(mail.outbox) == 1


@mailing
def test_a_rolled_back_recommendation_dispatches_nothing(world):
    meeting = published_and_told(world)
    registry(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        recommend(meeting.items.get(number="1"), world.coordinator, dispatch=True)
        raise RuntimeError("rolled back")
    run_worker()
    assert not Dispatch.objects.exists() and not mail.outbox


@mailing
def test_no_extract_for_an_internal_item_in_the_mail(world):
    meeting = published_and_told(world)
    registry(world)
    with _on_commit(execute=True):
        recommend(meeting.items.get(number="2"), world.coordinator, principals=[world.region], dispatch=True)
    run_worker()
    (message,) = mail.outbox
    assert not message.attachments and "Protokollsutdraget skickas inte med e-post" in message.body
    assert "Intern diskussion om bemanning" not in message.body


@pytest.mark.django_db
def test_extract_download_public_and_staff(client, world):
    meeting = published(world)
    area = world.area.slug
    items = {i.number: i for i in meeting.items.all()}

    def public(number):
        return reverse("meetings_public:extract", args=[area, meeting.pk, items[number].pk])

    response = client.get(public("1"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Lägesbild äldreomsorg" in text_of(response.content)
    assert client.get(public("2")).status_code == 404 and client.get(public("3")).status_code == 404
    assert client.get(f"/omrade/{area}/moten/{meeting.pk}/protokollsutdrag/999999.pdf").status_code == 404
    staff = reverse("meetings:extract", args=[items["2"].pk])
    assert client.get(staff).status_code == 302  # to the login page
    client.force_login(world.outsider)
    assert client.get(staff).status_code == 404
    client.force_login(world.coordinator)
    response = client.get(staff)
    assert response.status_code == 200 and "Intern diskussion om bemanning" in text_of(response.content)
    assert "Patientärende" not in text_of(response.content)


@pytest.mark.django_db
def test_no_extract_before_adjustment(client, world):
    seats = seat_group(world)
    from tests.minutes_helpers import held_meeting

    meeting = held_meeting(world, seats)
    item = meeting.items.get(number="1")
    client.force_login(world.coordinator)
    assert client.get(reverse("meetings:extract", args=[item.pk])).status_code == 404
    client.logout()
    url = reverse("meetings_public:extract", args=[world.area.slug, meeting.pk, item.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_principal_form_takes_a_registry_address(client, world):
    client.force_login(world.coordinator)
    url = reverse("structure:principal_edit", args=[world.town.pk])
    bad = client.post(
        url,
        {
            "name": world.town.name,
            "slug": world.town.slug,
            "kind": "municipality",
            "registry_address": "inte en adress",
        },
    )
    assert bad.status_code == 400
    world.town.refresh_from_db()
    assert world.town.registry_address == ""


@mailing
def test_send_again_a_failed_or_unanswered_dispatch_after_a_confirmation(client, world, settings):
    recommendation = recommend_while_mail_fails(world, settings, [world.region, world.town])
    region = PrincipalDecision.objects.get(principal=world.region)
    town = PrincipalDecision.objects.get(principal=world.town)
    again = reverse("followthrough:dispatch_again", args=[region.pk])
    client.force_login(world.coordinator)
    page = client.get(reverse("followthrough:recommendation", args=[recommendation.pk])).content.decode()
    assert again in page and reverse("followthrough:dispatch_again", args=[town.pk]) in page
    confirm = client.get(again).content.decode()
    assert "Skicka rekommendationen igen till Region Test?" in confirm and "Inte skickad" in confirm
    assert not mail.outbox

    # The POST records and queues for the worker after commit; the request itself mails nothing.
    with _on_commit(execute=True):
        assert client.post(again).status_code == 302
    assert not mail.outbox
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["registrator@region.example"] and link_path(message)
    row = Dispatch.objects.get(decision=region)
    assert row.sent_at is not None and not row.error
    latest = region.history.latest()
    assert latest.history_change_reason == "Utskicket skickat igen till registrator@region.example"
    assert latest.history_user_id == world.coordinator.pk

    # Sent but not answered: offered again. Answered: refused, nothing sent.
    assert "Skicka igen" in client.get(again).content.decode()
    deliver(lambda: client.post(again))
    assert len(mail.outbox) == 2
    region.outcome, region.answered_at = "adopted", timezone.now()
    region.save()
    assert "kan inte skickas igen" in client.get(again).content.decode()
    refused = deliver(lambda: client.post(again, follow=True))
    assert "besvarat eller på väg" in refused.content.decode() and len(mail.outbox) == 2

    # One on its way (claimed by a worker) is not sent twice.
    Dispatch.objects.filter(decision=town).update(claimed_at=timezone.now())
    deliver(lambda: client.post(reverse("followthrough:dispatch_again", args=[town.pk])))
    assert len(mail.outbox) == 2

    # The principal's contact and an outsider see the decision but do not follow the body up: 403, nothing sent.
    Dispatch.objects.filter(decision=town).update(claimed_at=None, error="refused")
    for actor in (world.contact, world.outsider):
        client.force_login(actor)
        url = reverse("followthrough:dispatch_again", args=[town.pk])
        assert client.get(url).status_code == 403 and deliver(lambda url=url: client.post(url)).status_code == 403
    assert len(mail.outbox) == 2
    assert Dispatch.objects.get(decision=town).sent_at is None


@mailing
def test_sending_again_in_a_rolled_back_change_sends_nothing(world, settings):
    recommend_while_mail_fails(world, settings, [world.region])
    Dispatch.objects.update(error="refused")
    decision = PrincipalDecision.objects.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.send_dispatch_again(decision, world.coordinator)
        raise RuntimeError
    run_worker()
    assert not mail.outbox and Dispatch.objects.get().error == "refused"
