"""Small helpers to make meetings directly in tests."""

import hashlib
from datetime import time

from django.core.files.base import ContentFile
from django.utils import timezone

from samverkan.meetings.models import AgendaItem, Document, Meeting, MeetingDay
from tests import sample_files


def make_meeting(body, *dates, start=time(9), end=time(12), **fields):
    meeting = Meeting.objects.create(body=body, **fields)
    for day in dates:
        MeetingDay.objects.create(meeting=meeting, date=day, start=start, end=end)
    return meeting


def sent():
    """The fields of a meeting whose invitation has gone out, so its agenda is no longer a draft."""
    return {"status": "invited", "invited_at": timezone.now()}


def make_item(meeting, number, title, **fields):
    position = fields.pop("position", meeting.items.count() + 1)
    return AgendaItem.objects.create(meeting=meeting, number=number, title=title, position=position, **fields)


def make_document(meeting, title, item=None, visibility="public", data=None, name="bilaga.pdf"):
    """A stored document made directly, as an upload would leave it."""
    data = data or sample_files.pdf(title)
    document = Document(
        meeting=meeting,
        item=item,
        title=title,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        visibility=visibility,
        uploaded_at=timezone.now(),
    )
    document.file.save("stored.pdf", ContentFile(data), save=False)
    document.save()
    return document
