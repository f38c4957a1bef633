"""Attendance: people listed as present or absent, by group, organisation and party."""

import re
from typing import NamedTuple

from .lexicon import GROUP_LABELS, PARTIES
from .people import is_given, is_name_word, split_run
from .shapes import Person, TextAt

LABEL_RE = re.compile(
    r"(?<![\wåäö])(" + "|".join(re.escape(label) for label, _, _ in GROUP_LABELS) + r")(?![\wåäö])\s*:?",
    re.IGNORECASE,
)
END_RE = re.compile(
    r"(?i)(?<![\wåäö])(?:utses att justera|justerare|justering|protokolljustering|justerat|underskrifter|paragrafer"
    r"|vid protokollet|anslag|(?<![,\t] )(?<!,)sekreterare\s*$)|(?m:^)[ \t]*(?:mötes)?ordförande[ \t]*:"
)
# "Per Ek (S), ersättare för Eva Lund (S)" without parentheses: the replaced person is not attending.
SUBSTITUTE_RE = re.compile(
    r"(?i:,?[ \t]*(?:tjänstgörande[ \t]+)?(?:ersättare|tjänstgör|tjänstgörande)[ \t]+för)[ \t]+"
    r"([A-ZÅÄÖ][\wåäöé-]+(?:[ \t][A-ZÅÄÖ][\wåäöé-]+){1,2})(?:[ \t]*\([A-ZÅÄÖ]{1,2}\))?"
)
ABSENT_RE = re.compile(r"(?i)anmält förhinder|har förhinder|frånvarande|förhindrad|deltog inte|ej närvarande")
# Words in parentheses after a name that give the person's function, not an organisation.
FUNCTION_WORDS = re.compile(
    r"(?i)^(?:(?:1:e |2:e |förste |andre )?vice )?(?:mötes)?(?:ordförande|ordf\.?|sekreterare|justerare|antecknare"
    r"|anteckningar|föredragande|adjungerad)$"
)
# Presence marks of an attendance table: "X" present, "-" absent; "Tjg" / "Ej tjg" (serving / not serving).
MARKS = {"x": "present", "-": "absent", "–": "absent"}
TABLE_MARK = re.compile(r"(?<!\S)X\s+[A-ZÅÄÖ][a-zåäö]")
INITIAL = re.compile(r"^[A-ZÅÄÖ]\.$")
MEMBER_HEADINGS = ("beslutande", "närvarande")
# A lower-case word fragment of at least four letters followed by a capitalised word (a name).
FRAGMENT_RE = re.compile(r"(?<![\wåäö])([a-zåäö]{4,9})\s+(?=(?:[X–-]\s+)?[A-ZÅÄÖ][a-zåäö])")
TOKEN_RE = re.compile(r"\([^()\n]{0,80}\)|[\wÅÄÖåäöéü'’-]+\.?|[,;/&\n\t:]|[^\w\s]")


class GroupStatus(NamedTuple):
    """What an attendance list heading says: the normalised group (None when unknown) and the status."""

    group: str | None
    status: str


def label_group(label: str) -> GroupStatus:
    """The normalised group and status for a list heading."""
    plain = " ".join(label.lower().rstrip(":").split())
    for text, group, status in GROUP_LABELS:
        if plain == text:
            return GroupStatus(group, status)
    return GroupStatus(None, "present")


def is_label(match: re.Match[str], text: str) -> bool:
    """A list heading is capitalised and not part of a note such as 'ej tjänstgörande ersättare'."""
    word = match.group(1)
    if not word[0].isupper():
        return False
    before = text[max(0, match.start() - 4) : match.start()].lower()
    return not before.endswith(("ej ", "för ")) and not before.rstrip(" ").endswith(",")


def truncated_members_label(header: str, first_label: int) -> TextAt | None:
    """A members' heading cut at its start by OCR or flattening ('ande' for 'Beslutande').

    Only before the first readable heading, when no members' heading is readable, and only when a
    capitalised name follows the fragment.
    """
    for match in FRAGMENT_RE.finditer(header, 0, first_label):
        fragment = match.group(1)
        for full in MEMBER_HEADINGS:
            if full.endswith(fragment) and len(fragment) < len(full):
                return TextAt(match.start(1), match.end(), full)
    return None


