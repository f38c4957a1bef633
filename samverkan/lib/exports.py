"""What a spreadsheet export may hold: text cleaned of what its format cannot carry, and of formulas."""

import re

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
