"""What an uploaded document really is, judged by its content and never by its name, and its text for search."""

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

from django.utils.translation import gettext as _

# Text kept for search; a longer text is cut (the file itself is kept whole).
MAX_TEXT = 1_000_000
# A zip (DOCX, ODT, XLSX) may not unpack to more than this: a small file that unpacks to gigabytes is an attack.
MAX_UNPACKED = 300 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    content_type: str
    suffixes: tuple


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = Kind(
    "docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
ODT = Kind("odt", "OpenDocument-text (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
XLSX = Kind("xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PNG = Kind("png", "PNG", "image/png", (".png",))
JPEG = Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
KINDS = (PDF, DOCX, ODT, XLSX, PNG, JPEG)


class UnreadableFile(Exception):
    """The file is empty, corrupt, of a kind we do not take, or not what its name says; the message is Swedish."""


@dataclass(frozen=True)
class Examined:
    kind: Kind
    text: str


def accepted_kinds():
    """For help texts and error messages: "PDF, Word (DOCX), …"."""
    return ", ".join(kind.label for kind in KINDS)


def examine(data: bytes, name: str) -> Examined:
    """Find the file's real kind from its bytes, check that its name agrees, read it whole, and keep its text.

    Raises UnreadableFile with a message for the user."""
    if not data:
        raise UnreadableFile(_("Filen är tom."))
    kind = sniff(data)
    if kind is None:
        raise UnreadableFile(
            _("Filtypen stöds inte. Ladda upp en fil av något av dessa slag: %(kinds)s.") % {"kinds": accepted_kinds()}
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in kind.suffixes:
        raise UnreadableFile(
            _(
                "Filens innehåll är %(kind)s, men namnet ”%(name)s” säger något annat. "
                "Ge filen rätt filändelse (%(suffix)s) och försök igen."
            )
            % {"kind": kind.label, "name": name, "suffix": kind.suffixes[0]}
        )
    try:
        text = READERS[kind.name](data)
    except UnreadableFile:
        raise
    except Exception as error:  # a damaged file can fail deep inside any reader in many ways
        raise UnreadableFile(
            _("Filen ser ut att vara en %(kind)s-fil men är skadad och kunde inte läsas.") % {"kind": kind.label}
        ) from error
    return Examined(kind, clean_text(text))


def sniff(data: bytes):
    """The kind of file by its first bytes and, for zip packages, by the members that make the format;
    None for a kind we do not take."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
                if (
                    "mimetype" in names
                    and package.getinfo("mimetype").file_size < 100
                    and package.read("mimetype").strip() == ODT.content_type.encode()
                ):
                    return ODT
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, EOFError):
            raise UnreadableFile(
                _("Filen är ett skadat paket (t.ex. en skadad Word- eller Excel-fil) och kunde inte läsas.")
            ) from None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def clean_text(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)[:MAX_TEXT]


def _package(data):
    package = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED:
        raise UnreadableFile(_("Filen packar upp sig till orimligt mycket data och kan inte tas emot."))
    if package.testzip() is not None:
        raise UnreadableFile(_("Filen är skadad och kunde inte läsas."))
    return package


def read_pdf(data):
    from pypdf import PdfReader

    # pypdf logs its repairs of damaged files; the user gets our one Swedish message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise UnreadableFile(_("PDF-filen är lösenordsskyddad. Ladda upp den utan lösenord."))
    # A scanned PDF has no text layer; it is still a document, only not searchable.
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def read_docx(data):
    import docx

    _package(data)
    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def read_odt(data):
    package = _package(data)
    # The expat shipped with Python 3.11 (2.4+) refuses entity expansion bombs; ODF has no DTD anyway.
    root = ElementTree.fromstring(package.read("content.xml"))
    return "\n".join(
        "".join(element.itertext()) for element in root.iter() if element.tag in (ODF_TEXT + "p", ODF_TEXT + "h")
    )


def read_xlsx(data):
    import openpyxl

    _package(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines, size = [], 0
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                line = "\t".join(str(value) for value in row if value is not None)
                lines.append(line)
                size += len(line) + 1
                if size > MAX_TEXT:
                    return "\n".join(lines)
    finally:
        workbook.close()
    return "\n".join(lines)


def read_png(data):
    # Images carry no text; check only that the header chunk is there and the file is not cut short.
    if data[12:16] != b"IHDR" or b"IEND" not in data[-12:]:
        raise ValueError("truncated or damaged PNG")
    return ""


def read_jpeg(data):
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ValueError("truncated JPEG")
    return ""


READERS = {"pdf": read_pdf, "docx": read_docx, "odt": read_odt, "xlsx": read_xlsx, "png": read_png, "jpeg": read_jpeg}


def original_name(name: str | None) -> str:
    """The uploaded file's own name, without any folder, control characters or excess length."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable()).strip()
    if len(name) > 200:
        suffix = PurePath(name).suffix[:20]
        name = name[: 200 - len(suffix)] + suffix
    return name or "fil"
