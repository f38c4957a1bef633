"""The minutes as a PDF in Swedish protocol layout, rendered by WeasyPrint from a minutes snapshot.

Staff who may read everything get the full PDF at any status (drafts are marked UTKAST), and any stored
version from its snapshot. The public get the redacted PDF of published meetings of public bodies only.
"""

import functools
import hashlib
import json
import os
import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import can_read_confidential, get_meeting_for_user, public_meetings, reason_reader
from samverkan.meetings.models import AgendaItem, Attendance, Meeting, MinutesVersion
from samverkan.meetings.numbering import paragraph_label
from samverkan.meetings.snapshot import minutes_snapshot, redacted, shown_content, with_notice

# The appeal period (laglighetsprövning) runs three weeks from the day the notice of adjustment is posted.
APPEAL_PERIOD = timedelta(weeks=3)
TEMPLATES = ("meetings/pdf/minutes.html", "meetings/pdf/minutes.css")
CLAUSE = re.compile(r"^\s*(?:[-–•*]\s*)?(att\b.*)$", re.IGNORECASE)


# -- from snapshot to template context -----------------------------------------------------------------


def _date(value):
    return date.fromisoformat(value).isoformat() if value else ""


def _time(value):
    return value.replace(":", ".") if value else ""


def _moment(value):
    """An ISO date-time as Swedish minutes write it: 2026-03-12 kl. 14.05."""
    moment = datetime.fromisoformat(value)
    return _("%(date)s kl. %(time)s") % {"date": moment.date().isoformat(), "time": moment.strftime("%H.%M")}


def decision_blocks(text):
    """The decision as paragraphs and lists of att-clauses, in the order written (one clause per line)."""
    blocks = []
    for line in (line.strip() for line in (text or "").splitlines()):
        if not line:
            continue
        clause = CLAUSE.match(line)
        if clause:
            if not blocks or "clauses" not in blocks[-1]:
                blocks.append({"clauses": []})
            blocks[-1]["clauses"].append(clause.group(1))
        else:
            blocks.append({"text": line})
    return blocks


def _item_label(number, numbering):
    return paragraph_label(number, numbering == "continuous")


def _attendance_remarks(row, numbering):
    remarks = []
    if row["role"]:
        remarks.append(row["role"])
    if row["substitute_for"]:
        remarks.append(_("ersättare för %(name)s") % {"name": row["substitute_for"]})
    if row["days"]:
        remarks.append(_("endast %(days)s") % {"days": ", ".join(_date(d) for d in row["days"])})
    if row["not_during"]:
        labels = ", ".join(_item_label(n, numbering) for n in row["not_during"])
        remarks.append(_("ej närvarande under %(items)s") % {"items": labels})
    if row["note"]:
        remarks.append(row["note"])
    return remarks


P, G = Attendance.Status, Attendance.Group
# (heading, status, group or None for any), in the order minutes list them.
ATTENDANCE_GROUPS = [
    (gettext_lazy("Beslutande"), P.PRESENT, G.VOTING),
    (gettext_lazy("Ersättare"), P.PRESENT, G.SUBSTITUTE),
    (gettext_lazy("Övriga närvarande"), P.PRESENT, G.OTHER),
    (gettext_lazy("Anmält förhinder"), P.ABSENT_NOTICE, None),
    (gettext_lazy("Frånvarande"), P.ABSENT, None),
]


def _chair_first(row):
    role = row["role"].lower()
    return 0 if role == "ordförande" else 1 if "vice ordförande" in role else 2


def _attendance(rows, numbering, kind):
    rows = sorted(rows, key=_chair_first)  # stable: the rest stay in the order of their names
    groups = []
    for n, (heading, status, group) in enumerate(ATTENDANCE_GROUPS):
        members = [
            {**row, "remarks": _attendance_remarks(row, numbering)}
            for row in rows
            if row["status"] == status and group in (None, row["group"])
        ]
        if members:
            if n == 0 and kind == Meeting.Kind.NOTES:
                heading = _("Närvarande")  # notes record no decisions, so nobody is "beslutande"
            groups.append({"heading": str(heading), "rows": members})
    return groups


