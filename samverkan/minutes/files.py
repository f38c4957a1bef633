"""Read minutes from a file: plain text, DOCX or PDF, through the one upload reader (`samverkan.uploads`), so a
DOCX that unpacks to gigabytes or nests its XML 100,000 deep is refused with a message, never a crash."""

import os
from pathlib import Path, PurePath

from samverkan.uploads import DOCX, PDF, Kind, Limits, Refused, check, extract_text
from samverkan.uploads.reader import DAMAGED, DAMAGED_PACKAGE, NOT_TAKEN, WRONG_NAME

from .errors import MinutesError
from .parser import parse_text
from .shapes import Minutes

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
LIMITS = Limits(max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED)
KINDS = {".docx": DOCX, ".pdf": PDF}


def parse_file(path: str | os.PathLike[str]) -> Minutes:
    """Parse the minutes in a file; raise MinutesError with a Swedish message on failure."""
    return parse_text(read_text(path))


def parse_bytes(data: bytes, name: str, item_text: bool = False) -> Minutes:
    """Parse the minutes in an uploaded file's bytes (`name` gives its suffix); raise MinutesError. The web
    importer runs this in the upload sandbox (a child process under memory, CPU and time limits)."""
    return parse_text(text_of(data, name), item_text=item_text)


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a file of minutes."""
    path = Path(path)
    if not path.is_file():
        raise MinutesError(f"Filen {path} finns inte.")
    if path.stat().st_size > MAX_BYTES:
        raise MinutesError("Filen är för stor (högst 20 MB).")
    return text_of(path.read_bytes(), path.name)


def text_of(data: bytes, name: str) -> str:
    """The text of a file's bytes by its suffix: DOCX and PDF checked by content and read within the upload
    reader's budgets (at most MAX_BYTES in, MAX_UNPACKED unpacked), text decoded. Raises MinutesError."""
    if len(data) > MAX_BYTES:
        raise MinutesError("Filen är för stor (högst 20 MB).")
    suffix = PurePath(name).suffix.lower()
    kind = check_file(data, name)
    if kind is not None:
        try:
            text = extract_text(data, kind.name, MAX_UNPACKED, clean=False)
        except Refused as error:
            raise _refusal(error, kind) from error
        if kind is PDF and len(text.strip()) < 20:
            raise MinutesError("PDF-filen saknar text (troligen inskannad). Kör textigenkänning (OCR) först.")
        return text
    if suffix in TEXT_SUFFIXES:
        return decode(data)
    raise MinutesError(f"Filtypen {suffix} stöds inte. Använd .txt, .docx eller .pdf.")


def check_file(data: bytes, name: str, limits: Limits = LIMITS) -> Kind | None:
    """For a DOCX or PDF (by `name`'s suffix), its kind once `uploads.check` has passed it within `limits` (fast
    and bounded: a bomb is refused here); None for any other suffix. Raises MinutesError."""
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind is not None:
        try:
            check(data, name, kinds=(kind,), limits=limits)
        except Refused as error:
            raise _refusal(error, kind) from error
    return kind


def _refusal(error: Refused, kind: Kind) -> MinutesError:
    """The parser's own words for a damaged file; the reader's for everything else (a bomb, deep XML …)."""
    if error.msgid in (DAMAGED, DAMAGED_PACKAGE, NOT_TAKEN, WRONG_NAME):
        return MinutesError(f"{kind.name.upper()}-filen kunde inte läsas.")
    return MinutesError(str(error))


def decode(data: bytes) -> str:
    """Decode text as UTF-8, falling back to Windows-1252."""
    if b"\x00" in data[:4096]:
        raise MinutesError("Filen verkar inte vara en textfil.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
