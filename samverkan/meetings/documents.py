"""A meeting's documents (handlingar, bilagor): who may read them, uploading, changing, removing, downloading."""

import hashlib
import unicodedata
import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samverkan.lib.forms import form_page, save_record
from samverkan.lib.history import history_rows
from samverkan.meetings.access import can_plan_meetings, can_read_confidential, can_read_internal, visible_meetings
from samverkan.meetings.extract import UnreadableFile, accepted_kinds, examine
from samverkan.meetings.models import AgendaItem, Document, Meeting
from samverkan.structure.forms import StaffForm

Level = AgendaItem.Visibility
# From most to least open; a document is as closed as the most closed of itself, its item and its meeting.
LEVELS = [Level.PUBLIC, Level.INTERNAL, Level.CONFIDENTIAL]
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes():
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def megabytes(size):
    return f"{size / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")


# --- Who may read a document -------------------------------------------------------------------------------


def document_visibility(document):
    """The visibility that counts: a public document on an internal item, or in an internal meeting, is internal.

    Needs document.item and document.meeting loaded (select_related) to cost no query."""
    levels = [document.visibility]
    if document.item_id:
        levels.append(document.item.visibility)
    if not document.meeting.is_public:
        levels.append(Level.INTERNAL)
    return max(levels, key=LEVELS.index)


def can_read_document(user, document, body) -> bool:
    level = document_visibility(document)
    if level == Level.PUBLIC:
        return True
    if level == Level.INTERNAL:
        return can_read_internal(user, body)
    return can_read_confidential(user, body)


def meeting_documents(meeting):
    """Every document of the meeting in agenda order, with what document_visibility needs; one query."""
    return meeting.documents.select_related("item", "meeting").order_by("item__position", "item_id", "number", "pk")


def readable_documents(user, meeting):
    """The meeting's documents that `user` may open (the meeting itself must already be visible to them)."""
    return [d for d in meeting_documents(meeting) if can_read_document(user, d, meeting.body)]


# --- Forms ---------------------------------------------------------------------------------------------------


LOCKED = gettext_lazy(
    "Protokollet är justerat och låst. Handlingar som hör till ett ärende kan inte läggas till, ändras eller "
    "tas bort. Inget har sparats."
)


def original_name(name):
    """The uploaded file's own name, without any folder, control characters or excess length."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable()).strip()
    if len(name) > 200:
        suffix = PurePath(name).suffix[:20]
        name = name[: 200 - len(suffix)] + suffix
    return name or "fil"


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil"),
        error_messages={
            "required": gettext_lazy("Välj en fil att ladda upp."),
            "empty": gettext_lazy("Filen är tom."),
            "invalid": gettext_lazy("Det som skickades var ingen fil."),
            "missing": gettext_lazy("Ingen fil kom fram. Försök igen."),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("Titel"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Lämna tomt för att använda filnamnet."),
    )
    number = forms.CharField(
        label=gettext_lazy("Bilagenummer"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("T.ex. Bilaga 2.1.1."),
    )
    item = forms.ModelChoiceField(
        label=gettext_lazy("Hör till ärende"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=gettext_lazy("Hela mötet (inget särskilt ärende)"),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Synlighet"),
        choices=Level.choices,
        help_text=gettext_lazy("En handling kan aldrig vara mer synlig än sitt ärende."),
    )

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["item"].queryset = meeting.items.order_by("position", "pk")
        self.fields["item"].label_from_instance = lambda item: f"{item.number} {item.title}"
        self.fields["file"].help_text = _("%(kinds)s. Högst %(max)s MB.") % {
            "kinds": accepted_kinds(),
            "max": megabytes(max_bytes()),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("Filen är för stor (%(size)s MB). Största tillåtna storlek är %(max)s MB.")
                % {"size": megabytes(upload.size), "max": megabytes(max_bytes())}
            )
        data = b"".join(upload.chunks())
        try:
            self.examined = examine(data, original_name(upload.name))
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        self.data_bytes = data
        return upload

    def clean(self):
        data = super().clean()
        if self.meeting.is_locked and data.get("item"):
            self.add_error("item", LOCKED)
        return data


class DocumentEditForm(StaffForm):
    class Meta:
        model = Document
        fields = ["title", "number", "visibility"]

    def clean(self):
        data = super().clean()
        if self.instance.meeting.is_locked and self.instance.item_id:
            raise forms.ValidationError(LOCKED)
        return data


# --- Changes -------------------------------------------------------------------------------------------------


class Locked(Exception):
    """The minutes are locked, so their items' documents stay as they are."""


