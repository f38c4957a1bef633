"""Item content: decisions, attachments, presenters, outcome, assignments and recommendations."""

import re

from .dates import first_date
from .people import is_given, names_in
from .shapes import Assignment, Recommendation
from .text import LONG_LINE, collapse, is_furniture, strip_signatures

LABEL_LINE = re.compile(r"^(?:[A-ZÅÄÖ][\wåäö/ -]{1,40}):(?:\s|$)")
DECISION_LINE = re.compile(
    r"^(?:[\wåäöÅÄÖ-]+s\s+)?[Bb]eslut(?:\s*\d{1,2})?\s*(?::\s*)?(?:(?:19|20)\d\d-\d\d-\d\d\s*:?\s*)?(?=$|[A-ZÅÄÖ\"”a])"
)
# "Direktionen beslutar" alone on its line, the att-clauses below it.
BODY_DECIDES_LINE = re.compile(r"^[A-ZÅÄÖ][\wåäö-]+(?: [\wåäö-]+)? (?:beslutar|beslutade|beslöt)\s*:?$")
INLINE_DECISION = re.compile(
    r"(?:(?<=\s)|^)(?:[\wåäöÅÄÖ-]+s\s+)?[Bb]eslut(?:\s*\d{1,2})?\s*:\s*|[\wåäöÅÄÖ-]+s\s+beslut\s+(?=[Aa]tt\s)"
)
REPORT_TO = re.compile(r"(?i)(?:åter)?rapporter\w*\s+till\s+([A-ZÅÄÖ][\wåäö-]+(?:\s[a-zåäö]+s?\s[\wåäö-]+)?)")
# "… beslutar att", also in the past tense and the passive of notes ("beslutade att", "Beslöts att").
BESLUTAR = re.compile(r"\b(?:beslutar|beslutade|beslöt)\s*(?:att\b|:)|(?<![\wåäö])(?:Beslöts|Beslutades)\s+att\b")
ATTACHMENT_LINE = re.compile(r"^(?:[-•*]\s*)?Bilaga\s+\S.{1,200}$")
LIST_LABEL = re.compile(r"^Bilag(?:a|or)(?![\wåäö])\s*:?\s*(.*)$")
# "… Bilagor: a) PM, b) Rapport" inside a run-on line (agenda entries, flattened pages).
INLINE_LIST_LABEL = re.compile(r"(?<=\s)Bilag(?:a|or)\s*:\s*(\S.{0,300})")
QUOTED_ATTACHMENT = re.compile(r"enligt\s+bilaga(?:n)?\s+[\"”“']([^\"”“'\n]{2,120})[\"”“']", re.IGNORECASE)
PRESENTER_LABEL = re.compile(r"(?:Föredragande|Föredragare)\s*:\s*([^\n]{0,300})")
PRESENTER_AV = re.compile(r"(?i)(?:information av|föredrogs av|presenterades av|informerade?s? av)\s+([^.\n]{0,250})")
PRESENTER_VERB = re.compile(
    r"([^.\n]{0,200}?)\s(?:presenterade|presenterar|informerade|informerar|föredrar|föredrog|redogör|redogjorde)\b"
)
VERB_WORD = re.compile(r"\s(?:presenterade|presenterar|informerade|informerar|föredrar|föredrog|redogör|redogjorde)\b")
DEFERRED = re.compile(
    r"(?i)\b(?:flyttades|flyttas|skjuts|sköts)\s+(?:till|upp)|\bbordl(?:äggs|ades|agt|agd)"
    r"|\b(?:fördes|förs)\s+över\s+till|\böverförs\s+till\s+nästa"
)
STRUCK = re.compile(r"(?i)(?:ärendet|punkten|frågan)\s+(?:utgår|utgick)\b|^\s*(?:utgår|utgick)\b")


def paragraphs(body: str) -> list[str]:
    """Non-empty lines of an item's text without signature captions."""
    return [line.strip() for line in body.split("\n") if line.strip() and not is_furniture(line)]


