"""A survey for the demo county: "Hur fungerar samverkan?" kept by CGH, sent to the members of every public body
of the area, answered by most of them and closed, with public results. Its first question (a 1–5 scale) is
answered by every respondent, enough for a goal's minimum of 60; its optional last scale question by only four,
below the survey's minimum of five, so its results stay hidden. Deterministic for a given day."""

import random
from datetime import date, timedelta

from samverkan.lib.visibility import Visibility
from samverkan.structure.models import Area, Body
from samverkan.surveys import actions
from samverkan.surveys.links import hashed
from samverkan.surveys.models import Question, Recipient, Survey

ANSWERING = 0.85  # the share of recipients who answer
DEMO_SURVEY_TITLE = "Hur fungerar samverkan?"
FEW = 4  # respondents of the optional question, below the minimum

TEXTS = [
    "Bättre framförhållning med handlingarna.",
    "Fler gemensamma utbildningsdagar.",
    "Tydligare återkoppling från huvudmännen.",
    "Kortare möten med färre informationspunkter.",
    "Mer tid för dialog om verksamhetens behov.",
]


def add_survey(area: Area, today: date, user=None) -> Survey:
    """The demo's closed survey with answers (see the module's docstring). Returns it."""
    owner = Body.objects.get(area=area, abbreviation="CGH")
    survey = Survey.objects.create(
        area=area,
        owner=owner,
        title=DEMO_SURVEY_TITLE,
        introduction="Årlig uppföljning av samverkansstrukturen enligt överenskommelsen. Det tar fem minuter.",
        public_results=True,
        minimum_respondents=5,
    )
    made = [
        Question(
            survey=survey,
            position=1,
            kind="scale",
            text="Samverkan i länet fungerar bra för min verksamhet",
            low_label="Instämmer inte",
            high_label="Instämmer helt",
            required=True,
        ),
        Question(survey=survey, position=2, kind="yes_no", text="Har du deltagit i minst ett möte det senaste året?"),
        Question(
            survey=survey,
            position=3,
            kind="choice",
            text="Vilken roll har du i samverkan?",
            options="Förtroendevald\nChef\nTjänsteperson",
        ),
        Question(survey=survey, position=4, kind="text", text="Vad skulle göra samverkan bättre?"),
        Question(
            survey=survey,
            position=5,
            kind="scale",
            text="Den digitala mötesplatsen fungerar bra",
            low_label="Instämmer inte",
            high_label="Instämmer helt",
        ),
    ]
    scale, yes_no, choice, text, optional = Question.objects.bulk_create(made)
    bodies = list(Body.objects.filter(area=area, visibility=Visibility.PUBLIC).order_by("pk"))
    actions.send_survey(survey, user, bodies, [])
    # The demo's people get no mail: the invitations count as sent, and each answers through the action.
    recipients = list(survey.recipients.order_by("pk"))
    Recipient.objects.filter(survey=survey).update(invited_at=survey.sent_on)
    rng = random.Random(f"{area.slug}-survey-{today.isoformat()}")
    answering = rng.sample(recipients, round(len(recipients) * ANSWERING))
    for n, recipient in enumerate(answering):
        Recipient.objects.filter(pk=recipient.pk).update(token_hash=hashed(f"demo-{recipient.pk}"))
        recipient.token_hash = hashed(f"demo-{recipient.pk}")
        answers: dict[int, tuple[int | None, str]] = {
            scale.pk: (rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 8, 5])[0], ""),
            yes_no.pk: (rng.choices([1, 0], weights=[4, 1])[0], ""),
            choice.pk: (rng.choice([0, 1, 2]), ""),
        }
        if n % 6 == 0:
            answers[text.pk] = (None, TEXTS[(n // 6) % len(TEXTS)])
        if n < FEW:
            answers[optional.pk] = (rng.choice([3, 4, 5]), "")
        actions.record_response(recipient, answers)
    actions.close_survey(survey, user)
    Survey.objects.filter(pk=survey.pk).update(sent_on=today - timedelta(days=75), closed_on=today - timedelta(days=45))
    survey.refresh_from_db()
    return survey
