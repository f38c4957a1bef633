"""The e-mails about a meeting: each invitee's own invitation with the agenda and a calendar file, the word to a
substitute when a member is away, and the warning that adjusted minutes are not published in time (notices.py).
Composed and sent by the task worker (meetings/tasks.py), never inside the transaction that recorded them, one
MeetingMail row per e-mail."""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from samverkan.lib.mail_queue import send_claimed
from samverkan.lib.visibility import Visibility
from samverkan.meetings import notification_mail
from samverkan.meetings.access import document_visibility
from samverkan.meetings.answer_links import answer_token
from samverkan.meetings.ical import invitation_calendar
from samverkan.meetings.invitations import agenda_for_members
from samverkan.meetings.models import MeetingMail


def absolute(path):
    """A full address for a link in an e-mail, from SITE_URL (as the follow-through reminders make theirs)."""
    return settings.SITE_URL + path


def public_url(document):
    """The document's public address (the portal's meeting page); needs meeting__body__area loaded."""
    meeting = document.meeting
    return reverse("meetings_public:document", args=[meeting.body.area.slug, meeting.pk, document.pk])


def member_url(document):
    """The document's address behind a login, for what is not public."""
    return reverse("meetings:document_file", args=[document.pk])


def document_links(documents):
    """Full addresses: public documents at their public address, the rest behind a login."""
    return [
        {
            "document": d,
            "url": absolute(public_url(d) if document_visibility(d) == Visibility.PUBLIC else member_url(d)),
        }
        for d in documents
    ]


def _common(meeting):
    return {
        "meeting": meeting,
        "body": meeting.body,
        "days": list(meeting.days.all()),
        "answer_url": absolute(reverse("meetings:answer", args=[meeting.pk])),
        "meeting_url": absolute(meeting.get_absolute_url()),
    }


def invitation_message(mail):
    """The invitation e-mail of one MeetingMail row: the agenda members may see (as it is when it is sent),
    links to the documents and an .ics (METHOD:REQUEST) with the feed's events."""
    meeting, membership = mail.meeting, mail.membership
    items, general = agenda_for_members(meeting)
    context = dict(
        _common(meeting),
        again=meeting.invitations.filter(pk__lt=mail.invitation_id).exists(),  # "Ny kallelse"
        items=[dict(item, documents=document_links(item["documents"])) for item in items],
        general=document_links(general),
        person=membership.person,
        membership=membership,
        link_url=absolute(reverse("meetings_public:answer_link", args=[answer_token(meeting, membership.person)])),
    )
    message = EmailMessage(
        subject=" ".join(render_to_string("meetings/email/invitation_subject.txt", context).split()),
        body=render_to_string("meetings/email/invitation.txt", context),
        to=[mail.address],
    )
    ics = invitation_calendar(meeting, absolute, settings.DEFAULT_FROM_EMAIL, mail.address)
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="kallelse.ics")
    message.attach(part)
    return message


def substitute_message(mail):
    """The word to a substitute that the member they stand in for is away."""
    token = answer_token(mail.meeting, mail.membership.person)
    context = dict(
        _common(mail.meeting),
        absent=mail.answer.person,
        person=mail.membership.person,
        answer_url=absolute(reverse("meetings_public:answer_link", args=[token])),
    )
    return EmailMessage(
        subject=" ".join(render_to_string("meetings/email/substitute_subject.txt", context).split()),
        body=render_to_string("meetings/email/substitute.txt", context),
        to=[mail.address],
    )


def substitute_released_message(mail):
    """The word to a substitute told earlier that the member they were to stand in for comes after all."""
    context = dict(_common(mail.meeting), present=mail.answer.person, person=mail.membership.person)
    return EmailMessage(
        subject=" ".join(render_to_string("meetings/email/substitute_released_subject.txt", context).split()),
        body=render_to_string("meetings/email/substitute_released.txt", context),
        to=[mail.address],
    )


def notice_late_message(mail):
    """The warning to a secretary or coordinator that adjusted minutes are not published, so their notice is
    not up on the notice board within two days of adjustment (KL 8:12)."""
    meeting = mail.meeting
    context = dict(
        _common(meeting),
        adjusted=timezone.localdate(meeting.locked_at),
        deadline=meeting.notice_deadline,
        staff_url=absolute(reverse("meetings:meeting", args=[meeting.pk])),
    )
    return EmailMessage(
        subject=" ".join(render_to_string("meetings/email/notice_late_subject.txt", context).split()),
        body=render_to_string("meetings/email/notice_late.txt", context),
        to=[mail.address],
    )


COMPOSERS = {
    MeetingMail.Kind.INVITATION: invitation_message,
    MeetingMail.Kind.SUBSTITUTE: substitute_message,
    MeetingMail.Kind.SUBSTITUTE_RELEASED: substitute_released_message,
    MeetingMail.Kind.NOTICE_LATE: notice_late_message,
    **notification_mail.COMPOSERS,
}


def send_queued(pk):
    """Send the queued MeetingMail `pk` unless it was sent or another worker is sending it; True when sent.

    The row is claimed (committed) before the e-mail goes out, as the reminders do. If sending fails the claim
    is given back and the error kept on the row, and the exception goes on to the task (which is then marked
    failed), so the mail shows as not sent and a later try sends it (`lib.mail_queue.send_claimed`). A few
    queries, then SMTP."""
    rows = MeetingMail.objects.select_related(
        "meeting__body__area", "invitation", "answer__person", "membership__person", "person"
    )
    return send_claimed(rows, pk, lambda mail: COMPOSERS[mail.kind](mail).send())
