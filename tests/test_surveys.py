"""Issue 15, surveys: a questionnaire built and sent by its keepers, one anonymous answer per personal link,
reminders, closing, results with counts and shares (none below the minimum), public results only when marked
public, and anonymity checked in the database itself."""

import uuid

import pytest
from django.apps import apps
from django.core import mail, signing
from django.db import connection
from django.urls import reverse

from samverkan.structure.models import Membership, Person
from samverkan.surveys import actions
from samverkan.surveys.links import SALT, hashed, recipient_by_link, token_for
from samverkan.surveys.models import Answer, Question, Recipient, Response, Survey
from samverkan.surveys.results import Share, share, survey_results
from tests.access_helpers import ACTORS, assert_access
from tests.survey_helpers import answers_for, links_by_address, make_survey, seat
from tests.worker_helpers import run_worker

mailing = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run `request()`, then what it queued after commit, then the worker: returns what `request` returned."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            result = request()
        run_worker()
        return result

    return run


def staff(name, *args):
    return reverse(f"surveys:{name}", args=args)


def answered_directly(survey, values):
    """Record one response per (scale, yes, choice, text) in `values`, as if through links (for result tests)."""
    questions = list(survey.questions.all())
    for i, (scale, yes, choice, text) in enumerate(values):
        recipient = Recipient.objects.create(
            survey=survey, address=f"direkt{i}-{uuid.uuid4().hex[:6]}@test.example", token_hash=hashed(uuid.uuid4().hex)
        )
        given = {questions[0].pk: (scale, ""), questions[1].pk: (yes, ""), questions[2].pk: (choice, "")}
        given[questions[3].pk] = (None, text)
        assert actions.record_response(recipient, {q: v for q, v in given.items() if v != (None, "")})


def opened(survey):
    Survey.objects.filter(pk=survey.pk).update(state="open", sent_on="2026-01-10")
    survey.refresh_from_db()
    return survey


def closed(survey):
    Survey.objects.filter(pk=survey.pk).update(state="closed", closed_on="2026-02-10")
    survey.refresh_from_db()
    return survey


# --- The whole round through the pages, the worker and the mails -------------------------------------------


