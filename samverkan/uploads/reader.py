"""What an uploaded file really is, judged by its content and never by its name, read within budgets.

Every upload goes through `check(data, name, kinds=…, limits=…)` first: the kind from the first bytes (and, for
zip packages, the members that make the format), the name's suffix must agree, the size is capped, and a zip
package (DOCX, ODT, XLSX, or a ZIP of many uploads, `open_zip`) is read member by member with a byte budget for
everything it unpacks to, a compression-ratio cap and a member count cap, and each XML member is streamed
through expat with a nesting-depth cap and no DTD or entity declarations. All of this is enforced *while*
reading, so a zip bomb (zeros that unpack to gigabytes), a billion-laughs entity file or a 100,000-deep XML
nesting is refused after reading at most the budget, in well under a second.

`extract_text(data, kind)` hands an already checked file to its library (pypdf, python-docx, openpyxl, ODT's
`content.xml`); that is where the cost is, so callers run it in `sandbox.run_limited` (a child process with
memory, CPU and wall-clock limits).

Messages are Swedish msgids marked with `gettext_noop` so Django's makemessages finds them; the Django side
translates `Refused.msgid % Refused.params` (meetings.extract.message). Plain Python: no Django here.
"""

import io
import logging
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

MB = 1024 * 1024
CHUNK = 64 * 1024
# Text kept for search; a longer text is cut (the file itself is kept whole).
MAX_TEXT = 1_000_000


def gettext_noop(message: str) -> str:
    """Mark a Swedish msgid for makemessages without translating it here (this package has no Django)."""
    return message


