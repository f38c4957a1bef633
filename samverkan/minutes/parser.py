"""Turn the text of one set of minutes into the importer's JSON object."""

import bisect
import re
from typing import NamedTuple

from . import decisions as content
from . import header as head
from .attendance import parse_attendance
from .errors import MinutesError
from .items import (
    Heading,
    bare_agenda_titles,
    cut_title,
    find_headings,
    find_toc,
    follow_chain,
    heading_title,
    number_key,
    start_index,
    title_end,
    toc_title,
)
from .shapes import Item, Minutes, ParagraphRange, Span, TextAt
from .text import LONG_LINE, prepare_lines

MINUTES_WORDS = re.compile(
    r"(?i)protokoll|anteckningar|närvarande|beslutande|justera|paragraf|§|dagordning|föredragningslista"
    r"|mötet|sammanträde|beslut"
)
CLOSING_LIST = re.compile(r"(?m)^[ \t]*Bilagor[ \t]*:?[ \t]*$")


def empty_result() -> Minutes:
    """The output for a document where nothing was found."""
    return {
        "body": None,
        "document_kind": "other",
        "dates": [],
        "start_time": None,
        "end_time": None,
        "location": None,
        "paragraphs": None,
        "chair": None,
        "secretary": None,
        "adjusters": [],
        "attendance": [],
        "items": [],
        "attachments": [],
        "assignments": [],
        "recommendations": [],
        "next_meeting": None,
    }


def parse_text(text: str, strict: bool = True, item_text: bool = False) -> Minutes:
    """Parse minutes; with strict=False never raise, return what could be found.

    item_text=True adds each item's own text besides its decisions as `text` (the web import keeps it as
    the item's minutes); the output of FORMAT.md leaves it out.
    """
    try:
        result = parse_document(text, item_text)
    except MinutesError:
        if strict:
            raise
        return empty_result()
    except Exception:  # robustness: the importer must not crash on odd input
        if strict:
            raise MinutesError("Dokumentet kunde inte tolkas.") from None
        return empty_result()
    return result


def parse_document(text: str, item_text: bool = False) -> Minutes:
    """The parsing steps in order."""
    if not text or not text.strip():
        raise MinutesError("Dokumentet är tomt.")
    doc = "\n".join(prepare_lines(text))
    if not MINUTES_WORDS.search(doc):
        raise MinutesError("Dokumentet ser inte ut att vara ett protokoll eller minnesanteckningar.")
    toc = find_toc(doc)
    toc_chain, toc_span = toc if toc else ([], Span(len(doc), len(doc)))
    chain = body_chain(doc, toc_chain, toc_span)
    header_end = min([toc_span[0]] + [h.start for h in chain[:1]] + ([len(doc)] if chain or toc else [3000]))
    header = doc[:header_end]
    result = empty_result()
    fill_header(result, header, doc)
    dated = [d for d in result["dates"] if not d.startswith("XXXX")]
    year = int(dated[0][:4]) if dated else head.default_year(header)
    result["items"], result["attachments"] = build_items(doc, chain, toc_chain, toc_span)
    if not toc_chain:
        result["items"] = with_bare_agenda(doc, result["items"], chain, result["paragraphs"])
    for item in result["items"]:
        body = item.pop("_body")
        if item_text:
            item["text"] = content.minutes_text(body, item["decisions"])
        result["assignments"] += content.assignments(item["number"], item["decisions"], year)
        result["recommendations"] += content.recommendations(item["number"], item["decisions"])
        if result["next_meeting"] is None:
            result["next_meeting"] = next_meeting(body, year)
    if not result["items"] and not result["attendance"] and result["document_kind"] == "other":
        raise MinutesError("Dokumentet ser inte ut att vara ett protokoll eller minnesanteckningar.")
    return result


def body_chain(doc: str, toc_chain: list[Heading], toc_span: Span) -> list[Heading]:
    """The numbered item headings of the minutes themselves."""
    headings = [h for h in find_headings(doc) if not toc_span[0] <= h.start < toc_span[1]]
    before = doc[: min([toc_span[0]] + [h.start for h in headings[:1]] + [4000])]
    stated = head.paragraph_range(doc[:4000] if not toc_chain else before)
    if stated:
        start, last = str(stated["first"]), str(stated["last"])
    elif toc_chain:
        start, last = toc_chain[0].number, None
    else:
        start, last = None, None
    after_toc = [h for h in headings if h.start >= toc_span[1] or not toc_chain]
    index = start_index(after_toc, start)
    if index is None and stated and not toc_chain:
        index, last = start_index(after_toc, None), None
    if index is None:
        return single_paragraph(doc, after_toc)
    return follow_chain(after_toc, index, last)