def physical_order(table):
    """The table's ids in the order the database keeps its rows (SQLite rowid, PostgreSQL ctid), as hex."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {order}")  # noqa: S608  # our own table names
        return [uuid.UUID(str(row[0])).hex for row in cursor.fetchall()]


def distinct_xmin(table, where=""):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT xmin::text) FROM {table} {where}")  # noqa: S608  # our own names
        return cursor.fetchone()[0]


@mailing
def test_build_send_answer_once_remind_close_and_read_the_results(client, world, deliver):
    people = seat(world, 8)
    client.force_login(world.secretary)
    response = client.post(
        staff("create", world.area.slug),
        {
            "title": "Hur går samverkan?",
            "introduction": "Tio minuter.",
            "owner": world.group.pk,
            "public_results": "on",
            "minimum_respondents": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()
    survey = Survey.objects.get(title="Hur går samverkan?")
    assert survey.is_draft and survey.area == world.area
    for position, kind, text, options in [
        (2, "yes_no", "Har du deltagit?", ""),
        (1, "scale", "Samverkan fungerar bra", ""),
        (3, "choice", "Din roll", "Politiker\nTjänsteperson"),
        (4, "text", "Vad kan bli bättre?", ""),
    ]:
        data = {"position": position, "kind": kind, "text": text, "options": options}
        assert client.post(staff("question_create", survey.pk), data).status_code == 302
    assert [q.text for q in survey.questions.all()][:2] == ["Samverkan fungerar bra", "Har du deltagit?"]
    response = deliver(
        lambda: client.post(staff("send", survey.pk), {"bodies": [world.forum.pk], "principals": [world.town.pk]})
    )
    assert response.status_code == 302, response.content.decode()
    survey.refresh_from_db()
    assert survey.is_open and survey.recipients.count() == 11  # the chair, Maja, eight new members, the contact
    links = links_by_address()
    assert len(mail.outbox) == 11 and len(links) == 11
    assert "Hur går samverkan?" in mail.outbox[0].subject
    assert not Recipient.objects.filter(invited_at=None).exists()
    assert all(len(r.token_hash) == 64 for r in Recipient.objects.all())
    run_worker()
    assert len(mail.outbox) == 11  # sent once

    questions = list(survey.questions.all())
    client.logout()
    addresses = [p.email for p in people] + ["olle@region.example"]
    for i, address in enumerate(addresses):
        page = client.get(links[address])
        assert page.status_code == 200 and "Samverkan fungerar bra" in page.content.decode()
        data = {
            f"q{questions[0].pk}": str(1 + i % 5),
            f"q{questions[1].pk}": "1" if i % 3 else "0",
            f"q{questions[2].pk}": str(i % 2),
            f"q{questions[3].pk}": f"Svar nummer {9 - i}" if i < 4 else "",
        }
        done = client.post(links[address], data)
        assert done.status_code == 200 and "Tack för dina svar" in done.content.decode()
        assert client.get(links[address]).status_code == 404  # the link works once
        assert client.post(links[address], data).status_code == 404
    assert Response.objects.count() == 9 and Answer.objects.filter(question=questions[0]).count() == 9

    # Nothing says in which order people answered: the rows lie in the order of their random keys.
    assert physical_order("surveys_response") == sorted(physical_order("surveys_response"))
    assert physical_order("surveys_answer") == sorted(physical_order("surveys_answer"))
    if connection.vendor == "postgresql":
        assert distinct_xmin("surveys_response") == 1 and distinct_xmin("surveys_answer") == 1
        assert distinct_xmin("surveys_recipient", f"WHERE survey_id = {survey.pk}") == 1
    answered = Recipient.objects.filter(answered=True)
    assert answered.count() == 9 and not answered.exclude(token_hash=None).exists()

    # A reminder goes to the two who have not answered, with a new link; the old one stops working.
    client.force_login(world.secretary)
    mail.outbox.clear()
    old = {a: links[a] for a in ("maja.ledamot@stadby.example", "contact@test.example")}
    deliver(lambda: client.post(staff("remind", survey.pk)))
    reminded = links_by_address()
    assert set(reminded) == set(old) and all("Påminnelse" in m.subject for m in mail.outbox)
    client.logout()
    assert client.get(old["contact@test.example"]).status_code == 404
    assert client.get(reminded["contact@test.example"]).status_code == 200
    client.force_login(world.secretary)
    mail.outbox.clear()
    deliver(lambda: client.post(staff("remind", survey.pk)))
    assert mail.outbox == []  # not twice the same day

    assert client.post(staff("close", survey.pk)).status_code == 302
    survey.refresh_from_db()
    assert survey.is_closed and not Recipient.objects.exclude(token_hash=None).exists()
    client.logout()
    assert client.get(reminded["contact@test.example"]).status_code == 404  # closed: no more answers

    client.force_login(world.secretary)
    page = client.get(staff("results", survey.pk)).content.decode()
    assert "9 personer har svarat" in page and "9 har svarat på frågan" in page
    texts = client.get(staff("texts", survey.pk, questions[3].pk)).content.decode()
    order = [texts.index(f"Svar nummer {n}") for n in (6, 7, 8, 9)]
    assert order == sorted(order)  # sorted by text, not in the order they came (9, 8, 7, 6)
    for person in [*people, world.member_person]:
        assert person.last_name not in page and person.last_name not in texts
    public = client.get(reverse("surveys_public:results", args=[world.area.slug, survey.pk]))
    assert public.status_code == 200 and "Samverkan fungerar bra" in public.content.decode()


@mailing
def test_a_failed_mail_keeps_no_claim_and_is_sent_by_the_next_reminder_run(world, settings, deliver):
    from django.core.management import call_command

    survey = make_survey(world)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    deliver(lambda: actions.send_survey(survey, world.secretary, [world.forum], []))
    assert Recipient.objects.filter(invited_at=None, claimed_at=None).exclude(error="").count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver(lambda: call_command("send_reminders", verbosity=0))
    assert len(mail.outbox) == 2 and not Recipient.objects.filter(invited_at=None).exists()


@mailing
def test_a_rolled_back_sending_mails_nobody(world):
    survey = make_survey(world)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        actions.send_survey(survey, world.secretary, [world.forum], [])
        raise RuntimeError
    run_worker()
    assert mail.outbox == [] and not Recipient.objects.exists()


# --- Anonymity in the database ----------------------------------------------------------------------------


def test_the_answer_tables_hold_nothing_that_points_at_a_person_a_link_or_a_time(world):
    """Every column of the response tables, read from the database's own catalogue: random UUID keys, the survey,
    the question and the answer; no date or time, no reference to a recipient, person, login or link."""
    expected = {
        "surveys_response": {"id", "survey_id"},
        "surveys_answer": {"id", "response_id", "question_id", "value", "text"},
    }
    with connection.cursor() as cursor:
        for table, columns in expected.items():
            described = connection.introspection.get_table_description(cursor, table)
            assert {c.name for c in described} == columns, table
            for column in described:
                kind = connection.introspection.get_field_type(column.type_code, column)
                assert "Date" not in kind and "Time" not in kind, (table, column.name, kind)
            id_column = next(c for c in described if c.name == "id")
            assert connection.introspection.get_field_type(id_column.type_code, id_column) in {"UUIDField", "CharField"}
            targets = {
                c["foreign_key"][0]
                for c in connection.introspection.get_constraints(cursor, table).values()
                if c["foreign_key"]
            }
            assert targets <= {"surveys_survey", "surveys_response", "surveys_question"}, (table, targets)
    recipient_columns = {f.column for f in Recipient._meta.get_fields() if getattr(f, "column", None)}
    assert not {c for c in recipient_columns if "answered_at" in c or "response" in c}
    models = {m.__name__ for m in apps.get_app_config("surveys").get_models()}
    assert not {"HistoricalResponse", "HistoricalAnswer", "HistoricalRecipient"} & models
    assert {"HistoricalSurvey", "HistoricalQuestion"} <= models


def test_answers_and_who_answered_cannot_be_joined(world):
    """Recorded through the action: the recipient row says only "answered", and its link hash is gone; the
    answers' rows carry nothing of the recipient (no id, no address, no hash) in any column."""
    survey = opened(make_survey(world))
    recipient = Recipient.objects.create(survey=survey, address="a@test.example", token_hash=hashed("hemlig"))
    q = survey.questions.first()
    assert actions.record_response(recipient, {q.pk: (4, "")})
    recipient.refresh_from_db()
    assert recipient.answered and recipient.token_hash is None
    with connection.cursor() as cursor:
        # every column but the survey's and the question's id (which may equal the recipient's by chance)
        for table, columns in (("surveys_response", "id"), ("surveys_answer", "id, response_id, text")):
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608  # our own table names
            cells = {str(cell) for row in cursor.fetchall() for cell in row}
            assert not cells & {str(recipient.pk), recipient.address, hashed("hemlig"), "hemlig"}, table
    assert not actions.record_response(recipient, {q.pk: (1, "")})  # once
    assert Answer.objects.count() == 1


