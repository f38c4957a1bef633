"""Sections that other pages include without their views knowing: a meeting's documents and invitation, and the
invitations a member has to answer. Each costs a fixed number of queries."""

from django import template
from django.db.models import Exists, OuterRef
from django.utils import timezone

from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import document_visibility, meeting_documents, readable_documents
from samverkan.meetings.invitations import INVITED_ROLES, invitable_problem, invitees
from samverkan.meetings.models import Invitation, InvitationAnswer, Meeting

register = template.Library()
FAILED_SHOWN = 50


@register.inclusion_tag("meetings/_documents.html")
def staff_documents(meeting):
    """Every document of the meeting, for its staff page."""
    rows = []
    for document in meeting_documents(meeting):
        level = document_visibility(document)
        rows.append(
            {
                "document": document,
                "visibility_label": Visibility(level).label,
                "narrowed": level != document.visibility,
                "changeable": not (meeting.is_locked and document.item_id),
            }
        )
    return {"meeting": meeting, "documents": rows}


@register.inclusion_tag("meetings/public/_documents.html", takes_context=True)
def public_documents(context):
    """The documents of the public meeting page that the visitor may open (anonymous: public ones of public items)."""
    meeting, request = context["meeting"], context["request"]
    return {"meeting": meeting, "body": meeting.body, "documents": readable_documents(request.user, meeting)}


@register.inclusion_tag("meetings/_invitation.html")
def invitation_section(meeting):
    """Invitations sent, everyone called with their answer, and the button to send (again)."""
    invitations = list(meeting.invitations.select_related("sent_by"))
    rows = []
    if invitations:
        answers = {a.person_id: a for a in InvitationAnswer.objects.filter(meeting=meeting)}
        rows = [{"membership": m, "answer": answers.get(m.person_id)} for m in invitees(meeting)]
    # The e-mails not gone out, and why by name (staff pages show addresses only to coordinators): one query, as
    # a meeting's mails are one per invitee.
    unsent = list(meeting.mails.filter(sent_at=None).select_related("membership__person")) if invitations else []
    failed = [mail for mail in unsent if mail.error][:FAILED_SHOWN]
    return {
        "failed": failed,
        "meeting": meeting,
        "invitations": invitations,
        "rows": rows,
        "problem": invitable_problem(meeting),
        "unsent": len(unsent),
    }


@register.inclusion_tag("meetings/_to_answer.html", takes_context=True)
def invitations_to_answer(context):
    """Coming meetings the logged-in member has been invited to, with their answer so far."""
    person = getattr(context.get("user"), "person", None)
    if person is None:
        return {"rows": []}
    seats = list(person.memberships.filter(role__in=INVITED_ROLES))
    meetings = (
        Meeting.objects.all()
        .filter(
            Exists(Invitation.objects.filter(meeting=OuterRef("pk"))),
            body_id__in={seat.body_id for seat in seats},
            status__in=[Meeting.Status.PLANNED, Meeting.Status.INVITED],
            first_day__gte=timezone.localdate(),
        )
        .select_related("body")
        .order_by("first_day", "pk")
    )
    called = [m for m in meetings if any(s.body_id == m.body_id and s.is_current(m.first_day) for s in seats)]
    answers = {a.meeting_id: a for a in InvitationAnswer.objects.filter(person=person, meeting__in=called)}
    return {"rows": [{"meeting": m, "answer": answers.get(m.pk)} for m in called]}


MAILS_SHOWN = 200


@register.inclusion_tag("meetings/_mails.html")
def meeting_mails(meeting):
    """What was mailed about the meeting, to whom (by name) and when, newest first (the latest 200; a meeting's
    mails are a few per invitee and event). One query."""
    mails = list(
        meeting.mails.select_related("membership__person", "person").order_by("-queued_at", "-pk")[: MAILS_SHOWN + 1]
    )
    return {"mails": mails[:MAILS_SHOWN], "more": len(mails) > MAILS_SHOWN}
