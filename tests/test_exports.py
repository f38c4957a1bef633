"""Every spreadsheet export holds any text: what its format cannot carry is cleaned, formulas are defused."""

import csv
import io
from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from samverkan.followthrough.board import as_csv, as_xlsx, build_board
from samverkan.followthrough.models import Recommendation
from samverkan.lib.exports import cell_value, sheet_title
from samverkan.structure.models import Principal
from tests.followthrough_helpers import body_bytes, decision_item, recommend

# A NUL never reaches the database: Django's form fields refuse it (ProhibitNullCharactersValidator), and
# PostgreSQL could not store it; the hypothesis tests above feed it to the cleaning itself.
NASTY = ["Plan\x0b2027", '=HYPERLINK("http://x")', "+1", "-", "@SUM(A1)", "Ä\x1fÖ", "\x7f", "Å\ufffeÄ\uffff"]


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("\ufffe")  # a non-character XML cannot hold (found by this test)
@example("\ud800")  # half of a surrogate pair, which UTF-8 cannot encode (no database stores one either)
def test_any_text_fits_a_cell_of_both_formats(text):
    value = cell_value(text)
    book = Workbook(write_only=True)
    book.create_sheet(title=sheet_title(text)).append([value])
    book.save(io.BytesIO())  # openpyxl raises IllegalCharacterError or ValueError on what XLSX cannot hold
    out = io.StringIO()
    csv.writer(out).writerow([value])
    assert not str(value).startswith(("=", "+", "-", "@"))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_title_is_a_sheet_name(title):
    name = sheet_title(title)
    assert 1 <= len(name) <= 31 and not set(name) & set("\\*?:/[]")


def test_the_board_exports_answer_for_titles_and_names_with_anything(client, world):
    item = decision_item(world.forum)
    for n, text in enumerate(NASTY):
        recommend(item, title=f"{text} rekommendation {n}")
    Principal.objects.filter(pk=world.town.pk).update(name="Stad\x0cby kommun")
    for name in ("board_csv", "board_xlsx"):
        response = client.get(reverse(f"followthrough_public:{name}", args=[world.area.slug]))
        assert response.status_code == 200, name
    xlsx = body_bytes(client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug])))
    values = {c for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row}
    assert "Plan2027 rekommendation 0" in values and "Stadby kommun" in values
    assert "ÅÄ rekommendation 7" in values  # U+FFFE and U+FFFF, which XML cannot hold, left out
    assert '\'=HYPERLINK("http://x") rekommendation 1' in values
    principals = list(Principal.objects.filter(area=world.area))
    rows = build_board(Recommendation.objects.all(), principals)
    assert as_csv(rows, principals) and as_xlsx(rows, principals, "Beslut:status [2026]?")


def test_the_streamed_exports_hold_what_the_whole_board_holds(client, world, monkeypatch):
    """Streamed a few recommendations at a time (three here, so several chunks), the CSV is byte for byte the
    board built at once, and the XLSX has the same cells; with `?ar=` only that year's."""
    monkeypatch.setattr("samverkan.followthrough.board.EXPORT_CHUNK", 3)
    for n in range(8):
        day = timezone.localdate() - timedelta(days=200 * n)
        recommend(decision_item(world.forum, day, number=str(n)), title=f"Rekommendation {n}")
    principals = list(Principal.objects.filter(area=world.area))
    whole = as_csv(build_board(Recommendation.objects.all(), principals), principals)
    response = client.get(reverse("followthrough_public:board_csv", args=[world.area.slug]))
    assert response.streaming and body_bytes(response) == whole
    xlsx = client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug]))
    assert xlsx.streaming
    cells = [list(r) for r in load_workbook(io.BytesIO(body_bytes(xlsx))).active.iter_rows(values_only=True)]
    shown = [[c.date().isoformat() if isinstance(c, datetime) else str(c) for c in row] for row in cells]
    assert shown == list(csv.reader(io.StringIO(whole.decode("utf-8-sig")), delimiter=";"))
    year = timezone.localdate().year - 2
    one_year = client.get(reverse("followthrough_public:board_csv", args=[world.area.slug]), {"ar": year})
    assert one_year["Content-Disposition"] == f'attachment; filename="beslutsstatus-testlan-{year}.csv"'
    years = {row[2][:4] for row in csv.reader(io.StringIO(body_bytes(one_year).decode("utf-8-sig")), delimiter=";")}
    assert years - {"Besl"} == {str(year)}


def test_the_xlsx_export_sends_its_first_bytes_before_reading_a_row(client, world):
    """The workbook is zipped as it is written (lib.exports.xlsx_chunks): the first chunk (the archive's small
    parts) leaves before the board's queries run, so the first byte does not wait for the board."""
    recommend(decision_item(world.forum, timezone.localdate(), number="1"), title="Rekommendation")
    with CaptureQueriesContext(connection) as answering:
        response = client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug]))
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_first:
        first = next(chunks)
    assert first.startswith(b"PK") and len(before_first) == 0
    assert not [q for q in answering.captured_queries if "principaldecision" in q["sql"]]  # rows come later
    rest = b"".join(chunks)
    sheet = load_workbook(io.BytesIO(first + rest)).active
    assert sheet["A1"].font.bold and sheet["A2"].value == "Rekommendation"