def single_paragraph(doc: str, headings: list[Heading]) -> list[Heading]:
    """An extract of minutes (protokollsutdrag) holds one item: the only heading marked with "§"."""
    marked = [h for h in headings if "§" in doc[h.start : h.body_start] and not h.long_line]
    return marked if len(marked) == 1 else []


def fill_header(result: Minutes, header: str, doc: str) -> None:
    """Header facts and attendance; roles are read from the header, the opening and the end."""
    roles_text = doc[: len(header) + 600] + "\n" + doc[-1500:]
    result["body"] = head.find_body(header, doc)
    result["document_kind"] = head.document_kind(header[:2000] or doc[:2000])
    result["dates"] = head.meeting_dates(header)
    if result["dates"] and all(d.startswith("XXXX") for d in result["dates"]):
        result["dates"] = head.meeting_dates(header, head.document_year(doc))
    result["start_time"], result["end_time"] = head.meeting_times(header)
    result["location"] = head.find_location(header)
    result["paragraphs"] = head.paragraph_range(header)
    result["chair"] = head.find_chair(roles_text)
    result["secretary"] = head.find_secretary(roles_text)
    result["adjusters"] = head.find_adjusters(roles_text, result["chair"])
    result["attendance"] = parse_attendance(header)


class ItemEnd(NamedTuple):
    """Where the last item ends, and where a closing list of attachments starts (None when there is none)."""

    end: int
    closing_start: int | None


def last_item_end(doc: str, last: Heading) -> ItemEnd:
    """Where the last item ends, and where a closing list of attachments starts."""
    closing = CLOSING_LIST.search(doc, last.body_start)
    end = closing.start() if closing else len(doc)
    restart = next((h for h in find_headings(doc[last.body_start : end]) if h.number == "1"), None)
    if restart:
        end = last.body_start + restart.start
    return ItemEnd(end, closing.end() if closing else None)


