"""Pages for a meeting's documents (handlingar, bilagor): uploading, changing and removing them on the staff
pages, and downloading them, publicly and behind a login. Who may read one is in access.py, the forms in
forms.py, the changes in actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverkan.lib.forms import form_page, form_status
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.meetings import actions
from samverkan.meetings.access import get_document_for_user, get_meeting_for_user
from samverkan.meetings.forms import DocumentCorrectionForm, DocumentEditForm, DocumentUploadForm


def _meeting_page(meeting):
    return reverse("meetings:meeting", args=[meeting.pk]) + "#documents"


@login_required
@require_http_methods(FORM)
def document_create(request, pk):
    meeting = get_meeting_for_user(request.user, pk, change=True)
    form = DocumentUploadForm(request.POST or None, request.FILES or None, meeting=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = actions.add_document(
                meeting,
                data=form.data_bytes,
                name=data["file"].name,
                kind=form.kind,
                title=data["title"],
                number=data["number"],
                item=data["item"],
                visibility=data["visibility"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Handlingen ”%(title)s” är uppladdad.") % {"title": document.title})
            return redirect(_meeting_page(meeting))
    return render(
        request,
        "meetings/document_form.html",
        {"form": form, "meeting": meeting, "cancel_url": _meeting_page(meeting), "locked": meeting.is_locked},
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM)
def document_edit(request, pk):
    document = get_document_for_user(request.user, pk, change=True)
    form = DocumentEditForm(request.POST or None, instance=document, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra handlingen ”%(title)s”") % {"title": document.title},
        _meeting_page(document.meeting),
        _("Handlingen är sparad."),
        lambda d: _meeting_page(d.meeting),
        save=lambda f, reason: actions.update_document(document, f, request.user, reason),
        history=history_rows(document),
    )


@login_required
@require_http_methods(FORM)
def document_correct(request, pk):
    """ "Rätta handlingen": a stricter visibility for a document of an item of locked minutes, with the reason;
    a new version of the minutes (actions.correct_document)."""
    document = get_document_for_user(request.user, pk, change=True)
    meeting = document.meeting
    if not meeting.is_locked:
        messages.info(request, _("Protokollet är inte låst ännu, så handlingen ändras direkt."))
        return redirect(reverse("meetings:document_edit", args=[document.pk]))
    form = DocumentCorrectionForm(request.POST or None, document=document, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            stored = actions.correct_document(document, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Rättelsen är sparad som version %(n)s.") % {"n": stored.number})
            return redirect(_meeting_page(meeting))
    return render(
        request,
        "structure/form.html",
        {
            "form": form,
            "title": _("Rätta handlingen ”%(title)s”") % {"title": document.title},
            "cancel_url": _meeting_page(meeting),
            "reason_field": False,
            "history": history_rows(document),
        },
        status=form_status(request, form),
    )


@login_required
@require_POST
def document_remove(request, pk):
    document = get_document_for_user(request.user, pk, change=True)
    try:
        actions.remove_document(document, request.user)
        messages.success(request, _("Handlingen ”%(title)s” är borttagen.") % {"title": document.title})
    except actions.DocumentLocked:
        messages.error(request, str(actions.DOCUMENT_LOCKED))
    return redirect(_meeting_page(document.meeting))


def _serve(document):
    try:
        handle = default_storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name, content_type=document.content_type)


@require_safe
def document_download(request, area, meeting, pk):
    """The public address of a document: anyone may open a public one; the rest are 404 unless one may read it."""
    document = get_document_for_user(request.user, pk)
    if document.meeting_id != meeting or document.meeting.body.area.slug != area:
        raise Http404
    return _serve(document)


@login_required
@require_safe
def document_file(request, pk):
    """The same file behind a login, for links in invitations: a member who is logged out gets to log in first."""
    return _serve(get_document_for_user(request.user, pk))
