"""Swedish words for the search index and for queries: folding, tokens, Snowball stems, the query's terms.

Both databases get the same tokens from here, so SQLite's FTS5 and PostgreSQL's full text search match the same
entries: the databases only split on spaces and compare, they never stem or fold on their own. Plain Python.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # ships no type information

# Letters a Swedish reader treats as letters of their own (å, ä, ö are not a, a, o), and Nordic spellings folded
# onto them; every other diacritic is dropped (é → e, ü → u), so "andre" finds André.
_KEEP = {"å", "ä", "ö"}
_NORDIC = str.maketrans({"æ": "ä", "ø": "ö"})
_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("swedish")
# At most this many words of a query count (a query is a handful of words; this bounds the SQL).
MAX_TERMS = 8
# Letters the last word needs before it also matches as the beginning of longer words. "ko" began a word in 153,638
# of a generated county's 192,809 entries (kommun, kontakt, …: 0.4-0.8 s a search); with three letters a prefix
# narrows, as search-as-you-type does elsewhere (Elasticsearch's edge n-grams commonly start at 2-3).
MIN_PREFIX = 3


class _Folded(dict[int, str]):
    """Each character's folded form, worked out the first time it is met (`__missing__`) and kept: `str.translate`
    then folds a text in one pass in C. A character at a time it took a third of the index builders' time (1 s of 3
    for 3,000 agenda items)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code).translate(_NORDIC)
        if ch in _KEEP or ch.isascii():
            folded = ch
        else:
            folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLDED = _Folded()


def fold(text: str) -> str:
    """`text` lower-cased, with diacritics dropped except on å, ä and ö (æ → ä, ø → ö)."""
    return unicodedata.normalize("NFC", text.lower()).translate(_FOLDED)


def words(text: str) -> list[str]:
    """The folded words of `text` (runs of letters and digits; underscores split)."""
    return [w for part in _WORD.findall(fold(text)) for w in part.split("_") if w]


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The Snowball Swedish stem of one folded word ("överenskommelsen" → "överenskomm")."""
    return str(_STEMMER.stemWord(word))


def stems(text: str) -> str:
    """The stems of `text`'s words, space-separated: what the index matches words against."""
    return " ".join(stem(w) for w in words(text))


def plain_words(text: str) -> str:
    """The folded words of `text`, space-separated: what a prefix on the last word of a query matches."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Term:
    """One term of a query: a word, or a phrase in quotes (several words that must follow each other).

    `stems` are the words' stems; `prefix` is the last word of an unquoted query typed so far ("hemsj"), which
    also matches any word beginning with it."""

    stems: tuple[str, ...]
    prefix: str = ""


# Quotation marks a Swedish keyboard, smart punctuation (iOS, macOS, Word) or the page's own echo of a query give:
# each starts or ends a phrase as '"' does.
_QUOTES = str.maketrans(dict.fromkeys("”“„»«", '"'))


@dataclass(frozen=True)
class Reading:
    """How a query is read: its `terms` (at most MAX_TERMS), how many terms past those were `ignored`, and
    `whole_word`: the last word, as written, when it is searched as a whole word only, being unquoted and shorter than
    MIN_PREFIX (the page says so), else ""."""

    terms: list[Term]
    ignored: int = 0
    whole_word: str = ""


def _as_written(part: str, found: list[str]) -> str:
    """The last of `found` (the folded words of `part`) as the reader wrote it ("Ål", not "ål"); the folded word
    when folding changed where the words begin and end."""
    written = [w for run in _WORD.findall(unicodedata.normalize("NFC", part)) for w in run.split("_") if w]
    return written[-1] if len(written) == len(found) else found[-1]


def read(query: str) -> Reading:
    """The terms of a search query: quoted parts ('"', ”, “, „, » or «) are phrases, other words are single
    terms; every term must match. The last unquoted word also matches as a prefix when it has at least MIN_PREFIX
    letters. At most MAX_TERMS terms; none for a query with no words."""
    terms: list[Term] = []
    parts = query.translate(_QUOTES).split('"')
    last_word: tuple[int, str, str] | None = None
    for index, part in enumerate(parts):
        quoted = index % 2 == 1 and index < len(parts) - 1  # an unclosed quote counts as no quote
        found = words(part)
        if not found:
            continue
        if quoted:
            terms.append(Term(tuple(stem(w) for w in found)))
        else:
            for w in found:
                terms.append(Term((stem(w),)))
            last_word = (len(terms) - 1, found[-1], _as_written(part, found))
    whole_word = ""
    if last_word is not None and last_word[0] == len(terms) - 1 and last_word[0] < MAX_TERMS:
        position, word, written = last_word
        if len(word) >= MIN_PREFIX:
            terms[position] = Term(terms[position].stems, prefix=word)
        else:
            whole_word = written
    return Reading(terms[:MAX_TERMS], max(len(terms) - MAX_TERMS, 0), whole_word)


def parse(query: str) -> list[Term]:
    """The terms of a search query (`read`)."""
    return read(query).terms
