"""Finds Swedish personal identity numbers in free text, so that they are not published by mistake.

The rules are Skatteverket's (SKV 704, "Personnummer", and folkbokföringslagen 1991:481 § 18):

- A personnummer is the birth date (YYMMDD, or YYYYMMDD with the century), a separator, a three-digit birth
  number and a check digit: 640823-3234, 196408233234, 19640823-3234. The separator is "-", or "+" from the
  year the person turns 100; it may be left out.
- A samordningsnummer (coordination number, SKV 707) is built the same way with 60 added to the day of birth:
  640883-3231.
- The check digit is the Luhn (modulus 10) sum of the ten digits YYMMDDNNN (the century never counts).

`find_personal_numbers(text)` returns every number in the text that passes all of this (read with any dash as a
hyphen, invisible format characters left out, and single spaces taken where people put them, see CANDIDATE): a
real calendar date that is not in the future (and, without a century, fits the separator's century), and the
check digit.
Dates written with dashes (2026-11-24) and phone numbers (070-123 45 67, +46 70 123 45 67, 08-123 456 78) are
not numbers of this shape. Ten bare digits starting with 0 (0701234567) are taken for a phone number, so a
personnummer of someone born 2000–2009 written without separator or century is missed; with a hyphen or the
century it is found. Plain Python: no Django, no other part of Samverkan.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Not inside a longer run of digits (or of digit groups joined by - / . such as a date or an account number). People
# also write the date in pairs and the last four as two pairs ("64 08 23-32 34"), and a space beside the separator or
# for it ("640823 - 3234", "19640823 3234"): one space (or no-break or thin space) is taken at each of those places.
_SPACE = "[ \u00a0\u2009\u202f]"
CANDIDATE = re.compile(
    r"(?<![\d\-+/.])"
    rf"(?P<century>1[89]|20)?(?P<yy>\d{{2}}){_SPACE}?(?P<mm>\d{{2}}){_SPACE}?(?P<dd>\d{{2}})"
    rf"(?P<sep>{_SPACE}?[-+]{_SPACE}?|{_SPACE}?)"
    rf"(?P<serial>\d{{2}}{_SPACE}?\d)(?P<check>\d)"
    r"(?![\d])(?!-\d)"
)
# What is read as a hyphen: the hyphens and dashes a word processor types for one (U+2010-U+2015, the minus sign and
# the small and full-width hyphen-minus). Invisible format characters (Unicode category Cf: a zero-width space, a
# soft hyphen) are left out before reading, so neither hides a number.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"))


def _readable(text: str) -> str:
    """`text` as the numbers are read in it: dashes made "-", invisible format characters left out."""
    text = text.translate(_DASHES)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf") if not text.isascii() else text


COORDINATION_OFFSET = 60  # SKV 707: the day of birth plus 60


@dataclass(frozen=True)
class PersonalNumber:
    """One number found: the text as written, where it starts in the text, and whether it is a coordination
    number (samordningsnummer) rather than a personnummer."""

    text: str
    start: int
    coordination: bool


def luhn_valid(digits: str) -> bool:
    """The Luhn (modulus 10) check over a string of digits, the last one being the check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _birth_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _plausible(match: re.Match[str], today: date) -> PersonalNumber | None:
    yy, mm, dd = int(match["yy"]), int(match["mm"]), int(match["dd"])
    sep, serial = match["sep"].strip(" \u00a0\u2009\u202f"), re.sub(_SPACE, "", match["serial"])
    coordination = dd > COORDINATION_OFFSET
    if coordination:
        dd -= COORDINATION_OFFSET
    if match["century"]:
        years = [int(match["century"]) * 100 + yy]
    elif sep == "+":
        years = [c * 100 + yy for c in (18, 19, 20) if today.year - (c * 100 + yy) >= 100]
    else:
        years = [c * 100 + yy for c in (19, 20) if today.year - (c * 100 + yy) < 100]
    born = [d for d in (_birth_date(y, mm, dd) for y in years) if d is not None and d <= today]
    if not born:
        return None
    if not (match["century"] or sep) and match["yy"].startswith("0"):
        return None  # ten bare digits starting with 0: a phone number (see the module's docstring)
    if not luhn_valid(match["yy"] + match["mm"] + match["dd"] + serial + match["check"]):
        return None
    return PersonalNumber(match.group(), match.start(), coordination)


def find_personal_numbers(text: str, today: date | None = None) -> list[PersonalNumber]:
    """Every Swedish personnummer or samordningsnummer in `text`, in order (SKV 704 / SKV 707: date, Luhn check).

    `today` (default: the system's date) bounds the birth dates: nobody is born in the future."""
    today = today or date.today()
    found = []
    for match in CANDIDATE.finditer(_readable(text or "")):
        number = _plausible(match, today)
        if number is not None:
            found.append(number)
    return found
