"""Where a goal's next measurement comes from, one reader per source that fetches a value.

`read(goal, day)` asks the reader of the goal's source. ENTERED has none (staff type the value); COMPUTED reads
`measures.MEASURES[goal.measure]` for the year of `day`, from the public records when the goal is public (so a
public goal never shows a figure built from internal records) and from every record otherwise.

SURVEY is wired when the surveys app is merged, with one entry in READERS, e.g.::

    def _survey(goal, day):
        from samverkan.surveys.results import share  # the surveys app sits below followup in the layers
        question = Question.objects.get(pk=goal.survey_question_id)
        respondents, value = share(question, goal.survey_low, goal.survey_high, goal.survey_minimum or 0)
        return Reading(value, _("%(n)s svarande") % {"n": respondents})

    READERS[Source.SURVEY] = _survey

(and `survey_question_id` may then become a ForeignKey to the question). A reading whose value is None (too
few respondents) records nothing.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samverkan.followup.access import public_goals
from samverkan.followup.measures import MEASURES
from samverkan.followup.models import Goal, Source


class Reading(NamedTuple):
    """A value read from a source (None when there is nothing to publish) and a note to store with it."""

    value: Decimal | None
    note: str


def _computed(goal: Goal, day: date) -> Reading:
    measure = MEASURES[goal.measure]
    public = public_goals().filter(pk=goal.pk).exists()
    result = measure(goal.area, [day.year], public=public, today=day)
    group = goal.measure_principal_id or goal.measure_body_id
    value = result.value(day.year, group)
    figure = result.total.get(day.year)
    counted = figure.counted if figure and group is None else None
    note = _("Beräknat för %(year)s") % {"year": day.year}
    if counted is not None:
        note += " " + _("(%(n)s underlag)") % {"n": counted}
    return Reading(value, note)


READERS: dict[str, Callable[[Goal, date], Reading]] = {Source.COMPUTED: _computed}


def read(goal: Goal, day: date) -> Reading:
    """The goal's value on `day` from its source. Raises ValidationError (Swedish) when the source has no reader
    (entered by hand, or a survey not wired yet). Queries: the measure's (one or two) and one for the scope."""
    reader = READERS.get(goal.source)
    if reader is None:
        raise ValidationError(_("Målets värden hämtas inte automatiskt; mata in mätningen."))
    return reader(goal, day)
