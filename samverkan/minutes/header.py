"""Header facts: body, kind of document, dates, times, place, paragraph range and roles."""

import functools
import re
from collections import Counter
from collections.abc import Collection
from typing import NamedTuple

from .dates import ISO_DATE, WEEKDAYS, WORD_DATE, find_dates, find_time_ranges, year_of
from .people import NOT_NAME_WORD, names_in
from .shapes import ParagraphRange

KIND_RE = re.compile(
    r"(?i)(?<![\wåäö])(sammanträdesprotokoll|protokollsutdrag|protokoll|minnesanteckningar|sammanträdesanteckningar"
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


# The standard notice of adjustment ("BEVIS Justeringen har tillkännagivits genom anslag"): no field values.
NOTICE_SENTENCE = re.compile(
    r"(?i)(?:anslag\s*/\s*)?bevis\b[^.\n]{0,40}?(?:protokollet är [^.\n]{0,10}justerat\.?\s*)?"
    r"justeringen har tillkännagivits genom anslag\.?"
)
# A body named by its meeting: "Protokoll från styrgruppsmöte Energi Dalarna", "Protokoll vid VU-sammanträde",
# "Protokoll fört vid sammanträde med Omvårdnadsnämnden".
MEETING_OF = re.compile(
    r"(?i)(?:från|vid|fört vid)\s+(?:(?:sammanträde|möte)\s+(?:med|i)\s+(?P<with>[A-ZÅÄÖ][^\n]{2,80})"
    r"|(?P<stem>[\wåäöÅÄÖ-]{2,40}?)(?:s|-)?(?:möte|mötet|sammanträde|sammanträdet)(?![\wåäö])[ \t,]*"
    r"(?P<rest>[^\n]{0,80}))"
)
# "Direktionsprotokoll", "Styrelseprotokoll": the body is the first part of the word.
COMPOUND_KIND = re.compile(r"(?<![\wåäö])([A-ZÅÄÖ][a-zåäö]{3,30}?)s?protokoll(?![\wåäö])")
NOT_A_BODY_STEM = re.compile(
    r"(?i)^(?:sammanträde|sammanträdes|möte|mötes|justering|justerings|besluts|års|ordinarie)$"
)
NEUTER_STEMS = ("utskott", "råd", "presidium", "forum", "nätverk", "kollegium", "konsortium")
# A labelled body: "Organ: Nämnden", "Nämnd: Omvårdnadsnämnden".
BODY_LABEL = re.compile(
    r"(?m)^\s*(?:Organ|Nämnd|Styrelse|Grupp|Mötesgrupp)\s*:?[ \t]+(.+)$|\b(?:Organ|Nämnd)\s*:?\s+(\S.{0,80})"
)


def definite(stem: str) -> str:
    """A body's noun in the definite form: Direktion → Direktionen, Styrelse → Styrelsen, Utskott → Utskottet."""
    plain = stem.lower()
    if plain.endswith("ium"):
        return stem[:-2] + "et"
    if plain.endswith(NEUTER_STEMS):
        return stem + ("t" if plain.endswith("e") else "et")
    return stem + ("n" if plain.endswith("e") else "en")


def title_case(text: str) -> str:
    """Words written in capitals as names are written ("ENERGI DALARNA" → "Energi Dalarna"); short acronyms stay."""
    if not text.isupper():
        return text
    return " ".join(word if len(word) <= 3 else word.capitalize() for word in text.split())


def body_of_meeting(header: str) -> str | None:
    """The body named after the kind of document: 'från X-möte Name', 'vid X-sammanträde', 'sammanträde med X'."""
    for kind in KIND_RE.finditer(header[:800]):
        match = MEETING_OF.match(header, kind.end() + (len(header[kind.end() :]) - len(header[kind.end() :].lstrip())))
        if not match:
            continue
        if match.group("with"):
            return clean_body(title_case(cut_at_date(match.group("with"))))
        stem = match.group("stem").strip("-")
        rest = clean_body(cut_at_date(match.group("rest"))) if match.group("rest") else None
        if rest and not re.match(r"[A-ZÅÄÖ]", rest):
            rest = None
        if not stem or NOT_A_BODY_STEM.match(stem):
            return rest
        if rest:
            return title_case(f"{stem} {rest}")
        return stem if stem.isupper() and len(stem) <= 5 else definite(stem.capitalize())
    return None


def cut_at_date(text: str) -> str:
    """Text up to a weekday, a date, a time or a digit."""
    return re.split(r"(?i)(?<![\wåäö])(?:" + WEEKDAYS + r"|den\s+\d|kl\.?\s|\d)", text)[0]


def find_body(header: str, doc: str) -> str | None:
    """The collaboration body whose minutes these are.

    In order: a label ("Organ", "Nämnd: Omvårdnadsnämnden"), the meeting named after the kind of document
    ("Protokoll från styrgruppsmöte …"), the words around the kind of document, a compound kind word
    ("Direktionsprotokoll" → Direktionen), the first line, the body named most often.
    """
    header = NOTICE_SENTENCE.sub(" ", header)
    organ = BODY_LABEL.search(header)
    named = clean_body(organ.group(1) or organ.group(2)) if organ else None
    if named:
        return named
    meeting = body_of_meeting(header)
    if meeting:
        return meeting
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
    compound = next((m for m in COMPOUND_KIND.finditer(header[:400]) if not NOT_A_BODY_STEM.match(m.group(1))), None)
    if compound:
        return definite(compound.group(1))
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


# Words before a date that make it the adjustment's, the notice's or the appeal's, not a meeting day, also in
# the middle of a flattened line ("… Justeringens plats Stadshuset den 12 maj 2014").
NOT_MEETING_BEFORE = re.compile(
    r"(?i)(?:justeringens|justering|justerat|justeras|anslag|anslagets|bevis|överklag|sista dag|uppsättande"
    r"|nedtagande|publicerad|utsänd|kallelse)"
)


def meeting_dates(header: str, year: int | None = None) -> list[str]:
    """Every meeting day named in the header, as ISO dates.

    Dates after an adjustment, notice or appeal label are left out. A day written without a year ("den 28
    april och 29 april") takes the year of the header's first full date, else `year` (from elsewhere in the
    document), else stays XXXX.
    """
    found = find_dates(header)
    year = next((int(d[:4]) for _, d in found if not d.startswith("XXXX")), year)
    out: list[str] = []
    previous_end = 0
    for position, date in found:
        line_start = header.rfind("\n", 0, position) + 1
        window = header[max(line_start, previous_end, position - 60) : position]
        previous_end = position + 6
        if NOT_MEETING_DAY.match(header, line_start) or NOT_MEETING_BEFORE.search(window):
            continue
        if date.startswith("XXXX") and year:
            date = f"{year:04d}{date[4:]}"
        if date not in out:
            out.append(date)
    if any(not d.startswith("XXXX") for d in out):
        out = [d for d in out if not d.startswith("XXXX")]
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
    if value:
        value = re.sub(r"(?i)^för\s+(?:sammanträdet|mötet)\b\s*", "", value)
        # "Tid och plats 09.00-12.00 Järvsöbaden": the time written first is not part of the place.
        value = re.sub(r"(?i)^(?:kl\.?\s*|klockan\s*)?\d{1,2}[.:]\d\d\s*[-–]\s*\d{1,2}[.:]\d\d[\s,;]*", "", value)
    if not value:
        return place_after_time(header) or place_near_date(header)
    ranges = find_time_ranges(value)
    if ranges and re.search(r"(?i)möte\s*$", value[max(0, ranges[-1].position - 8) : ranges[-1].position]):
        value = re.sub(r"^[\d.:\s–-]+,?", "", value[ranges[-1].position :])
    value = re.split(r"(?i),?\s*(?:" + WEEKDAYS + r"|den\s\d|\d{1,2}\s[a-zåäö]{3,9}\s\d{4}|\d{4}-\d\d)", value)[0]
    value = re.split(r"(?i),?\s*(?:klockan|kl\.?)\s*(?:\d|$)|\s\d{1,2}[.:]\d\d", value)[0]
    value = trim_run_on(value.strip(" ,.:;-–"))
    if not value or re.fullmatch(r"[\d\s.:–-]*", value):
        return None
    return value


def trim_run_on(value: str) -> str:
    """A place that runs on into the next text ("Kansliet, Storgatan Sammanträdets laglighet och …").

    A place is a few short comma-separated parts; the first long part keeps only its leading capitalised
    words but the last (which starts the text that follows).
    """
    if len(value) <= 60:
        return value
    kept: list[str] = []
    for part in value.split(","):
        words = part.split()
        if len(words) <= 5:
            kept.append(part.strip())
            continue
        run = []
        for word in words:
            if not word[:1].isupper():
                break
            run.append(word)
        if len(run) > 1:
            run = run[:-1]
        kept.append(" ".join(run))
        break
    return ", ".join(k for k in kept if k)


# Where an unlabelled place ends: a field or list label, the kind of document, a weekday, a date or a digit.
PLACE_STOP = re.compile(
    r"(?i)(?<![\wåäö])(?:" + FIELD_LABELS[3:-1] + r"|närvarande|beslutande|inbjud\w*|förhinder|frånvarande|deltagare"
    r"|ledamöter|ersättare|övriga|sida|protokoll|anteckningar|" + WEEKDAYS + r"|kl\.?\s)(?![\wåäö])|,?\s*\bden\s+\d|\d"
)
LEADING_TIME = re.compile(
    r"^(?:\s?[-–]{1,2}\s?\d{1,2}(?!\d))?[\s.,;:]*(?:(?:kl\.?|klockan)\s*)?"
    r"(?:\d{1,2}(?:[.:,]\d\d)?(?:\s*[-–]\s*\d{1,2}(?:[.:,]\d\d)?)?)?[\s.,;:]*"
)


def place_near_date(header: str) -> str | None:
    """An unlabelled place beside the meeting date on one of the first lines.

    After the date and time ("2008-12-16 Kanalhotellet, Karlsborg", "3 juni 2008, kl. 13: Dalarummet, Falun
    Närvarande: …") or before "den <date>" when written in comma-separated parts ("Styrelserummet,
    Landstingshuset, Östersund den 28 april"). A body's name is no place.
    """
    for line in header.split("\n")[:12]:
        for pattern in (ISO_DATE, WORD_DATE):
            for match in pattern.finditer(line[:600]):
                before = re.search(r"((?:[A-ZÅÄÖ][\wåäö-]+,?\s+){2,6})(?:den\s+)?$", line[: match.start()])
                if before and "," in before.group(1):
                    place = before.group(1).strip(" ,")
                    if good_place(place):
                        return place
                bare = PLACE_BEFORE_DEN.search(line[: match.start()])
                if bare and good_place(bare.group(1)) and not NOT_A_PLACE.search(bare.group(1)):
                    return bare.group(1)
                rest = line[match.end() :]
                rest = rest[LEADING_TIME.match(rest).end() :]  # type: ignore[union-attr]
                stop = PLACE_STOP.search(rest)
                place = rest[: stop.start()] if stop else rest
                place = place.strip(" ,.;:-–")
                if good_place(place):
                    return place
    return None


# "Stadshuset Ekby den 3 maj", "Kommunhuset i Östby den 3 maj": a place without commas at a line's start,
# before "den" and the date.
PLACE_BEFORE_DEN = re.compile(
    r"(?:^|[.:;]\s+)([A-ZÅÄÖ][\wåäö-]+(?:\s+(?:[A-ZÅÄÖ][\wåäö-]+|i|på|vid)){0,5}?(?:\s+[A-ZÅÄÖ][\wåäö-]+)?)\s+den\s+$"
)
NOT_A_PLACE = re.compile(r"(?i)sammanträd|möte|datum|protokoll|anteckning|juster|anslag|" + WEEKDAYS)


def good_place(place: str) -> bool:
    """True for a short capitalised text that names no body and no document."""
    words = place.split()
    return (
        1 <= len(words) <= 8
        and len(place) >= 3
        and bool(re.match(r"[A-ZÅÄÖ]", place))
        and not (BODY_SUFFIX.match(place) and "," not in place)
        and not KIND_RE.search(place)
        and not re.match(FIELD_LABELS, place)
    )


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


# A range whose "§§" was lost (transcription, letterhead columns): two numbers between the meeting's date
# and its time ("PROTOKOLL 2014-05-15 33 45 Kl 13:30", "2 33-45 Kl 13:30 15:00").
UNLABELLED_RANGE = re.compile(
    r"(?:(?<=\d\d-\d\d)[ \t]+|(?m:^)[ \t]*(?:\d{1,3}[ \t]+)?)(\d{1,4})(?:[ \t]*[-–][ \t]*|[ \t]+)(\d{1,4})[ \t]+"
    r"(?=[Kk]l\.?[ \t]*\d)"
)


def paragraph_range(header: str) -> ParagraphRange | None:
    """The range of item numbers that the header states ("§§ 61–66", "Paragrafer 12-20"), or two numbers
    written between the date and "kl" on one of the first lines when the label was lost ("2014-05-15 33 45
    Kl 13:30"); None when there is none."""
    match = RANGE_RE.search(header) or UNLABELLED_RANGE.search(header, 0, 1500)
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    if match.re is UNLABELLED_RANGE and (last - first > 100 or year_of(match.group(0))):
        return None
    return {"first": first, "last": last} if first <= last else None


def default_year(header: str) -> int | None:
    """The year of the meeting as written in the header (None when the header's dates have no year)."""
    dates = [d for d in meeting_dates(header) if not d.startswith("XXXX")]
    return int(dates[0][:4]) if dates else year_of(header[:300])


def document_year(doc: str) -> int | None:
    """The most common year among the document's full dates, for a header whose date has no year.

    Dates after an adjustment, notice, appeal or sending label are left out (they may fall in the next
    year); a tie goes to the year written first. None when the document writes no full date.
    """
    counts: Counter[int] = Counter()
    first_seen: dict[int, int] = {}
    for position, date in find_dates(doc):
        if date.startswith("XXXX"):
            continue
        line_start = doc.rfind("\n", 0, position) + 1
        window = doc[max(line_start, position - 60) : position]
        if NOT_MEETING_DAY.match(doc, line_start) or NOT_MEETING_BEFORE.search(window):
            continue
        year = int(date[:4])
        counts[year] += 1
        first_seen.setdefault(year, position)
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], -first_seen[y]))


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
# "Greta Berg (S) ordförande": a party in parentheses, then the role.
PARTY_THEN = r" \([A-ZÅÄÖ]{1,4}\),? "
# Dotted leaders of a signature line ("Sekreterare ……………") between caption and name.
LEADERS = r"[ \t]*(?:[.…_]{3,}[ \t]*)?:?\s+"
# A caption with a colon, or a dotted signature line with the name under it, names its own person
# even when another caption follows ("Ordförande: Eva Lund\nSekreterare: …").
OWN_NAME = r"(?:[ \t]*:[ \t]*|[ \t]*[.…_]{3,}[ \t]*\n\s*)" + NAME + r"(?![\wåäö-])"
CHAIR_WORD = r"(?:mötes)?(?:ordförande|ordf\.?)"
SECRETARY_WORD = r"(?:mötes)?(?:sekreterare|antecknare)"
# The role right after the name, or in parentheses in any case ("Vera Berg (Ordförande)", "Eva Ek (anteckningar)").
CHAIR_BESIDE = r",? (?:\((?i:" + CHAIR_WORD + r")\)|" + CHAIR_WORD + r")(?![\wåäö])"
SECRETARY_BESIDE = r",? (?:\((?i:" + SECRETARY_WORD + r"|anteckningar)\)|" + SECRETARY_WORD + r")(?![\wåäö])"


