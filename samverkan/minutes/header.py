"""Header facts: body, kind of document, dates, times, place, paragraph range and roles."""

import re
from collections import Counter
from collections.abc import Collection
from typing import NamedTuple

from .dates import WEEKDAYS, find_dates, find_time_ranges, year_of
from .people import names_in
from .shapes import ParagraphRange

KIND_RE = re.compile(
    r"(?i)(?<![\wåäö])(sammanträdesprotokoll|protokoll|minnesanteckningar|sammanträdesanteckningar"
    r"|mötesanteckningar|anteckningar)(?![\wåäö])"
)
FIELD_LABELS = (
    r"(?:Tid och plats|Plats och tid|Plats|Lokal|Tid|Dag|Datum|Sammanträdesdatum|Paragrafer|Beslutande"
    r"|Närvarande|Organ|Deltagare|Ledamöter|Justerare|Utses att justera|Sekreterare|Punkt|§§)"
)
BODY_SUFFIX = re.compile(
    r"(?<![\wåäö-])([A-ZÅÄÖ][a-zåäö]{2,40}(?:rådet|gruppen|utskottet|styrelsen|nämnden|forumet|beredningen"
    r"|förbundet|delegationen|kommittén|konsensus))(?![\wåäö])"
)
RANGE_RE = re.compile(
    r"(?i)(?:paragrafer|§§|punkt(?:er)?|ärenden)\s*:?\s*(?:nr\s*)?§?\s*(\d{1,4})\s*[-–]\s*§?\s*(\d{1,4})(?!\d)"
)

# Lines of a header whose dates are not meeting days: adjustment, notice board, appeal.
NOT_MEETING_DAY = re.compile(
    r"(?i)[ \t]*(?:justeringens|justering|justerat|justeras|protokollet justerat|anslag|datum för anslag"
    r"|överklag|sista dag)"
)
# A line that may name the body next to a line holding only the kind of document.
BODY_LINE = re.compile(r"[A-ZÅÄÖ][\wåäöéÅÄÖ()-]*(?:[ ,][\wåäöéÅÄÖ()-]+){0,11}")


def document_kind(header: str) -> str:
    """protokoll, anteckningar or other."""
    match = KIND_RE.search(header)
    if not match:
        return "other"
    return "protokoll" if "protokoll" in match.group(1).lower() else "anteckningar"


def clean_body(text: str) -> str | None:
    """Trim a candidate body name."""
    text = re.split(r"\s(?:den\s)?\d{1,2}\s[a-zåäö]{3,9}\s\d{4}|\s\d{4}[- ]\d\d[- ]\d\d|\s\d{1,3}/\d{2}\b", text)[0]
    text = re.split(r"(?<![\wåäö])" + FIELD_LABELS + r"(?![\wåäö])|\bSida\b|\s\d{1,3}\s", text)[0]
    text = text.strip(" ,.:;-–\t")
    if not re.search(r"[A-Za-zÅÄÖåäö]{3}", text):
        return None
    return text or None


def find_body(header: str, doc: str) -> str | None:
    """The collaboration body whose minutes these are."""
    organ = re.search(r"(?m)^\s*Organ\s*:?\s+(.+)$", header) or re.search(r"\bOrgan\s+(\S.{0,80})", header)
    named = clean_body(organ.group(1)) if organ else None
    if named:
        return named
    lines = [line.strip() for line in header.split("\n") if line.strip()]
    for index, line in enumerate(lines[:30]):
        match = KIND_RE.search(line[:400])
        if not match:
            continue
        after = line[match.end() :].lstrip(" ,:")
        before = clean_body(line[: match.start()])
        genitive = re.match(r"(?i)från\s+([a-zåäö]+)s\s+(?:sammanträde|möte)", after)
        if genitive:
            return genitive.group(1).capitalize()
        named_after = re.match(r"från\s+(?!\S*(?:möte|mötet|sammanträde)\b)([A-ZÅÄÖ].*)$", after)
        if named_after and clean_body(named_after.group(1)):
            return clean_body(named_after.group(1))
        if not clean_body(after) and not before:
            beside = body_beside(lines, index)
            if beside:
                return beside
        weak = re.match(r"(?i)från\s+\S*(?:möte|mötet|sammanträde)\b", after) or not after
        candidate = clean_body(after) if not weak else None
        if candidate and len(candidate) > 2 and not re.match(r"(?i)från\b", candidate):
            return candidate
        if before and not re.search(r"(?i)\bkommun\b|^region\b", before):
            return before
    first = clean_body(lines[0][:200]) if lines else None
    if first and re.match(r"[A-ZÅÄÖ]", first) and not re.match(FIELD_LABELS, first):
        return first
    return most_named_body(doc)


