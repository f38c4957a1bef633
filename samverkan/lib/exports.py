"""Spreadsheet exports: what a cell and a sheet name may hold (text cleaned of what its format cannot carry, and
of formulas), and the one mechanism every list's CSV/XLSX download goes through (`Table`, `export_response`)."""

import csv
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

# What XML 1.0 (and so XLSX) cannot hold (W3C XML 1.0, 2.2 Characters): control characters other than tab, newline
# and carriage return (in CSV they only confuse the programs that read it too), surrogates (never a character in a
# Python string: an unpaired half, which UTF-8 cannot encode) and the non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Characters Excel refuses in a sheet's name (ECMA-376 Part 1, 18.2.19 `sheet` name).
_SHEET_NAME = re.compile(r"[\\*?:/\[\]]")
# A cell that starts with one of these is read as a formula by spreadsheet programs (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value: object) -> object:
    """`value` as a spreadsheet cell may safely hold it: text loses what XML cannot hold (control characters,
    unpaired surrogates, U+FFFE and U+FFFF: `_CONTROL`), and text that would start a formula gets a leading
    apostrophe; other values pass unchanged."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value)
    if text[:1] in _FORMULA_START:
        return "'" + text
    return text


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no \\ * ? : / [ ], nothing XML cannot hold (`_CONTROL`), 1–31 characters."""
    cleaned = _SHEET_NAME.sub(" ", _CONTROL.sub("", title)).strip().strip("'")[:31]
    return cleaned or "Blad1"


# The one export mechanism: every list page's CSV and XLSX goes through `export_response` --------------------

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CHUNK = 500  # records an export fetches at a time (`in_chunks`): memory holds one chunk, not the whole list


class Table(NamedTuple):
    """One export: `name` the file's name without suffix (ASCII, e.g. "moten-testlan-2026"), `title` the
    worksheet's, `headings` the column headings (Swedish first, translated), `rows` an iterable of rows (each a
    sequence of str, int, date, aware datetime or None), read once, lazily, while the response is sent."""

    name: str
    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]


def in_chunks(ids: Sequence[Any], fetch: Callable[[Sequence[Any]], Iterable[Any]], size: int = 0) -> Iterator[Any]:
    """What `fetch(ids[i:i + size])` gives for each chunk of `ids` in turn (`size` defaults to `CHUNK`), so an
    export of any length holds one chunk's records: with `ids` from one query and `fetch` a fixed number of
    queries, an export makes 1 + that number per chunk of queries."""
    size = size or CHUNK
    for start in range(0, len(ids), size):
        yield from fetch(ids[start : start + size])


