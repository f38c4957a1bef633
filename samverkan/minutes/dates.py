"""Swedish dates and times: find them in text and write them as ISO strings."""

import re

from .shapes import DateAt, TimeRangeAt

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAYS = r"(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?"
ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[- ./](0?[1-9]|1[0-2])[- ./](0?[1-9]|[12]\d|3[01])(?!\d)")
WORD_DATE = re.compile(
    r"(?<!\d)([1-9]|[12]\d|3[01])(?::e|:a)?\s{1,3}(" + MONTH_NAMES + r")\.?(?:\s{1,3}((?:19|20)\d\d))?(?![\wåäö])",
    re.IGNORECASE,
)
# "14-15 mars 2024": the first day of a range of days in one month.
DAY_RANGE = re.compile(
    r"(?<!\d)([1-9]|[12]\d|3[01])\s{0,2}[-–]\s{0,2}(?:[1-9]|[12]\d|3[01])\s{1,3}(" + MONTH_NAMES + r")\.?"
    r"(?:\s{1,3}((?:19|20)\d\d))?(?![\wåäö])",
    re.IGNORECASE,
)
# "2014-04-28--29", "2014-04-28-29": an ISO date and a second day of the same month.
ISO_DAY_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)-(0?[1-9]|1[0-2])-(0?[1-9]|[12]\d|3[01])\s?[-–]{1,2}\s?([1-9]|[12]\d|3[01])(?![\d-])"
)
TIME_RANGE = re.compile(
    r"(?<![\d.:/-])([01]?\d|2[0-3])(?:[.:]([0-5]\d))?\s{0,2}[-–—]\s{0,2}([01]?\d|2[0-3])(?:[.:]([0-5]\d))?(?![\d/-])"
)
SINGLE_TIME = re.compile(r"(?<![\d.:/-])([01]?\d|2[0-3])[.:]([0-5]\d)(?![\d/-])")


def iso(year: int | None, month: int, day: int) -> str:
    """Write a date as YYYY-MM-DD, with XXXX for an unknown year."""
    prefix = f"{year:04d}" if year else "XXXX"
    return f"{prefix}-{month:02d}-{day:02d}"


def find_dates(text: str, default_year: int | None = None) -> list[DateAt]:
    """Return (position, ISO date) for every date written in the text, in order."""
    found = []
    for match in ISO_DATE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        found.append(DateAt(match.start(), iso(year, month, day)))
    for match in ISO_DAY_RANGE.finditer(text):
        year, month, first, second = (int(g) for g in match.groups())
        if second > first:
            found.append(DateAt(match.start(4), iso(year, month, second)))
    for match in WORD_DATE.finditer(text):
        day_text, month_name, year_text = match.groups()
        year_value = int(year_text) if year_text else default_year
        found.append(DateAt(match.start(), iso(year_value, MONTHS[month_name.lower()], int(day_text))))
    for match in DAY_RANGE.finditer(text):
        day_text, month_name, year_text = match.groups()
        year_value = int(year_text) if year_text else default_year
        found.append(DateAt(match.start(), iso(year_value, MONTHS[month_name.lower()], int(day_text))))
    return sorted(found)


def first_date(text: str, default_year: int | None = None) -> str | None:
    """Return the first date in the text, or None."""
    dates = find_dates(text, default_year)
    return dates[0].iso if dates else None


def hhmm(hour: str, minute: str | None) -> str:
    """Write a time as HH:MM."""
    return f"{int(hour):02d}:{int(minute or 0):02d}"


# "kl 9,30": a comma between hours and minutes after "kl"/"klockan", and in the end time of such a range.
COMMA_TIME = re.compile(r"(?i)((?<![\wåäö])(?:kl|klockan)\.?\s{0,2}\d{1,2}),(\d\d)(?!\d)")
COMMA_END = re.compile(r"(\d{1,2}[.:]\d\d\s{0,2}[-–—]\s{0,2}\d{1,2}),(\d\d)(?!\d)")
# "13:30 15:00": a start and an end with minutes and no dash between (lost in extraction).
SPACED_RANGE = re.compile(
    r"(?<![\d.:/-])([01]?\d|2[0-3])[.:]([0-5]\d)[ \t]{1,3}([01]?\d|2[0-3])[.:]([0-5]\d)(?![\d/-]|[.:]\d)"
)


def find_time_ranges(text: str) -> list[TimeRangeAt]:
    """Return (position, start, end) for time ranges such as 09.00-12.00, 13-17, "kl 9,30–11,45" and
    "13:30 15:00" (both with minutes when no dash stands between)."""
    text = COMMA_END.sub(r"\1.\2", COMMA_TIME.sub(r"\1.\2", text))  # same length: positions stay
    ranges = [
        TimeRangeAt(m.start(), hhmm(m.group(1), m.group(2)), hhmm(m.group(3), m.group(4)))
        for m in SPACED_RANGE.finditer(text)
        if int(m.group(3)) * 60 + int(m.group(4)) > int(m.group(1)) * 60 + int(m.group(2))
    ]
    for match in TIME_RANGE.finditer(text):
        h1, m1, h2, m2 = match.groups()
        if (
            m1 is None
            and m2 is None
            and not re.search(r"(?:kl|klockan|tid|möte)\s*\.?\s*$", text[: match.start()], re.IGNORECASE)
        ):
            if not re.search(
                r"(?:möte|tid|kl\.?|klockan|lunch)\s*$", text[max(0, match.start() - 12) : match.start()], re.IGNORECASE
            ):
                continue
        if int(h2) * 60 + int(m2 or 0) <= int(h1) * 60 + int(m1 or 0):
            continue
        ranges.append(TimeRangeAt(match.start(), hhmm(h1, m1), hhmm(h2, m2)))
    return sorted(ranges)


def year_of(text: str) -> int | None:
    """Return the first plausible four-digit year in the text."""
    match = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text)
    return int(match.group(1)) if match else None


def weekday_pattern() -> str:
    """The regular expression for Swedish weekday names."""
    return WEEKDAYS
