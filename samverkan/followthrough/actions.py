"""Every change to matters, assignments, recommendations and principal decisions goes through here."""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation
from samverkan.lib.forms import check_bound, save_record
from samverkan.lib.history import attribute, save_with_history
from samverkan.lib.locks import locked
from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import AgendaItem
from samverkan.structure.models import Area, Principal

if TYPE_CHECKING:  # only for mypy: ModelForm takes no type arguments at run time
    from django.forms import ModelForm

    from samverkan.lib.history import Changer

_save = save_with_history


def item_date(item: AgendaItem) -> date | None:
    """The first day of the item's meeting (None if the meeting has no days)."""
    first = item.meeting.days.order_by("date").first()
    return first.date if first else None


@transaction.atomic
def create_matter(area: Area, user: "Changer", *, year: int, **fields: Any) -> Matter:
    """A new matter with the next serial in the area's series for the year."""
    # Lock the area so two matters made at once cannot take the same number.
    locked(Area.objects.all()).filter(pk=area.pk).first()
    last = Matter.objects.filter(area=area, year=year).aggregate(last=Max("serial"))["last"]
    return _save(Matter(area=area, year=year, serial=(last or 0) + 1, **fields), user)


CONFIDENTIAL_ITEM_NO_MATTER = gettext_lazy(
    "Ett sekretessmarkerat ärende kan inte bli ett nytt ärende med samma rubrik. Skapa ärendet i ärendelistan."
)


def create_matter_for_item(item: AgendaItem, user: "Changer") -> Matter:
    """A new matter named after `item`, with its body as the responsible body and its first day as the day it
    was raised; as closed as the item: internal when the item, its meeting or its body is not public.

    Raises ValidationError for a confidential item: a matter can be at most internal, and its title would
    carry the confidential item's title to every member of the body."""
    level = Visibility.stricter(item.visibility, item.meeting.visibility, item.meeting.body.visibility)
    if level == Visibility.CONFIDENTIAL:
        raise ValidationError(CONFIDENTIAL_ITEM_NO_MATTER)
    day = item_date(item) or timezone.localdate()
    return create_matter(
        item.meeting.body.area,
        user,
        year=day.year,
        title=item.title,
        body=item.meeting.body,
        raised_on=day,
        visibility=level,
    )


@transaction.atomic
def link_item_to_matter(item: AgendaItem, matter: Matter | None, user: "Changer") -> AgendaItem:
    """Put an agenda item on a matter's timeline (or take it off with matter=None)."""
    if matter is not None and matter.area_id != item.meeting.body.area_id:
        raise ValidationError({"matter": _("Ärendet hör till ett annat område än mötet.")})
    item.matter = matter
    attribute(item, user)
    # Only the link is saved: locked minutes may be filed on a matter, but their content stays as adjusted.
    # PartOfMinutes.save (meetings/models.py, a plain mixin) is untyped.
    item.save(update_fields=["matter"])
    return item


@transaction.atomic
def create_assignment(item: AgendaItem, user: "Changer", **fields: Any) -> Assignment:
    """The one way an assignment is made (staff page, import, demo): from `item`'s decision, validated.

    `fields` are Assignment fields (one of assignee_body/assignee_person/assignee_principal, description,
    due_date, report_to …); the matter defaults to the item's. Raises ValidationError, nothing saved then.
    """
    fields.setdefault("matter", item.matter)
    return _save(Assignment(item=item, **fields), user)


@transaction.atomic
def update_assignment(
    assignment: Assignment, form: "ModelForm[Assignment]", user: "Changer", reason: str = ""
) -> Assignment:
    """Save a valid AssignmentStatusForm bound to `assignment` (description, dates, status); the history row
    carries `reason`."""
    check_bound(form, assignment)
    return save_record(form, user, reason)


@transaction.atomic
def update_recommendation(
    recommendation: Recommendation, form: "ModelForm[Recommendation]", user: "Changer", reason: str = ""
) -> Recommendation:
    """Save a valid RecommendationEditForm bound to `recommendation`; who is addressed does not change here."""
    check_bound(form, recommendation)
    return save_record(form, user, reason)


