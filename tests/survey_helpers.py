"""Surveys made directly for tests: a survey of the forum with one question of each kind, people seated in it,
and answering through the real link read from a mail."""

import re

from django.core import mail

from samverkan.structure.models import Membership, Person
from samverkan.surveys.models import Question, Survey


def make_survey(world, *, owner=None, title="Samverkansenkät", public=False, minimum=3):
    """A draft survey of the world's area owned by `owner` (the officials' group by default), with four questions:
    a scale, a yes/no, a choice of three and a free text."""
    survey = Survey.objects.create(
        area=world.area,
        owner=owner or world.group,
        title=title,
        introduction="Hur fungerar samverkan?",
        public_results=public,
        minimum_respondents=minimum,
    )
    Question.objects.create(
        survey=survey, position=1, kind="scale", text="Samverkan fungerar bra", low_label="Nej", high_label="Ja"
    )
    Question.objects.create(survey=survey, position=2, kind="yes_no", text="Har du deltagit i ett möte?")
    Question.objects.create(
        survey=survey, position=3, kind="choice", text="Vilken roll har du?", options="Politiker\nTjänsteperson\nAnnan"
    )
    Question.objects.create(survey=survey, position=4, kind="text", text="Vad kan bli bättre?")
    return survey


def seat(world, count, body=None):
    """Seat `count` new people with e-mail addresses in `body` (the forum by default); returns them."""
    people = []
    for i in range(count):
        person = Person.objects.create(
            first_name=f"Svarare{i}", last_name="Enkätsson", slug=f"svarare-{i}", email=f"svarare{i}@test.example"
        )
        Membership.objects.create(person=person, body=body or world.forum, role="member", principal=world.town)
        people.append(person)
    return people


def links_by_address(outbox=None):
    """Each mail's recipient address -> the path of the survey link in it (the last mail wins)."""
    found = {}
    for message in outbox if outbox is not None else mail.outbox:
        link = re.search(r"https?://[^/\s]+(/enkat/svar/\S+)", message.body)
        if link:
            found[message.to[0]] = link.group(1)
    return found


def answers_for(survey, scale, yes, choice, text=""):
    """The answer page's POST data for `make_survey`'s four questions."""
    questions = list(survey.questions.all())
    data = {f"q{questions[0].pk}": str(scale), f"q{questions[1].pk}": "1" if yes else "0"}
    data[f"q{questions[2].pk}"] = str(choice)
    data[f"q{questions[3].pk}"] = text
    return data