def closing_attachments(doc: str, start: int | None) -> list[str]:
    """Entries of the document's closing 'Bilagor' list."""
    if start is None:
        return []
    out = []
    for line in doc[start:].split("\n"):
        entry = re.match(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+(.{2,200})$", line)
        if entry:
            out.append(entry.group(1).strip())
        elif line.strip() and out and not re.match(r"(?i)^\s*(ordförande|justerande|utdragsbestyrkande)", line):
            break
    return out


# Standard unnumbered agenda headings of Swedish minutes ("Mötet öppnas", "Rapporter", "Övriga frågor").
SECTION_HEADING = re.compile(
    r"(?<![\wåäö])(Mötet öppnas|Mötets öppnande|Rapporter|Övriga frågor|Nästa möte|Mötet avslutas|Mötets avslutande)"
    r"(?=\s+[A-ZÅÄÖ])"
)
# A report heading directly under a "Rapporter" section ("Rapport från styrgruppens möte den 3 maj").
REPORT_HEADING = re.compile(r"\s+(?=Rapport (?:från|om) )")


def unnumbered_sections(doc: str, chain: list[Heading], toc_span: Span) -> list[TextAt]:
    """Unnumbered standard headings at the top of a flattened page: (start, end of title, title).

    A page of flattened text is one long line; its first words may be a running header, so the heading
    may follow a few words without a sentence end. The first page (header, attendance) is skipped.
    """
    if not chain:
        return []
    ends = [h.start for h in chain[1:]] + [len(doc)]
    taken = [(h.start, title_end(doc, h, min(h.line_end, end))) for h, end in zip(chain, ends, strict=True)]
    out: list[TextAt] = []
    offset, first = 0, True
    for line in doc.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        if first:
            first = False
            continue
        if len(line) <= LONG_LINE or toc_span[0] <= start < toc_span[1]:
            continue
        match = SECTION_HEADING.search(line, 0, 100)
        if not match:
            continue
        before = line[: match.start()].split()
        if re.search(r"[.!?:]", line[: match.start()]) or len(before) > 8:
            continue
        if before and re.fullmatch(r"[a-zåäö]+,?", before[-1]):  # inside a sentence, not after a running header
            continue
        position = start + match.start()
        index = bisect.bisect_right(taken, (position, len(doc) + 1)) - 1
        if index >= 0 and taken[index][0] <= position < taken[index][1]:
            continue
        out.append(TextAt(position, start + match.end(), match.group(1)))
        report = REPORT_HEADING.match(line, match.end())
        if report:
            words = line[report.end() : report.end() + 300].split()
            title = " ".join(cut_title(words))
            title_start = start + report.end()
            out.append(TextAt(title_start, title_start + len(title), title))
    return out


class ItemsFound(NamedTuple):
    """The items in document order, and the document's closing list of attachments."""

    items: list[Item]
    attachments: list[str]


def build_items(doc: str, chain: list[Heading], toc_chain: list[Heading], toc_span: Span) -> ItemsFound:
    """Items in document order, with TOC entries missing from the text and unnumbered sections added."""
    items: list[Item] = []
    closing_start = None
    sections = unnumbered_sections(doc, chain, toc_span)
    bounds = sorted([h.start for h in chain] + [section.start for section in sections])
    last_start = bounds[-1] if bounds else None
    last_end = len(doc)
    if bounds:
        last = next((h for h in chain if h.start == last_start), None)
        if last is None:
            section = next(s for s in sections if s.start == last_start)
            last = Heading(section.start, section.end, "0", True, section.end)
        last_end, closing_start = last_item_end(doc, last)

    def end_of(position: int) -> int:
        index = bisect.bisect_right(bounds, position)
        return bounds[index] if index < len(bounds) else last_end

    for heading in chain:
        end = end_of(heading.start)
        title = heading_title(doc, heading, end)
        body = doc[title_end(doc, heading, end) : end]
        items.append(make_item(heading.number, title, body))
    seen = {item["number"] for item in items}
    for index, heading in enumerate(toc_chain):
        if heading.number in seen:
            continue
        end = toc_chain[index + 1].start if index + 1 < len(toc_chain) else toc_span[1]
        entry = doc[title_end(doc, heading, end) : end]
        title = heading_title(doc, heading, end)
        if heading.long_line:
            title = toc_title(doc[heading.body_start : end]) or title
        items.append(make_item(heading.number, title, entry, agenda_only=True))
    items.sort(key=lambda item: number_key(item["number"] or ""))  # all numbered here: from headings
    if not sections:
        return ItemsFound(items, closing_attachments(doc, closing_start))
    starts = [h.start for h in chain]
    placed: dict[str | None, list[Item]] = {}
    for position, body_start, title in sections:
        index = bisect.bisect_left(starts, position)
        after = chain[index - 1].number if index else None
        placed.setdefault(after, []).append(make_item(None, title, doc[body_start : end_of(position)]))
    ordered = placed.get(None, [])
    for item in items:
        ordered.append(item)
        ordered += placed.get(item["number"], [])
    return ItemsFound(ordered, closing_attachments(doc, closing_start))


def with_bare_agenda(doc: str, items: list[Item], chain: list[Heading], stated: ParagraphRange | None) -> list[Item]:
    """Items completed from an agenda of bare titles (`items.bare_agenda_titles`) when the minutes number
    fewer items than it lists: at most one numbered item, or fewer than the stated range holds.

    A title the minutes number stays that numbered item, in the agenda's place; the others are items with
    `number: None` (their numbers are not written, FORMAT.md); numbered items the agenda lacks keep their
    order after the agenda's.
    """
    wanted = stated["last"] - stated["first"] + 1 if stated else 0
    if len(chain) > 1 and wanted <= len(chain):
        return items
    first_title = items[0]["title"] if chain else None
    titles = bare_agenda_titles(doc, first_title, chain[0].start if chain else len(doc), wanted or 40)
    if len(titles) <= len(items):
        return items
    out: list[Item] = []
    for title in titles:
        numbered = next((item for item in items if item not in out and same_start(item["title"], title)), None)
        if numbered:
            numbered["title"] = title  # a title that ran on into the text ends where the agenda's ends
        out.append(numbered or make_item(None, title, "", agenda_only=True))
    return out + [item for item in items if item not in out]


def same_start(title: str | None, agenda_title: str) -> bool:
    """True when an item's title is the agenda's title, or starts with it and runs on."""
    mine, theirs = fold(title), fold(agenda_title)
    return bool(mine) and (mine == theirs or mine.startswith(theirs + " "))


def fold(text: str | None) -> str:
    """A title compared without case, punctuation and spacing."""
    return " ".join(re.sub(r"[^\wåäö]+", " ", (text or "").lower()).split())


def make_item(number: str | None, title: str, body: str, agenda_only: bool = False) -> Item:
    """One item of the output; an item known only from the agenda keeps its presenters and attachments."""
    decisions = [] if agenda_only else content.decision_blocks(body)
    return {
        "number": number,
        "title": title or None,
        "presenters": content.presenters(body),
        "outcome": "handled" if agenda_only else content.outcome(body),
        "decisions": decisions,
        "attachments": content.attachments(body, decisions),
        "_body": "" if agenda_only else body,
    }


def next_meeting(body: str, year: int | None) -> str | None:
    """The date of the next meeting if the text states it."""
    match = re.search(r"(?i)nästa\s+(?:[\wåäö]+)?möte[^.\n]{0,60}", body)
    if not match:
        return None
    from .dates import first_date

    return first_date(match.group(0), year)