# A body's genitive before a role ("Förbundsstyrelsens ordförande Eva Lund") is no part of a name.
def org_genitive(text: str) -> bool:
    """True when the last word of a candidate name is a title or a body's genitive ("Förbundsstyrelsens")."""
    words = text.split()
    return bool(words) and bool(NOT_NAME_WORD.search(words[-1].lower()))


def find_chair(doc: str) -> str | None:
    """The person named as chair (ordförande); "vice ordförande" and "1:e vice ordförande" are not the chair."""
    pairs = signature_pairs(doc)
    if pairs.get("chair"):
        return pairs["chair"][0]
    patterns = [
        NAME + CHAIR_BESIDE,
        NAME + PARTY_THEN + CHAIR_WORD + r"(?![\wåäö])",
        NAME + LISTED_AS + CHAIR_WORD + r"(?![\wåäö])",
        r"(?<![\wåäö])(?<!vice )(?:Mötesordförande|Ordförande)" + OWN_NAME,
        r"(?<!vice )(?:mötesordförande väljs|[Oo]rdförande(?:n)?)" + LEADERS + NAME + ROLE_AFTER,
        NAME + r"\s{1,6}Ordförande\b",
    ]
    return first_role(doc, patterns, r"(?i)vice\s*$")


def first_role(
    doc: str, patterns: list[str], bad_before: str | None = None, skip: Collection[str | None] = ()
) -> str | None:
    """The earliest name found by the first pattern that finds one."""
    found = all_roles(doc, patterns, bad_before, skip, first_only=True)
    return found[0] if found else None


