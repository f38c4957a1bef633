"""Every change to goals and their measurements goes through here (one transaction each, history naming the user)."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.followup import sources
from samverkan.followup.models import Goal, Measurement, Source
from samverkan.lib.forms import check_bound, save_record
from samverkan.lib.history import save_with_history
from samverkan.lib.locks import locked

if TYPE_CHECKING:  # only for mypy: ModelForm takes no type arguments at run time
    from django.forms import ModelForm

    from samverkan.lib.history import Changer


@transaction.atomic
def create_goal(form: "ModelForm[Goal]", user: "Changer") -> Goal:
    """Save a valid new GoalForm (its area set on the instance), with its traces-to links."""
    return save_record(form, user)


@transaction.atomic
def update_goal(goal: Goal, form: "ModelForm[Goal]", user: "Changer", reason: str = "") -> Goal:
    """Save a valid GoalForm bound to `goal`."""
    check_bound(form, goal)
    return save_record(form, user, reason)


@transaction.atomic
def add_measurement(goal: Goal, user: "Changer", *, measured_on: date, value: Decimal, note: str = "") -> Measurement:
    """A measurement typed by staff (source ENTERED). Raises ValidationError (nothing saved) for a future date."""
    return save_with_history(
        Measurement(goal=goal, measured_on=measured_on, value=value, note=note, source=Source.ENTERED), user
    )


@transaction.atomic
def record_reading(goal: Goal, user: "Changer", day: date | None = None) -> Measurement:
    """Read the goal's value on `day` (today) from its source (`sources.read`) and store it as that day's
    measurement of that source, replacing one stored for the same day, so running it twice keeps one row.

    Raises ValidationError (Swedish, nothing saved) when the source has no reader or nothing to publish yet (no
    records counted, or too few respondents). Queries: the reading's, a locked read of the goal, one or two."""
    day = day or timezone.localdate()
    locked(Goal.objects.all()).filter(pk=goal.pk).first()  # two readings at once keep one row
    reading = sources.read(goal, day)
    if reading.value is None:
        raise ValidationError(_("Det finns inget underlag att räkna fram ett värde från ännu. Inget har sparats."))
    source = Source(goal.source)
    measurement = Measurement.objects.filter(goal=goal, measured_on=day, source=source).first()
    if measurement is None:
        measurement = Measurement(goal=goal, measured_on=day, source=source)
    measurement.value, measurement.note = reading.value, reading.note[:200]
    return save_with_history(measurement, user, _("Hämtat från källan"))


def readable_goals():
    """Goals whose values are read from a source (`sources.READERS`): what the worker records."""
    return Goal.objects.filter(source__in=list(sources.READERS)).select_related("area")