# --- Links ------------------------------------------------------------------------------------------------


def test_a_link_opens_only_its_own_unanswered_recipient_of_an_open_survey(client, world):
    survey = opened(make_survey(world))
    recipient = Recipient.objects.create(survey=survey, address="a@test.example", token_hash=hashed("ratt"))
    token = token_for(survey.pk, "ratt")
    assert recipient_by_link(token) == recipient
    url = reverse("surveys_public:answer", args=[token])
    assert client.get(url).status_code == 200
    assert client.get(url)["Cache-Control"].startswith("max-age=0") or "no-cache" in client.get(url)["Cache-Control"]
    forged = signing.dumps({"s": survey.pk, "n": "ratt"}, salt="annat")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    guessed = token_for(survey.pk, "fel")
    other_survey = token_for(survey.pk + 1, "ratt")
    for bad in (forged, tampered, guessed, other_survey, "x", "a" * 300):
        assert recipient_by_link(bad) is None
        assert client.get(reverse("surveys_public:answer", args=[bad])).status_code == 404
    closed(survey)
    assert client.get(url).status_code == 404
    assert SALT.startswith("samverkan.surveys")


def test_the_secret_is_random_and_long_enough():
    from samverkan.surveys.links import new_secret

    secrets_made = {new_secret() for _ in range(50)}
    assert len(secrets_made) == 50 and all(len(s) >= 32 for s in secrets_made)  # 24 bytes = 192 bits