def all_roles(
    doc: str,
    patterns: list[str],
    bad_before: str | None = None,
    skip: Collection[str | None] = (),
    first_only: bool = False,
) -> list[str]:
    """The names found by the first pattern that finds any, in document order, each once."""
    for pattern in patterns:
        out: list[str] = []
        for match in re.finditer(pattern, doc):
            if bad_before and re.search(bad_before, doc[max(0, match.start() - 6) : match.start()]):
                continue
            if org_genitive(match.group(1)):
                continue
            name = role_name(match.group(1))
            if name and name not in skip and name not in out:
                out.append(name)
                if first_only:
                    return out
        if out:
            return out
    return []


def find_secretary(doc: str) -> str | None:
    """The person named as secretary (sekreterare, "Vid protokollet", "X (anteckningar)", antecknare)."""
    pairs = signature_pairs(doc)
    if pairs.get("secretary"):
        return pairs["secretary"][0]
    patterns = [
        r"([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2})" + SECRETARY_BESIDE,
        NAME + PARTY_THEN + SECRETARY_WORD + r"(?![\wåäö])",
        NAME + LISTED_AS + SECRETARY_WORD + r"(?![\wåäö])",
        r"(?<![\wåäö])(?:Sekreterare|Vid protokollet|Antecknare|Mötessekreterare)" + OWN_NAME,
        r"(?:Sekreterare|Vid protokollet|Antecknare|Mötessekreterare)" + LEADERS + NAME + ROLE_AFTER,
        NAME + r"\s{1,6}Sekreterare\b",
    ]
    return first_role(doc, patterns)


