"""Control characters typed into any form are taken out where they come in (lib.forms.CleanTextMixin): every form
class of Samverkan has the mixin, its cleaning holds for arbitrary text over every form's own text fields, and a
title with a control character reaches the database, and so the XLSX export, clean."""

import importlib
import io
import pkgutil
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

import samverkan
from samverkan.importer.upload import Upload, parse_upload
from samverkan.lib.forms import CleanTextMixin, clean_text_data
from tests.followthrough_helpers import decision_item, recommend

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def samverkan_forms():
    """Every form class defined in Samverkan, found by importing every module and walking Django's BaseForm."""
    for module in pkgutil.walk_packages(samverkan.__path__, "samverkan."):
        # wsgi is an entry point that refuses to load on the development key outside DEBUG; it holds no form.
        if ".migrations" not in module.name and not module.name.endswith(("__main__", ".sandbox", ".wsgi")):
            importlib.import_module(module.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("samverkan.") and not cls.__name__.startswith("_Historical"):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = samverkan_forms()


def test_there_are_forms_and_every_one_cleans_its_text():
    assert len(FORMS) > 30
    missing = [f"{cls.__module__}.{cls.__qualname__}" for cls in FORMS if not issubclass(cls, CleanTextMixin)]
    assert missing == []


def _text_fields(cls):
    return {name: field for name, field in cls.base_fields.items() if isinstance(field, forms.CharField)}


TEXT_FORMS = [cls for cls in FORMS if _text_fields(cls)]


# What shows as nothing, defined here from Unicode's categories rather than read from the code under test: spaces,
# format characters (Cf) and the blank letters (Hangul fillers, the Braille blank, the grapheme joiner).
BLANK = "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180b\u180c\u180d" + "".join(map(chr, range(0xFE00, 0xFE10)))
DIRECTIONAL = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _blank(ch):
    return ch.isspace() or ch in BLANK or unicodedata.category(ch) == "Cf"


def _shown(text):
    return "".join(ch for ch in text if not (_blank(ch) or CONTROL.match(ch) or ch in DIRECTIONAL))


@pytest.mark.parametrize("cls", TEXT_FORMS, ids=[cls.__qualname__ for cls in TEXT_FORMS])
@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
    | st.text(alphabet=st.sampled_from(["a", " ", "\u200b", "\u00ad", "\u202e", "\u2066", "\u3164", "\x01"]))
)
def test_every_text_field_of_every_form_loses_its_control_characters(cls, text):
    """Every text field loses control characters; one that strips (all but a password) also loses directional
    formatting characters and what shows as nothing at its ends; what shows is kept, in order."""
    fields = _text_fields(cls)
    data = QueryDict(mutable=True)
    for name in fields:
        data.setlist(name, [text, text + "\x00"])
    cleaned = clean_text_data(data, fields, lambda name: name)
    for name, field in fields.items():
        multiline = isinstance(field.widget, forms.Textarea)
        for value in cleaned.getlist(name):
            assert not CONTROL.search(value)
            if not multiline:
                assert not set(value) & {"\t", "\n", "\r"}
            if field.strip:
                assert not set(value) & DIRECTIONAL
                assert not value or not (_blank(value[0]) or _blank(value[-1])), repr(value)
                assert _shown(value) == _shown(text)
            else:
                kept = "".join(ch for ch in text if not CONTROL.match(ch) and (multiline or ch not in "\t\n\r"))
                assert value.replace(" ", "").startswith(kept.replace(" ", ""))


def test_a_control_character_in_a_recommendation_title_never_reaches_the_export(client, world):
    recommendation = recommend(decision_item(world.forum))
    client.force_login(world.coordinator)
    url = reverse("followthrough:recommendation_edit", args=[recommendation.pk])
    data = {"title": "Rubrik\x01 med\x85 styrtecken\n", "text": "Rad ett\x0b\nRad\ttvå\x1b", "deadline": "2099-01-31"}
    data["decided_on"] = recommendation.decided_on.isoformat()
    assert client.post(url, data).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.title == "Rubrik med styrtecken"
    assert recommendation.text == "Rad ett\nRad\ttvå"
    response = client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert any("Rubrik med styrtecken" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_the_importer_takes_control_characters_out_of_what_it_parsed():
    text = (Path(__file__).parent / "importer_files" / "chefsgruppen-2025-03-12.txt").read_text()
    dirty = text.replace("§", "§\x07").replace(" ", " \x1b", 40).replace("\n", "\x85\n", 30)
    clean = parse_upload(Upload("protokoll.txt", text.encode()))
    parsed = parse_upload(Upload("protokoll.txt", dirty.encode()))
    assert parsed["items"] and not [s for s in _strings(parsed) if CONTROL.search(s)]
    assert [item["title"] for item in parsed["items"]] == [item["title"] for item in clean["items"]]
