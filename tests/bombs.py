"""Hostile files made in the test (no binary fixtures): zip bombs, deep XML, entity bombs, PDFs that cost."""

import io
import zipfile
import zlib

from tests import sample_files

MB = 1024 * 1024


def _docx_with(replace=None, extra=()):
    """A real DOCX (python-docx's own), with `replace(name, data) -> data` applied to its members and `extra`
    (name, writer) members added, where writer(file) writes the member's bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_files.docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            package.writestr(info.filename, replace(info.filename, data) if replace else data)
        for name, writer in extra:
            with package.open(name, "w", force_zip64=True) as member:
                writer(member)
    return out.getvalue()


def zeros(mb):
    def write(member):
        block = b"\0" * MB
        for _ in range(mb):
            member.write(block)

    return write


def zero_bomb_docx(mb=290):
    """A DOCX of about 0.3 MB whose media member unpacks to `mb` MB of zeros (the 0.9 MB / 290 MB of issue 9)."""
    return _docx_with(extra=[("word/media/image1.bin", zeros(mb))])


def big_document_xml_docx(mb=290):
    """A DOCX whose word/document.xml itself is `mb` MB: one paragraph repeated (what python-docx chokes on)."""
    paragraph = b"<w:p><w:r><w:t>Protokoll</w:t></w:r></w:p>"

    def replace(name, data):
        return data

    def write(member):
        head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        member.write(head)
        block = paragraph * (MB // len(paragraph))
        for _ in range(mb):
            member.write(block)
        member.write(b"</w:body></w:document>")

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_files.docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for info in source.infolist():
            if info.filename != "word/document.xml":
                package.writestr(info.filename, source.read(info.filename))
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            write(member)
    return out.getvalue()


def deep_docx(depth=100_000):
    """A DOCX whose document.xml nests `depth` elements (libxml2 stops at 256 with an exception; expat recurses
    nowhere, but a tree builder would)."""

    def replace(name, data):
        if name == "word/document.xml":
            return data.replace(b"<w:body>", b"<w:body>" + b"<w:p>" * depth + b"</w:p>" * depth)
        return data

    return _docx_with(replace)


def laughs_docx():
    """A DOCX whose document.xml declares the billion-laughs entities."""
    dtd = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10)
        )
        + b"]>"
    )

    def replace(name, data):
        if name == "word/document.xml":
            head, _, rest = data.partition(b"?>")
            return head + b"?>" + dtd + rest.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>")
        return data

    return _docx_with(replace)


def many_members_docx(count=5000):
    def empty(member):
        member.write(b"")

    return _docx_with(extra=[(f"word/media/x{n}.bin", empty) for n in range(count)])


def zip_of_bombs(count=3, mb=200):
    """A ZIP (for the importer) of DOCX bombs; each member is itself small."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("01.txt", "x" * 10)
        for n in range(count):
            with archive.open(f"bomb{n}.txt", "w", force_zip64=True) as member:
                zeros(mb)(member)
    return out.getvalue()


def slow_pdf(pages=40, mb_per_page=70):
    """A valid PDF of about `pages` × 70 KB whose every page content stream inflates to `mb_per_page` MB of text
    operators: passes the quick check (it is a whole PDF) and costs seconds and memory to extract."""
    operator = b"(Protokoll) Tj "
    content = b"BT /F1 1 Tf " + operator * (mb_per_page * MB // len(operator)) + b"ET"
    packed = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(pages)).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
    font = 3 + 2 * pages
    for n in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
            b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * n, font)
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    return sample_files.assemble_pdf(objects)
