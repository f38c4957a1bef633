"""The invitation (kallelse): who is called, the e-mail with agenda, documents and calendar file, and the answers."""

import smtplib
from email.mime.text import MIMEText

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.meetings.access import can_plan_meetings
from samverkan.meetings.actions import mark_invited
from samverkan.meetings.documents import document_visibility, meeting_documents, member_url, public_url
from samverkan.meetings.ical import invitation_calendar
from samverkan.meetings.models import AgendaItem, Invitation, InvitationAnswer, Meeting
from samverkan.structure.models import Membership

# Called to a meeting: those who sit at the table, and the substitutes.
INVITED_ROLES = (*Membership.SEATED_ROLES, Membership.Role.SUBSTITUTE)
CLOSED = (Meeting.Status.HELD, Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)


class NotInvitable(Exception):
    """The meeting cannot be invited to; the message says why, in Swedish."""


class NotSent(Exception):
    """The mail server did not take the invitation; nothing was recorded."""


def meeting_span(meeting):
    """The meeting's first and last day (None, None without days)."""
    first, last = getattr(meeting, "first_day", False), getattr(meeting, "last_day", False)
    if first is False or last is False:
        span = meeting.days.aggregate(first=Min("date"), last=Max("date"))
        first, last = span["first"], span["last"]
    return first, last


def is_over(meeting, last):
    """Held (by its status or its last day having passed); a meeting without days is not over."""
    return meeting.status in CLOSED or (last is not None and last < timezone.localdate())


def invitable_problem(meeting):
    """Why the meeting cannot be invited to now, or None when it can."""
    first, last = meeting_span(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        return _("Mötet är inställt. Ingen kallelse kan skickas.")
    if is_over(meeting, last):
        return _("Mötet har redan hållits. Ingen kallelse kan skickas.")
    if first is None:
        return _("Mötet har inga dagar ännu. Lägg till en mötesdag innan kallelsen skickas.")
    return None


def invitees(meeting):
    """The memberships of those called: members and substitutes of the body, current on the meeting's first day."""
    first, _last = meeting_span(meeting)
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


def agenda_for_members(meeting):
    """The agenda as members see it in the invitation: internal items in full, confidential ones only by number;
    documents linked unless they are confidential. Returns (items, meeting-wide documents)."""
    documents = [d for d in meeting_documents(meeting) if document_visibility(d) != AgendaItem.Visibility.CONFIDENTIAL]
    items = []
    for item in meeting.items.order_by("position", "pk"):
        secret = item.visibility == AgendaItem.Visibility.CONFIDENTIAL
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


def document_links(documents, absolute):
    """Full addresses: public documents at their public address, the rest behind a login."""
    return [
        {
            "document": d,
            "url": absolute(public_url(d) if document_visibility(d) == AgendaItem.Visibility.PUBLIC else member_url(d)),
        }
        for d in documents
    ]


# --- Changes -------------------------------------------------------------------------------------------------


@transaction.atomic
def send_invitation(meeting, user, absolute):
    """Send the invitation to every reachable invitee, record it and mark the meeting invited; all or nothing.

    `absolute(path)` makes full addresses. Returns (invitation, memberships of those without e-mail)."""
    meeting = Meeting.objects.select_for_update().select_related("body__area").get(pk=meeting.pk)
    problem = invitable_problem(meeting)
    if problem:
        raise NotInvitable(problem)
    again = meeting.invitations.exists()
    called = invitees(meeting)
    reachable = [m for m in called if m.person.email]
    meeting = mark_invited(meeting, user)
    invitation = Invitation.objects.create(meeting=meeting, sent_at=timezone.now(), sent_by=user, recipients=0)
    items, general = agenda_for_members(meeting)
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "days": list(meeting.days.all()),
        "again": again,
        "items": [dict(item, documents=document_links(item["documents"], absolute)) for item in items],
        "general": document_links(general, absolute),
        "answer_url": absolute(reverse("meetings:answer", args=[meeting.pk])),
        "meeting_url": absolute(meeting.get_absolute_url()),
    }
    mails = [_invitation_mail(meeting, membership, context, absolute) for membership in reachable]
    _send(mails)
    invitation.recipients = len(mails)
    invitation.save(update_fields=["recipients"])
    return invitation, [m for m in called if not m.person.email]


def _invitation_mail(meeting, membership, context, absolute):
    context = dict(context, person=membership.person, membership=membership)
    mail = EmailMessage(
        subject=" ".join(render_to_string("meetings/email/invitation_subject.txt", context).split()),
        body=render_to_string("meetings/email/invitation.txt", context),
        to=[membership.person.email],
    )
    ics = invitation_calendar(meeting, absolute, settings.DEFAULT_FROM_EMAIL, membership.person.email)
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="kallelse.ics")
    mail.attach(part)
    return mail


def _send(mails):
    if not mails:
        return
    try:
        get_connection().send_messages(mails)
    except (smtplib.SMTPException, OSError) as error:
        raise NotSent from error


def substitutes_for(meeting, membership):
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


