"""The shapes the parser works with: the output objects of FORMAT.md as TypedDicts (at run time plain dicts
and lists, ready for json.dumps), and the positions that several modules find in text as NamedTuples."""

from typing import NamedTuple, NotRequired, TypedDict


class Person(TypedDict):
    """One entry of `attendance`."""

    name: str
    principal: str | None
    party: str | None
    group: str
    status: str
    substitute_for: str | None
    note: str | None


class ParagraphRange(TypedDict):
    """`paragraphs`: the range of item numbers the header states."""

    first: int
    last: int


class Item(TypedDict):
    """One entry of `items`."""

    number: str | None
    title: str | None
    presenters: list[str]
    outcome: str
    decisions: list[str]
    attachments: list[str]
    # Only with parse_text(item_text=True): the item's own text besides its decisions.
    text: NotRequired[str]
    # The item's body while the parser works; removed before the result is returned.
    _body: NotRequired[str]


class Assignment(TypedDict):
    """One entry of `assignments`."""

    item: str | None
    assignee: str
    task: str
    due: str | None
    report_to: str | None


class Recommendation(TypedDict):
    """One entry of `recommendations`."""

    item: str | None
    text: str
    addressees: str


class Minutes(TypedDict):
    """The parser's output for one document (FORMAT.md)."""

    body: str | None
    document_kind: str
    dates: list[str]
    start_time: str | None
    end_time: str | None
    location: str | None
    paragraphs: ParagraphRange | None
    chair: str | None
    secretary: str | None
    adjusters: list[str]
    attendance: list[Person]
    items: list[Item]
    attachments: list[str]
    assignments: list[Assignment]
    recommendations: list[Recommendation]
    next_meeting: str | None


class DateAt(NamedTuple):
    """A date found in text: where it starts and the date as YYYY-MM-DD (XXXX for an unknown year)."""

    position: int
    iso: str


class TimeRangeAt(NamedTuple):
    """A time range found in text: where it starts, its start and its end as HH:MM."""

    position: int
    start: str
    end: str


class Span(NamedTuple):
    """A stretch of a document: from `start` up to (not including) `end`."""

    start: int
    end: int


class TextAt(NamedTuple):
    """A piece of text found in a document (a list heading, a section title): where it starts and ends, and the
    text itself."""

    start: int
    end: int
    text: str
