"""Small text helpers for input that comes from a URL or a form."""

import re


def search_term(value: str | None, limit: int = 100) -> str:
    """A search string safe for every database: every kind of space (a tab, a line break, the no-break space that
    text pasted from Word or a PDF carries) made a plain space, other control and unprintable characters left out,
    trimmed, at most `limit` characters. Idempotent: trimmed again after the cut, so a cleaned term cleans to itself
    (a saved search's key is made again from its stored query)."""
    spaced = (" " if ch.isspace() else ch for ch in (value or "")[: limit * 2])
    cleaned = "".join(ch for ch in spaced if ch.isprintable())
    return cleaned.strip()[:limit].strip()


def is_digits(value: str) -> bool:
    """Whether `value` is one or more ASCII digits 0-9, so `int(value)` reads it. `str.isdigit` also accepts "²" and
    other digits `int` refuses (a ValueError, a server error for a URL's `?ar=²`), and `int` reads full-width "１",
    which an address should not echo back."""
    return value.isascii() and value.isdigit()


# C0 and C1 control characters (and DEL). Tab, line feed and carriage return are what multi-line text may keep.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile("[\t\n\r]+")


def without_control(value: str, *, multiline: bool) -> str:
    """`value` without C0/C1 control characters (Unicode categories Cc; ECMA-48's C0 and C1 sets). Multi-line
    text keeps tab, newline and carriage return; single-line text gets one space for each run of them.

    Stored text goes on to CSV, XLSX, PDF, iCal and e-mail, and several of those cannot hold control
    characters (an XLSX cell with one is an invalid file), so they are taken out where text comes in."""
    if not multiline:
        value = LINE_BREAKS.sub(" ", value)
    return CONTROL.sub("", value)
