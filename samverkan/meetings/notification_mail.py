"""The e-mails of meetings/notifications.py, composed by the task worker from the MeetingMail row as things stand
when it is sent: "Klart för justering" and its reminder (a link to the signing page, which needs a login), the
cancellation and the change (an .ics, METHOD:CANCEL or METHOD:REQUEST with the same UIDs and a higher SEQUENCE),
a day struck from the meeting (METHOD:CANCEL for that day's UID alone), and the published minutes (a link to
them). No item text is written into any of them."""

from datetime import datetime
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from samverkan.meetings.answer_links import answer_token
from samverkan.meetings.ical import invitation_calendar, removed_day_calendar
from samverkan.meetings.models import MeetingMail


def absolute(path):
    """A full address for a link in an e-mail, from SITE_URL."""
    return settings.SITE_URL + path


def _message(mail, **extra):
    meeting = mail.meeting
    person = mail.recipient
    context = {
        "kind": mail.kind,
        "meeting": meeting,
        "body": meeting.body,
        "days": list(meeting.days.all()),
        "person": person,
        "meeting_url": absolute(meeting.get_absolute_url()),
        "sign_url": absolute(reverse("meetings:sign", args=[meeting.pk])),
        **extra,
    }
    return EmailMessage(
        subject=" ".join(render_to_string("meetings/email/notification_subject.txt", context).split()),
        body=render_to_string("meetings/email/notification.txt", context),
        to=[mail.address],
    )


def signer_message(mail):
    """ "Klart för justering" or its reminder, to the chair or an adjuster."""
    return _message(mail)


def change_message(mail):
    """The meeting is cancelled (.ics METHOD:CANCEL) or moved/retimed (.ics METHOD:REQUEST), to an invitee."""
    cancelled = mail.kind == MeetingMail.Kind.CANCELLED
    meeting = mail.meeting
    extra = {}
    if not cancelled and mail.membership_id:
        token = answer_token(meeting, mail.membership.person)
        extra["link_url"] = absolute(reverse("meetings_public:answer_link", args=[token]))
    message = _message(mail, **extra)
    method = "CANCEL" if cancelled else "REQUEST"
    ics = invitation_calendar(meeting, absolute, settings.DEFAULT_FROM_EMAIL, mail.address, method=method)
    _attach_calendar(message, ics, method, "installt.ics" if cancelled else "kallelse.ics")
    return message


def _attach_calendar(message, ics, method, filename):
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    message.attach(part)


def day_removed_message(mail):
    """A day is struck from the meeting (.ics METHOD:CANCEL for that day's event alone), to an invitee, with the
    days that remain."""
    data = mail.removed_day
    message = _message(mail, removed=timezone.localtime(datetime.fromisoformat(data["start"])))
    ics = removed_day_calendar(data, settings.DEFAULT_FROM_EMAIL, mail.address)
    _attach_calendar(message, ics, "CANCEL", "struken-dag.ics")
    return message


def published_message(mail):
    """The minutes (or notes) are published, to a member of the body."""
    return _message(mail)


COMPOSERS = {
    MeetingMail.Kind.TO_SIGN: signer_message,
    MeetingMail.Kind.SIGN_REMINDER: signer_message,
    MeetingMail.Kind.CANCELLED: change_message,
    MeetingMail.Kind.CHANGED: change_message,
    MeetingMail.Kind.DAY_REMOVED: day_removed_message,
    MeetingMail.Kind.PUBLISHED: published_message,
}