@transaction.atomic
def record_answer(meeting, membership, answer, comment, user, absolute):
    """Store the member's answer (with history). When they are away, tell their substitutes once.

    Returns (the answer, the substitutes told now, whether a substitute should have been told but could not be)."""
    meeting = Meeting.objects.select_for_update().select_related("body__area").get(pk=meeting.pk)
    row = InvitationAnswer.objects.filter(meeting=meeting, person=membership.person).first()
    row = row or InvitationAnswer(meeting=meeting, person=membership.person)
    row.answer, row.comment, row.answered_at = answer, comment, timezone.now()
    told, untold = [], False
    if answer == InvitationAnswer.Answer.ABSENT and row.substitute_told_at is None:
        substitutes = substitutes_for(meeting, membership)
        told = [s for s in substitutes if s.person.email]
        untold = membership.role in Membership.SEATED_ROLES and not told
        if told:
            try:
                _send([_substitute_mail(meeting, membership, s, absolute) for s in told])
                row.substitute_told_at = timezone.now()
            except NotSent:
                told, untold = [], True
    row.full_clean()
    row._history_user = user
    row.save()
    return row, told, untold


def _substitute_mail(meeting, absent, substitute, absolute):
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "days": list(meeting.days.all()),
        "absent": absent.person,
        "person": substitute.person,
        "answer_url": absolute(reverse("meetings:answer", args=[meeting.pk])),
        "meeting_url": absolute(meeting.get_absolute_url()),
    }
    return EmailMessage(
        subject=" ".join(render_to_string("meetings/email/substitute_subject.txt", context).split()),
        body=render_to_string("meetings/email/substitute.txt", context),
        to=[substitute.person.email],
    )


# --- Views ---------------------------------------------------------------------------------------------------


@login_required
def invitation_send(request, pk):
    """GET: who will get the invitation and who cannot be reached. POST: send it."""
    meeting = get_object_or_404(Meeting.objects.select_related("body__area"), pk=pk)
    if not can_plan_meetings(request.user, meeting.body):
        raise PermissionDenied
    back = reverse("meetings:meeting", args=[meeting.pk]) + "#invitation"
    problem = invitable_problem(meeting)
    if request.method == "POST" and not problem:
        try:
            invitation, unreachable = send_invitation(meeting, request.user, request.build_absolute_uri)
        except NotInvitable as error:
            problem = str(error)
        except NotSent:
            messages.error(request, _("E-postservern tog inte emot kallelsen. Inget har skickats eller sparats."))
            return redirect(back)
        else:
            messages.success(request, _("Kallelsen är skickad till %(n)s mottagare.") % {"n": invitation.recipients})
            if unreachable:
                names = ", ".join(str(m.person) for m in unreachable)
                messages.warning(
                    request, _("Saknar e-postadress och har inte fått kallelsen: %(names)s.") % {"names": names}
                )
            return redirect(back)
    called = invitees(meeting)
    items, general = agenda_for_members(meeting)
    return render(
        request,
        "meetings/invitation_send.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "problem": problem,
            "again": meeting.invitations.exists(),
            "reachable": [m for m in called if m.person.email],
            "unreachable": [m for m in called if not m.person.email],
            "items": items,
            "general": general,
            "back": back,
        },
        status=400 if request.method == "POST" else 200,
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Ditt svar"),
        choices=InvitationAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Välj om du kommer eller anmäler förhinder.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Kommentar till sekreteraren"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Frivillig, t.ex. ”kommer från kl. 10”."),
    )

    def __init__(self, *args, problem=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.problem = problem

    def clean(self):
        if self.problem:
            raise forms.ValidationError(self.problem)
        return super().clean()


def answer_problem(meeting):
    _first, last = meeting_span(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        return _("Mötet är inställt. Du behöver inte svara.")
    if is_over(meeting, last):
        return _("Mötet har redan hållits. Svaret kan inte längre ändras.")
    return None


@login_required
def answer(request, pk):
    """The logged-in member's own answer to an invitation; nobody answers for anyone else."""
    meeting = get_object_or_404(Meeting.objects.select_related("body__area"), pk=pk)
    person = getattr(request.user, "person", None)
    membership = invitee_membership(meeting, person)
    if membership is None:
        raise Http404
    current = InvitationAnswer.objects.filter(meeting=meeting, person=person).first()
    problem = answer_problem(meeting)
    initial = {"answer": current.answer, "comment": current.comment} if current else None
    form = AnswerForm(request.POST or None, initial=initial, problem=problem)
    if request.method == "POST" and form.is_valid():
        row, told, untold = record_answer(
            meeting,
            membership,
            form.cleaned_data["answer"],
            form.cleaned_data["comment"],
            request.user,
            request.build_absolute_uri,
        )
        messages.success(request, _("Ditt svar är sparat: %(answer)s.") % {"answer": row.get_answer_display()})
        if told:
            names = ", ".join(str(m.person) for m in told)
            messages.info(request, _("Din ersättare har fått besked att tjänstgöra: %(names)s.") % {"names": names})
        elif untold:
            messages.warning(request, _("Ingen ersättare kunde nås per e-post. Kontakta sekreteraren."))
        return redirect(reverse("meetings:answer", args=[meeting.pk]))
    items, general = agenda_for_members(meeting)
    return render(
        request,
        "meetings/answer.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "membership": membership,
            "current": current,
            "form": form,
            "problem": problem,
            "items": items,
            "general": general,
        },
        status=400 if request.method == "POST" else 200,
    )
