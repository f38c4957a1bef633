"""Every spreadsheet export holds any text: what its format cannot carry is cleaned, formulas are defused."""

import csv
import io

from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from samverkan.followthrough.board import as_csv, as_xlsx, build_board
from samverkan.followthrough.models import Recommendation
from samverkan.lib.exports import cell_value, sheet_title
from samverkan.structure.models import Principal
from tests.followthrough_helpers import decision_item, recommend

# A NUL never reaches the database: Django's form fields refuse it (ProhibitNullCharactersValidator), and
# PostgreSQL could not store it; the hypothesis tests above feed it to the cleaning itself.
NASTY = ["Plan\x0b2027", '=HYPERLINK("http://x")', "+1", "-", "@SUM(A1)", "Ä\x1fÖ", "\x7f"]


@settings(max_examples=300, deadline=None)
@given(st.text())
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
    xlsx = client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug])).content
    values = {c for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row}
    assert "Plan2027 rekommendation 0" in values and "Stadby kommun" in values
    assert '\'=HYPERLINK("http://x") rekommendation 1' in values
    principals = list(Principal.objects.filter(area=world.area))
    rows = build_board(Recommendation.objects.all(), principals)
    assert as_csv(rows, principals) and as_xlsx(rows, principals, "Beslut:status [2026]?")