def _items(items, numbering):
    # Labels by lookup, not by choice class: a stored snapshot may hold a value a later release renamed.
    outcomes = dict(AgendaItem.Outcome.choices)
    visibilities = dict(Visibility.choices)
    shown = []
    for item in items:
        entry = {"label": _item_label(item["number"], numbering), "hidden": item.get("hidden", False)}
        if entry["hidden"]:
            entry["visibility_label"] = _("Internt") if item["visibility"] == "internal" else _("Sekretess")
        else:
            marked = item["outcome"] in (AgendaItem.Outcome.DEFERRED, AgendaItem.Outcome.STRUCK)
            entry.update(
                title=item["title"],
                presenters=item["presenters"],
                case_number=item["case_number"],
                minutes=item["minutes"],
                decision=decision_blocks(item["decision"]),
                outcome_label=str(outcomes[item["outcome"]]) if marked else "",
                deferred_to=_date(item["deferred_to"]),
                visibility_label=""
                if item["visibility"] == "public"
                else str(visibilities.get(item["visibility"], _("Sekretess"))),
            )
        shown.append(entry)
    return shown


def _signatories(rows):
    order = {"chair": 0, "adjuster": 1}
    return [
        {
            "role": _("Ordförande") if row["role"] == "chair" else _("Justerare"),
            "name": row["name"],
            "signed": _("Justerat digitalt %(moment)s av %(name)s")
            % {"moment": _moment(row["signed_at"]), "name": row["name"]}
            if row["signed_at"]
            else "",
        }
        for row in sorted(rows, key=lambda r: order.get(r["role"], 2))
    ]


def _css_string(text):
    """A CSS string literal that cannot end the string or the <style> element it sits in."""
    return '"' + re.sub(r'[\\"<>\n]', lambda m: f"\\{ord(m.group()):X} ", text) + '"'


