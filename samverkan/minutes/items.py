"""Item structure: find numbered item headings, a table of contents and item titles."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .lexicon import GIVEN_NAMES, SENTENCE_STARTERS
from .shapes import Span
from .text import LONG_LINE, collapse, strip_signatures

NUMBER = r"(\d{1,4}(?:\.\d{1,2}){0,3})"
PREFIX = r"(?:§§?[ \t]?|Punkt[ \t]+|Ärende[ \t]+|[A-ZÅÄÖ]{2,4}[ \t]+)?"
TITLE_START = r"(?=[\"”“'«(A-ZÅÄÖ])"
# A page number printed before an explicitly marked heading ("38 § 29 Title", "38 KS 29 Title") is skipped.
PAGE_BEFORE = r"(?:\d{1,4}[ \t]+(?=§|[A-ZÅÄÖ]{2,4}[ \t]+\d))?"
# After the number: a dot, nothing, or ":" / ")" ("1:Mötet öppnas", "2) Budget"), which may stand without a space.
SEPARATOR = r"(?:(?P<sep>\.)?[ \t]+|(?P<mark>[:)])[ \t]*)"
LINE_HEADING = re.compile(r"^[ \t]*" + PAGE_BEFORE + PREFIX + NUMBER + SEPARATOR + TITLE_START)
# Inline, "kl. 13: Plats" is a time and "del 1: Underlag" a part of a sentence, not items.
INLINE_HEADING = re.compile(
    r"(?<=[ \t])(?<!kl[ \t])(?<!kl\.[ \t])(?<!del[ \t])" + PREFIX + NUMBER + SEPARATOR + TITLE_START
)
# "§ 12" alone on its line: the title is on the next line.
BARE_PARAGRAPH = re.compile(r"^[ \t]*§[ \t]?(\d{1,4})[ \t]*$")
TOC_WORD = re.compile(
    r"(?i)(?<![\w.])(?:innehållsförteckning|innehåll|utsänd dagordning|föredragningslista|dagordning|ärendelista"
    r"|ärenden(?=[ \t]*\n))\b"
)
MAX_TITLE_WORDS = 14
# The fixed opening and closing items of Swedish minutes; in run-on text such a title ends where the
# words stop continuing it (a following "och", "samt", "för" … still belongs to the title).
STANDARD_TITLE = re.compile(
    r"(?i)(?:val av (?:justerare|justerande|protokolljusterare)|(?:fastställande|godkännande) av "
    r"(?:dagordning|dagordningen|föredragningslista|föredragningslistan|agenda|agendan)|mötets (?:öppnande|avslutande)"
    r"|mötet (?:öppnas|avslutas)|föregående (?:protokoll|mötes protokoll|möte)|övriga frågor|nästa möte)$"
)
TITLE_CONTINUES = frozenset("och samt för av till i med om vid den det på".split())
# Abbreviations whose dot does not end a title ("Budget för 2031, ev. revidering", "Lokaler bl.a. i Norrby").
ABBREVIATIONS = frozenset(
    "ev. bl.a. t.ex. m.m. m.fl. resp. inkl. exkl. ca. kl. nr. s.k. o.s.v. dvs. d.v.s. jfr. enl. p.g.a. mfl. mm. "
    "tex. st. tf. f.d. fr.o.m. t.o.m. dnr. kap. bil.".split()
)
# Finite verbs that show a capitalised word opens a sentence of the item's text ("Protokoll från VU-mötet
# Justerat protokoll var bilagt …"), when they follow it within a few words.
FINITE_VERBS = frozenset(
    """