def minutes_text(body: str, decisions: list[str]) -> str:
    """An item's lines besides its decisions: the 'Beslut' heading and the lines a decision holds are left out."""
    folded = [collapse(decision) for decision in decisions]
    kept = []
    for para in paragraphs(body):
        heading = DECISION_LINE.match(para) if len(para) < 2000 else None
        rest = collapse(para[heading.end() :] if heading else para)
        if not rest or any(rest in decision for decision in folded):
            continue
        kept.append(para)
    return "\n".join(kept)


def continues(previous: str, paragraph: str) -> bool:
    """True when a paragraph continues a decision block (att-clause, list line, quotation)."""
    if previous.rstrip().endswith(":"):
        return not DECISION_LINE.match(paragraph)
    return bool(re.match(r"(?:att\s|samt\s|[-•*]\s|[\"”“])", paragraph))


# Longer than this, a line is taken for a flattened page rather than one line of a decision.
OWN_LINE = 400
# A sentence line that may go on a decision written under a "Beslut" heading ("Förvaltningen får i uppdrag …").
SENTENCE_LINE = re.compile(r"[A-ZÅÄÖ][^:\n]{10,600}[.!]")


def goes_on(previous: str, paragraph: str, blank_before: bool) -> bool:
    """True when a whole sentence on the next line, with no blank line between, still belongs to the decision."""
    return (
        not blank_before
        and previous.rstrip().endswith(".")
        and bool(SENTENCE_LINE.fullmatch(paragraph))
        and not DECISION_LINE.match(paragraph)
        and not ATTACHMENT_LINE.match(paragraph)
        and not re.search(r"(?i)\b(?:reserver|protokollsanteckning|jäv\b|yrkande|yrkar)", paragraph)
    )


def blank_before_lines(body: str) -> set[str]:
    """The paragraphs that follow a blank line (or open the text)."""
    out: set[str] = set()
    blank = True
    for line in body.split("\n"):
        if not line.strip():
            blank = True
            continue
        if blank:
            out.add(line.strip())
        blank = False
    return out


def decision_blocks(body: str) -> list[str]:
    """The text of each decision in an item."""
    paras = paragraphs(body)
    after_blank = blank_before_lines(body)
    lines = body.split("\n")
    # Lines the item's text holds whole (its first and last may be the middle of a flattened page).
    whole_lines = {line.strip() for line in lines[1:-1]}
    blocks: list[str] = []
    index = 0
    while index < len(paras):
        para = paras[index]
        decides = BODY_DECIDES_LINE.match(para)
        if decides and index + 1 < len(paras) and paras[index + 1].startswith("att "):
            block = [paras[index + 1]]
            index += 2
            while index < len(paras) and continues(block[-1], paras[index]):
                block.append(paras[index])
                index += 1
            blocks.append(clean_decision(" ".join(block)))
            continue
        match = DECISION_LINE.match(para) if len(para) < 2000 else None
        if match and (para[match.end() :].strip() or index + 1 < len(paras)):
            rest = para[match.end() :].strip()
            # A "Beslut:" line of its own is the decision whole; a flattened page is cut after the decision.
            whole = para in whole_lines and len(para) <= OWN_LINE
            block = [rest if whole else decision_sentences(rest)] if rest else []
            index += 1
            if not block and index < len(paras):
                block.append(paras[index])
                index += 1
            while index < len(paras) and (
                continues(block[-1], paras[index])
                or len(block) < 3
                and not match.group(0).strip().endswith(":")
                and not para[match.end() :].strip()
                and goes_on(block[-1], paras[index], paras[index] in after_blank)
            ):
                block.append(paras[index])
                index += 1
            blocks.append(clean_decision(" ".join(block)))
            continue
        blocks += inline_decisions(para)
        index += 1
    return [b for b in blocks if b]


def inline_decisions(para: str) -> list[str]:
    """Decisions inside a run-on paragraph ('Rådets beslut: …', '… beslutar att …')."""
    match = INLINE_DECISION.search(para)
    if match:
        return [clean_decision(decision_sentences(para[match.end() :]))]
    found = BESLUTAR.search(para)
    if found:
        stop = para.rfind(". ", max(0, found.start() - 200), found.start())
        start = stop + 2 if stop >= 0 else max(0, found.start() - 200)
        end = para.find(". ", found.end())
        return [clean_decision(para[start : end + 1 if end > 0 else len(para)])]
    return []