def body_beside(lines: list[str], index: int) -> str | None:
    """A body named on the line after (or before) a line that holds only the kind of document.

    Letterheads in capitals ("ÖSTERVIKS KOMMUN") and labelled or dated lines are not body names.
    """
    for near in (index + 1, index - 1):
        if not 0 <= near < len(lines):
            continue
        line = lines[near]
        if line.isupper() or re.match(FIELD_LABELS + r"|Sammanträdes|Datum|Möte|Dag\b", line):
            continue
        if BODY_LINE.fullmatch(line) and not re.search(r"\d", line):
            return clean_body(line)
    return None


def most_named_body(doc: str) -> str | None:
    """The body name used most often in the text (e.g. 'Hälsingerådet')."""
    counts = Counter(m.group(1) for m in BODY_SUFFIX.finditer(doc))
    return counts.most_common(1)[0][0] if counts else None


def meeting_dates(header: str) -> list[str]:
    """Every meeting day named in the header."""
    out: list[str] = []
    for position, date in find_dates(header):
        line_start = header.rfind("\n", 0, position) + 1
        if NOT_MEETING_DAY.match(header, line_start):
            continue
        if date not in out and not date.startswith("XXXX"):
            out.append(date)
    return out


def field_value(header: str, labels: str) -> str | None:
    """The text after a header label, on the same line or the next non-empty line."""
    match = re.search(r"(?<![\wåäö])(?:" + labels + r")\s*:?[ \t]*([^\n]*)(?:\n\s*)*([^\n]*)", header)
    if not match:
        return None
    value = match.group(1).strip() or match.group(2).strip()
    stop = re.search(r"(?<![\wåäö])" + FIELD_LABELS + r"(?![\wåäö])", value)
    return value[: stop.start()].strip() if stop else value


class MeetingTimes(NamedTuple):
    """The meeting's first start and last end time as HH:MM, each None when not written."""

    start: str | None
    end: str | None


def meeting_times(header: str) -> MeetingTimes:
    """The first start time and the last end time of the meeting."""
    ranges = find_time_ranges(header[:3000])
    if not ranges:
        return MeetingTimes(None, None)
    main = [
        r for r in ranges if re.search(r"(?i)(?:möte|sammanträde)\s*$", header[max(0, r.position - 14) : r.position])
    ]
    chosen = main or ranges
    return MeetingTimes(chosen[0].start, chosen[-1].end)


def find_location(header: str) -> str | None:
    """The meeting place."""
    value = field_value(header, r"Plats och tid|Tid och plats|Plats|Lokal")
    if not value:
        value = field_value(header, r"Tid")
    if not value:
        return place_after_time(header)
    ranges = find_time_ranges(value)
    if ranges and re.search(r"(?i)möte\s*$", value[max(0, ranges[-1].position - 8) : ranges[-1].position]):
        value = re.sub(r"^[\d.:\s–-]+,?", "", value[ranges[-1].position :])
    value = re.split(r"(?i),?\s*(?:" + WEEKDAYS + r"|den\s\d|\d{1,2}\s[a-zåäö]{3,9}\s\d{4}|\d{4}-\d\d)", value)[0]
    value = re.split(r"(?i),?\s*(?:klockan|kl\.?)\s*(?:\d|$)|\s\d{1,2}[.:]\d\d", value)[0]
    value = value.strip(" ,.:;-–")
    if not value or re.fullmatch(r"[\d\s.:–-]*", value):
        return None
    return value


def place_after_time(header: str) -> str | None:
    """An unlabelled place written after the date and time ('Möte den 3 maj 2031, kl. 9.00-11.00, Stadshuset')."""
    for line in header.split("\n")[:12]:
        ranges = find_time_ranges(line)
        if not ranges or not find_dates(line):
            continue
        rest = TIME_RANGE_AT.sub("", line[ranges[-1].position :], count=1)
        match = re.match(r"\s*[,;]\s*(?:i\s+|på\s+)?([A-ZÅÄÖ][^\n]{2,120})$", rest)
        if match:
            return match.group(1).strip(" ,.;") or None
    return None


TIME_RANGE_AT = re.compile(r"^[\d.:]{1,5}\s{0,2}[-–—]\s{0,2}[\d.:]{1,5}")


