"""Who is called to a meeting and what they are told: the invitees, when an invitation may go out or be answered,
the agenda as members see it, and who steps in for an absent member. Sending and answering are in actions.py,
the e-mails in invitation_mail.py, the pages in invitation_views.py."""

from datetime import date
from typing import NamedTuple

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import document_visibility, meeting_documents
from samverkan.meetings.models import Meeting
from samverkan.structure.models import Membership

# Called to a meeting: those who sit at the table, and the substitutes.
INVITED_ROLES = (*Membership.SEATED_ROLES, Membership.Role.SUBSTITUTE)
CLOSED = (Meeting.Status.HELD, Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)


class NotInvitable(Exception):
    """The meeting cannot be invited to; the message says why, in Swedish."""


class Span(NamedTuple):
    """A meeting's first and last day; both None for a meeting without days."""

    first: date | None
    last: date | None


def meeting_span(meeting: Meeting) -> Span:
    """The meeting's first and last day (None, None without days), as stored on the meeting
    (`Meeting.first_day`/`last_day`, kept from its days). No query."""
    return Span(meeting.first_day, meeting.last_day)


def is_over(meeting: Meeting, last: date | None) -> bool:
    """Held (by its status or its last day having passed); a meeting without days is not over."""
    return meeting.status in CLOSED or (last is not None and last < timezone.localdate())


def invitable_problem(meeting: Meeting) -> str | None:
    """Why the meeting cannot be invited to now, or None when it can."""
    first, last = meeting_span(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        return _("Mötet är inställt. Ingen kallelse kan skickas.")
    if is_over(meeting, last):
        return _("Mötet har redan hållits. Ingen kallelse kan skickas.")
    if first is None:
        return _("Mötet har inga dagar ännu. Lägg till en mötesdag innan kallelsen skickas.")
    return None


def answer_problem(meeting):
    """Why the invitation cannot be answered now, or None when it can."""
    last = meeting_span(meeting).last
    if meeting.status == Meeting.Status.CANCELLED:
        return _("Mötet är inställt. Du behöver inte svara.")
    if is_over(meeting, last):
        return _("Mötet har redan hållits. Svaret kan inte längre ändras.")
    return None


def invitees(meeting: Meeting) -> list[Membership]:
    """The memberships of those called: members and substitutes of the body, current on the meeting's first day."""
    first = meeting_span(meeting).first
    if first is None:
        return []
    return list(
        Membership.objects.current(first)
        .filter(body_id=meeting.body_id, role__in=INVITED_ROLES)
        .select_related("person", "principal")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def invitee_membership(meeting, person):
    """The person's seat that makes them called to the meeting, or None when they are not called."""
    if person is None or not meeting.invitations.exists():
        return None
    return next((m for m in invitees(meeting) if m.person_id == person.pk), None)


def get_meeting_to_answer(user, pk):
    """The meeting `pk` and the seat that calls `user`'s person to it: the gate of the answer page. Http404 when
    the meeting does not exist, no invitation has gone out, or the user is not called (nobody answers for anyone
    else, and the page does not say the meeting exists). A few queries."""
    meeting = Meeting.objects.select_related("body__area").filter(pk=pk).first()
    membership = invitee_membership(meeting, getattr(user, "person", None)) if meeting else None
    if membership is None:
        raise Http404
    return meeting, membership


def agenda_for_members(meeting):
    """The agenda as members see it in the invitation: internal items in full, confidential ones only by number;
    documents linked unless they are confidential. Returns (items, meeting-wide documents)."""
    documents = [d for d in meeting_documents(meeting) if document_visibility(d) != Visibility.CONFIDENTIAL]
    items = []
    for item in meeting.items.order_by("position", "pk"):
        secret = item.visibility == Visibility.CONFIDENTIAL
        items.append(
            {
                "number": item.number,
                "secret": secret,
                "title": "" if secret else item.title,
                "presenters": "" if secret else item.presenters,
                "documents": [] if secret else [d for d in documents if d.item_id == item.pk],
            }
        )
    return items, [d for d in documents if d.item_id is None]


def substitutes_for(meeting: Meeting, membership: Membership) -> list[Membership]:
    """Who steps in when `membership`'s holder is away: their named substitutes, else the body's substitutes
    from the same principal. Substitutes have no substitutes of their own."""
    if membership.role not in Membership.SEATED_ROLES:
        return []
    substitutes = [
        m for m in invitees(meeting) if m.role == Membership.Role.SUBSTITUTE and m.person_id != membership.person_id
    ]
    named = [m for m in substitutes if m.substitute_for_id == membership.person_id]
    if named:
        return named
    if membership.principal_id is None:
        return []
    return [m for m in substitutes if m.principal_id == membership.principal_id]