# A sentence that still belongs to a decision written in run-on text: an att-clause, or decision words.
DECISION_WORDS = re.compile(
    r"(?i)^(?:att|samt)\s|handlingarna|beslut|godkän|fastställ|uppdrag|rekommend|föresl|antas|antogs|avslå|bifall"
)


def decision_sentences(text: str) -> str:
    """A run-on decision up to the end of its paragraph: its first sentence, then further sentences only
    while they are short or still decide something ("Kan läggas till handlingarna."), not the minutes' next
    remark ("Valberedningens ordförande hälsades välkommen …")."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"”])", text)
    kept = sentences[:1]
    for sentence in sentences[1:]:
        if len(sentence.split()) <= 6 or DECISION_WORDS.search(sentence):
            kept.append(sentence)
        else:
            break
    return " ".join(kept)


def clean_decision(text: str) -> str:
    """Collapse white space and drop signature captions."""
    text = collapse(strip_signatures(text))
    text = re.split(r"\s(?:Ordförande|Just)\S{0,6}\s\S{0,12}$", text)[0]
    return drop_signature_tail(text).strip()


def drop_signature_tail(text: str) -> str:
    """Cut OCR noise of a signature block after the decision's last sentence ('… handlingarna. Ordförande xy Ju')."""
    end = max(text.rfind(". "), text.rfind("! "))
    if end < 0:
        return text
    tail = text[end + 2 :]
    if len(tail) <= 40 and re.search(r"Ordf|Just|Utdrag|sign", tail) and not re.search(r"\batt\s", tail):
        return text[: end + 1]
    return text


def attachments(body: str, decisions: list[str]) -> list[str]:
    """Attachments listed under the item or named in a decision."""
    out: list[str] = []
    paras = paragraphs(body)
    index = 0
    while index < len(paras):
        para = paras[index]
        label = LIST_LABEL.match(para)
        if label and not ATTACHMENT_LINE.match(para):
            inline = label.group(1).strip()
            if inline and len(para) <= LONG_LINE:  # "Bilaga: Avtal Gränsbygden och Kvarnå, PM": a line of its own
                out += [part.strip(" .") for part in re.split(r"[,;]\s*", inline) if part.strip(" .")]
            elif inline:
                out += split_inline_list(inline)
            index += 1
            while index < len(paras) and re.match(r"(?:[-•*]\s*|\d+(?:\.\d+)*\s)", paras[index]):
                out.append(re.sub(r"^[-•*]\s*", "", paras[index]).strip())
                index += 1
            continue
        if ATTACHMENT_LINE.match(para) and len(para) < 200:
            out.append(re.sub(r"^[-•*]\s*", "", para))
        else:
            inline_label = INLINE_LIST_LABEL.search(para)
            if inline_label:
                out += split_inline_list(inline_label.group(1))
        index += 1
    for decision in decisions:
        out += [m.group(1).strip() for m in QUOTED_ATTACHMENT.finditer(decision)]
    return dedupe(out)


def split_inline_list(text: str) -> list[str]:
    """Entries of 'a) PM, b) Rapport' or 'Underlag. Mer text' written on one line."""
    words = text.split()
    kept: list[str] = []
    for word in words:
        if kept and word[:1].isupper() and not re.search(r"[,;]$|^[a-z]\)$", kept[-1]):
            break
        kept.append(word)
        if word.endswith("."):
            break
    joined = " ".join(kept).rstrip(".")
    return [part.strip() for part in re.split(r"[,;]\s*", joined) if part.strip()]


def dedupe(values: list[str]) -> list[str]:
    """Keep the first of equal strings."""
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


