"""Small text helpers for input that comes from a URL or a form."""

import re
import unicodedata


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


# Directional formatting characters (Unicode's bidirectional algorithm, UAX #9 2.1-2.4: embeddings, overrides,
# isolates and their ends). An override reorders what follows it, so a reference "KF § 12" typed after U+202E showed
# as "21 § FK" on a public page (the "Trojan Source" trick, CVE-2021-42574); nothing typed into Samverkan needs one,
# as the algorithm orders mixed Swedish and right-to-left text by itself. The marks U+200E, U+200F and U+061C are
# kept: they only hint at a direction.
DIRECTIONAL_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Letters, marks and symbols that show as nothing: the Hangul fillers, the Braille blank, the combining grapheme
# joiner, Khmer's inherent vowels, Mongolian's free variation selectors and the variation selectors.
# With spaces and the invisible format characters (Unicode category Cf: zero-width space, word joiner, soft hyphen,
# byte order mark …) they are what `trimmed` takes off a value's ends.
BLANK_LETTERS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180b\u180c\u180d" + "".join(map(chr, range(0xFE00, 0xFE10)))
)


def is_blank(ch: str) -> bool:
    """Whether the one character `ch` shows as nothing: a space of any kind, an invisible format character
    (Unicode category Cf) or one of `BLANK_LETTERS`."""
    return ch.isspace() or ch in BLANK_LETTERS or unicodedata.category(ch) == "Cf"


def trimmed(value: str) -> str:
    """`value` without directional formatting characters (`DIRECTIONAL_FORMATTING`) and without what shows as
    nothing (`is_blank`) at either end, so text made only of such characters becomes "" and a required field says
    so. Inside the text the others stay (a soft hyphen in a long word, a zero-width joiner in an emoji)."""
    value = DIRECTIONAL_FORMATTING.sub("", value)
    start, end = 0, len(value)
    while start < end and is_blank(value[start]):
        start += 1
    while end > start and is_blank(value[end - 1]):
        end -= 1
    return value[start:end]