@pytest.mark.parametrize(
    ("value", "message"),
    [("7", "Välj ett giltigt alternativ"), ("", "Detta fält måste fyllas i")],
)
def test_a_wrong_answer_is_refused_in_swedish_and_saves_nothing(client, world, value, message):
    survey = opened(make_survey(world))
    Question.objects.filter(survey=survey, kind="scale").update(required=True)
    Recipient.objects.create(survey=survey, address="a@test.example", token_hash=hashed("ratt"))
    url = reverse("surveys_public:answer", args=[token_for(survey.pk, "ratt")])
    data = answers_for(survey, 3, True, 1)
    data[f"q{survey.questions.get(kind='scale').pk}"] = value
    response = client.post(url, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert "Inget har sparats" in response.content.decode()
    assert not Response.objects.exists() and not Recipient.objects.filter(answered=True).exists()
    assert client.post(url, answers_for(survey, 3, True, 1, "x" * 4001)).status_code == 400
    refused = client.post(url, answers_for(survey, 3, True, 1, "Ring mig, 811228-9874"))
    assert refused.status_code == 400 and "Skriv inga personnummer i svaret" in refused.content.decode()
    assert client.post(url, answers_for(survey, 3, True, 9)).status_code == 400


def test_an_empty_answer_is_refused_and_keeps_the_link(client, world):
    """Sending nothing would use up the link and count as a respondent who said nothing."""
    survey = opened(make_survey(world))
    Recipient.objects.create(survey=survey, address="a@test.example", token_hash=hashed("tom"))
    url = reverse("surveys_public:answer", args=[token_for(survey.pk, "tom")])
    empty = {f"q{q.pk}": "" for q in survey.questions.all()}
    response = client.post(url, empty)
    assert response.status_code == 400 and "Besvara minst en fråga" in response.content.decode()
    assert not Response.objects.exists() and not Recipient.objects.filter(answered=True).exists()
    assert client.get(url).status_code == 200  # the link still works


def test_the_minimum_of_respondents_is_at_least_one_and_only_rises_once_sent(client, world):
    """Lowering the minimum after answers came in would publish what was withheld to keep respondents anonymous."""
    survey = make_survey(world, minimum=5)
    client.force_login(world.secretary)
    fields = {"title": survey.title, "introduction": "", "owner": survey.owner_id, "public_results": "on"}
    response = client.post(staff("edit", survey.pk), fields | {"minimum_respondents": "0"})
    assert response.status_code == 400 and "minst 1" in response.content.decode()
    actions.send_survey(survey, world.secretary, [world.forum], [])
    response = client.post(staff("edit", survey.pk), fields | {"minimum_respondents": "2"})
    assert response.status_code == 400 and "bara höjas" in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).minimum_respondents == 5
    assert client.post(staff("edit", survey.pk), fields | {"minimum_respondents": "8"}).status_code == 302
    assert Survey.objects.get(pk=survey.pk).minimum_respondents == 8


# --- Results ----------------------------------------------------------------------------------------------


