"""Read what was uploaded: one document, or a ZIP of many, within limits; then the parser's text and object."""

import hashlib
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import NamedTuple

from django.utils.translation import gettext as _

from samverkan.minutes import MinutesError, parse_text
from samverkan.minutes.files import MAX_BYTES, read_text
from samverkan.minutes.shapes import Minutes

SUFFIXES = {".txt": "text/plain", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SUFFIXES[".pdf"] = "application/pdf"
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 50
MAX_ZIP_TOTAL = 100 * 1024 * 1024  # uncompressed, all members together
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


def read_zip(uploaded) -> list[Upload]:
    """The documents of a ZIP. Names are only shown (no path is ever made from them), sizes are checked before
    and while unpacking (a ZIP bomb stops at the limit), and one bad member does not stop the others."""
    try:
        archive = zipfile.ZipFile(uploaded)
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not shown_name(info.filename).startswith(".")
        ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UploadError(_("ZIP-filen kunde inte läsas.")) from error
    if not members:
        raise UploadError(_("ZIP-filen innehåller inga filer."))
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError(_("ZIP-filen innehåller fler än %(n)s filer. Dela upp den.") % {"n": MAX_ZIP_MEMBERS})
    if sum(info.file_size for info in members) > MAX_ZIP_TOTAL:
        raise UploadError(
            _("ZIP-filen blir större än %(mb)s MB uppackad. Dela upp den.") % {"mb": MAX_ZIP_TOTAL // (1024 * 1024)}
        )
    out, total = [], 0
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
        elif total >= MAX_ZIP_TOTAL:
            upload.error = _("ZIP-filen blir för stor uppackad; filen hoppades över.")
        else:
            upload.data, upload.error = _unpack(archive, info, min(MAX_BYTES, MAX_ZIP_TOTAL - total))
            total += len(upload.data)
    return out


def _unpack(archive, info, limit):
    """A member's bytes, reading at most limit + 1 whatever its header claims."""
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError, ValueError):
        return b"", _("Filen kunde inte packas upp ur ZIP-filen.")
    if len(data) > limit:
        return b"", too_large()
    return data, ""


def extract_text(upload: Upload) -> str:
    """The text of one document, through the parser's own readers (a temporary file gives them a path)."""
    check_suffix(upload.name)
    if not upload.data:
        raise MinutesError(_("Filen är tom."))
    if len(upload.data) > MAX_BYTES:
        raise MinutesError(too_large())
    with tempfile.NamedTemporaryFile(suffix=upload.suffix) as handle:
        handle.write(upload.data)
        handle.flush()
        try:
            return read_text(handle.name)
        except MinutesError:
            raise
        except Exception as error:  # a damaged DOCX or PDF can fail deep inside its library
            raise MinutesError(_("Filen kunde inte läsas.")) from error


def parse_upload(upload: Upload) -> Minutes:
    """The parser's object for one document, with each item's own text; MinutesError says why not."""
    return parse_text(extract_text(upload), item_text=True)
