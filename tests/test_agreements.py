"""The agreements register: the derived status follows the parties' decisions and the dates, adoption goes through
follow-through, the public register filters and pages in a constant number of queries, internal agreements stay
hidden, follow-ups move the next date, and reminders go out once per due date."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.agreements import actions, reminders
from samverkan.agreements.models import Agreement, AgreementReminder, AgreementVersion, FollowUp, Status, add_months
from samverkan.followthrough.models import Dispatch, PrincipalDecision, Recommendation
from samverkan.structure.models import Principal
from tests import sample_files
from tests.followthrough_helpers import decide, decision_item
from tests.worker_helpers import run_worker

TODAY = timezone.localdate()


def make_agreement(world, title="Överenskommelse om samverkan", parties=None, **fields):
    fields.setdefault("owner", world.forum)
    agreement = Agreement.objects.create(area=world.area, title=title, **fields)
    agreement.parties.set(parties if parties is not None else [world.region, world.town])
    return agreement


def sent(world, agreement, item=None):
    item = item or decision_item(world.forum)
    return actions.send_for_adoption(
        agreement,
        item,
        None,
        title=f"Antagande av {agreement.title}",
        text="Anta överenskommelsen.",
        decided_on=TODAY - timedelta(days=20),
        deadline=TODAY + timedelta(days=60),
    )


def status_both_ways(agreement, today=TODAY):
    """The status by the Python rule and by the queryset rule; they must agree."""
    python = Agreement.objects.get(pk=agreement.pk).status(today)
    matching = [s for s in Status if Agreement.objects.with_status(s, today).filter(pk=agreement.pk).exists()]
    assert matching == [python], (python, matching)
    return python


# --- Status follows the parties' decisions (hand-made cases) -------------------------------------------------


def test_status_follows_the_parties_decisions_and_the_dates(world):
    agreement = make_agreement(world)
    assert status_both_ways(agreement) == Status.DRAFT
    Agreement.objects.filter(pk=agreement.pk).update(stage=Status.CONSULTATION)
    assert status_both_ways(agreement) == Status.CONSULTATION
    agreement = sent(world, agreement)
    assert status_both_ways(agreement) == Status.FOR_ADOPTION
    recommendation = agreement.adoption
    assert set(recommendation.decisions.values_list("principal", flat=True)) == {world.region.pk, world.town.pk}
    decide(recommendation, world.region, reference="RF § 12")
    assert status_both_ways(agreement) == Status.FOR_ADOPTION  # one of two
    decide(recommendation, world.town, outcome="partly_adopted")
    assert status_both_ways(agreement) == Status.FOR_ADOPTION  # partly is not adopted
    decide(recommendation, world.town, outcome="adopted", reference="KF § 45")
    assert status_both_ways(agreement) == Status.IN_FORCE
    Agreement.objects.filter(pk=agreement.pk).update(valid_from=TODAY + timedelta(days=10))
    assert status_both_ways(agreement) == Status.ADOPTED
    Agreement.objects.filter(pk=agreement.pk).update(valid_from=TODAY - timedelta(days=400), valid_to=TODAY)
    assert status_both_ways(agreement) == Status.IN_FORCE  # the last day still counts
    assert status_both_ways(agreement, TODAY + timedelta(days=1)) == Status.EXPIRED
    # A party that rejects keeps it from ever being in force.
    other = sent(world, make_agreement(world, "Riktlinje"))
    decide(other.adoption, world.region)
    decide(other.adoption, world.town, outcome="rejected")
    assert status_both_ways(other) == Status.FOR_ADOPTION


def test_an_agreement_is_replaced_once_its_successor_is_adopted_and_valid(world):
    old = sent(world, make_agreement(world, "ÖK 1999"))
    for party in (world.region, world.town):
        decide(old.adoption, party)
    new = make_agreement(world, "ÖK 2026", replaces=old, valid_from=TODAY - timedelta(days=1))
    assert status_both_ways(old) == Status.IN_FORCE  # the successor is only a draft
    new = sent(world, new)
    decide(new.adoption, world.region)
    assert status_both_ways(old) == Status.IN_FORCE
    decide(new.adoption, world.town)
    assert status_both_ways(old) == Status.REPLACED
    assert status_both_ways(new) == Status.IN_FORCE


def test_adoption_is_a_recommendation_and_decisions_show_on_the_agreement(client, world):
    agreement = sent(world, make_agreement(world))
    decide(agreement.adoption, world.region, reference="RF § 12", decided_on=TODAY - timedelta(days=3))
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "RF § 12" in page and (TODAY - timedelta(days=3)).isoformat() in page
    assert "Skickad för antagande" in page
    assert client.get(agreement.adoption.get_absolute_url()).status_code == 200  # the recommendation's own page


def test_decisions_of_an_internal_adoption_item_are_not_shown_to_the_public(client, world):
    item = decision_item(world.forum, visibility="internal")
    agreement = sent(world, make_agreement(world), item=item)
    decide(agreement.adoption, world.region, reference="RF § 77")
    decide(agreement.adoption, world.town, reference="KF § 78")
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Gäller" in page  # the agreement's own status is public
    assert "RF § 77" not in page and "KF § 78" not in page
    client.force_login(world.coordinator)
    assert "RF § 77" in client.get(agreement.get_absolute_url()).content.decode()


def test_a_party_whose_decision_the_reader_may_not_see_is_not_said_to_have_said_no(client, world):
    """Where the adoption's decisions are not for the reader's eyes, a party that has adopted shows "Ja" and any
    other "Inte antagen" (it showed "Nej" for one still to decide); an agreement not yet sent shows "–"."""
    import re

    item = decision_item(world.forum, visibility="internal")
    agreement = sent(world, make_agreement(world, parties=[world.region, world.town, world.village]), item=item)
    decide(agreement.adoption, world.region)
    decide(agreement.adoption, world.town, outcome="rejected")

    def adopted_cells(page):
        rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]*)</td>', page)
        return dict(rows)

    cells = adopted_cells(client.get(agreement.get_absolute_url()).content.decode())
    assert cells == {world.region.name: "Ja", world.town.name: "Inte antagen", world.village.name: "Inte antagen"}
    unsent = make_agreement(world, title="Ännu inte skickad")
    assert set(adopted_cells(client.get(unsent.get_absolute_url()).content.decode()).values()) == {"–"}


def test_sending_twice_or_without_parties_is_refused(world):
    agreement = sent(world, make_agreement(world))
    with pytest.raises(Exception, match="redan skickad"):
        sent(world, agreement)
    lonely = make_agreement(world, "Utan parter", parties=[])
    before = Recommendation.objects.count()
    with pytest.raises(Exception, match="parter"):
        sent(world, lonely)
    assert Recommendation.objects.count() == before


# --- Staff pages ------------------------------------------------------------------------------------------------


def _agreement_post(world, **overrides):
    data = {
        "title": "Överenskommelse om barn och unga",
        "kind": "agreement",
        "field_of_work": "Barn och unga",
        "parties": [world.region.pk, world.town.pk],
        "owner": world.forum.pk,
        "stage": "draft",
        "valid_from": "",
        "valid_to": "",
        "follow_up_months": "12",
        "next_follow_up": (TODAY + timedelta(days=100)).isoformat(),
        "review_on": "",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_a_coordinator_registers_an_agreement_and_sends_it_for_adoption(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("agreements:create", args=[world.area.slug]), _agreement_post(world))
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Överenskommelse om barn och unga")
    assert agreement.history.first().history_user == world.coordinator
    item = decision_item(world.forum)
    response = client.post(
        reverse("agreements:send_for_adoption", args=[agreement.pk]),
        {
            "item": item.pk,
            "title": "Antagande",
            "text": "Anta den.",
            "decided_on": TODAY.isoformat(),
            "deadline": (TODAY + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement.refresh_from_db()
    assert agreement.adoption.item == item
    assert agreement.adoption.decisions.count() == 2


@pytest.mark.django_db(transaction=True)
def test_sending_for_adoption_dispatches_and_a_party_adopts_through_its_link(client, world):
    """ "Skicka för antagande" with the box checked mails each party a personal link (registry address and
    contacts); the region's registrar records the adoption through it without an account; the agreement shows it."""
    Principal.objects.filter(pk=world.region.pk).update(registry_address="registrator@region.example")
    agreement = make_agreement(world)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("agreements:send_for_adoption", args=[agreement.pk]),
        {
            "item": decision_item(world.forum).pk,
            "title": "Antagande",
            "text": "Parterna rekommenderas att anta överenskommelsen.",
            "decided_on": TODAY.isoformat(),
            "deadline": (TODAY + timedelta(days=90)).isoformat(),
            "dispatch": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Utskick till 2 huvudmän läggs i kön och skickas strax." in [str(m) for m in response.wsgi_request._messages]
    agreement.refresh_from_db()
    mail.outbox.clear()
    run_worker()
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {("registrator@region.example",), ("contact@test.example",)}
    assert Dispatch.objects.filter(sent_at__isnull=False).count() == 2
    found = re.search(r"https?://[^/\s]+(/rekommendation/svar/\S+)", by_to[("registrator@region.example",)].body)
    assert found, by_to[("registrator@region.example",)].body

    client.logout()
    answer = {"outcome": "adopted", "deciding_body": "Regionfullmäktige", "decided_on": TODAY.isoformat()}
    done = client.post(found.group(1), {**answer, "reference": "RF § 12"})
    assert done.status_code == 200 and "Beslutet är registrerat" in done.content.decode()
    decision = PrincipalDecision.objects.get(recommendation=agreement.adoption_id, principal=world.region)
    assert decision.answered_by_link and decision.outcome == "adopted"
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "RF § 12" in page and TODAY.isoformat() in page and "Registrerat via länken i utskicket" in page
    assert status_both_ways(agreement) != Status.IN_FORCE  # the town has not adopted yet


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "Detta fält måste fyllas i"),
        ({"valid_from": "2026-05-01", "valid_to": "2026-04-01"}, "Slutdatum kan inte ligga före startdatum"),
        ({"follow_up_months": "0"}, "Ange ett intervall mellan 1 och 120 månader"),
        ({"next_follow_up": ""}, "Ange när nästa uppföljning ska göras"),
        ({"valid_to": "inte-ett-datum"}, "giltigt datum"),
        ({"parties": ["99999999999999999999999"]}, "är inte ett giltigt värde"),
        ({"owner": str(2**40)}, "Välj ett giltigt alternativ"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(client, world, overrides, message):
    client.force_login(world.coordinator)
    before = Agreement.objects.count()
    response = client.post(reverse("agreements:create", args=[world.area.slug]), _agreement_post(world, **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Inget har sparats" in page
    assert Agreement.objects.count() == before


def test_the_history_names_the_parties_added_and_removed(client, world):
    """A change of parties shows in the agreement's history by the parties' names (it showed Python's lists of
    the through table's rows: "[{'agreement': 7, 'principal': 2}]")."""
    client.force_login(world.coordinator)
    client.post(reverse("agreements:create", args=[world.area.slug]), _agreement_post(world))
    agreement = Agreement.objects.get(title="Överenskommelse om barn och unga")
    edit = reverse("agreements:edit", args=[agreement.pk])
    assert client.post(edit, _agreement_post(world, parties=[world.region.pk, world.village.pk])).status_code == 302
    page = client.get(reverse("agreements:agreement", args=[agreement.pk])).content.decode()
    assert "{&#x27;" not in page and "{'" not in page
    old = ", ".join(sorted([world.region.name, world.town.name]))
    new = ", ".join(sorted([world.region.name, world.village.name]))
    assert old in page and new in page


def test_parties_cannot_change_after_sending(client, world):
    agreement = sent(world, make_agreement(world, next_follow_up=None))
    client.force_login(world.coordinator)
    url = reverse("agreements:edit", args=[agreement.pk])
    data = _agreement_post(
        world, title=agreement.title, parties=[world.region.pk], next_follow_up="", follow_up_months=""
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Parterna kan inte ändras" in response.content.decode()
    assert agreement.parties.count() == 2


def test_a_version_with_a_file_that_is_not_what_it_says_is_refused(client, world):
    agreement = make_agreement(world)
    client.force_login(world.coordinator)
    url = reverse("agreements:version_create", args=[agreement.pk])
    fake = SimpleUploadedFile("ok.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"file": fake, "dated": TODAY.isoformat()})
    assert response.status_code == 400 and "Inget har sparats" in response.content.decode()
    assert not AgreementVersion.objects.exists()
    real = SimpleUploadedFile("ÖK.pdf", sample_files.pdf("Överenskommelse"), content_type="application/pdf")
    assert client.post(url, {"file": real, "dated": TODAY.isoformat(), "note": "Första"}).status_code == 302
    version = AgreementVersion.objects.get()
    assert version.number == 1 and version.original_name == "ÖK.pdf"
    client.logout()
    response = client.get(reverse("agreements_public:version_file", args=[world.area.slug, agreement.pk, version.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_secretary_of_another_body_may_read_but_not_change(client, world):
    agreement = make_agreement(world)
    client.force_login(world.secretary)  # secretary of the group, not of the forum
    assert client.get(reverse("agreements:agreement", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("agreements:edit", args=[agreement.pk])).status_code == 403


# --- Follow-up --------------------------------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_a_follow_up_is_recorded_and_moves_the_next_date_by_the_interval(client, world):
    due = TODAY - timedelta(days=5)
    agreement = make_agreement(world, follow_up_months=6, next_follow_up=due)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("agreements:follow_up_create", args=[agreement.pk]),
        {"held_on": TODAY.isoformat(), "body": world.group.pk, "finding": "Fungerar väl."},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.next_follow_up == add_months(due, 6)
    follow_up = FollowUp.objects.get()
    assert follow_up.body == world.group and follow_up.history.first().history_user == world.coordinator
    assert "Fungerar väl." in client.get(agreement.get_absolute_url()).content.decode()
    # A follow-up in the future is refused in Swedish, nothing saved, the date stays.
    response = client.post(
        reverse("agreements:follow_up_create", args=[agreement.pk]),
        {"held_on": (TODAY + timedelta(days=3)).isoformat(), "finding": "x"},
    )
    assert response.status_code == 400 and "kan inte ligga i framtiden" in response.content.decode()
    assert FollowUp.objects.count() == 1
    agreement.refresh_from_db()
    assert agreement.next_follow_up == add_months(due, 6)


def test_a_late_follow_up_keeps_the_rhythm_and_never_leaves_a_past_date(world):
    agreement = make_agreement(world, follow_up_months=3, next_follow_up=TODAY - timedelta(days=200))
    assert actions.next_follow_up_after(agreement, TODAY) > TODAY


# --- Reminders --------------------------------------------------------------------------------------------------


def _reminder_pass(on_commit):
    """`send_reminders` as cron runs it, then the worker as `samverkan worker` runs it."""
    with on_commit(execute=True):
        call_command("send_reminders", verbosity=0)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)


@pytest.mark.django_db(transaction=True)  # the worker closes the connection, as the real one does
def test_reminders_go_out_through_the_worker_once_per_due_date(world, django_capture_on_commit_callbacks):
    agreement = make_agreement(world, follow_up_months=12, next_follow_up=TODAY + timedelta(days=2))
    make_agreement(world, "Långt borta", follow_up_months=12, next_follow_up=TODAY + timedelta(days=300))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
    assert mail.outbox == []  # queued, not sent by the command
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coordinator@test.example"]
    assert agreement.title in mail.outbox[0].subject
    _reminder_pass(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # once per due date
    assert AgreementReminder.objects.filter(agreement=agreement, sent_at__isnull=False).count() == 1
    # A new due date (after a follow-up) is reminded of again.
    Agreement.objects.filter(pk=agreement.pk).update(next_follow_up=TODAY + timedelta(days=1))
    _reminder_pass(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_expired_and_replaced_agreements_are_not_reminded_of(world):
    old = sent(world, make_agreement(world, "Gammal", valid_to=TODAY - timedelta(days=1), next_follow_up=TODAY))
    for party in (world.region, world.town):
        decide(old.adoption, party)
    assert reminders.due_reminders(TODAY) == []


# --- Public register --------------------------------------------------------------------------------------------


def test_the_register_filters_by_kind_party_status_and_field_of_work(client, world):
    in_force = sent(world, make_agreement(world, "Gällande ÖK", field_of_work="Vård"))
    for party in (world.region, world.town):
        decide(in_force.adoption, party)
    make_agreement(world, "Rutin för utskrivning", kind="routine", parties=[world.village], field_of_work="Vård")
    make_agreement(world, "Avtal om IT", kind="contract", field_of_work="IT")
    url = reverse("agreements_public:register", args=[world.area.slug])

    def titles(**query):
        page = client.get(url, query).content.decode()
        return {t for t in ("Gällande ÖK", "Rutin för utskrivning", "Avtal om IT") if t in page}

    assert titles() == {"Gällande ÖK", "Rutin för utskrivning", "Avtal om IT"}
    assert titles(typ="routine") == {"Rutin för utskrivning"}
    assert titles(part="byn") == {"Rutin för utskrivning"}
    assert titles(status="in_force") == {"Gällande ÖK"}
    assert titles(status="draft") == {"Rutin för utskrivning", "Avtal om IT"}
    assert titles(verksamhet="IT") == {"Avtal om IT"}
    assert titles(typ="nonsense", status="x") == {"Gällande ÖK", "Rutin för utskrivning", "Avtal om IT"}


def test_internal_agreements_are_absent_from_public_lists_and_404_for_outsiders(client, world):
    hidden = make_agreement(world, "Hemlig överenskommelse", visibility="internal")
    of_secret_body = make_agreement(world, "Det hemliga organets avtal", owner=world.secret)
    register = reverse("agreements_public:register", args=[world.area.slug])
    for user in (None, world.outsider, world.contact, world.secretary):
        if user:
            client.force_login(user)
        page = client.get(register).content.decode()
        assert "Hemlig överenskommelse" not in page and "hemliga organets" not in page
        for agreement in (hidden, of_secret_body):
            assert client.get(agreement.get_absolute_url()).status_code == 404
            if user:
                assert client.get(reverse("agreements:agreement", args=[agreement.pk])).status_code == 404
    client.force_login(world.coordinator)
    assert "Hemlig överenskommelse" in client.get(register).content.decode()


def test_the_register_pages_with_a_constant_number_of_queries(client, world, queries):
    def grow(n=30, start=0):
        for i in range(start, start + n):
            agreement = make_agreement(world, f"Överenskommelse {i:03}", field_of_work=f"Område {i % 4}")
            if i % 3 == 0:
                sent(world, agreement)

    grow(3)
    url = reverse("agreements_public:register", args=[world.area.slug]) + "?sida=2"
    queries.assert_constant(client, url, lambda: grow(40, 100), at_most=6)
    assert "Sida 2 av" in client.get(url).content.decode()
    staff = reverse("agreements:area", args=[world.area.slug])
    client.force_login(world.coordinator)
    queries.assert_constant(client, staff, lambda: grow(10, 200), at_most=12)


# --- Demo -------------------------------------------------------------------------------------------------------


def test_the_demo_has_agreements_one_replacing_another_and_one_waiting_for_two_parties(client, demo):
    from samverkan.demo.county import DEMO_AREA_SLUG

    agreements = {a.title: a for a in Agreement.objects.filter(area__slug=DEMO_AREA_SLUG)}
    old = agreements["Överenskommelse om samverkan mellan regionen och kommunerna (1999)"]
    new = agreements["Överenskommelse om samverkan inom hälsa, vård och omsorg"]
    waiting = agreements["Överenskommelse om barn och ungas hälsa"]
    assert new.replaces == old
    assert (old.status(), new.status(), waiting.status()) == (Status.REPLACED, Status.IN_FORCE, Status.FOR_ADOPTION)
    pending = waiting.adoption.decisions.exclude(outcome="adopted")
    assert pending.count() == 2
    assert new.follow_ups.count() == 1 and new.next_follow_up > TODAY
    page = client.get(new.get_absolute_url()).content.decode()
    assert "Gäller" in page and old.title in page
    assert new.title in client.get(old.get_absolute_url()).content.decode()  # the chain both ways
    register = client.get(reverse("agreements_public:register", args=[DEMO_AREA_SLUG])).content.decode()
    assert all(title in register for title in agreements)
