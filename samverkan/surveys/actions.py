"""Every change to surveys goes through here: building the questionnaire, sending it to its audience, reminding,
closing, and recording one anonymous response per link.

Mail is never sent inside a transaction: sending and reminding record what is to be sent and queue one task per
recipient for the worker once the transaction commits (`tasks.send_survey_mail`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.lib.forms import check_bound, save_record
from samverkan.lib.history import save_with_history
from samverkan.lib.locks import locked
from samverkan.structure.models import Body, Membership, Principal, Role
from samverkan.surveys.links import hashed
from samverkan.surveys.models import MAX_QUESTIONS, MAX_RECIPIENTS, Answer, Question, Recipient, Response, Survey

if TYPE_CHECKING:
    from django.forms import ModelForm

    from samverkan.lib.history import Changer


def _fresh(survey: Survey) -> Survey:
    """The survey's row, locked for the rest of the transaction (so two changes cannot cross)."""
    return locked(Survey.objects.all()).get(pk=survey.pk)  # only this row: no join, so no other row is locked


def _must_be_draft(survey: Survey) -> None:
    if not survey.is_draft:
        raise ValidationError(_("Enkäten är redan skickad; frågorna kan inte ändras."))


@transaction.atomic
def create_survey(form: "ModelForm[Survey]", user: "Changer") -> Survey:
    """Save a valid new SurveyForm (its area set on the instance) as a draft."""
    return save_record(form, user)


@transaction.atomic
def update_survey(survey: Survey, form: "ModelForm[Survey]", user: "Changer", reason: str = "") -> Survey:
    """Save a valid SurveyForm bound to `survey` (title, introduction, owner, public results, minimum)."""
    check_bound(form, survey)
    _fresh(survey)
    return save_record(form, user, reason)


@transaction.atomic
def save_question(survey: Survey, form: "ModelForm[Question]", user: "Changer", reason: str = "") -> Question:
    """Add or change a question of a draft survey. Raises ValidationError (nothing saved) once the survey is
    sent, or for a new question past MAX_QUESTIONS."""
    survey = _fresh(survey)
    _must_be_draft(survey)
    if form.instance.pk is None and survey.questions.count() >= MAX_QUESTIONS:
        raise ValidationError(_("En enkät kan ha högst %(n)s frågor.") % {"n": MAX_QUESTIONS})
    form.instance.survey = survey
    return save_record(form, user, reason)


@transaction.atomic
def delete_question(survey: Survey, question: Question, user: "Changer") -> None:
    """Remove a question of a draft survey (ValidationError once sent)."""
    survey = _fresh(survey)
    _must_be_draft(survey)
    question._change_reason = _("Borttagen")  # type: ignore[attr-defined]  # simple-history reads it
    question.delete()


@dataclass(frozen=True)
class Audience:
    """Who a survey goes to: (address, person id or None, login id or None), one row per address."""

    rows: list[tuple[str, int | None, int | None]]


def audience(bodies: Iterable[Body], principals: Iterable[Principal]) -> Audience:
    """The current members (every seat: members, substitutes, chairs) of `bodies` with an e-mail address, and the
    active contact persons of `principals` (their login's address, else their person's), each address once
    (compared without case). Two queries."""
    rows: list[tuple[str, int | None, int | None]] = []
    seen: set[str] = set()

    def add(address: str | None, person: int | None, user: int | None) -> None:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            rows.append((address, person, user))

    seats = Membership.objects.current().filter(body__in=list(bodies)).exclude(person__email="")
    for person_id, address in seats.values_list("person_id", "person__email").order_by("person_id"):
        add(address, person_id, None)
    contacts = Role.objects.filter(kind=Role.Kind.CONTACT, principal__in=list(principals), user__is_active=True)
    for user_id, login_address, person_id, person_address in contacts.values_list(
        "user_id", "user__email", "user__person__id", "user__person__email"
    ).order_by("pk"):
        add(login_address or person_address, person_id, user_id)
    return Audience(rows)


def _queue(recipient_ids: Iterable[int], kind: str) -> None:
    from samverkan.surveys.tasks import send_survey_mail  # the task module imports this one's neighbours

    for pk in recipient_ids:
        transaction.on_commit(partial(send_survey_mail.enqueue, pk, kind))


