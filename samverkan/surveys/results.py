"""A survey's results: per question the number of respondents, counts and shares per answer, and the free-text
answers (without names, sorted by their text, never in the order they came). Below the survey's minimum number of
respondents a question shows no counts, shares or texts at all, so no one can be singled out.

`share(question, low, high, minimum)` is what a goal's measurement reads (the followup app): the share of a scale
question's respondents who answered `low`..`high`, or None below `minimum` respondents."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from samverkan.surveys.models import SCALE, Answer, Question, Survey


class Share(NamedTuple):
    """`respondents`: how many answered the question; `share`: the fraction (0.0–1.0) of them who answered within
    the range, or None when fewer than the minimum answered (then no share may be published anywhere)."""

    respondents: int
    share: float | None


def share(question: Question, low: int, high: int, minimum: int) -> Share:
    """The share of `question`'s respondents answering `low`..`high` (both included) on the 1–5 scale, e.g. 4, 5,
    60 for "the share answering 4–5, of at least 60 respondents". Raises ValueError for a question that is not a
    scale question, a range outside 1–5 or low > high, or a minimum below 1. One query."""
    if question.kind != Question.Kind.SCALE:
        raise ValueError("share() needs a scale question")
    if not (SCALE.start <= low <= high < SCALE.stop) or minimum < 1:
        raise ValueError("share() needs 1 <= low <= high <= 5 and minimum >= 1")
    counts = Answer.objects.filter(question=question, value__isnull=False).aggregate(
        respondents=Count("pk"), within=Count("pk", filter=Q(value__gte=low, value__lte=high))
    )
    respondents = counts["respondents"]
    if respondents < minimum:
        return Share(respondents, None)
    return Share(respondents, counts["within"] / respondents)


@dataclass
class Row:
    """One answer alternative: its label, how many chose it and their share of the respondents (0.0–1.0)."""

    label: str
    count: int
    share: float

    @property
    def percent(self) -> int:
        """The share in whole per cent, rounded half up."""
        return int(self.share * 100 + 0.5)


@dataclass
class QuestionResult:
    """A question's results. `shown` is False below the survey's minimum: then `rows` is empty."""

    question: Question
    respondents: int
    shown: bool
    rows: list[Row] = field(default_factory=list)


def _labels(question: Question) -> list[tuple[int, str]]:
    if question.kind == Question.Kind.SCALE:
        ends = {1: question.low_label, 5: question.high_label}
        return [(v, f"{v} {ends[v]}".strip() if ends.get(v) else str(v)) for v in SCALE]
    if question.kind == Question.Kind.YES_NO:
        return [(1, _("Ja")), (0, _("Nej"))]
    if question.kind == Question.Kind.CHOICE:
        return list(enumerate(question.option_list))
    return []


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Every question of `survey` with its results. Two queries whatever the number of questions and answers:
    the questions, and the answers counted by question and value."""
    questions = list(survey.questions.all())
    counts: dict[tuple[int, int | None], int] = {}
    rows = (
        Answer.objects.filter(question__survey=survey)
        .values_list("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for question_id, value, n in rows:
        counts[(question_id, value)] = n
    results = []
    for question in questions:
        respondents = sum(n for (q, _v), n in counts.items() if q == question.pk)
        shown = respondents >= survey.minimum_respondents and respondents > 0
        result = QuestionResult(question, respondents, shown)
        if shown:
            for value, label in _labels(question):
                count = counts.get((question.pk, value), 0)
                result.rows.append(Row(label, count, count / respondents))
        results.append(result)
    return results


def text_answers(question: Question) -> "QuerySet[Answer, str]":
    """The texts of `question`'s free-text answers (strings), sorted by the text (then by their random key), for
    paging. Call only when the question's results are shown (`QuestionResult.shown`)."""
    return (
        Answer.objects.filter(question=question).exclude(text="").order_by("text", "pk").values_list("text", flat=True)
    )