def _csv_text(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return cell_value(value)


class _Line:
    """A file-like sink for csv.writer that hands back what one row wrote."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """CSV as Swedish Excel reads it: UTF-8 with a BOM, semicolon-separated, CRLF lines, one chunk of bytes per
    row (for a StreamingHttpResponse). Dates as YYYY-MM-DD, times local "YYYY-MM-DD HH:MM", text through
    `cell_value` (no formula injection)."""
    writer = csv.writer(_Line(), delimiter=";")
    yield ("\ufeff" + writer.writerow([cell_value(h) for h in headings])).encode("utf-8")
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in row]).encode("utf-8")


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/></Relationships>'
    ),
    # Style 0 is the default, 1 bold (the header row), 2 a date, 3 a date and time (the number formats above).
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_MAIN}">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
        f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
XLSX_ROWS_PER_CHUNK = 200  # rows of the sheet joined into one piece of XML before it is compressed


def _column(index: int) -> str:
    """The column letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_EPOCH = datetime(1899, 12, 30)  # day 0 of spreadsheet serial dates (ECMA-376 Part 1, 18.17.4.1, 1900 system)


def _serial(value: date) -> tuple[float, int]:
    """A date or datetime as a spreadsheet serial number and its style: days since `_EPOCH` (a fraction for the time
    of day, aware datetimes in local time)."""
    if isinstance(value, datetime):
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        delta = local - _EPOCH
        return delta.days + delta.seconds / 86_400, 3
    return (value - _EPOCH.date()).days, 2


def _xlsx_row(number: int, values: Iterable[object], style: int = 0) -> str:
    cells = []
    for column, raw in enumerate(values):
        value = cell_value(raw)
        ref = f"{_column(column)}{number}"
        if value is None or value == "":
            continue
        cell_style = style
        if isinstance(value, date):
            value, cell_style = _serial(value)
        styled = f' s="{cell_style}"' if cell_style else ""
        if isinstance(value, bool) or not isinstance(value, int | float):
            text = escape(str(value))
            cells.append(f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>')
        else:
            cells.append(f'<c r="{ref}"{styled}><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_chunks(header: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}"><sheetData>'
        + _xlsx_row(1, header, style=1)
    ).encode("utf-8")
    pending: list[str] = []
    for number, values in enumerate(rows, start=2):
        pending.append(_xlsx_row(number, values))
        if len(pending) >= XLSX_ROWS_PER_CHUNK:
            yield "".join(pending).encode("utf-8")
            pending = []
    yield ("".join(pending) + "</sheetData></worksheet>").encode("utf-8")


def xlsx_chunks(title: str, header: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """A one-sheet XLSX workbook (ECMA-376, inline strings, a bold header row) as an iterator of bytes, built as
    `rows` are read and compressed on the fly by `stream_zip`: for a StreamingHttpResponse, so the first bytes go
    out before the first row is read and memory stays flat whatever the number of rows. Every cell passes
    `cell_value` (no control characters, no formulas), dates and datetimes become real dates (`DATE_FORMAT`,
    `DATETIME_FORMAT`); `title` is cleaned by `sheet_title`. Raises
    stream_zip's error if the sheet would pass 4 GiB (ZIP32)."""
    from stream_zip import ZIP_32, stream_zip

    when = datetime(2000, 1, 1)  # the parts' times in the archive: fixed, so equal data gives equal bytes
    mode = stat.S_IFREG | 0o644
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_DOC_RELS}"><sheets><sheet name="{escape(sheet_title(title), {chr(34): "&quot;"})}" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    parts: list[tuple[str, datetime, int, Any, Iterable[bytes]]] = [
        (name, when, mode, ZIP_32, (text.encode("utf-8"),)) for name, text in _XLSX_PARTS.items()
    ]
    parts.insert(1, ("xl/workbook.xml", when, mode, ZIP_32, (workbook.encode("utf-8"),)))
    parts.append(("xl/worksheets/sheet1.xml", when, mode, ZIP_32, _sheet_chunks(header, rows)))
    yield from stream_zip(parts, chunk_size=16_384)


def export_response(table: Table, fmt: str) -> HttpResponseBase:
    """`table` as a download in `fmt` ("csv" or "xlsx"). CSV is streamed row by row (first byte at once, memory
    flat); XLSX is zipped as it is written (`xlsx_chunks`), so it streams the same way. Raises ValueError for
    another format (the URL patterns give only these two)."""
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            csv_chunks(table.headings, table.rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        return response
    if fmt == "xlsx":
        response = StreamingHttpResponse(xlsx_chunks(table.title, table.headings, table.rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{table.name}.xlsx"'
        return response
    raise ValueError(fmt)


def refused(request: HttpRequest, form: BaseForm) -> HttpResponse:
    """400 with a Swedish page naming each filter of `form` (a bound list filter) that did not fit, with its
    label ("År: Fyll i ett heltal."): an export of a list filtered by a bad value is refused rather than silently
    widened, and nothing is written."""
    problems = [
        f"{form.fields[name].label}: {message}" if name in form.fields else str(message)
        for name, messages in form.errors.items()
        for message in messages
    ]
    return render(request, "export_refused.html", {"problems": problems}, status=400)


def export_name(*parts: object) -> str:
    """A file name (without suffix) from `parts` joined by "-", empty parts left out: ("moten", "testlan", None)
    gives "moten-testlan". Slugs and numbers only, so the name needs no quoting."""
    return "-".join(str(p) for p in parts if p not in (None, ""))