@transaction.atomic
def send_survey(survey: Survey, user: "Changer", bodies: Iterable[Body], principals: Iterable[Principal]) -> Survey:
    """Send a draft survey to the members of `bodies` and the contacts of `principals`: one Recipient each, one
    mail each queued for the worker after commit, the survey open from today. Raises ValidationError (nothing
    saved, nothing sent) when it is not a draft, has no questions, reaches no one with an address, or would reach
    more than MAX_RECIPIENTS."""
    survey = _fresh(survey)
    _must_be_draft(survey)
    bodies, principals = list(bodies), list(principals)
    if not survey.questions.exists():
        raise ValidationError(_("Lägg till minst en fråga innan enkäten skickas."))
    if any(b.area_id != survey.area_id for b in bodies) or any(p.area_id != survey.area_id for p in principals):
        raise ValidationError(_("Mottagarna måste höra till samma samverkansområde."))
    rows = audience(bodies, principals).rows
    if not rows:
        raise ValidationError(_("Ingen av de valda har en e-postadress. Välj organ eller huvudmän med mottagare."))
    if len(rows) > MAX_RECIPIENTS:
        too_many = {"count": len(rows), "max": MAX_RECIPIENTS}
        raise ValidationError(_("Enkäten skulle gå till %(count)s personer; högst %(max)s går.") % too_many)
    made = Recipient.objects.bulk_create(
        [Recipient(survey=survey, address=a[:254], person_id=p, user_id=u) for a, p, u in rows]
    )
    survey.state = Survey.State.OPEN
    survey.sent_on = timezone.localdate()
    save_with_history(survey, user, _("Skickad till %(count)s mottagare") % {"count": len(made)})
    survey.bodies.set(bodies)
    survey.principals.set(principals)
    _queue((r.pk for r in made), "invitation")
    return survey


@transaction.atomic
def remind(survey: Survey, user: "Changer") -> int:
    """Queue a reminder, with a new link (the old one stops working), to every recipient of an open survey who
    has not answered and was not reminded today. Returns how many. Raises ValidationError when the survey is not
    open."""
    survey = _fresh(survey)
    if not survey.is_open:
        raise ValidationError(_("Bara en öppen enkät kan påminnas om."))
    today = timezone.localdate()
    waiting = survey.recipients.filter(answered=False).exclude(reminded_on=today)
    ids = list(waiting.values_list("pk", flat=True))
    Recipient.objects.filter(pk__in=ids).update(reminded_on=today)
    _queue(ids, "reminder")
    return len(ids)


@transaction.atomic
def close_survey(survey: Survey, user: "Changer") -> Survey:
    """Close an open survey: no more answers; every unused link stops working (its hash is cleared). Raises
    ValidationError when it is not open."""
    survey = _fresh(survey)
    if not survey.is_open:
        raise ValidationError(_("Bara en öppen enkät kan stängas."))
    survey.recipients.update(token_hash=None)
    survey.state = Survey.State.CLOSED
    survey.closed_on = timezone.localdate()
    return save_with_history(survey, user, _("Stängd"))


@transaction.atomic
def set_link(recipient_id: int, secret: str) -> bool:
    """Store the hash of a new link secret for a recipient who has not answered, of an open survey (the worker,
    before it mails the link). False when there is no such recipient now."""
    return bool(
        Recipient.objects.filter(pk=recipient_id, answered=False, survey__state=Survey.State.OPEN).update(
            token_hash=hashed(secret)
        )
    )


AnswerValue = tuple[int | None, str]  # (value, text) of one question's answer


@transaction.atomic
def record_response(recipient: Recipient, answers: dict[int, AnswerValue]) -> bool:
    """Record one response through a recipient's link: `answers` maps question ids of the survey to (value,
    text); questions left out are unanswered. Marks the recipient answered and clears its link. False (nothing
    saved) when the link was used, replaced or closed meanwhile.

    Anonymity in the database: the survey's row is locked (one response at a time per survey), then its responses
    and answers are deleted and written again with the new one, all in the order of their random UUID keys, so
    their rowid (SQLite), physical place (ctid) and transaction id (xmin, PostgreSQL) follow no answering order;
    every recipient row of the survey is touched in the same transaction so their xmin does not say who answered
    last. The cost is one rewrite of the survey's answers per response (bounded by MAX_RECIPIENTS × MAX_QUESTIONS).
    """
    survey = _fresh(recipient.survey)
    token_hash = recipient.token_hash
    marked = Recipient.objects.filter(
        pk=recipient.pk, survey=survey, survey__state=Survey.State.OPEN, answered=False, token_hash=token_hash
    ).update(answered=True, token_hash=None)
    if not marked or token_hash is None:
        return False
    survey.recipients.update(answered=F("answered"))
    valid = set(survey.questions.values_list("pk", flat=True))
    old_responses = list(Response.objects.filter(survey=survey).values_list("pk", flat=True))
    old_answers = list(
        Answer.objects.filter(response__survey=survey).values_list("pk", "response_id", "question_id", "value", "text")
    )
    new = Response(survey=survey)
    responses = [Response(pk=pk, survey=survey) for pk in old_responses] + [new]
    rows = [Answer(pk=a, response_id=r, question_id=q, value=v, text=t) for a, r, q, v, t in old_answers]
    rows += [
        Answer(response_id=new.pk, question_id=q, value=value, text=text)
        for q, (value, text) in answers.items()
        if q in valid and (value is not None or text)
    ]
    Response.objects.filter(survey=survey).delete()  # cascades to the answers
    Response.objects.bulk_create(sorted(responses, key=lambda r: r.pk.hex), batch_size=500)
    Answer.objects.bulk_create(sorted(rows, key=lambda a: a.pk.hex), batch_size=500)
    return True