är var har hade kan kunde ska skall blir blev gick gicks kommer finns fanns fick får ges gavs informerade
informerar presenterade presenterar redogjorde redogör föredrog föredrar beslutade beslutar diskuterade
diskuterades noterades godkändes lämnade lämnar visade visar framförde meddelade meddelar behandlades
""".split()
)
# A case number in parentheses ends a title in a list of contents ("Remissvar (LS/261/2014) 7").
CASE_NUMBER = re.compile(r"\((?:[Dd]nr\.?\s*)?[A-ZÅÄÖa-zåäö]{1,8}[ /.-]?\d{1,5}(?:[/.-]\d{1,5}){1,3}\)")


@dataclass
class Heading:
    """One possible item heading."""

    start: int
    body_start: int
    number: str
    long_line: bool
    line_end: int
    # The mark after the number: ":" or ")" ("1:", "1)"); "" for a dot or nothing. A chain keeps one style,
    # so a "1. 2. 3." list inside an item numbered "1:" is not a run of items.
    style: str = ""


class Toc(NamedTuple):
    """A table of contents (or sent-out agenda): its numbered entries, and the stretch of the document it fills."""

    chain: list[Heading]
    span: Span


def number_key(number: str) -> tuple[int, ...]:
    """Turn '2.10' into (2, 10) for ordering."""
    return tuple(int(part) for part in number.split("."))


def successors(number: str) -> set[str]:
    """Numbers that may follow this one: next sibling, first child or a next ancestor."""
    parts = list(number_key(number))
    out = {".".join(map(str, parts + [1]))}
    for depth in range(len(parts), 0, -1):
        nxt = parts[:depth]
        nxt[-1] += 1
        out.add(".".join(map(str, nxt)))
    return out


def find_headings(doc: str, excluded: Sequence[tuple[int, int]] = ()) -> list[Heading]:
    """All places that look like the start of a numbered item."""
    found = []
    offset = 0
    lines = doc.split("\n")
    for index, line in enumerate(lines):
        end = offset + len(line)
        long_line = len(line) > LONG_LINE
        pattern_matches = [LINE_HEADING.match(line)]
        if long_line:
            pattern_matches += list(INLINE_HEADING.finditer(line))
        for match in pattern_matches:
            if not match:
                continue
            number = match.group(1)
            if len(number) == 4 and number.isdigit() and number[:2] in ("19", "20"):
                continue
            start = offset + match.start()
            if any(a <= start < b for a, b in excluded):
                continue
            found.append(Heading(start, offset + match.end(), number, long_line, end, match.group("mark") or ""))
        bare = BARE_PARAGRAPH.match(line)
        if bare and not any(a <= offset < b for a, b in excluded):
            title_line = next_title_line(lines, index, end + 1)
            if title_line:
                found.append(Heading(offset + bare.start(), title_line[0], bare.group(1), False, title_line[1]))
        offset = end + 1
    unique: dict[int, Heading] = {}
    for heading in found:
        unique.setdefault(heading.start, heading)
    return sorted(unique.values(), key=lambda h: h.start)


def next_title_line(lines: list[str], index: int, offset: int) -> Span | None:
    """The (start, end) of the next non-empty line when it can be a title (short, capitalised), else None."""
    for line in lines[index + 1 : index + 4]:
        stripped = line.strip()
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            ok = len(stripped) <= LONG_LINE and re.match(TITLE_START, stripped) and not re.match(r"§", stripped)
            return Span(start, offset + len(line)) if ok else None
        offset += len(line) + 1
    return None


def follow_chain(headings: list[Heading], first: int, last: str | None = None) -> list[Heading]:
    """Follow numbering from headings[first] while each next heading continues it."""
    chain = [headings[first]]
    index = first
    while chain[-1].number != last:
        allowed = successors(chain[-1].number)
        nxt = next(
            (
                j
                for j in range(index + 1, min(len(headings), index + 80))
                if headings[j].number in allowed and headings[j].style == chain[-1].style
            ),
            None,
        )
        if nxt is None:
            break
        chain.append(headings[nxt])
        index = nxt
    return chain


def start_index(headings: list[Heading], start: str | None) -> int | None:
    """Index of the heading where the items begin."""
    for index, heading in enumerate(headings):
        if start is not None:
            if heading.number == start:
                return index
            continue
        if "." in heading.number:
            continue
        allowed = successors(heading.number)
        window = headings[index + 1 : index + 6]
        nxt = next((j for j, h in enumerate(window) if h.number in allowed and h.style == heading.style), None)
        if nxt is not None:
            same = [j for j, h in enumerate(window[:nxt]) if h.number == heading.number]
            return index + 1 + same[-1] if same else index
    return None


# OCR reads the digit 1 as "l", "I" or "|" and may split a number with spaces ("l 10", "l I l").
MISREAD_NUMBER = re.compile(r"(?<!\S)([0-9lI|](?: ?[0-9lI|]){1,3})(?=\s+[A-ZÅÄÖ])")


def extend_misread(text: str, chain: list[Heading]) -> list[Heading]:
    """Continue an agenda's numbering over OCR-misread numbers when the next expected number is there."""
    chain = list(chain)
    while len(chain) < 500:
        last = chain[-1]
        expected = successors(last.number)
        found = None
        for match in MISREAD_NUMBER.finditer(text, last.body_start, min(len(text), last.body_start + 120)):
            raw = match.group(1)
            number = re.sub(r"[lI|]", "1", raw.replace(" ", ""))
            if re.search(r"[lI|]", raw) and number in expected:
                found = Heading(match.start(), match.end() + 1, number, last.long_line, last.line_end)
                break
        if found is None:
            return chain
        chain.append(found)
    return chain