def parse_attendance(header: str) -> list[Person]:
    """All people in the attendance lists of the header, in document order."""
    labels = [TextAt(m.start(), m.end(), m.group(1)) for m in LABEL_RE.finditer(header) if is_label(m, header)]
    if not labels:
        return []
    if not any(label_group(label.text).group in ("ledamot", "narvarande") for label in labels):
        truncated = truncated_members_label(header, labels[0].start)
        if truncated:
            labels.insert(0, truncated)
    marked = len(TABLE_MARK.findall(header)) >= 2
    people: list[Person] = []
    group: str | None = None
    main_group: str | None = None
    status = "present"
    pending_label: GroupStatus | None = None
    for index, (_, label_end, label_text) in enumerate(labels):
        end = labels[index + 1].start if index + 1 < len(labels) else len(header)
        chunk = header[label_end:end]
        stop = END_RE.search(chunk)
        new_group, new_status = label_group(label_text)
        if (not chunk.strip() or chunk.strip() in ":-") and "\n" not in chunk:
            pending_label = pending_label or GroupStatus(new_group, new_status)
            continue
        if pending_label:
            new_group, new_status = pending_label
            pending_label = None
        if new_group == "narvarande" and group not in (None, "narvarande"):
            new_group = group
        if new_group is None and new_status == "absent":  # the absent are members of the body's own list
            new_group = main_group
        group = new_group or group or "narvarande"
        main_group = main_group or (group if group in ("ledamot", "narvarande") else None)
        status = new_status
        people += parse_chunk(chunk[: stop.start()] if stop else chunk, group, status, marked)
        if stop:
            break
    return merge_people(people)


def merge_people(people: list[Person]) -> list[Person]:
    """One entry per person: the first listing wins, present beats absent."""
    seen: dict[str, Person] = {}
    for person in people:
        key = person["name"].lower()
        if key not in seen:
            seen[key] = person
        elif person["status"] == "present" and seen[key]["status"] == "absent":
            seen[key]["status"] = "present"
    return list(seen.values())


def parse_chunk(chunk: str, group: str, status: str, marked: bool = False) -> list[Person]:
    """People in one list; lines of the form 'Organisation: names' give the organisation; `marked`: the
    lists are a table with presence marks ("X Anna Berg - Per Ek")."""
    people: list[Person] = []
    for line in chunk.split("\n"):
        org_match = re.match(r"^\s*([^:\t\n]{2,40}):\s*\t?(.*)$", line)
        line_status = "absent" if ABSENT_RE.search(line) else status
        if org_match and "(" not in org_match.group(1):
            people += parse_entries(org_match.group(2), group, line_status, org_match.group(1).strip(), marked)
        else:
            people += parse_entries(line, group, line_status, None, marked)
    return people


def new_person(name: str, group: str, status: str, principal: str | None) -> Person:
    """A fresh attendance entry."""
    return {
        "name": name,
        "principal": principal,
        "party": None,
        "group": group,
        "status": status,
        "substitute_for": None,
        "note": None,
    }


