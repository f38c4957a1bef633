"""The parser's typed shapes agree with the validator, and the parser stays a package without Django."""

import subprocess
import sys

from samverkan.minutes import parse_text, validate
from samverkan.minutes.shapes import Assignment, Item, Minutes, ParagraphRange, Person, Recommendation
from samverkan.minutes.validate import TOP_KEYS

MINUTES = """Protokoll Testrådet
Datum: 2031-05-03 kl. 09.00-11.00
Plats: Stadshuset
Paragrafer: §§ 1-2
Beslutande: Anna Berg (S), Per Ek (M)
§ 1 Mötets öppnande
Ordföranden öppnade mötet.
§ 2 Samverkan
Beslut: Rådet ger Anna Berg i uppdrag att ta fram en rutin till den 12 juni 2031.
"""


def test_the_typed_dicts_name_exactly_the_keys_that_validate_checks():
    assert set(Minutes.__annotations__) == TOP_KEYS
    assert Item.__required_keys__ == {"number", "title", "presenters", "outcome", "decisions", "attachments"}
    assert Item.__optional_keys__ == {"text", "_body"}
    assert set(Person.__annotations__) == {"name", "principal", "party", "group", "status", "substitute_for", "note"}
    assert set(ParagraphRange.__annotations__) == {"first", "last"}
    assert set(Assignment.__annotations__) == {"item", "assignee", "task", "due", "report_to"}
    assert set(Recommendation.__annotations__) == {"item", "text", "addressees"}


def test_a_parsed_document_has_the_typed_keys_and_is_valid():
    result = parse_text(MINUTES)
    assert validate(result) == []
    assert set(result) == set(Minutes.__annotations__)
    assert result["paragraphs"] == {"first": 1, "last": 2}
    assert result["start_time"] == "09:00" and result["end_time"] == "11:00"
    assert all(set(person) == set(Person.__annotations__) for person in result["attendance"])
    assert all(set(item) == Item.__required_keys__ for item in result["items"])
    with_text = parse_text(MINUTES, item_text=True)
    assert all(set(item) == Item.__required_keys__ | {"text"} for item in with_text["items"])


def test_the_parser_imports_no_django():
    code = (
        "import sys, samverkan.minutes, samverkan.minutes.cli, samverkan.minutes.bench; "
        "sys.exit(any(name == 'django' or name.startswith('django.') for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
