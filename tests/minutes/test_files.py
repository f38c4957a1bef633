"""Reading real files: DOCX through python-docx, PDF through pypdf, and the Swedish errors for bad files."""

import docx
import pytest

from samverkan.minutes import MinutesError, parse_file
from tests import sample_files

MINUTES = [
    "PROTOKOLL",
    "Länsgruppen för äldrefrågor",
    "Datum: 2024-03-15 kl. 09.00-12.00",
    "Plats: Regionhuset, sal B",
    "Beslutande",
    "Anna Bergström, ordförande, Sjöby kommun",
    "Per Nilsson, Åby kommun",
    "§ 12 Mötets öppnande",
    "Ordföranden öppnar mötet.",
    "§ 13 Rutin för utskrivning",
    "Beslut",
    "Gruppen beslutar att godkänna rutinen.",
    "§ 14 Nästa möte",
    "Nästa möte hålls den 12 april.",
]


def _pdf(lines):
    """A minimal one-page PDF whose text pypdf can read back (Helvetica, WinAnsi encoding)."""

    def esc(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 50 800 Td 14 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    content = stream.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return sample_files.assemble_pdf(objects)


def _check(result):
    assert result["document_kind"] == "protokoll"
    assert result["dates"] == ["2024-03-15"]
    assert [item["number"] for item in result["items"]] == ["12", "13", "14"]
    assert any("godkänna rutinen" in d for item in result["items"] for d in item["decisions"])
    assert "Anna Bergström" in [a["name"] for a in result["attendance"]]


def test_docx(tmp_path):
    document = docx.Document()
    for line in MINUTES:
        document.add_paragraph(line)
    path = tmp_path / "protokoll.docx"
    document.save(path)
    _check(parse_file(path))


def test_pdf_with_text(tmp_path):
    path = tmp_path / "protokoll.pdf"
    path.write_bytes(_pdf(MINUTES))
    _check(parse_file(path))


def test_pdf_without_text_is_refused_as_scanned(tmp_path):
    path = tmp_path / "skannad.pdf"
    path.write_bytes(_pdf([]))
    with pytest.raises(MinutesError) as error:
        parse_file(path)
    assert "text" in str(error.value).lower()


@pytest.mark.parametrize(
    "name, data",
    [
        ("trasig.pdf", b"%PDF-1.4 trasig"),
        ("trasig.docx", b"PK\x03\x04 nej"),
        ("tom.txt", b""),
        ("bild.png", b"\x89PNG"),
    ],
)
def test_unreadable_files_give_a_swedish_error(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(MinutesError) as error:
        parse_file(path)
    assert str(error.value)
