"""The Django face of the one upload reader (`samverkan.uploads`): its limits from settings, its refusals in the
user's language, and text extraction in a limited child process. Meeting documents, decision documents and the
importer all read uploads through here."""

import unicodedata
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from samverkan.uploads import DOCX, KINDS, ODT, PDF, TXT, Kind, Limits, Refused, SandboxLimits, check, run_limited
from samverkan.uploads.sandbox import CRASHED

MISSING = gettext_noop("Filen finns inte längre i lagringen.")
# In a request, the first 4 MB of a package's XML are scanned for depth and declarations (a fraction of a second);
# the worker's sandboxed reader scans all of it before any library builds a tree.
XML_SCAN = 4 * 1024 * 1024

__all__ = [
    "CRASHED",
    "DOCX",
    "ODT",
    "PDF",
    "KINDS",
    "MISSING",
    "Kind",
    "Refused",
    "TXT",
    "UnreadableFile",
    "accepted_kinds",
    "examine",
    "message",
    "read_in_sandbox",
]


class UnreadableFile(Exception):
    """The file is empty, corrupt, a bomb, of a kind we do not take, or not what its name says; the message is in
    the user's language."""


def message(error: Refused) -> str:
    """A refusal of the upload reader in the current language (its msgids are Swedish)."""
    text = gettext(error.msgid)
    return text % error.params if error.params else text


def limits(max_bytes: int | None = None) -> Limits:
    """The upload budgets: `max_bytes` (default settings.DOCUMENT_MAX_BYTES) and what a package may unpack to
    (settings.UPLOAD_MAX_UNPACKED_BYTES)."""
    return Limits(
        max_bytes=max_bytes or settings.DOCUMENT_MAX_BYTES,
        max_unpacked=settings.UPLOAD_MAX_UNPACKED_BYTES,
        xml_scan=XML_SCAN,
    )


def sandbox_limits() -> SandboxLimits:
    """What reading one file may cost in its child process (settings.UPLOAD_SANDBOX_*)."""
    return SandboxLimits(
        memory_mb=settings.UPLOAD_SANDBOX_MEMORY_MB,
        cpu_seconds=settings.UPLOAD_SANDBOX_CPU_SECONDS,
        wall_seconds=settings.UPLOAD_SANDBOX_WALL_SECONDS,
    )


def accepted_kinds(kinds: tuple[Kind, ...] = KINDS) -> str:
    """For help texts and error messages: "PDF, Word (DOCX), …"."""
    return ", ".join(kind.label for kind in kinds)


def examine(data: bytes, name: str, kinds: tuple[Kind, ...] = KINDS, max_bytes: int | None = None) -> Kind:
    """The real kind of an upload, found from its bytes; the name must agree and the file must be whole and within
    the budgets (a bomb is refused while it is unpacked, in well under a second). Reads no text: that is
    `read_in_sandbox`, in the worker. Raises UnreadableFile with a message for the user."""
    try:
        return check(data, name, kinds=kinds, limits=limits(max_bytes))
    except Refused as error:
        raise UnreadableFile(message(error)) from None


def read_in_sandbox(target: str, data: bytes, **options: Any) -> Any:
    """`target(data, **options)` ("module:function", plain Python) run in a child process within
    `sandbox_limits()`; raises Refused (see uploads.sandbox.run_limited)."""
    return run_limited(target, data, options, sandbox_limits())


def extract_text(data: bytes, kind_name: str) -> str:
    """The searchable text of a checked file, read in a limited child process; raises Refused."""
    return str(
        read_in_sandbox(
            "samverkan.uploads.reader:extract_text",
            data,
            kind=kind_name,
            max_unpacked=settings.UPLOAD_MAX_UNPACKED_BYTES,
        )
    )


def original_name(name: str | None) -> str:
    """The uploaded file's own name, without any folder, control characters or excess length."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable()).strip()
    if len(name) > 200:
        suffix = PurePath(name).suffix[:20]
        name = name[: 200 - len(suffix)] + suffix
    return name or "fil"