ADJUSTER_NAME = r"([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2})"
# "utsågs att justera", "valdes att jämte ordföranden signera", "utses till justerare"
CHOSEN_TO_ADJUST = (
    r"(?:utsågs|utses|valdes|väljs|utsedd|vald)(?: till justerare| till att justera| att (?:jämte [\wåäö]+ )?"
    r"(?:justera|signera))"
)


def find_adjusters(doc: str, chair: str | None) -> list[str]:
    """People chosen to adjust (sign) the minutes, without the chair, in document order."""
    pairs = signature_pairs(doc)
    if pairs.get("adjusters"):
        named = [name for name in pairs["adjusters"] if name != chair]
        if named:
            return named
    patterns = [
        r"(?<!, )(?i:utses att justera|justerare|justeras av|till justerare utsågs|till justerare valdes)"
        + LEADERS
        + r"(?:(?!"
        + CAPTIONS
        + r"\b)"
        + ADJUSTER_NAME
        + r")(?:\s\([A-Za-z]{1,3}\))?(?:(?:,| och) "
        + ADJUSTER_NAME
        + ")?",
        ADJUSTER_NAME + r"(?: \([A-Za-z]{1,3}\))?,?(?: [A-ZÅÄÖ][\wåäö]+,)? " + CHOSEN_TO_ADJUST,
        r"utser ([A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+){1,2})(?: \([A-Za-z]{1,2}\))? att\b[^.]{0,40}justera",
        ADJUSTER_NAME + r",? [Jj]usterare\b",
    ]
    for pattern in patterns:
        out: list[str] = []
        for match in re.finditer(pattern, doc):
            for group in match.groups():
                if not group or org_genitive(group):
                    continue
                name = role_name(group)
                if name and name != chair and name not in out:
                    out.append(name)
        if out:
            return out
    return []