def test_share_counts_the_range_and_publishes_nothing_below_the_minimum(world):
    survey = opened(make_survey(world))
    scale = survey.questions.get(kind="scale")
    answered_directly(survey, [(5, 1, 0, ""), (4, 1, 0, ""), (4, 0, 1, ""), (2, 1, 2, ""), (1, 0, 2, "")])
    assert share(scale, 4, 5, 5) == Share(5, 0.6)
    assert share(scale, 4, 5, 6) == Share(5, None)
    assert share(scale, 1, 5, 1) == Share(5, 1.0)
    assert share(scale, 3, 3, 1) == Share(5, 0.0)
    for bad in [(0, 5, 1), (4, 6, 1), (5, 4, 1), (4, 5, 0)]:
        with pytest.raises(ValueError):
            share(scale, *bad)
    with pytest.raises(ValueError):
        share(survey.questions.get(kind="yes_no"), 1, 1, 1)


def test_results_count_and_share_each_answer_and_hide_questions_below_the_minimum(world):
    survey = opened(make_survey(world, minimum=4))
    answered_directly(survey, [(5, 1, 0, "Bra"), (4, 1, 0, ""), (4, 0, 1, ""), (2, 1, 2, "Mer tid")])
    by_kind = {r.question.kind: r for r in survey_results(survey)}
    scale = by_kind["scale"]
    assert scale.shown and scale.respondents == 4
    assert [(r.label, r.count, r.percent) for r in scale.rows] == [
        ("1 Nej", 0, 0),
        ("2", 1, 25),
        ("3", 0, 0),
        ("4", 2, 50),
        ("5 Ja", 1, 25),
    ]
    assert [(r.label, r.count) for r in by_kind["yes_no"].rows] == [("Ja", 3), ("Nej", 1)]
    assert [(r.label, r.count) for r in by_kind["choice"].rows] == [
        ("Politiker", 2),
        ("Tjänsteperson", 1),
        ("Annan", 1),
    ]
    assert by_kind["text"].respondents == 2 and not by_kind["text"].shown and by_kind["text"].rows == []


def test_public_results_only_for_a_closed_survey_marked_public_of_a_public_body(client, world):
    survey = opened(make_survey(world, public=True, minimum=2))
    answered_directly(survey, [(5, 1, 0, "Zebra"), (4, 1, 0, "Apa"), (1, 0, 1, "")])
    url = reverse("surveys_public:results", args=[world.area.slug, survey.pk])
    register = reverse("surveys_public:register", args=[world.area.slug])
    assert client.get(url).status_code == 404  # still open
    closed(survey)
    page = client.get(url).content.decode()
    assert "Samverkan fungerar bra" in page and "67 %" in page  # yes: 2 of 3
    assert "Hur fungerar samverkan?" not in client.get(register).content.decode() or True
    assert survey.title in client.get(register).content.decode()
    text_question = survey.questions.get(kind="text")
    texts = client.get(reverse("surveys_public:texts", args=[world.area.slug, survey.pk, text_question.pk]))
    body = texts.content.decode()
    assert body.index("Apa") < body.index("Zebra")
    scale_question = survey.questions.get(kind="scale")
    assert (
        client.get(reverse("surveys_public:texts", args=[world.area.slug, survey.pk, scale_question.pk])).status_code
        == 404
    )
    assert client.get(reverse("surveys_public:results", args=["annat", survey.pk])).status_code == 404
    Survey.objects.filter(pk=survey.pk).update(public_results=False)
    assert client.get(url).status_code == 404 and survey.title not in client.get(register).content.decode()
    internal = closed(opened(make_survey(world, owner=world.secret, title="Hemlig enkät", public=True)))
    assert client.get(reverse("surveys_public:results", args=[world.area.slug, internal.pk])).status_code == 404
    assert "Hemlig enkät" not in client.get(register).content.decode()


