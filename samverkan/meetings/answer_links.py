"""Personal links that answer an invitation without a password: each invitation e-mail carries one, signed with
`django.core.signing` (salted for this one purpose) over the meeting, the person and the day after which it stops
working (the meeting's last day). A link answers only for that person and that meeting, and only while they are
called to it; it opens nothing else (documents that are not public, the minutes and signing still need a login:
a signature must be attributable). Tampered, expired, or for someone no longer called: the same 404."""

from datetime import date

from django.core import signing
from django.http import Http404
from django.utils import timezone

from samverkan.meetings.invitations import invitee_membership, meeting_span
from samverkan.meetings.models import Meeting
from samverkan.structure.models import Membership, Person

SALT = "samverkan.meetings.answer-link"


def answer_token(meeting: Meeting, person: Person) -> str:
    """The signed token of `person`'s answer link to `meeting`, valid through the meeting's last day (or its
    first, or today, for a meeting without days). One query unless the span is annotated."""
    span = meeting_span(meeting)
    until = span.last or span.first or timezone.localdate()
    return signing.dumps({"m": meeting.pk, "p": person.pk, "u": until.isoformat()}, salt=SALT)


def get_meeting_by_link(token: str) -> tuple[Meeting, Membership]:
    """The meeting and the seat that calls the link's person, the gate of the answer-by-link page. Http404 when
    the token is tampered with or malformed, its day has passed, the meeting is gone, or the person is no longer
    called to it. A few queries."""
    try:
        data = signing.loads(token, salt=SALT)
        meeting_pk, person_pk, until = int(data["m"]), int(data["p"]), date.fromisoformat(data["u"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        raise Http404 from None
    if until < timezone.localdate():
        raise Http404
    meeting = Meeting.objects.select_related("body__area").filter(pk=meeting_pk).first()
    person = Person.objects.filter(pk=person_pk).first()
    membership = invitee_membership(meeting, person) if meeting and person else None
    if meeting is None or membership is None:
        raise Http404
    return meeting, membership
