"""Text normalisation: clean extracted text and remove page furniture."""

import re
import unicodedata

PAGE_OF = re.compile(r"\bSida\s{0,3}\d{1,4}\s{0,3}(?:av|\(|/)\s{0,3}\d{1,4}\)?", re.IGNORECASE)
PAGE_PAREN = re.compile(r"(?<!\S)\d{1,4} \(\d{1,4}\)(?!\S)")
MARKUP = re.compile(r"\*\*|</?i>|</?b>|\[([^\]\n]{0,300})\]\(#?[^)\n]{0,300}\)")
# Signature captions, also as OCR writes them: letters split by spaces, l for t ("J usterandes si gn",
# "Juslerandes", "Uldragsbeslyl-kande").
SIGNATURE_WORDS = re.compile(
    r"(?:J ?u ?[sl] ?[tl] ?e ?r ?a ?n ?d ?e ?(?:s ?)?s ?i ?g ?n(?:atur)?|U[tl]drags\s{0,2}be\S{0,14}(?:\s\S{0,8}kande)?"
    r"|Ju[sl][tl]erandes?(?!\s[a-zåäö])|Justierande)",
)
SIGNATURE_LINE = re.compile(
    r"^\s*(?:Ordförande|Justerande|Justierande|Justerare|Utdragsbestyrkande|Justerandes sign"
    r"|Sekreterare|Underskrifter|Ordförande\s+Justerande.{0,40})\s*$",
    re.IGNORECASE,
)
LONG_LINE = 120
# Letterheads and footers: contact details are page furniture, never an item's text.
FOOTER_KEY = re.compile(
    r"(?<![\wåäö])(?:POSTADRESS|BESÖKSADRESS|BESÖKSADRESS|TELEFON|TEL|FAX|ORG\.?\s?NR|ORGANISATIONSNUMMER|E-POST|E-MAIL"
    r"|EPOST|WEBB|WEBBPLATS|HEMSIDA|BANKGIRO|PLUSGIRO|VÄXEL|Postadress|Besöksadress|Telefon|Tel|Fax|Org\.?\s?nr"
    r"|Organisationsnummer|E-post|E-mail|Epost|Webb|Webbplats|Hemsida|Bankgiro|Plusgiro|Växel)(?![\wåäö])\.?:?"
)
FOOTER_VALUE_END = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|\d[\d ()-]{3,}\d")
FOOTER_HINTS = ("post", "tel", "fax", "org", "e-mail", "webb", "hemsida", "giro", "växel", "www", "@", "http")
CONTACT_ONLY = re.compile(r"^\s*(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+)\s*$")
# Control characters, zero-width and directional marks, the directional embeddings, overrides and isolates (an
# override reverses what follows it on a page: UAX #9), and the interlinear annotation characters.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")


def normalise(text: str) -> str:
    """Return NFC text with unified line breaks, no markup and no control characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\ufeff", "")
    text = CONTROL.sub("", text)
    text = MARKUP.sub(lambda m: m.group(1) or "", text)
    return text


def strip_page_numbers(lines: list[str]) -> list[str]:
    """Drop a leading page number from lines that hold one page each (PDF extraction).

    A long line loses a number close to its position. A short page (a § on a page of its own) loses
    its number only when the page before lost one, the number is exactly its position and a § or item
    number follows ("9 106 Title", "3 38 § 29 Title"), so a short numbered line is not mistaken for it.
    """
    out = []
    index = 0
    previous_page = False
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        index += 1
        match = re.match(r"\s*(\d{1,3})\s+(?=\S)", line)
        page = match is not None and len(line) > LONG_LINE and abs(int(match.group(1)) - index) <= 2
        if match and not page and previous_page and int(match.group(1)) == index:
            page = bool(re.match(r"(?:§|\d)", line[match.end() :]))
        if page and match:
            line = line[match.end() :]
        previous_page = page
        out.append(line)
    return out


def clean_line(line: str) -> str:
    """Remove page marks from one line and collapse runs of spaces (tabs are kept)."""
    line = PAGE_OF.sub(" ", line)
    line = PAGE_PAREN.sub(" ", line)
    line = re.sub(r"[ ]{2,}", " ", line)
    return line.rstrip()


def strip_footer(line: str) -> str:
    """A line without contact details: dropped whole when it starts with a contact label or is only an
    address, and cut where two or more labelled details follow each other in a flattened page
    ("… POSTADRESS Box 12, 123 45 Ekby TELEFON 0123-45 ORG.NR 212000-0000 E-POST a@b.se")."""
    lower = line.lower()
    if not any(hint in lower for hint in FOOTER_HINTS):
        return line
    first = FOOTER_KEY.match(line.lstrip())
    if (first and len(line) <= LONG_LINE) or CONTACT_ONLY.match(line):
        return ""
    keys = list(FOOTER_KEY.finditer(line))
    if len(keys) < 2:
        return line
    out, index = [], 0
    while index < len(keys):
        start = keys[index].start()
        last = index
        while last + 1 < len(keys) and keys[last + 1].start() - keys[last].end() <= 60:
            last += 1
        if last == index:
            index += 1
            continue
        tail = line[keys[last].end() : keys[last].end() + 60]
        value = FOOTER_VALUE_END.search(tail)
        end = keys[last].end() + (value.end() if value else 0)
        out.append((start, end))
        index = last + 1
    for start, end in reversed(out):
        line = line[:start] + " " + line[end:]
    return line.rstrip()


def prepare_lines(text: str) -> list[str]:
    """Normalise the text and return its lines without page furniture."""
    lines = [strip_footer(clean_line(line)) for line in normalise(text).split("\n")]
    return strip_page_numbers(lines)


def is_furniture(line: str) -> bool:
    """True for a line that is only a signature caption or similar page furniture."""
    return bool(SIGNATURE_LINE.match(line))


def strip_signatures(text: str) -> str:
    """Remove signature captions that interrupt flattened text."""
    text = re.sub(r"\bOrdförande\s{1,3}(?=Justerande|Just)", " ", text)
    return SIGNATURE_WORDS.sub(" ", text)


def collapse(text: str) -> str:
    """Collapse all white space to single spaces."""
    return " ".join(text.split())


def is_upper_word(word: str) -> bool:
    """True when a word starts with an upper-case letter."""
    return bool(word) and word[0].isupper()
