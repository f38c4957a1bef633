"""Where a goal's next measurement comes from, one reader per source that fetches a value.

`read(goal, day)` asks the reader of the goal's source. ENTERED has none (staff type the value); COMPUTED reads
`measures.MEASURES[goal.measure]` for the year of `day`, from the public records when the goal is public (so a
public goal never shows a figure built from internal records) and from every record otherwise.

SURVEY reads `surveys.results.share` for the goal's scale question: the share, in per cent, of the respondents
answering `survey_low`–`survey_high`, and nothing below `survey_minimum` respondents (no share is published from
fewer). A public goal only reads a survey whose results are public (`surveys.access.public_surveys`: closed, marked
public, of a public body), so a public figure is never built from answers the public may not read.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samverkan.followup.access import public_goals
from samverkan.followup.measures import MEASURES
from samverkan.followup.measures import share as per_cent
from samverkan.followup.models import Goal, Source


class Reading(NamedTuple):
    """A value read from a source (None when there is nothing to publish) and a note to store with it."""

    value: Decimal | None
    note: str


def _is_public(goal: Goal, public: bool | None) -> bool:
    """Whether `goal` is public (`public_goals`): `public` when the caller knows, else one query."""
    return public_goals().filter(pk=goal.pk).exists() if public is None else public


def _computed(goal: Goal, day: date, public: bool | None) -> Reading:
    measure = MEASURES[goal.measure]
    public = _is_public(goal, public)
    result = measure(goal.area, [day.year], public=public, today=day)
    group = goal.measure_principal_id or goal.measure_body_id
    value = result.value(day.year, group)
    figure = result.total.get(day.year)
    counted = figure.counted if figure and group is None else None
    note = _("Beräknat för %(year)s") % {"year": day.year}
    if counted is not None:
        note += " " + _("(%(n)s underlag)") % {"n": counted}
    return Reading(value, note)


def _survey(goal: Goal, day: date, public: bool | None) -> Reading:
    from samverkan.surveys.access import public_surveys
    from samverkan.surveys.results import share

    question = goal.survey_question
    if question is None or goal.survey_low is None or goal.survey_high is None or not goal.survey_minimum:
        raise ValidationError(_("Målet saknar enkätfråga, svarsintervall eller minsta antal svarande."))
    if _is_public(goal, public) and not public_surveys().filter(pk=question.survey_id).exists():
        raise ValidationError(_("Ett offentligt mål kan bara mätas genom en stängd enkät med offentliga resultat."))
    # Never publish from fewer respondents than the survey itself shows results for (its anonymity promise).
    minimum = max(goal.survey_minimum, question.survey.minimum_respondents)
    respondents, fraction = share(question, goal.survey_low, goal.survey_high, minimum)
    note = _("%(n)s svarande, andel som svarat %(low)s–%(high)s") % {
        "n": respondents,
        "low": goal.survey_low,
        "high": goal.survey_high,
    }
    if fraction is None:
        return Reading(None, note)
    # Rounded as every measure is (one decimal, half up) from the exact count, not from the binary float:
    # 51 of 80 is 63.8 %, not 63.7 %.
    return Reading(per_cent(round(fraction * respondents), respondents), note)


READERS: dict[str, Callable[[Goal, date, bool | None], Reading]] = {Source.COMPUTED: _computed, Source.SURVEY: _survey}


def read(goal: Goal, day: date, *, public: bool | None = None) -> Reading:
    """The goal's value on `day` from its source. Raises ValidationError (Swedish) when the source has no reader
    (entered by hand). Queries: the measure's (one or two) and one for the scope, unless `public` (whether the
    goal is among `public_goals`) is given, as by a caller reading many days."""
    reader = READERS.get(goal.source)
    if reader is None:
        raise ValidationError(_("Målets värden hämtas inte automatiskt; mata in mätningen."))
    return reader(goal, day, public)