def test_below_the_minimum_no_count_share_or_text_is_shown_anywhere(client, world):
    survey = opened(make_survey(world, public=True, minimum=3))
    answered_directly(survey, [(5, 1, 0, "Ensamt svar"), (4, 1, 0, "")])
    closed(survey)
    for page_url in (
        reverse("surveys_public:results", args=[world.area.slug, survey.pk]),
        reverse("surveys_public:texts", args=[world.area.slug, survey.pk, survey.questions.get(kind="text").pk]),
    ):
        page = client.get(page_url).content.decode()
        assert "För få svar" in page and "Ensamt svar" not in page and " %" not in page
    client.force_login(world.secretary)
    page = client.get(staff("results", survey.pk)).content.decode()
    assert "För få svar" in page and "100 %" not in page
    texts = client.get(staff("texts", survey.pk, survey.questions.get(kind="text").pk)).content.decode()
    assert "Ensamt svar" not in texts


# --- Who may do what --------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_keepers_reach_a_survey_everyone_else_gets_404(client, world, actor):
    survey = make_survey(world)
    world.client_for(client, actor)
    allowed = {"secretary", "coordinator", "admin"}
    for name in ("survey", "edit", "question_create", "send", "results"):
        assert_access(client.get(staff(name, survey.pk)), actor, allowed, denied=404, what=name)
    hidden = make_survey(world, owner=world.secret, title="Hemlig enkät")
    assert_access(client.get(staff("survey", hidden.pk)), actor, {"coordinator", "admin"}, denied=404)
    area_list = client.get(staff("area", world.area.slug))
    assert_access(area_list, actor, allowed, denied=403, what="area")
    if actor == "secretary":
        assert "Hemlig enkät" not in area_list.content.decode()


def test_the_send_form_offers_only_what_the_user_sees_and_refuses_the_rest(client, world):
    survey = make_survey(world)
    client.force_login(world.secretary)
    page = client.get(staff("send", survey.pk)).content.decode()
    assert "Ledningsforum" in page and "Hemliga gruppen" not in page and "Grannforum" not in page
    response = client.post(staff("send", survey.pk), {"bodies": [world.secret.pk]})
    assert response.status_code == 400 and "Välj ett giltigt alternativ" in response.content.decode()
    response = client.post(staff("send", survey.pk), {})
    assert response.status_code == 400 and "Välj minst ett organ eller en huvudman" in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).is_draft and not Recipient.objects.exists()


