"""Personal names: recognise runs of capitalised words and split them into names."""

import re
from typing import NamedTuple

from .lexicon import GIVEN_NAMES, ORG_WORDS, SENTENCE_STARTERS

NAME_WORD = re.compile(r"^[A-ZÅÄÖÜÉ][a-zåäöüéèáíóúøæ]+(?:-[A-ZÅÄÖÜÉ]?[a-zåäöüéèáíóúøæ]+)?$")
ROLE_WORDS = frozenset(
    """
tjänstgörande ersättare övriga ovriga närvarande beslutande ledamöter ledamot dessutom förhinder
förhindrade frånvarande deltagare deltagande underskrifter utses paragrafer plats tid sida
ordförande ordf vice sekreterare justerare justerande kommunchef kommundirektör regiondirektör
direktör projektledare utvecklingsstrateg processtöd landstingsdirektör föredragande
organ datum sammanträdesdatum bevis justeringens underskrift förvaringsplats anslag inbjuden inbjudna
ej tjg
""".split()
)
# Titles written beside a name ("Förbundsdirektör", "Regionutvecklingschef") and a body's genitive
# ("Styrelsens ordförande", "Stämmans vice ordförande") are no part of it.
NOT_NAME_WORD = re.compile(
    r"(?i)(?:direktör|chef|ordförande|ordf|sekreterare|strateg|handläggare|samordnare|ledare|controller"
    r"|(?:styrelse|nämnd|förbund|råd|grupp|utskott|kommun|region|stämma|direktion|beredning|presidi|landsting"
    r"|kansli|församling|fullmäktige)(?:n|en|et|an|t)?s)$"
)


def is_name_word(word: str) -> bool:
    """True for a word that may be part of a personal name."""
    plain = word.lower()
    return (
        bool(NAME_WORD.match(word))
        and plain not in SENTENCE_STARTERS
        and plain not in ROLE_WORDS
        and not NOT_NAME_WORD.search(plain)
    )


def is_given(word: str) -> bool:
    """True for a known given name (also the first part of a hyphenated one)."""
    plain = word.lower()
    return plain in GIVEN_NAMES or plain.split("-")[0] in GIVEN_NAMES


class RunSplit(NamedTuple):
    """A run of capitalised words split into the leading organisation words and the personal names."""

    lead: list[str]
    names: list[str]


def split_run(words: list[str], org_first: bool = False) -> RunSplit:
    """Split a run of capitalised words into (leading organisation words, names)."""
    if not words:
        return RunSplit([], [])
    if org_first and len(words) == 1:
        return RunSplit(words, [])
    given = [i for i, w in enumerate(words) if is_given(w)]
    lead: list[str] = []
    if given and given[0] > 0 and (org_first or words[0].lower() in ORG_WORDS or given[0] >= 1):
        if org_first or given[0] == 1 and len(words) - given[0] >= 2 or words[0].lower() in ORG_WORDS:
            lead, words = words[: given[0]], words[given[0] :]
            given = [i - len(lead) for i in given]
    elif org_first and len(words) == 2 and not given:
        return RunSplit(words, [])
    elif org_first and len(words) >= 3 and not given:
        if words[0].lower() in ORG_WORDS and len(words) <= 3:  # "…, Region Västra Lidan": an organisation
            return RunSplit(words, [])
        lead, words = words[:-2], words[-2:]
        given = []
    if words and words[0].lower() in ORG_WORDS and len(words) >= 2:
        lead, words = lead + words[:2], words[2:]
        given = [i - 2 for i in given if i >= 2]
    return RunSplit(lead, group_names(words, set(given)))


def group_names(words: list[str], starts: set[int]) -> list[str]:
    """Cut words into names of two or three words, starting new names at given names."""
    cuts = sorted({0, *starts})
    segments = [words[a:b] for a, b in zip(cuts, cuts[1:] + [len(words)], strict=True)]
    merged: list[list[str]] = []
    for segment in segments:
        if merged and len(merged[-1]) == 1:
            merged[-1] = merged[-1] + segment
        else:
            merged.append(list(segment))
    names = []
    for index, segment in enumerate(merged):
        if len(segment) == 4 and (index > 0 or 0 in starts):
            segment = segment[:3]
        names += pair_up(segment)
    return names


def pair_up(words: list[str]) -> list[str]:
    """Split a run without known given names into names of two words (three for an odd run)."""
    if len(words) < 2:
        return []
    if len(words) <= 3:
        return [" ".join(words)]
    head = 3 if len(words) % 2 else 2
    return [" ".join(words[:head])] + pair_up(words[head:])


def name_runs(text: str) -> list[list[str]]:
    """Runs of consecutive name-like words; any other token ends a run."""
    runs: list[list[str]] = [[]]
    for token in re.findall(r"[\wÅÄÖåäö'-]+|[^\w\s]", text):
        if is_name_word(token):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def names_in(text: str, require_known: bool = False) -> list[str]:
    """All personal names in a phrase such as 'Anna Berg, Per Ek och Eva Lund'."""
    out: list[str] = []
    for run in name_runs(text):
        for name in split_run(run).names:
            if require_known and out and not is_given(name.split()[0]):
                continue
            if require_known and not out and not is_given(name.split()[0]) and len(out) > 0:
                continue
            out.append(name)
    return out
