"""Small helpers to make decisions, assignments and recommendations directly in tests."""

from datetime import timedelta

from django.utils import timezone

from samverkan.followthrough import actions
from samverkan.followthrough.models import Assignment
from tests.meetings_helpers import make_item, make_meeting


def decision_item(body, day=None, number="1", title="Gemensam handlingsplan", **fields):
    """A decision item with two att-clauses at a meeting of `body` whose minutes are published (30 days ago unless
    `day`; `meeting_fields` may say otherwise)."""
    day = day or timezone.localdate() - timedelta(days=30)
    meeting = fields.pop("meeting", None) or make_meeting(
        body, day, **{"status": "published", **fields.pop("meeting_fields", {})}
    )
    return make_item(
        meeting,
        number,
        title,
        kind="decision",
        outcome="handled",
        decision="att rekommendera huvudmännen att anta handlingsplanen\natt ge chefsgruppen i uppdrag att följa upp",
        **fields,
    )


def recommend(item, user=None, principals=None, deadline_in=60, **fields):
    day = actions.item_date(item)
    area = item.meeting.body.area
    return actions.create_recommendation(
        item,
        user,
        principals=principals if principals is not None else list(area.principals.all()),
        title=fields.pop("title", item.title),
        text=fields.pop("text", "Huvudmännen rekommenderas att anta handlingsplanen."),
        decided_on=day,
        deadline=fields.pop("deadline", day + timedelta(days=deadline_in)),
        **fields,
    )


def assign(item, user=None, due_in=30, **fields):
    if not any(k.startswith("assignee_") for k in fields):
        fields["assignee_body"] = item.meeting.body
    day = actions.item_date(item)
    fields.setdefault("due_date", day + timedelta(days=due_in))
    fields.setdefault("report_to", item.meeting.body)
    fields.setdefault("description", "Följ upp handlingsplanen.")
    return actions.create_assignment(item, user, **fields)


def decide(recommendation, principal, outcome="adopted", user=None, **fields):
    decision = recommendation.decisions.get(principal=principal)
    fields.setdefault("deciding_body", "Kommunfullmäktige")
    fields.setdefault("decided_on", timezone.localdate() - timedelta(days=1))
    return actions.record_principal_decision(decision, user, outcome=outcome, **fields)


OPEN = Assignment.Status.OPEN


def body_bytes(response):
    """A response's body, whether it was streamed (the board's exports) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content
