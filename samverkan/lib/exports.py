"""Spreadsheet exports: what a cell and a sheet name may hold (text cleaned of what its format cannot carry, and
of formulas), and the one mechanism every list's CSV/XLSX download goes through (`Table`, `export_response`)."""

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

# Control characters other than tab, newline and carriage return: XML 1.0 (and so XLSX) cannot hold them, and
# in CSV they only confuse the programs that read it.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters Excel refuses in a sheet's name (ECMA-376 Part 1, 18.2.19 `sheet` name).
_SHEET_NAME = re.compile(r"[\\*?:/\[\]]")
# A cell that starts with one of these is read as a formula by spreadsheet programs (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value: object) -> object:
    """`value` as a spreadsheet cell may safely hold it: text loses control characters and unpaired surrogates,
    and text that would start a formula gets a leading apostrophe; other values pass unchanged."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value).encode("utf-8", "replace").decode("utf-8")
    if text[:1] in _FORMULA_START:
        return "'" + text
    return text


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no \\ * ? : / [ ], no control characters, 1–31 characters."""
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


def write_xlsx(headings: Sequence[str], rows: Iterable[Sequence[object]], title: str, out: Any) -> None:
    """Write one worksheet to `out` (a path or binary file) with openpyxl's write-only workbook, which keeps rows
    in temporary files rather than in memory: bold headings, dates as real dates (`DATE_FORMAT`), aware
    datetimes as local date and time (`DATETIME_FORMAT`), text through `cell_value`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title))
    bold = Font(bold=True)

    def heading(text: str) -> object:
        cell = WriteOnlyCell(sheet, value=str(cell_value(text)))
        cell.font = bold
        return cell

    def cell(value: object) -> object:
        if isinstance(value, datetime):
            local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            written = WriteOnlyCell(sheet, value=local)
            written.number_format = DATETIME_FORMAT
            return written
        if isinstance(value, date):
            written = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl writes dates too
            written.number_format = DATE_FORMAT
            return written
        return cell_value(value)

    sheet.append([heading(h) for h in headings])
    for row in rows:
        sheet.append([cell(v) for v in row])
    book.save(out)


def export_response(table: Table, fmt: str) -> HttpResponseBase:
    """`table` as a download in `fmt` ("csv" or "xlsx"). CSV is streamed row by row (first byte at once, memory
    flat); XLSX is written to a temporary file, then streamed and removed when closed. Raises ValueError for
    another format (the URL patterns give only these two)."""
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            csv_chunks(table.headings, table.rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        return response
    if fmt == "xlsx":
        spool = tempfile.TemporaryFile()
        write_xlsx(table.headings, table.rows, table.title, spool)
        spool.seek(0)
        return FileResponse(spool, as_attachment=True, filename=f"{table.name}.xlsx", content_type=XLSX_TYPE)
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