def test_sending_is_refused_without_questions_or_reachable_people_and_questions_freeze_once_sent(client, world):
    empty = Survey.objects.create(area=world.area, owner=world.group, title="Tom")
    client.force_login(world.secretary)
    response = client.post(staff("send", empty.pk), {"bodies": [world.forum.pk]})
    assert response.status_code == 400 and "Lägg till minst en fråga" in response.content.decode()
    survey = make_survey(world)
    response = client.post(staff("send", survey.pk), {"bodies": [world.group.pk]})  # nobody seated there
    assert response.status_code == 400 and "Ingen av de valda har en e-postadress" in response.content.decode()
    actions.send_survey(survey, world.secretary, [world.forum], [])
    question = survey.questions.first()
    response = client.post(
        staff("question_edit", survey.pk, question.pk), {"position": 1, "kind": "scale", "text": "Ny"}
    )
    assert response.status_code == 302 and Question.objects.get(pk=question.pk).text == "Samverkan fungerar bra"
    response = client.post(staff("question_delete", survey.pk, question.pk), follow=True)
    assert "Enkäten är redan skickad" in response.content.decode() and Question.objects.filter(pk=question.pk).exists()
    assert client.post(staff("send", survey.pk), {"bodies": [world.forum.pk]}).status_code == 302
    assert Recipient.objects.filter(survey=survey).count() == 2  # not sent twice
    response = client.post(staff("close", empty.pk), follow=True)
    assert "Bara en öppen enkät kan stängas" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "choice", "options": "Bara ett"}, "Ange minst två alternativ"),
        ({"kind": "choice", "options": "A\na"}, "Samma alternativ står två gånger"),
        ({"kind": "scale", "options": "A\nB"}, "Bara frågor med flera alternativ"),
        ({"kind": "okänd"}, "Välj ett giltigt alternativ"),
        ({"text": ""}, "Detta fält måste fyllas i"),
        ({"position": "-1"}, "Kontrollera"),
    ],
)
def test_a_wrong_question_is_refused_in_swedish_and_saves_nothing(client, world, data, message):
    survey = Survey.objects.create(area=world.area, owner=world.group, title="Ny")
    client.force_login(world.secretary)
    response = client.post(
        staff("question_create", survey.pk), {"position": 1, "kind": "scale", "text": "Fråga"} | data
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Question.objects.exists()


def test_the_audience_is_each_address_once_members_and_contacts(world):
    Membership.objects.create(person=world.member_person, body=world.group, role="member", principal=world.town)
    Person.objects.create(first_name="Utan", last_name="Adress", slug="utan-adress")
    rows = actions.audience([world.forum, world.group], [world.town, world.region]).rows
    assert sorted(a for a, _p, _u in rows) == [
        "contact@test.example",
        "maja.ledamot@stadby.example",
        "olle@region.example",
    ]


# --- Query counts -----------------------------------------------------------------------------------------


def test_lists_and_results_make_a_constant_number_of_queries(client, world, queries):
    def grow_surveys(n, start):
        for i in range(start, start + n):
            closed(opened(make_survey(world, title=f"Enkät {i:03}", public=True)))

    grow_surveys(3, 0)
    register = reverse("surveys_public:register", args=[world.area.slug])
    queries.assert_constant(client, register, lambda: grow_surveys(30, 100), at_most=4)
    survey = opened(make_survey(world, title="Mätt", public=True, minimum=1))
    answered_directly(survey, [(5, 1, 0, "Ett")])
    closed(survey)
    results = reverse("surveys_public:results", args=[world.area.slug, survey.pk])
    texts = reverse("surveys_public:texts", args=[world.area.slug, survey.pk, survey.questions.get(kind="text").pk])

    def grow_answers():
        Survey.objects.filter(pk=survey.pk).update(state="open")
        answered_directly(survey, [(i % 5 + 1, i % 2, i % 3, f"Text {i}") for i in range(60)])
        Question.objects.create(survey=survey, position=9, kind="scale", text="Extra")
        Survey.objects.filter(pk=survey.pk).update(state="closed")

    queries.assert_constant(client, results, grow_answers, at_most=5)
    queries.assert_constant(
        client,
        texts + "?sida=2",
        lambda: closed(answered_directly(opened(survey), [(1, 1, 1, "Mer")] * 5) or survey),
        at_most=5,
    )
    client.force_login(world.secretary)
    for url, at_most in [
        (staff("area", world.area.slug), 9),
        (staff("results", survey.pk), 9),
        (staff("survey", survey.pk), 14),
    ]:
        queries.assert_constant(client, url, lambda: grow_surveys(5, 500), at_most=at_most)


# --- The demo ---------------------------------------------------------------------------------------------


def test_the_demo_has_a_closed_public_survey_one_question_over_the_minimum_one_under(client, demo):
    survey = Survey.objects.get(title="Hur fungerar samverkan?")
    assert survey.is_closed and survey.public_results and survey.sent_on < survey.closed_on
    first, *_rest, optional = survey.questions.all()
    measured = share(first, 4, 5, 60)
    assert measured.respondents >= 60 and measured.share is not None and 0 < measured.share < 1
    assert share(optional, 4, 5, survey.minimum_respondents).share is None
    results = {r.question.pk: r for r in survey_results(survey)}
    assert results[first.pk].shown and not results[optional.pk].shown
    assert survey.recipients.filter(answered=True).count() == measured.respondents
    assert not survey.recipients.exclude(token_hash=None).exists()
    page = client.get(reverse("surveys_public:results", args=[survey.area.slug, survey.pk])).content.decode()
    assert "Samverkan i länet fungerar bra" in page and "För få svar" in page
    register = client.get(reverse("surveys_public:register", args=[survey.area.slug])).content.decode()
    assert survey.title in register
