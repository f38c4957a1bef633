"""Background work of goals, run by the django-tasks database worker (`manage.py db_worker`)."""

from datetime import date

from django.core.exceptions import ValidationError
from django_tasks import task

from samverkan.followup import actions
from samverkan.followup.models import Goal


@task()
def record_reading(goal_id: int, day: str) -> str:
    """Record the value of goal `goal_id` on `day` (ISO date) from its source; "no data" when there is none yet,
    "gone" when the goal was removed. A second run for the same day replaces the first reading."""
    goal = Goal.objects.select_related("area").filter(pk=goal_id).first()
    if goal is None:
        return "gone"
    try:
        actions.record_reading(goal, None, date.fromisoformat(day))
    except ValidationError:
        return "no data"
    return "recorded"