@transaction.atomic
def update_matter(matter: Matter, form: "ModelForm[Matter]", user: "Changer", reason: str = "") -> Matter:
    """Save a valid MatterForm bound to `matter`; its area and case number (year, serial) stay as they were."""
    check_bound(form, matter)
    if form.instance.area_id != matter.area_id:
        raise ValueError("a matter does not move between areas")
    return save_record(form, user, reason)


@transaction.atomic
def report_back_assignment(
    assignment: Assignment,
    reported_item: AgendaItem | None,
    user: "Changer",
    status: str = Assignment.Status.REPORTED,
    reason: str = "",
) -> Assignment:
    """Link the assignment to the item where it was reported back, and mark it reported (or done)."""
    assignment.reported_item = reported_item
    assignment.status = status
    return _save(assignment, user, reason)


@transaction.atomic
def create_recommendation(
    item: AgendaItem, user: "Changer", *, principals: Iterable[Principal], **fields: Any
) -> Recommendation:
    """A recommendation to the given principals; each gets a pending decision to record. With `dispatch=True`
    (the staff form's "send") each reachable principal is also sent the recommendation by e-mail after commit
    (followthrough/dispatch.py)."""
    dispatch = bool(fields.pop("dispatch", False))
    fields.setdefault("matter", item.matter)
    recommendation = _save(Recommendation(item=item, **fields), user)
    for principal in principals:
        _save(PrincipalDecision(recommendation=recommendation, principal=principal), user)
    if dispatch:
        from samverkan.followthrough.dispatch import queue_dispatches  # dispatch imports the models, not actions

        queue_dispatches(recommendation)
    return recommendation


@transaction.atomic
def record_principal_decision(
    decision: PrincipalDecision, user: "Changer", reason: str = "", *, by_link: bool = False, **fields: Any
) -> PrincipalDecision:
    """Record (or correct) a principal's decision; the history row names who and why. The first recording that
    is not "pending" stamps `answered_at`; `by_link=True` marks that it came through the dispatch's link."""
    for name, value in fields.items():
        setattr(decision, name, value)
    if decision.answered_at is None and decision.outcome != PrincipalDecision.Outcome.PENDING:
        decision.answered_at = timezone.now()
        decision.answered_by_link = by_link
    return _save(decision, user, reason)


@transaction.atomic
def send_dispatch_again(decision: PrincipalDecision, user: "Changer") -> None:
    """ "Skicka igen": send the decision's dispatch once more (dispatch.send_again: to the principal's addresses as
    they are now, by the worker after commit), under the decision's row lock. Only for a pending decision whose
    dispatch failed or went out unanswered (`dispatch.may_send_again`); anything else, or a principal that can no
    longer be reached, raises ValidationError (Swedish) and changes nothing. The decision's history row names
    who sent it again and where. The caller checks `access.can_follow_up`."""
    from samverkan.followthrough.dispatch import may_send_again, send_again  # dispatch imports the models
    from samverkan.followthrough.models import Dispatch

    decision = locked(PrincipalDecision.objects.select_related("principal")).get(pk=decision.pk)
    dispatch = locked(Dispatch.objects.all()).filter(decision_id=decision.pk).first()
    if dispatch is None:
        raise ValidationError(_("Rekommendationen har inte skickats till %(name)s.") % {"name": decision.principal})
    dispatch.decision = decision
    if not may_send_again(dispatch):
        raise ValidationError(
            _("Utskicket till %(name)s är besvarat eller på väg och skickas inte igen.") % {"name": decision.principal}
        )
    send_again(dispatch)
    reason = _("Utskicket skickat igen till %(addresses)s") % {"addresses": ", ".join(dispatch.address_list)}
    _save(decision, user, reason)


@transaction.atomic
def mark_recommendation_reported(
    recommendation: Recommendation, reported_item: AgendaItem | None, user: "Changer", reason: str = ""
) -> Recommendation:
    """The recommending body has had the collected outcome reported back at `reported_item`."""
    recommendation.reported_item = reported_item
    return _save(recommendation, user, reason)
