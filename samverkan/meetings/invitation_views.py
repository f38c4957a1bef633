"""Pages of the invitation (kallelse): sending it (who gets it, who cannot be reached) and a member's answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from samverkan.lib.methods import FORM
from samverkan.meetings import actions
from samverkan.meetings.access import get_meeting_for_user
from samverkan.meetings.answer_links import get_meeting_by_link
from samverkan.meetings.forms import AnswerForm
from samverkan.meetings.invitations import (
    NotInvitable,
    agenda_for_members,
    answer_problem,
    get_meeting_to_answer,
    invitable_problem,
    invitees,
)
from samverkan.meetings.models import InvitationAnswer
from samverkan.structure import logins


@login_required
@require_http_methods(FORM)
def invitation_send(request, pk):
    """GET: who will get the invitation and who cannot be reached. POST: send it (the worker mails it)."""
    meeting = get_meeting_for_user(request.user, pk, change=True)
    back = reverse("meetings:meeting", args=[meeting.pk]) + "#invitation"
    problem = invitable_problem(meeting)
    if request.method == "POST" and not problem:
        actions.read_unread_documents(meeting)  # the invitation publishes them: their text must be checked first
        try:
            invitation, unreachable = actions.send_invitation(meeting, request.user)
        except NotInvitable as error:
            problem = str(error)
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


@login_required
@require_POST
def invitation_retry(request, pk):
    """Queue again the meeting's e-mails that did not go out (the mail server refused them)."""
    meeting = get_meeting_for_user(request.user, pk, change=True)
    n = actions.queue_unsent_mail(meeting)
    messages.success(
        request, ngettext("%(n)s e-postmeddelande skickas igen.", "%(n)s e-postmeddelanden skickas igen.", n) % {"n": n}
    )
    return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#invitation")


@login_required
@require_POST
def invite_signatories(request, pk):
    """ "Bjud in alla": invite every signer of the meeting who has no login (and no invitation waiting) and whom the
    user may invite (structure/logins.py). 403 for those who may see the meeting but not plan it."""
    meeting = get_meeting_for_user(request.user, pk, change=True)
    signers = [s.person for s in meeting.signatories.select_related("person__user")]
    states = logins.login_states(signers)
    invited, refused = [], []
    for person in logins.to_invite(signers, states, logins.invitable_ids(request.user, signers)):
        try:
            logins.invite(person, request.user)
            invited.append(str(person))
        except ValidationError as error:
            refused.append(" ".join(error.messages))
    if invited:
        messages.success(request, _("Inbjudan skickas till %(names)s.") % {"names": ", ".join(invited)})
    for problem in refused:
        messages.error(request, problem)
    if not invited and not refused:
        messages.info(request, _("Ingen att bjuda in."))
    return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#signatories-heading")


@login_required
@require_http_methods(FORM)
def answer(request, pk):
    """The logged-in member's own answer to an invitation; nobody answers for anyone else (404 for anyone who
    is not called to the meeting, as if it did not exist)."""
    meeting, membership = get_meeting_to_answer(request.user, pk)
    return _answer_page(request, meeting, membership, request.user, reverse("meetings:answer", args=[meeting.pk]))


@never_cache
@require_http_methods(FORM)
def answer_by_link(request, token):
    """The same answer through the personal signed link of the invitation e-mail, without logging in
    (answer_links.py: one person, one meeting, until its last day; 404 for anything else). The agenda is not
    shown here (it is in the e-mail); the answer's history names no login. A personal page: never kept by a
    cache (`never_cache`), though its address is among the public ones."""
    meeting, membership = get_meeting_by_link(token)
    back = reverse("meetings_public:answer_link", args=[token])
    return _answer_page(request, meeting, membership, None, back, by_link=True)


def _answer_page(request, meeting, membership, user, back, *, by_link=False):
    current = InvitationAnswer.objects.filter(meeting=meeting, person=membership.person).first()
    problem = answer_problem(meeting)
    initial = {"answer": current.answer, "comment": current.comment} if current else None
    form = AnswerForm(request.POST or None, initial=initial, problem=problem)
    if request.method == "POST" and form.is_valid():
        row, told, untold, released = actions.record_answer(
            meeting, membership, form.cleaned_data["answer"], form.cleaned_data["comment"], user
        )
        messages.success(request, _("Ditt svar är sparat: %(answer)s.") % {"answer": row.get_answer_display()})
        if told:
            names = ", ".join(str(m.person) for m in told)
            messages.info(request, _("Din ersättare har fått besked att tjänstgöra: %(names)s.") % {"names": names})
        elif untold:
            messages.warning(request, _("Ingen ersättare kunde nås per e-post. Kontakta sekreteraren."))
        if released:
            names = ", ".join(str(m.person) for m in released)
            messages.info(
                request,
                _("Din ersättare har fått besked att hen inte behöver tjänstgöra: %(names)s.") % {"names": names},
            )
        return redirect(back)
    items, general = ([], []) if by_link else agenda_for_members(meeting)
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
            "by_link": by_link,
        },
        status=400 if request.method == "POST" else 200,
    )