def paragraph_range(header: str) -> ParagraphRange | None:
    """The range of item numbers that the header states."""
    match = RANGE_RE.search(header)
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    return {"first": first, "last": last} if first <= last else None


def default_year(header: str) -> int | None:
    """The year of the meeting as written in the header."""
    dates = meeting_dates(header)
    return int(dates[0][:4]) if dates else year_of(header[:300])


def role_name(text: str) -> str | None:
    """The first personal name in a short text."""
    names = names_in(text)
    return names[0] if names else None


CAPTIONS = r"(?:Justerare|Justerande|Sekreterare|Ordförande)"
NAME = r"([A-ZÅÄÖ][\wåäö-]+(?: (?!" + CAPTIONS + r"\b)[A-ZÅÄÖ][\wåäö-]+){1,2})"
# A name followed by another role caption belongs to that caption ("Ordförande Per Ek Justerare" in a
# signature block of "Name Role" pairs): the name must end at a word boundary before the check.
ROLE_AFTER = r"(?![\wåäö-])(?!\s*" + CAPTIONS + r"\b)"
# "Anna Berg (S), Norrby, ordförande", "Per Ek (Region X), sekreterare", "Eva Lund\tutredare, sekreterare":
# a name, a party or organisation in parentheses, at most one more comma-separated field, then the role.
LISTED_AS = r"(?: \([^()\n]{1,60}\))?(?:[,\t] ?[^,\n()\t]{2,40})?(?:[,\t] ?| \()"
# Dotted leaders of a signature line ("Sekreterare ……………") between caption and name.
LEADERS = r"[ \t]*(?:[.…_]{3,}[ \t]*)?:?\s+"
# A caption with a colon, or a dotted signature line with the name under it, names its own person
# even when another caption follows ("Ordförande: Eva Lund\nSekreterare: …").
OWN_NAME = r"(?:[ \t]*:[ \t]*|[ \t]*[.…_]{3,}[ \t]*\n[ \t]*)" + NAME + r"(?![\wåäö-])"


def find_chair(doc: str) -> str | None:
    """The person named as chair (ordförande)."""
    patterns = [
        NAME + r",? \(?(?:ordförande|ordf\.?)\)?(?![\wåäö])",
        NAME + LISTED_AS + r"(?:ordförande|ordf\.?)(?![\wåäö])",
        r"(?<![\wåäö])(?<!vice )(?:Mötesordförande|Ordförande)" + OWN_NAME,
        r"(?<!vice )(?:mötesordförande väljs|[Oo]rdförande(?:n)?)" + LEADERS + NAME + ROLE_AFTER,
        NAME + r"\s{1,6}Ordförande\b",
    ]
    return first_role(doc, patterns, r"(?i)vice\s*$")


def first_role(
    doc: str, patterns: list[str], bad_before: str | None = None, skip: Collection[str | None] = ()
) -> str | None:
    """The earliest name found by the first pattern that finds one."""
    for pattern in patterns:
        for match in re.finditer(pattern, doc):
            if bad_before and re.search(bad_before, doc[max(0, match.start() - 6) : match.start()]):
                continue
            name = role_name(match.group(1))
            if name and name not in skip:
                return name
    return None


def find_secretary(doc: str) -> str | None:
    """The person named as secretary."""
    patterns = [
        r"([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2}),? \(?[Ss]ekreterare\)?(?![\wåäö])",
        NAME + LISTED_AS + r"sekreterare(?![\wåäö])",
        r"(?<![\wåäö])(?:Sekreterare|Vid protokollet)" + OWN_NAME,
        r"(?:Sekreterare|Vid protokollet)" + LEADERS + NAME + ROLE_AFTER,
        NAME + r"\s{1,6}Sekreterare\b",
    ]
    return first_role(doc, patterns)


def find_adjusters(doc: str, chair: str | None) -> list[str]:
    """People chosen to adjust (sign) the minutes, without the chair."""
    patterns = [
        r"(?i:utses att justera|justerare|justeras av)\s*:?\s+([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2})",
        r"([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2})(?: \([A-Za-z]{1,2}\))?,?(?: [A-ZÅÄÖ][\wåäö]+,)?"
        r" (?:utsågs|utses|valdes|väljs) (?:att (?:jämte ordföranden )?justera|till justerare|till att justera)",
        r"utser ([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2})(?: \([A-Za-z]{1,2}\))? att\b[^.]{0,40}justera",
        r"([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2}),? [Jj]usterare\b",
    ]
    name = first_role(doc, patterns, skip=(chair,))
    return [name] if name else []
