"""Read minutes from a file: plain text, DOCX or PDF."""

import logging
import os
from pathlib import Path

from .errors import MinutesError
from .parser import parse_text
from .shapes import Minutes

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


def parse_file(path: str | os.PathLike[str]) -> Minutes:
    """Parse the minutes in a file; raise MinutesError with a Swedish message on failure."""
    return parse_text(read_text(path))


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a file of minutes."""
    path = Path(path)
    if not path.is_file():
        raise MinutesError(f"Filen {path} finns inte.")
    if path.stat().st_size > MAX_BYTES:
        raise MinutesError("Filen är för stor (högst 20 MB).")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix in TEXT_SUFFIXES:
        return decode(path.read_bytes())
    raise MinutesError(f"Filtypen {suffix} stöds inte. Använd .txt, .docx eller .pdf.")


def decode(data: bytes) -> str:
    """Decode text as UTF-8, falling back to Windows-1252."""
    if b"\x00" in data[:4096]:
        raise MinutesError("Filen verkar inte vara en textfil.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_docx(path: Path) -> str:
    """Paragraphs and table rows of a DOCX file, tab-separated cells."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as error:  # pragma: no cover - dependency missing
        raise MinutesError("Stöd för DOCX saknas (python-docx är inte installerat).") from error
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise MinutesError("DOCX-filen kunde inte läsas.") from error
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def read_pdf(path: Path) -> str:
    """The text layer of a PDF file."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as error:  # pragma: no cover - dependency missing
        raise MinutesError("Stöd för PDF saknas (pypdf är inte installerat).") from error
    # pypdf logs its repairs of damaged files; the user gets our one Swedish message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise MinutesError("PDF-filen kunde inte läsas.") from error
    except Exception as error:  # a malformed PDF can fail deep inside pypdf in many ways
        raise MinutesError("PDF-filen kunde inte läsas.") from error
    text = "\n".join(pages)
    if len(text.strip()) < 20:
        raise MinutesError("PDF-filen saknar text (troligen inskannad). Kör textigenkänning (OCR) först.")
    return text