def find_toc(doc: str) -> Toc | None:
    """The table of contents (or sent-out agenda) before the items, if there is one."""
    for count, match in enumerate(TOC_WORD.finditer(doc[:20000])):
        if count >= 10:
            break
        before = doc[max(0, match.start() - 12) : match.start()]
        if re.search(r"\d\.\s*$|§\s*\d+\s*$", before) or re.search(r"\b(?:av|om|med|för|till|i)\s*$", before):
            continue
        headings = find_headings(doc[match.end() :])
        if not headings or headings[0].start > 60:
            continue
        chain = follow_chain(headings, 0)
        if len(chain) < 2:
            continue
        chain = extend_misread(doc[match.end() :], chain)
        shift = match.end()
        after = [h for h in headings if h.start > chain[-1].start]
        end = after[0].start + shift if after else len(doc)
        for heading in chain:
            heading.start += shift
            heading.body_start += shift
            heading.line_end += shift
        if not chain[-1].long_line:
            end = min(end, chain[-1].line_end)
        return Toc(chain, Span(match.start(), end))
    return None


def clean_word(word: str) -> str:
    """A word without surrounding punctuation, lower case."""
    return word.strip(".,:;!?()\"'”“").lower()


def cut_title(words: list[str]) -> list[str]:
    """Keep the words of a run-on heading that still belong to the title."""
    kept: list[str] = []
    for index, word in enumerate(words[:MAX_TITLE_WORDS]):
        plain = clean_word(word)
        upper = word[:1].isupper()
        if kept and upper and plain in SENTENCE_STARTERS:
            break
        if kept and word.endswith(":"):
            break
        if kept and upper and len(plain) >= 5 and any(clean_word(k)[:5] == plain[:5] for k in kept):
            break
        nxt = words[index + 1] if index + 1 < len(words) else ""
        if kept and upper and plain in GIVEN_NAMES and nxt[:1].isupper():
            break
        if kept and nxt.lower().startswith("beslut") and plain.endswith("s") and upper:
            break
        if kept and plain not in TITLE_CONTINUES and STANDARD_TITLE.match(" ".join(kept)):
            break
        if len(kept) >= 2 and upper and opens_sentence(words[index + 1 : index + 4]):
            break
        if upper and kept and (plain in FINITE_VERBS or re.fullmatch(r"[a-zåäö]{3,}(?:ades|des|tes)", plain)):
            break  # "Lokalfrågan Fördes över …": a verb opens the item's text
        kept.append(word)
        if word.endswith((".", "?", "!")) and len(kept) > 1 and word.lower() not in ABBREVIATIONS:
            break
    return kept


def opens_sentence(following: list[str]) -> bool:
    """True when the words after a capitalised word are lower case up to a finite verb (a sentence's start)."""
    for word in following:
        plain = clean_word(word)
        if plain in FINITE_VERBS:
            return True
        if not word[:1].islower() or word.endswith((".", ",", ":")):
            return False
    return False


def toc_title(entry: str) -> str:
    """The title of a run-on entry of a list of contents: up to its case number, without its page number."""
    text = collapse(strip_signatures(entry))
    case = CASE_NUMBER.search(text)
    if case:
        return text[: case.end()]
    text = re.sub(r"(?:\s\d{1,3}|\.{3,}\s*\d{0,3})$", "", text).strip()
    return " ".join(cut_title(text.split()))


def heading_title(doc: str, heading: Heading, end: int) -> str:
    """The title written after an item number."""
    stop = min(heading.line_end, end)
    rest = doc[heading.body_start : stop]
    if heading.long_line or len(rest) > 160 or is_run_on(rest):
        words = strip_signatures(rest).split()
        title = " ".join(cut_title(words))
    else:
        title = re.sub(r"(?:\t+|\s{2,}|\.{3,}\s*)\d{0,3}\s*$", "", rest)
        title = re.sub(r"\t\d{1,3}$", "", title)
    title = collapse(title).strip(" .:–-")
    return title


def is_run_on(rest: str) -> bool:
    """True when a heading line goes on with the item's text (flattened or OCR'd pages)."""
    words = rest.split()
    if len(words) <= 3 or re.search(r"(?:\t|\s{2,}|\.{3,})\s*\d{0,3}\s*$", rest):
        return False
    return len(words) > MAX_TITLE_WORDS or bool(re.search(r"[a-zåäö][.!?]\s+\S|\s[Bb]eslut(?:ar)?\b", rest))


def title_end(doc: str, heading: Heading, end: int) -> int:
    """Position right after the title, where the item's text begins."""
    if heading.long_line or is_run_on(doc[heading.body_start : min(heading.line_end, end)]):
        title = heading_title(doc, heading, end)
        words = title.split()
        position = heading.body_start
        for word in words:
            found = doc.find(word, position, end)
            if found < 0:
                break
            position = found + len(word)
        return position
    return min(heading.line_end, end)