def _page_counter():
    """'Sida N av M' for the page footer, from one translatable sentence."""
    text = _("Sida %(page)s av %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    parts = re.split("\0(pages?)\0", text)
    return mark_safe(" ".join(f"counter({p})" if n % 2 else _css_string(p) for n, p in enumerate(parts) if p))


def pdf_context(snapshot, *, draft=False, public=False, version=None, extract=False):
    """The template context of a minutes PDF, computed from a snapshot alone. `extract=True` makes it a
    protokollsutdrag (meetings/protocol_extract.py): the snapshot holds the one item, the attendance is summed up
    by group in names, and the title says so."""
    header = snapshot["meeting"]
    numbering = header["body"]["numbering"]
    notes = header["kind"] == Meeting.Kind.NOTES
    notice = date.fromisoformat(header["notice_date"]) if header["notice_date"] else None
    days = [{"date": _date(d["date"]), "start": _time(d["start"]), "end": _time(d["end"])} for d in header["days"]]
    items = _items(snapshot["items"], numbering)
    adjusted = bool(header["locked_at"])
    paper = header.get("paper_adjustment")  # versions stored before paper adjustment existed have none
    return {
        "kind_title": _("Protokollsutdrag") if extract else _("Minnesanteckningar") if notes else _("Protokoll"),
        "extract": extract,
        "notes": notes,
        "draft": draft,
        "public": public,
        "hidden_count": sum(1 for item in items if item["hidden"]),
        "meeting": header,
        "body": header["body"],
        "days": days,
        "first_date": days[0]["date"] if days else "",
        "attendance": _attendance(snapshot["attendance"], numbering, header["kind"]),
        "with_party": any(row["party"] for row in snapshot["attendance"]),
        "items": items,
        "signatories": [] if notes else _signatories(snapshot["signatories"]),
        "adjusters": [row["name"] for row in snapshot["signatories"] if row["role"] == "adjuster"],
        "adjusted": adjusted and not notes,
        "adjusted_on": _date(paper["date"] if paper else header["locked_at"][:10]) if adjusted else "",
        "paper": (
            _("Justerat på papper %(date)s av %(names)s") % {"date": _date(paper["date"]), "names": paper["signed_by"]}
            if paper
            else ""
        ),
        "notice_date": notice.isoformat() if notice else "",
        "appeal_end": (notice + APPEAL_PERIOD).isoformat() if notice and header.get("appealable") else "",
        "version": version,
        "page_counter": _page_counter(),
    }


# PDF/A-3b (ISO 19005-3, level B): the archival form for minutes (Riksarkivet's RA-FS 2009:2 and the National
# Archives' advice accept PDF/A), with every font embedded, an sRGB output intent and XMP identification.
# WeasyPrint writes it; the PDF stays tagged for screen readers (level A would demand more of the tags).
PDF_VARIANT = "pdf/a-3b"


def render_pdf(snapshot, **options) -> bytes:
    """The PDF of a snapshot as PDF/A-3b (`PDF_VARIANT`); tagged, so screen readers can read it (minutes are
    never images of text)."""
    import weasyprint  # imported here: loading Pango costs time that only PDF requests should pay

    html = render_to_string("meetings/pdf/minutes.html", pdf_context(snapshot, **options))
    RENDERED["pdfs"] += 1
    return weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


# Bump when code that shapes the PDF changes (pdf_context, the attendance and item layout), so no stored PDF
# outlives the code that made it; the templates are fingerprinted by their text.
PDF_CODE_VERSION = 1
RENDERED = {"pdfs": 0}  # how many PDFs WeasyPrint has rendered in this process (the store's tests read it)


@functools.cache
def _layout_fingerprint():
    """Changes when the PDF templates change, so a stored PDF never outlives its layout."""
    sources = "".join(get_template(name).template.source for name in TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def pdf_key(snapshot, **options) -> str:
    """The store's key of a PDF: a SHA-256 (hex) of everything it is made from — the snapshot *as shown* (so a
    redacted public snapshot and a staff one never share a key), the options (draft, public, version), the
    language, the templates' fingerprint, `PDF_CODE_VERSION` and the PDF variant."""
    made_from = [snapshot, options, get_language(), _layout_fingerprint(), PDF_CODE_VERSION, PDF_VARIANT]
    material = json.dumps(made_from, sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


def _store_path(key: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "minutes-pdf" / key[:2] / f"{key}.pdf"


def stored_pdf(snapshot, **options) -> bytes:
    """render_pdf once, then from the store: a file under `MEDIA_ROOT/minutes-pdf/` named by `pdf_key` (not
    served by any URL; only these views read it). Only for what does not change under its key: locked minutes,
    stored versions. A correction makes a new version, so a new snapshot and a new key; the public's redacted
    snapshot has its own key, so a staff PDF is never served to the public. Written to a temporary file and
    renamed, so a reader never sees half a PDF; a store that cannot be written still answers with the PDF."""
    path = _store_path(pdf_key(snapshot, **options))
    try:
        return path.read_bytes()
    except OSError:
        pass
    pdf = render_pdf(snapshot, **options)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as part:
            part.write(pdf)
        os.replace(part.name, path)
    except OSError:
        pass
    return pdf


# -- views ---------------------------------------------------------------------------------------------


def _filename(meeting, snapshot, suffix=""):
    header = snapshot["meeting"]
    word = "minnesanteckningar" if header["kind"] == Meeting.Kind.NOTES else "protokoll"
    name = slugify(header["body"]["abbreviation"] or header["body"]["name"]) or "organ"
    day = header["days"][0]["date"] if header["days"] else str(meeting.pk)
    return f"{word}-{name}-{day}{suffix}.pdf"


def _pdf_response(pdf, filename, *, private):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def _full_reader_meeting(request, pk):
    """A meeting whose full minutes the user may read: 404 if they may not see it, 403 if not everything."""
    meeting = get_meeting_for_user(request.user, pk)
    if not can_read_confidential(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def is_draft(meeting):
    return not meeting.is_locked and meeting.status not in (Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)


@require_safe
@login_required
def staff_pdf(request, pk):
    meeting = _full_reader_meeting(request, pk)
    snapshot = shown_content(meeting)
    draft = is_draft(meeting)
    # Locked minutes are what was stored, so their PDF is too; live drafts are rendered each time.
    pdf = stored_pdf(snapshot, draft=draft) if meeting.is_locked else render_pdf(snapshot, draft=draft)
    return _pdf_response(pdf, _filename(meeting, snapshot), private=True)


@require_safe
@login_required
def version_pdf(request, pk, number):
    meeting = _full_reader_meeting(request, pk)
    version = get_object_or_404(MinutesVersion, meeting=meeting, number=number)
    info = {"number": version.number, "created": timezone.localdate(version.created_at), "reason": version.reason}
    pdf = stored_pdf(with_notice(version.content, meeting), version=info)
    return _pdf_response(pdf, _filename(meeting, version.content, f"-v{version.number}"), private=True)


@require_safe
def public_pdf(request, area, pk):
    """The published minutes for everyone: the latest stored version if there is one, without what the
    public may not read."""
    meeting = get_object_or_404(
        public_meetings().filter(status=Meeting.Status.PUBLISHED, body__area__slug=area).select_related("body__area"),
        pk=pk,
    )
    version = meeting.versions.order_by("-number").first()
    snapshot = with_notice(version.content if version else minutes_snapshot(meeting), meeting)
    live = dict(meeting.items.values_list("pk", "visibility"))
    snapshot = redacted(snapshot, AnonymousUser(), meeting.body, live)
    # A correction is announced with its number and date; its reason only when the public may read its item.
    info = None
    if version and version.number > 1:
        reason = reason_reader(AnonymousUser(), meeting)(version)
        info = {"number": version.number, "created": timezone.localdate(version.created_at), "reason": reason}
    pdf = stored_pdf(snapshot, public=True, version=info)
    return _pdf_response(pdf, _filename(meeting, snapshot), private=False)