def add_document(meeting, *, data, name, examined, title, number, item, visibility, user):
    """Store the file through the storage API and record the document; if the record fails, the file goes too."""
    name = original_name(name)
    document = Document(
        meeting=meeting,
        item=item,
        title=title or PurePath(name).stem[:300] or name,
        number=number,
        original_name=name,
        content_type=examined.kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=examined.text,
        visibility=visibility,
        uploaded_at=timezone.now(),
        uploaded_by=user,
    )
    # A random stored name: the user's name of the file stays in original_name and never becomes a path.
    document.file.save(f"{uuid.uuid4().hex}{examined.kind.suffixes[0]}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.full_clean()
            document._history_user = user
            document.save()
    except Exception:
        default_storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def remove_document(document, user):
    """Remove the document (its history keeps who and when) and, once that is committed, its file."""
    meeting = Meeting.objects.select_for_update().get(pk=document.meeting_id)
    if meeting.is_locked and document.item_id:
        raise Locked
    stored = document.file.name
    document._history_user = user
    document.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))


# --- Views ---------------------------------------------------------------------------------------------------


def _planned_meeting(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("body__area"), pk=pk)
    if not can_plan_meetings(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _staff_document(request, pk):
    document = get_object_or_404(Document.objects.select_related("meeting__body__area", "item"), pk=pk)
    _planned_meeting(request, document.meeting_id)
    return document


def _meeting_page(meeting):
    return reverse("meetings:meeting", args=[meeting.pk]) + "#documents"


@login_required
def document_create(request, pk):
    meeting = _planned_meeting(request, pk)
    form = DocumentUploadForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = add_document(
            meeting,
            data=form.data_bytes,
            name=data["file"].name,
            examined=form.examined,
            title=data["title"],
            number=data["number"],
            item=data["item"],
            visibility=data["visibility"],
            user=request.user,
        )
        messages.success(request, _("Handlingen ”%(title)s” är uppladdad.") % {"title": document.title})
        return redirect(_meeting_page(meeting))
    return render(
        request,
        "meetings/document_form.html",
        {"form": form, "meeting": meeting, "cancel_url": _meeting_page(meeting), "locked": meeting.is_locked},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def document_edit(request, pk):
    document = _staff_document(request, pk)
    form = DocumentEditForm(request.POST or None, instance=document)
    return form_page(
        request,
        form,
        _("Ändra handlingen ”%(title)s”") % {"title": document.title},
        _meeting_page(document.meeting),
        _("Handlingen är sparad."),
        lambda d: _meeting_page(d.meeting),
        save=lambda f, reason: save_record(f, request.user, reason),
        history=history_rows(document),
    )


@login_required
@require_POST
def document_remove(request, pk):
    document = _staff_document(request, pk)
    try:
        remove_document(document, request.user)
        messages.success(request, _("Handlingen ”%(title)s” är borttagen.") % {"title": document.title})
    except Locked:
        messages.error(request, str(LOCKED))
    return redirect(_meeting_page(document.meeting))


def _serve(request, document):
    if not can_read_document(request.user, document, document.meeting.body):
        raise Http404
    try:
        handle = default_storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name, content_type=document.content_type)


def _readable_meeting_documents(user):
    return Document.objects.select_related("meeting__body__area", "item").filter(
        meeting__in=visible_meetings(user).values("pk")
    )


def document_download(request, area, meeting, pk):
    """The public address of a document: anyone may open a public one; the rest are 404 unless one may read it."""
    document = get_object_or_404(_readable_meeting_documents(request.user), pk=pk, meeting_id=meeting)
    if document.meeting.body.area.slug != area:
        raise Http404
    return _serve(request, document)


@login_required
def document_file(request, pk):
    """The same file behind a login, for links in invitations: a member who is logged out gets to log in first."""
    return _serve(request, get_object_or_404(_readable_meeting_documents(request.user), pk=pk))


def public_url(document):
    meeting = document.meeting
    return reverse("meetings_public:document", args=[meeting.body.area.slug, meeting.pk, document.pk])


def member_url(document):
    return reverse("meetings:document_file", args=[document.pk])