# An agenda written as bare titles, without numbers or separators ("AGENDA … Sammanträdets laglighet och
# beslutförhet Protokolljustering Godkännande av föredragningslistan …"), or one title a line.
AGENDA_WORD = re.compile(r"(?i)(?<![\wåäö])(?:agenda|dagordning|föredragningslista|ärendelista)(?![\wåäö])")
# The usual first item, where such a list begins when no numbered item of the minutes names it.
OPENING_TITLE = re.compile(
    r"(?<![\wåäö])(?:Mötets öppnande|Mötet öppnas|Sammanträdets öppnande|Öppnande|Sammanträdets laglighet"
    r"|Val av (?:justerare|protokolljusterare|ordförande))(?![\wåäö])"
)
# The usual last item: the list ends at the first new title after it.
CLOSING_TITLE = re.compile(r"(?i)^(?:mötets avslutande|mötet avslutas|sammanträdets avslutande|avslutning)\b")
# Words that leave a capitalised word inside the title ("Samverkansavtal för Ålands digitala agenda").
TITLE_JOINS = frozenset("och samt för av till i med om vid på från inom inför över under mellan enligt".split())
# Captions and labels that end a list of bare titles.
AGENDA_STOP = re.compile(
    r"^(?:Ordförande|Ordf|Sekreterare|Justerare|Justerande|Protokoll|Protokollet|Närvarande|Beslutande|Plats|Tid|Datum"
    r"|Bilagor|Underskrifter|Kallelse|Välkomna)\b[:.,]?$"
)


def bare_agenda_titles(doc: str, first_title: str | None, end: int, limit: int = 40) -> list[str]:
    """The titles of an agenda written without numbers, in order; [] when there is none.

    The list starts at `first_title` (its first four, three or two words: the first numbered item's title,
    which may run on into the item's text) or at a
    usual opening title, within 1500 characters after "Agenda", "Dagordning" or "Föredragningslista" and
    before `end` (where the numbered items begin). Titles
    are lines, or in a flattened line a capitalised word that does not follow a joining word ("för",
    "och") or a colon; a lone capital letter (a table's mark) separates. The list ends at a caption, a date,
    the first title after a closing one ("Mötets avslutande"), a blank line or `limit` titles. At least three
    titles of at most 12 words each, or nothing.
    """
    words = (first_title or "").split()
    anchors = [
        re.compile(r"(?i)(?<![\wåäö])" + r"\s+".join(map(re.escape, words[:size])) + r"(?![\wåäö])")
        for size in (4, 3, 2)
        if len(words) >= size and len(" ".join(words[:size])) >= 6
    ] + [OPENING_TITLE]
    for count, word in enumerate(AGENDA_WORD.finditer(doc, 0, min(end, 20000))):
        if count >= 6:
            break
        for anchor_re in anchors:
            anchor = anchor_re.search(doc, word.end(), min(end, word.end() + 1500))
            if not anchor:
                continue
            titles = split_bare_titles(doc[anchor.start() : anchor.start() + 3000], limit)
            if len(titles) >= 3 and all(len(t.split()) <= 12 for t in titles):
                return titles
            break
    return []


def split_bare_titles(text: str, limit: int) -> list[str]:
    """Cut a run of bare agenda titles (see `bare_agenda_titles`) into titles."""
    titles: list[list[str]] = [[]]
    closing = False
    for token in re.findall(r"\n[ \t]*\n|\n|[^\s]+", text):
        current = titles[-1]
        if token.startswith("\n"):
            if "\n\n" in token.replace(" ", "").replace("\t", "") or not current:
                break
            titles.append([])
            continue
        plain = token.strip(".,;:")
        if AGENDA_STOP.match(token) or ISO_DAY.match(plain) or not re.search(r"[\wåäö]", token):
            break
        if re.fullmatch(r"[A-ZÅÄÖ]|[-–]", token):  # a table's mark between titles
            titles.append([])
            continue
        new = token[:1].isupper() and current and not current[-1].endswith(":")
        if new and current[-1].lower().strip(",") in TITLE_JOINS:
            new = False
        if new:
            if closing or len(titles) >= limit:
                break
            titles.append([])
        titles[-1].append(token)
        if CLOSING_TITLE.match(" ".join(titles[-1])):
            closing = True
    out = [" ".join(words).strip(" ,;") for words in titles if words]
    return [title for title in out if re.match(r"[A-ZÅÄÖ]", title)][:limit]


ISO_DAY = re.compile(r"^(?:19|20)\d\d-\d\d-\d\d$|^\d{1,2}/\d{1,2}$")