class Refused(Exception):
    """The file is not taken: empty, too large, a bomb, corrupt, of a kind not taken, or not what its name says.

    `msgid` is the Swedish message with %(name)s placeholders and `params` their values (ints and strings), so
    the Django side can translate it; `str(error)` is the Swedish text."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)


@dataclass(frozen=True)
class Limits:
    """The budgets of one upload, all in bytes except where named.

    `max_bytes`: the file as uploaded. `max_unpacked`: everything a zip package unpacks to, all members
    together. `max_members`: entries in a zip. `max_ratio`: unpacked/packed size of one member, checked once it
    has unpacked `ratio_floor` bytes (text XML compresses 5-50 times; a zip bomb of zeros about 1,000 times).
    `max_depth`: XML element nesting (libxml2, under python-docx, stops at 256 with an exception of its own).
    `xml_scan`: how many bytes of XML (all members together) `check` runs through expat for depth and
    declarations; None for all of it. Expat calls back into Python for every element (about a second per 5-10 MB
    of dense XML), so a web request scans the first megabytes, where a depth or entity bomb is, and the sandboxed
    reader (`extract_text`) scans everything before any library builds a tree."""

    max_bytes: int = 25 * MB
    max_unpacked: int = 100 * MB
    max_members: int = 2000
    max_ratio: int = 200
    ratio_floor: int = 1 * MB
    max_depth: int = 200
    xml_scan: int | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of file we take: short name, label for people, MIME type, accepted name suffixes (first is ours)."""

    name: str
    label: str
    content_type: str
    suffixes: tuple[str, ...]


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = Kind(
    "docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
ODT = Kind("odt", "OpenDocument-text (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
XLSX = Kind("xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PNG = Kind("png", "PNG", "image/png", (".png",))
JPEG = Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
TXT = Kind("txt", "text (TXT)", "text/plain", (".txt", ".text", ".md"))
KINDS = (PDF, DOCX, ODT, XLSX, PNG, JPEG)

EMPTY = gettext_noop("Filen är tom.")
TOO_LARGE = gettext_noop("Filen är för stor (%(size)s MB). Största tillåtna storlek är %(max)s MB.")
NOT_TAKEN = gettext_noop("Filtypen stöds inte. Ladda upp en fil av något av dessa slag: %(kinds)s.")
WRONG_NAME = gettext_noop(
    "Filens innehåll är %(kind)s, men namnet ”%(name)s” säger något annat. "
    "Ge filen rätt filändelse (%(suffix)s) och försök igen."
)
DAMAGED = gettext_noop("Filen ser ut att vara en %(kind)s-fil men är skadad och kunde inte läsas.")
DAMAGED_PACKAGE = gettext_noop(
    "Filen är ett skadat paket (t.ex. en skadad Word- eller Excel-fil) och kunde inte läsas."
)
BOMB = gettext_noop(
    "Filen packar upp sig till orimligt mycket data (mer än %(mb)s MB) och kan inte tas emot. Inget har lästs in."
)
RATIO = gettext_noop(
    "Filen är packad orimligt hårt (en del av den växer mer än %(ratio)s gånger uppackad) och kan inte tas emot."
)
MEMBERS = gettext_noop("Filen består av fler än %(n)s delar och kan inte tas emot.")
DEEP = gettext_noop("Filen innehåller XML som är nästlad djupare än %(n)s nivåer och kan inte tas emot.")
DTD = gettext_noop("Filen innehåller XML med egna definitioner (DTD eller entiteter) och kan inte tas emot.")
ENCRYPTED = gettext_noop("Filen är lösenordsskyddad. Ladda upp den utan lösenord.")


def megabytes(size: int) -> str:
    """A size in bytes as Swedish megabytes for messages: "1,5" or "25"."""
    return f"{size / MB:.1f}".replace(".0", "").replace(".", ",")


class Package:
    """A zip read within `limits`: the member count and the declared sizes are checked on opening, and every
    member is streamed (`stream`, `read`) with one byte budget for the whole package and a ratio cap per member,
    so what a header claims does not matter. Raises Refused."""

    def __init__(self, source: bytes | IO[bytes], limits: Limits) -> None:
        self.limits = limits
        self.unpacked = 0
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
            self.infos = [info for info in self.zip.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise Refused(DAMAGED_PACKAGE) from None
        if len(self.infos) > limits.max_members:
            raise Refused(MEMBERS, n=limits.max_members)
        if sum(info.file_size for info in self.infos) > limits.max_unpacked:
            raise Refused(BOMB, mb=limits.max_unpacked // MB)

    def names(self) -> set[str]:
        return {info.filename for info in self.infos}

    def stream(self, info: zipfile.ZipInfo | str) -> Iterator[bytes]:
        """The member's bytes in chunks of at most 64 KiB, counted against the package's budget as they come."""
        if isinstance(info, str):
            try:
                info = self.zip.getinfo(info)
            except KeyError:
                raise Refused(DAMAGED_PACKAGE) from None
        if info.flag_bits & 0x1:
            raise Refused(ENCRYPTED)
        out = 0
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    out += len(chunk)
                    self.unpacked += len(chunk)
                    if self.unpacked > self.limits.max_unpacked:
                        raise Refused(BOMB, mb=self.limits.max_unpacked // MB)
                    if out > self.limits.ratio_floor and out > self.limits.max_ratio * max(info.compress_size, 1):
                        raise Refused(RATIO, ratio=self.limits.max_ratio)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError, ValueError):
            raise Refused(DAMAGED_PACKAGE) from None

    def read(self, info: zipfile.ZipInfo | str) -> bytes:
        return b"".join(self.stream(info))

    def check_all(self) -> None:
        """Stream every member through the budget, and XML members (up to `limits.xml_scan` bytes of them) through
        `check_xml` as well."""
        left = self.limits.xml_scan
        for info in self.infos:
            chunks = self.stream(info)
            if info.filename.lower().endswith((".xml", ".rels")) and (left is None or left > 0):
                scanned = check_xml(chunks, self.limits.max_depth, left)
                left = None if left is None else left - scanned
            for _chunk in chunks:  # the rest of the member, through the budget
                pass


def open_zip(source: bytes | IO[bytes], limits: Limits) -> Package:
    """A ZIP of uploads (or any zip package) opened within `limits`; read its members with `Package.stream`."""
    return Package(source, limits)


def check_xml(chunks: Iterable[bytes], max_depth: int, scan: int | None = None) -> int:
    """Stream XML through expat: refuse nesting deeper than `max_depth` and any DTD or entity declaration
    (billion laughs, external entities); raise Refused(DAMAGED_PACKAGE) for XML that is not well formed. With
    `scan`, stop after that many bytes (the rest of `chunks` is left to the caller). Returns the bytes scanned.

    What defusedxml guards against, without the dependency: expat here builds no tree, resolves nothing, and
    stops at the first declaration."""
    depth = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise Refused(DEEP, n=max_depth)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def declaration(*args: object) -> None:
        raise Refused(DTD)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    scanned = 0
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            scanned += len(chunk)
            if scan is not None and scanned >= scan:
                return scanned
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise Refused(DAMAGED_PACKAGE) from None
    return scanned


def sniff(data: bytes, kinds: tuple[Kind, ...], limits: Limits) -> tuple[Kind | None, Package | None]:
    """The kind of file by its first bytes and, for zip packages, by the members that make the format (and the
    package, opened within limits); None for a kind not among `kinds`."""
    kind: Kind | None = None
    package = None
    if data.startswith(b"%PDF-"):
        kind = PDF
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif data.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif data.startswith(b"PK\x03\x04"):
        package = Package(data, limits)
        names = package.names()
        odt = "mimetype" in names and package.zip.getinfo("mimetype").file_size < 100
        if odt and package.read("mimetype").strip() == ODT.content_type.encode():
            kind = ODT
        elif "[Content_Types].xml" in names and "word/document.xml" in names:
            kind = DOCX
        elif "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            kind = XLSX
    elif TXT in kinds and b"\x00" not in data[:4096]:
        kind = TXT
    return (kind if kind in kinds else None), package


def check(data: bytes, name: str, *, kinds: tuple[Kind, ...] = KINDS, limits: Limits = Limits()) -> Kind:
    """The kind of `data` among `kinds`, after checking size, content against `name`'s suffix, and structure
    within `limits` (a zip package is read whole through its budget; a PDF must end; an image must be whole).
    Bounded: reads at most `limits.max_unpacked` bytes of unpacked data. Raises Refused with a Swedish message."""
    if not data:
        raise Refused(EMPTY)
    if len(data) > limits.max_bytes:
        raise Refused(TOO_LARGE, size=megabytes(len(data)), max=megabytes(limits.max_bytes))
    kind, package = sniff(data, kinds, limits)
    if kind is None:
        raise Refused(NOT_TAKEN, kinds=", ".join(k.label for k in kinds))
    suffix = PurePath(name).suffix.lower()
    if suffix not in kind.suffixes:
        raise Refused(WRONG_NAME, kind=kind.label, name=name, suffix=kind.suffixes[0])
    if package is not None:
        package.check_all()
    elif kind == PDF and b"%%EOF" not in data[-32768:]:
        raise Refused(DAMAGED, kind=kind.label)
    elif kind == PNG and (data[12:16] != b"IHDR" or b"IEND" not in data[-12:]):
        raise Refused(DAMAGED, kind=kind.label)
    elif kind == JPEG and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise Refused(DAMAGED, kind=kind.label)
    return kind


def clean_text(text: str) -> str:
    """Whitespace folded per line, empty lines and NUL dropped, cut at MAX_TEXT characters."""
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)[:MAX_TEXT]


def extract_text(data: bytes, kind: str, max_unpacked: int = Limits.max_unpacked, clean: bool = True) -> str:
    """The text of a file already passed by `check` (`kind` is its Kind.name): the expensive part, run it in
    `sandbox.run_limited`. The package budget is applied again here, so this is safe on its own too. With
    `clean` the text is folded for search (`clean_text`); without, lines and tabs stay as the parser wants them.
    Raises Refused for a damaged file."""
    limits = Limits(max_unpacked=max_unpacked, max_bytes=len(data))
    if kind in (DOCX.name, ODT.name, XLSX.name):
        Package(data, limits).check_all()
    try:
        text = _READERS[kind](data, limits)
    except Refused:
        raise
    except Exception as error:  # a damaged file can fail deep inside any reader in many ways
        label = next((k.label for k in (*KINDS, TXT) if k.name == kind), kind)
        raise Refused(DAMAGED, kind=label) from error
    return clean_text(text) if clean else text


def _read_pdf(data: bytes, limits: Limits) -> str:
    from pypdf import PdfReader

    # pypdf logs its repairs of damaged files; the user gets our one Swedish message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise Refused(ENCRYPTED)
    # A scanned PDF has no text layer; it is still a document, only not searchable.
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _read_docx(data: bytes, limits: Limits) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _read_odt(data: bytes, limits: Limits) -> str:
    # content.xml passed check_xml (depth, no DTD) in check_all, so ElementTree may build it.
    root = ElementTree.fromstring(Package(data, limits).read("content.xml"))
    return "\n".join(
        "".join(element.itertext()) for element in root.iter() if element.tag in (ODF_TEXT + "p", ODF_TEXT + "h")
    )


def _read_xlsx(data: bytes, limits: Limits) -> str:
    import openpyxl

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


def _read_txt(data: bytes, limits: Limits) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _no_text(data: bytes, limits: Limits) -> str:
    return ""  # images carry no text


_READERS = {
    PDF.name: _read_pdf,
    DOCX.name: _read_docx,
    ODT.name: _read_odt,
    XLSX.name: _read_xlsx,
    TXT.name: _read_txt,
    PNG.name: _no_text,
    JPEG.name: _no_text,
}