def parse_entries(text: str, group: str, status: str, principal: str | None, marked: bool = False) -> list[Person]:
    """People in a run of text such as 'Anna Berg (S), Ort Per Ek (M), Ort'."""
    people: list[Person] = []
    run: list[str] = []
    # org_next: the run after a comma may be the organisation of the person before; filled: the field after
    # the person's name already holds an organisation or a function, so the next comma opens a name.
    state = {"org_next": False, "filled": False}
    text = SUBSTITUTE_RE.sub(lambda m: f" (ersättare för {m.group(1)})", text)
    names_only = is_name_list(text)
    marks: list[tuple[int, str]] = []  # (people listed before the mark, status)
    previous = ""

    def flush() -> None:
        if not run:
            return
        lead, names = split_run(run, org_first=state["org_next"] and bool(people))
        if lead and people and people[-1]["principal"] is None and principal is None:
            people[-1]["principal"] = " ".join(lead)
        state["filled"] = bool(lead) and not names
        for name in names:
            people.append(new_person(name, group, status, principal))
        state["org_next"] = False
        run.clear()

    for token in TOKEN_RE.findall(text):
        last, previous = previous, token
        if token.startswith("("):
            flush()
            apply_parenthesis(people, token[1:-1].strip())
        elif is_name_word(token) or (run and INITIAL.match(token)):
            run.append(token)
        elif token.lower() in MARKS or token.lower() == "tjg":
            flush()
            absent = token.lower() == "tjg" and last.lower() == "ej"
            marks.append((len(people), "absent" if absent else MARKS.get(token.lower(), "present")))
        else:
            if run and token.lower() in ("kommun", "kommuns", "län", "kansli", "landsting"):
                run.append(token)
                if people and people[-1]["principal"] is None:
                    people[-1]["principal"] = " ".join(run)
                run.clear()
                state["org_next"], state["filled"] = False, True  # the organisation is complete: a name follows
                continue
            flush()
            if token == "," and people and not names_only:
                state["org_next"] = not state["filled"]
                state["filled"] = False
            elif token in ("\t", "\n") or token[:1].islower():
                # a new table cell or line, or a function ("ordförande") filled the field after the comma
                state["filled"] = token[:1].islower() and state["org_next"]
                state["org_next"] = False
            elif token.upper() in PARTIES and people and token.isupper():
                people[-1]["party"] = token
    flush()
    if marked:
        apply_marks(people, marks)
    return people


def is_name_list(text: str) -> bool:
    """True for a comma-separated list of names ("Anna Berg, Per Ek, Eva Lund och Bo Ek"): then a field
    after a comma is the next person, not the organisation of the one before.

    At least three fields, and nearly all of them two or three capitalised name words (a party or note in
    parentheses, and functions in lower case, aside).
    """
    plain = re.sub(r"\([^()\n]{0,80}\)", " ", text)
    fields = [f.strip() for f in re.split(r"[,;\n]|\s(?:och|samt)\s", plain) if f.strip()]
    fields = [f for f in fields if not f.islower()]  # a function after a name ("ordförande") is no field
    if len(fields) < 3:
        return False
    names = sum(1 for f in fields if 2 <= len(f.split()) <= 3 and all(is_name_word(w) for w in f.split()))
    return names >= len(fields) - 1 and names >= 3


def apply_marks(people: list[Person], marks: list[tuple[int, str]]) -> None:
    """Statuses from a table's presence marks, written before each name ("X Anna Berg - Per Ek") or after it.

    Used only when the attendance lists hold at least two "X" marks before names (TABLE_MARK).
    """
    if not marks or not people:
        return
    before = marks[0][0] == 0
    for count, status in marks:
        index = count if before else count - 1
        if 0 <= index < len(people):
            people[index]["status"] = status


def apply_parenthesis(people: list[Person], content: str) -> None:
    """Use '(S)', '(ersättare för X)' or '(ej punkten 6)' for the person just listed."""
    if not people:
        return
    person = people[-1]
    upper = content.upper().strip(".")
    if upper in PARTIES:
        person["party"] = upper
    elif content.strip() == "?" or FUNCTION_WORDS.match(content.strip()):
        return
    elif ABSENT_RE.fullmatch(content.strip()):
        person["status"] = "absent"
    elif re.match(r"(?i)ersättare för\s", content):
        person["substitute_for"] = content.split(" för ", 1)[1].strip() or None
    elif content[:1].isupper() and not re.search(r"\d", content) and person["principal"] is None:
        person["principal"] = content  # "(Forsby kommun)": the organisation written beside the name
    elif content:
        person["note"] = content


def first_names_ok(name: str) -> bool:
    """True when a name looks like a person's name."""
    words = name.split()
    return len(words) >= 2 and all(is_name_word(w) for w in words) or is_given(words[0])