SIGNATURE_TOKEN = re.compile(
    r"(?P<cap>Sekreterare|Vid protokollet|Ordförande|Justerande|Justerare)(?![\wåäö])"
    r"|(?P<word>[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ]?[a-zåäöéü]+)?)(?![\wåäö])"
    r"|(?P<skip>\([A-ZÅÄÖ]{1,4}\)|Paragrafer|§§?\s?\d+(?:\s?[-–]\s?\d+)?|[.…_:]+)"
    r"|(?P<other>\S+)"
)
CAPTION_RE = re.compile(r"Sekreterare|Vid protokollet|Ordförande|Justerande|Justerare")
CAPTION_ROLE = {
    "Sekreterare": "secretary",
    "Vid protokollet": "secretary",
    "Ordförande": "chair",
    "Justerande": "adjusters",
    "Justerare": "adjusters",
}


@functools.lru_cache(maxsize=8)
def signature_pairs(doc: str) -> dict[str, list[str]]:
    """Roles from a block of captions and names without colons, flattened into one line.

    "Sekreterare Tore Ek Ordförande Vera Lund Justerande Jenny Berg" (caption first) and "Ada Prov
    Sekreterare Bo Test Ordförande" (name first) are both read: the block's first token tells which way
    round the pairs go. Only blocks of at least two captions, each next to one name, on one line count.
    """
    out: dict[str, list[str]] = {}
    for line in doc.split("\n"):
        if len(CAPTION_RE.findall(line)) < 2:
            continue
        run: list[tuple[str, str]] = []
        for match in SIGNATURE_TOKEN.finditer(line):
            kind = match.lastgroup or "other"
            if kind == "other":
                read_block(run, out)
                run = []
            elif kind in ("cap", "word"):
                run.append((kind, match.group(0)))
        read_block(run, out)
    return out


def read_block(run: list[tuple[str, str]], out: dict[str, list[str]]) -> None:
    """Add the roles of one run of caption and word tokens to `out` (the first block naming a role wins)."""
    if sum(1 for kind, _ in run if kind == "cap") < 2:
        return
    groups: list[tuple[str, list[str]]] = []
    for kind, text in run:
        if kind == "word" and groups and groups[-1][0] == "word":
            groups[-1][1].append(text)
        else:
            groups.append((kind, [text]))
    while groups and groups[0][0] == "word" and not names_in(" ".join(groups[0][1])):
        groups.pop(0)
    captions = [g for g in groups if g[0] == "cap"]
    if len(captions) < 2 or any(a[0] == b[0] for a, b in zip(groups, groups[1:], strict=False)):
        return
    caption_first = groups[0][0] == "cap"
    for index, (kind, words) in enumerate(groups):
        if kind != "cap":
            continue
        beside = index + 1 if caption_first else index - 1
        if not 0 <= beside < len(groups):
            continue
        names = names_in(" ".join(groups[beside][1]))
        if not caption_first:
            names = names[-1:]
        role = CAPTION_ROLE[words[0]]
        if names and role not in out:
            out[role] = names if role == "adjusters" else names[:1]
