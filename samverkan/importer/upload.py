"""Read what was uploaded: one document, or a ZIP of many, through the one upload reader (`samverkan.uploads`,
via meetings.extract); then the parser's object, computed in the upload sandbox."""

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any, NamedTuple, cast

from django.utils.translation import gettext as _

from samverkan.lib.text import without_control
from samverkan.meetings.extract import XML_SCAN, message, read_in_sandbox
from samverkan.minutes import MinutesError
from samverkan.minutes.files import LIMITS, MAX_BYTES, check_file
from samverkan.minutes.shapes import Minutes
from samverkan.uploads import Limits, Refused, open_zip
from samverkan.uploads.reader import BOMB, DAMAGED_PACKAGE

SUFFIXES = {".txt": "text/plain", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SUFFIXES[".pdf"] = "application/pdf"
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 50
MAX_ZIP_TOTAL = 100 * 1024 * 1024  # uncompressed, all members together
MAX_ZIP_ENTRIES = 1000  # every entry, folders and system files too, before any is read
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UploadError(Exception):
    """The upload as a whole cannot be used; the message is Swedish and meant for the user."""


@dataclass
class Upload:
    """One document: its shown name, its bytes, or why it could not be taken out of the ZIP."""

    name: str
    data: bytes = b""
    error: str = ""

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self):
        return suffix_of(self.name)

    @property
    def content_type(self):
        return SUFFIXES.get(self.suffix, "application/octet-stream")


def shown_name(name: str | None) -> str:
    """The file's own name without folders or control characters; shown, never used as a path."""
    name = CONTROL.sub("", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[-200:] or _("namnlös fil")


def suffix_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def too_large():
    return _("Filen är för stor (högst %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)}


class ReadUpload(NamedTuple):
    """What an upload holds: whether it was a ZIP, and its documents (one unless it was a ZIP)."""

    is_zip: bool
    uploads: list[Upload]


def read_upload(uploaded) -> ReadUpload:
    """`ReadUpload(is_zip, uploads)` of an uploaded file; raises UploadError when the upload as a whole is unusable."""
    name = shown_name(uploaded.name)
    if uploaded.size == 0:
        raise UploadError(_("Filen är tom."))
    if suffix_of(name) == ".zip":
        if uploaded.size > MAX_ZIP_BYTES:
            raise UploadError(_("ZIP-filen är för stor (högst %(mb)s MB).") % {"mb": MAX_ZIP_BYTES // (1024 * 1024)})
        return ReadUpload(True, read_zip(uploaded))
    if uploaded.size > MAX_BYTES:
        raise UploadError(too_large())
    check_suffix(name)
    return ReadUpload(False, [Upload(name, uploaded.read(MAX_BYTES + 1))])


def check_suffix(name):
    suffix = suffix_of(name)
    if suffix not in SUFFIXES:
        raise MinutesError(
            _("Filtypen %(suffix)s stöds inte. Använd .txt, .docx eller .pdf, eller en .zip med sådana filer.")
            % {"suffix": suffix or _("(ingen)")}
        )


def _zip_limits() -> Limits:
    # The members are office files and PDFs (already compressed) or text (3-5 times), so a ratio of 200 is a bomb.
    return Limits(max_bytes=MAX_ZIP_BYTES, max_unpacked=MAX_ZIP_TOTAL, max_members=MAX_ZIP_ENTRIES)


def read_zip(uploaded) -> list[Upload]:
    """The documents of a ZIP, through the one upload reader (`uploads.open_zip`): names are only shown (no path
    is ever made from them), the entry count and the declared sizes are checked before unpacking and the real
    bytes while unpacking (a ZIP bomb stops at the budget), and one bad member does not stop the others."""
    try:
        archive = open_zip(uploaded, _zip_limits())
    except Refused as error:
        if error.msgid == BOMB:
            raise UploadError(
                _("ZIP-filen blir större än %(mb)s MB uppackad. Dela upp den.") % {"mb": MAX_ZIP_TOTAL // (1024 * 1024)}
            ) from error
        if error.msgid == DAMAGED_PACKAGE:
            raise UploadError(_("ZIP-filen kunde inte läsas.")) from error
        raise UploadError(message(error)) from error
    members = [
        info
        for info in archive.infos
        if not info.filename.startswith("__MACOSX/") and not shown_name(info.filename).startswith(".")
    ]
    if not members:
        raise UploadError(_("ZIP-filen innehåller inga filer."))
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError(_("ZIP-filen innehåller fler än %(n)s filer. Dela upp den.") % {"n": MAX_ZIP_MEMBERS})
    out = []
    for info in members:
        upload = Upload(shown_name(info.filename))
        out.append(upload)
        try:
            check_suffix(upload.name)
        except MinutesError as error:
            upload.error = str(error)
            continue
        if info.flag_bits & 0x1:
            upload.error = _("Filen är lösenordsskyddad.")
        elif info.file_size > MAX_BYTES:
            upload.error = too_large()
        elif archive.unpacked >= MAX_ZIP_TOTAL:
            upload.error = _("ZIP-filen blir för stor uppackad; filen hoppades över.")
        else:
            try:
                upload.data = archive.read(info)
            except Refused as error:
                damaged = error.msgid == DAMAGED_PACKAGE
                upload.error = _("Filen kunde inte packas upp ur ZIP-filen.") if damaged else message(error)
            else:
                if len(upload.data) > MAX_BYTES:
                    upload.data, upload.error = b"", too_large()
    return out


def parse_upload(upload: Upload) -> Minutes:
    """The parser's object for one document, with each item's own text; MinutesError says why not.

    Read and parsed in the upload sandbox (a child process under memory, CPU and time limits): the preview
    needs the parse at once, and one child per file keeps a hostile file from costing the web process more than
    the sandbox's limits. A bomb is refused before that, in this process, by the reader's budgets."""
    check_suffix(upload.name)
    if not upload.data:
        raise MinutesError(_("Filen är tom."))
    if len(upload.data) > MAX_BYTES:
        raise MinutesError(too_large())
    # A bomb stops here, in this process, within the reader's budgets (the first megabytes of XML scanned).
    check_file(upload.data, upload.name, replace(LIMITS, xml_scan=XML_SCAN))
    try:
        parsed = read_in_sandbox("samverkan.minutes.files:parse_bytes", upload.data, name=upload.name, item_text=True)
    except Refused as error:
        raise MinutesError(message(error)) from error
    return cast(Minutes, _without_control(parsed))


def _without_control(value: Any) -> Any:
    """The parse with C0/C1 control characters taken out of every string (tab and newline stay), as every form
    does for typed text (lib.forms.CleanTextMixin): a file's text becomes titles, names and minutes."""
    if isinstance(value, str):
        return without_control(value, multiline=True)
    if isinstance(value, list):
        return [_without_control(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_control(v) for k, v in value.items()}
    return value
