"""No personal identity numbers in what is published: the check before an agenda, minutes or a document go out.

What is checked is everything that is not confidential (a confidential item or document is the way to keep a
number that must stay, under OSL): the meeting's title and place, each item's title, presenters and background,
and for minutes also its minutes text, decision and the attendance notes; each document's title, file name and
extracted text. The numbers are found by `lib.personal_numbers` (SKV 704/707: date and Luhn check)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samverkan.lib.personal_numbers import find_personal_numbers
from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import document_visibility
from samverkan.meetings.models import AgendaItem, Document, Meeting
from samverkan.meetings.numbering import is_continuous, paragraph_label


def _has_number(*texts: str) -> bool:
    return any(find_personal_numbers(text) for text in texts)


def item_place(item: AgendaItem, continuous: bool) -> str:
    """How a message names an item: "§ 12 Lägesbild" (or "2 Lägesbild" per meeting)."""
    return f"{paragraph_label(item.number, continuous)} {item.title}".strip()


def document_places(documents: Iterable[Document]) -> list[str]:
    """The documents (not confidential, as `access.document_visibility` weighs them) whose title, file name
    or text holds a personal identity number, or whose text the worker has not read yet (so it is unchecked),
    named as a message names them. Needs item and meeting loaded."""
    places = []
    for d in documents:
        if document_visibility(d) == Visibility.CONFIDENTIAL:
            continue
        name = d.title or d.original_name
        if _has_number(d.title, d.original_name, d.text):
            places.append(_("handlingen ”%(name)s”") % {"name": name})
        elif d.text_state == Document.TextState.WAITING:  # not checked yet: the worker has not read its text
            places.append(
                _("handlingen ”%(name)s” (texten är inte granskad ännu; försök igen om en stund)") % {"name": name}
            )
    return places


def personal_number_places(meeting: Meeting, *, minutes: bool) -> list[str]:
    """Where the meeting's agenda (and, with `minutes`, its minutes) and documents hold a personal identity
    number outside confidential records, as phrases for a message. A fixed number of queries."""
    continuous = is_continuous(meeting.body)
    places = []
    if _has_number(meeting.title, meeting.place):
        places.append(_("mötets rubrik eller plats"))
    for item in meeting.items.exclude(visibility=Visibility.CONFIDENTIAL):
        texts = [item.title, item.presenters, item.background]
        if minutes:
            texts += [item.minutes, item.decision]
        if _has_number(*texts):
            places.append(item_place(item, continuous))
    if minutes and _has_number(*meeting.attendance.values_list("note", flat=True)):
        places.append(_("närvarolistans anteckningar"))
    places += document_places(meeting.documents.select_related("item", "meeting"))
    return places


def refusal(places: list[str]) -> str:
    """The Swedish message that stops publishing, naming where the numbers are."""
    return _(
        "Publiceringen stoppades: personnummer eller samordningsnummer finns i %(places)s. Ta bort numren eller "
        "sekretessmarkera ärendet eller handlingen. Inget har publicerats."
    ) % {"places": "; ".join(places)}


def check_saved_record(record: object, meeting: Meeting) -> None:
    """Raise ValidationError (`refusal`) when a record just saved on a meeting whose agenda is public (the meeting
    itself, or an agenda item that is not confidential) holds a personal identity number in what the agenda
    shows: the meeting's title and place, the item's title, presenters and background. No query."""
    if isinstance(record, Meeting) and _has_number(record.title, record.place):
        raise ValidationError(refusal([_("mötets rubrik eller plats")]))
    if (
        isinstance(record, AgendaItem)
        and record.visibility != Visibility.CONFIDENTIAL
        and _has_number(record.title, record.presenters, record.background)
    ):
        raise ValidationError(refusal([item_place(record, is_continuous(meeting.body))]))


def check_correction(item: AgendaItem) -> None:
    """Raise ValidationError when a correction of locked minutes would leave a personal identity number in an item
    that is not confidential: its title, presenters, background, minutes text or decision. Published minutes
    show a correction at once (no publishing step checks it again), so it is refused as publishing is; making
    the item confidential in the same correction is the way to keep such a number (OSL 21:1). No query."""
    if item.visibility != Visibility.CONFIDENTIAL and _has_number(
        item.title, item.presenters, item.background, item.minutes, item.decision
    ):
        raise ValidationError(
            _(
                "Rättelsen stoppades: personnummer eller samordningsnummer finns i %(place)s. Ta bort numren eller "
                "sekretessmarkera ärendet. Inget har sparats."
            )
            % {"place": item_place(item, is_continuous(item.meeting.body))}
        )


def check_before_publishing(meeting: Meeting, *, minutes: bool) -> None:
    """Raise ValidationError (`refusal`) when what is about to be published holds a personal identity number."""
    places = personal_number_places(meeting, minutes=minutes)
    if places:
        raise ValidationError(refusal(places))