def presenters(body: str) -> list[str]:
    """People presenting the item."""
    head = body[:600]
    label = PRESENTER_LABEL.search(head) or PRESENTER_AV.search(head)
    if label:
        text = re.split(r"\.\s|\n", label.group(1))[0]
        names = names_in(text)
        return dedupe([names[0]] + [n for n in names[1:] if is_given(n.split()[0])] if names else [])
    verb = VERB_WORD.search(head[:400]) and PRESENTER_VERB.search(head[:400])
    if verb:
        return dedupe(names_in(verb.group(1)))
    return []


def outcome(body: str) -> str:
    """handled, deferred or struck."""
    head = body[:400]
    if STRUCK.search(head):
        return "struck"
    if DEFERRED.search(head):
        return "deferred"
    return "handled"


ASSIGN_PATTERNS = [
    re.compile(
        r"(?P<who>[A-ZÅÄÖ][^.;:]{0,80}?)\s+(?:får|ges|fick|gavs)\s+(?:[\wåäö]+\s+){0,2}i\s+uppdrag\s+(?:av\s+\S+\s+)?att\s+(?P<task>[^.]{3,400})"
    ),
    re.compile(r"uppdrar?\s+(?:åt|till|till\s+och\s+med)?\s*(?P<who>[^.;:]{2,80}?)\s+att\s+(?P<task>[^.]{3,400})"),
    re.compile(r"\bger?\s+(?P<who>[^.;:]{2,80}?)\s+i\s+uppdrag\s+att\s+(?P<task>[^.]{3,400})"),
]
TITLES = re.compile(r"(?i)^(?:ordförande(?:n)?|sekreterare(?:n)?|vice ordförande|kommunchef|direktör)\s+")


def assignments(item_number: str | None, decisions: list[str], year: int | None) -> list[Assignment]:
    """Assignments given in the item's decisions."""
    out: list[Assignment] = []
    for decision in decisions:
        for pattern in ASSIGN_PATTERNS:
            for match in pattern.finditer(decision):
                who = TITLES.sub("", match.group("who").strip())
                if re.search(r"(?i)\bbeslutar\b", who):
                    who = re.split(r"(?i)beslutar(?:\s+att)?\s+", who)[-1]
                task = re.sub(r"\s*(?:den\s+)?\d{1,2}\s+[a-zåäö]{3,9}(?:\s+\d{4})?", "", match.group("task")).strip()
                task = re.split(r",\s*att\s", task)[0]  # the next att-clause is not part of the task
                task = re.sub(r"\s+(?:senast|innan|före|inför)$", "", task)
                rest = decision[match.start() :]
                report = REPORT_TO.search(rest)
                out.append(
                    {
                        "item": item_number,
                        "assignee": who,
                        "task": task,
                        "due": first_date(rest, year),
                        "report_to": report.group(1) if report else None,
                    }
                )
            if out:
                break
    return out


def recommendations(item_number: str | None, decisions: list[str]) -> list[Recommendation]:
    """Att-clauses recommending the principals to decide."""
    out: list[Recommendation] = []
    for decision in decisions:
        clauses = re.split(r"(?:^|(?<=:)\s*|(?<=[.;])\s+|(?<=\bsamt)\s+|(?<=\bbeslutar)\s+)(?=att\s)", decision)
        found = False
        for clause in clauses:
            match = re.match(r"att\s+rekommendera\s+(.{3,200}?)\s+att\s", clause)
            if not match:
                continue
            text = re.sub(r"\s+(?:samt|och)\s*$", "", clause.strip()).rstrip(" .,;")
            out.append({"item": item_number, "text": text, "addressees": match.group(1).strip()})
            found = True
        stated = None if found else RECOMMENDS.search(decision)
        if stated:  # "Styrelsen rekommenderar medlemskommunerna att besluta att …": the whole sentence
            stop = decision.rfind(". ", 0, stated.start())
            end = decision.find(". ", stated.end())
            text = decision[stop + 2 if stop >= 0 else 0 : end if end >= 0 else len(decision)].rstrip(" .,;")
            out.append({"item": item_number, "text": text, "addressees": stated.group(1).strip()})
    return out


RECOMMENDS = re.compile(r"\brekommenderar\s+([^.;:]{3,200}?)\s+att\s+(?:besluta|anta|fastställa|godkänna|teckna)\b")
